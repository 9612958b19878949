import { json } from '@sveltejs/kit';
import { searchText } from '$lib/input';
import { DomainError } from '$lib/server/errors';
import { orNotFound } from '$lib/server/http';
import { searchPickers } from '$lib/server/planting';
import { requireProgramStaff } from '$lib/server/planting-http';
import { database } from '$lib/server/startup';
import { translate } from '$lib/i18n';
import type { RequestHandler } from './$types';

/**
 * Pickers matching what the station typed (last 4 of the ID, phone, ID, or name [village]),
 * most likely picker first. Text that cannot be a search answers with a message, not an
 * error status: the screen shows it under the box.
 */
export const GET: RequestHandler = async (event) => {
	const user = await requireProgramStaff(event);
	const { db } = await database();
	const query = searchText(event.url.searchParams.get('q'));
	const station = event.url.searchParams.get('station');
	const day = event.url.searchParams.get('date');
	const headers = { 'cache-control': 'no-store' };
	try {
		const matches = await orNotFound(event, searchPickers(db, user, query, station || null, day));
		return json({ matches, problem: null }, { headers });
	} catch (caught) {
		if (!(caught instanceof DomainError) || caught.code !== 'invalid') throw caught;
		const issue = caught.issues[0];
		return json({ matches: [], problem: translate(issue.key, issue.params) }, { headers });
	}
};
