import { requireRole } from '$lib/server/http';
import type { PageServerLoad } from './$types';

/** After an import: the counts it wrote, read back from the redirect (a reload changes nothing). */
export const load: PageServerLoad = async (event) => {
	await requireRole(event, 'county_admin');
	const count = (name: string) => Math.max(0, Number(event.url.searchParams.get(name)) || 0);
	return {
		created: count('created'),
		updated: count('updated'),
		unchanged: count('unchanged'),
		people: count('people'),
		rejected: count('rejected')
	};
};
