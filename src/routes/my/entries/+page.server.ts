import { orNotFound, requireHouseholdPageUser } from '$lib/server/http';
import { ownEntries } from '$lib/server/households/own-account';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireHouseholdPageUser(event);
	const { db } = await database();
	// A page number that is not one shows the first page.
	const page = Number.parseInt(event.url.searchParams.get('page') ?? '1', 10);
	return orNotFound(event, ownEntries(db, user, Number.isSafeInteger(page) ? page : 1));
};
