import { json } from '@sveltejs/kit';
import { searchText } from '$lib/input';
import { orNotFound } from '$lib/server/http';
import { searchPickers } from '$lib/server/planting';
import { requireProgramStaff } from '$lib/server/planting-http';
import { database } from '$lib/server/startup';
import type { RequestHandler } from './$types';

/** Pickers matching what the station typed (last 4 of the ID, phone, or name [village]). */
export const GET: RequestHandler = async (event) => {
	const user = await requireProgramStaff(event);
	const { db } = await database();
	const query = searchText(event.url.searchParams.get('q'));
	const station = event.url.searchParams.get('station');
	const matches = await orNotFound(event, searchPickers(db, user, query, station || null));
	return json({ matches }, { headers: { 'cache-control': 'no-store' } });
};
