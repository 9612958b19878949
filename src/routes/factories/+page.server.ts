import { todayInChina } from '$lib/format';
import { listTownships } from '$lib/server/divisions';
import { countyFactories, FACTORY_STATUSES } from '$lib/server/factories';
import { requireRole } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin');
	const params = event.url.searchParams;
	const filter = {
		townshipCode: params.get('township')?.trim() ?? '',
		status: params.get('status')?.trim() ?? ''
	};
	const { db } = await database();
	const [view, townships] = await Promise.all([
		countyFactories(db, user, todayInChina(), filter),
		listTownships(db, user.countyCode)
	]);
	return {
		filter,
		view,
		statuses: [...FACTORY_STATUSES],
		townships: townships.map((t) => ({ code: t.code, name: t.name }))
	};
};
