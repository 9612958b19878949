import { orNotFound, requireHouseholdPageUser } from '$lib/server/http';
import { ownEntry } from '$lib/server/households/own-account';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireHouseholdPageUser(event);
	const { db } = await database();
	return { entry: await orNotFound(event, ownEntry(db, user, event.params.entry)) };
};
