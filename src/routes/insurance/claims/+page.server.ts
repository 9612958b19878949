import { searchText } from '$lib/input';
import { requireRole } from '$lib/server/http';
import { listClaims } from '$lib/server/insurance';
import { CLAIM_REPORTERS } from '$lib/server/insurance-http';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, ...CLAIM_REPORTERS);
	const { db } = await database();
	const status = searchText(event.url.searchParams.get('status'), 20);
	const queue = await listClaims(db, user, { status });
	return { status, ...queue };
};
