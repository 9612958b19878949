import { requireRole } from '$lib/server/http';
import { searchHouseholds } from '$lib/server/households';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff');
	const query = event.url.searchParams.get('q') ?? '';
	const { db } = await database();
	return { query, households: await searchHouseholds(db, user, { query, limit: 50 }) };
};
