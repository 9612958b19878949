import { canSeeTownship } from '$lib/server/auth/scope';
import { listTownships, listVillages } from '$lib/server/divisions';
import { listPlots } from '$lib/server/planting';
import { requireProgramStaff } from '$lib/server/planting-http';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

export const load: PageServerLoad = async (event) => {
	const user = await requireProgramStaff(event);
	const params = event.url.searchParams;
	const get = (name: string) => params.get(name)?.trim() ?? '';
	const status = get('status');
	const filter = {
		townshipCode: get('township'),
		villageCode: get('village'),
		status: (status === 'retired' || status === 'all' ? status : 'active') as
			'active' | 'retired' | 'all'
	};
	if (!filter.villageCode.startsWith(filter.townshipCode)) filter.villageCode = '';
	const page = Math.max(1, Number.parseInt(get('page'), 10) || 1);
	const { db } = await database();
	const [list, townships, villages] = await Promise.all([
		listPlots(db, user, filter, page, PAGE_SIZE),
		listTownships(db, user.countyCode),
		filter.townshipCode && canSeeTownship(user, filter.townshipCode)
			? listVillages(db, user.countyCode, filter.townshipCode)
			: Promise.resolve([])
	]);
	return {
		filter,
		list,
		townships: townships
			.filter((t) => canSeeTownship(user, t.code))
			.map((t) => ({ code: t.code, name: t.name })),
		villages: villages.map((v) => ({ code: v.code, name: v.name }))
	};
};
