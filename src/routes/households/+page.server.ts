import { canSeeTownship } from '$lib/server/auth/scope';
import { searchText } from '$lib/input';
import { listTownships, listVillages } from '$lib/server/divisions';
import { listHouseholds } from '$lib/server/households';
import { requireRole } from '$lib/server/http';
import { getCountyOptions } from '$lib/server/monitoring';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 25;

export const load: PageServerLoad = async (event) => {
	// Grid members see the households of their villages (householdScope), and add none.
	const user = await requireRole(event, 'county_admin', 'township_staff', 'grid_member');
	const params = event.url.searchParams;
	const text = (name: string) => searchText(params.get(name));
	const filter = {
		query: text('q'),
		townshipCode: text('township'),
		villageCode: text('village'),
		category: text('category'),
		risk: text('risk'),
		status: text('status'),
		standing: text('standing'),
		assistedFrom: text('assisted_from'),
		assistedTo: text('assisted_to')
	};
	// A village left over from another township would hide the township's other villages.
	if (!filter.villageCode.startsWith(filter.townshipCode)) filter.villageCode = '';
	const page = Math.max(1, Number.parseInt(text('page'), 10) || 1);
	const { db } = await database();
	const [list, townships, villages, options] = await Promise.all([
		listHouseholds(db, user, filter, page, PAGE_SIZE),
		listTownships(db, user.countyCode),
		filter.townshipCode && canSeeTownship(user, filter.townshipCode)
			? listVillages(db, user.countyCode, filter.townshipCode)
			: Promise.resolve([]),
		getCountyOptions(db, user.countyId)
	]);
	return {
		filter,
		list,
		townships: townships
			.filter((t) => canSeeTownship(user, t.code))
			.map((t) => ({ code: t.code, name: t.name })),
		villages: villages.map((v) => ({ code: v.code, name: v.name })),
		options,
		isAdmin: user.role === 'county_admin',
		canAdd: user.role !== 'grid_member'
	};
};
