import { json } from '@sveltejs/kit';
import { chinaDate } from '$lib/planting';
import { requireUser } from '$lib/server/http';
import { buildRoster } from '$lib/server/sync/roster';
import { database } from '$lib/server/startup';
import type { RequestHandler } from './$types';

/** What the signed-in person's phone keeps for the field screens (see buildRoster). */
export const GET: RequestHandler = async (event) => {
	const user = requireUser(event);
	const { db } = await database();
	return json(await buildRoster(db, user, chinaDate()), {
		headers: { 'cache-control': 'no-store, private' }
	});
};
