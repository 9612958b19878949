import { todayInChina } from '$lib/format';
import { searchText } from '$lib/input';
import { canSeeTownship } from '$lib/server/auth/scope';
import { listTownships, listVillages } from '$lib/server/divisions';
import { requireRole } from '$lib/server/http';
import { database } from '$lib/server/startup';
import { listWarnings, warningCounts } from '$lib/server/warnings/queue';
import { WARNING_KINDS } from '$lib/server/warnings/schema';
import type { PageServerLoad } from './$types';

/** The queue: the area's warnings by urgency; admins see the county's counts above it. */
export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff', 'grid_member');
	const params = event.url.searchParams;
	const filter = {
		status: searchText(params.get('status'), 20),
		kind: searchText(params.get('kind'), 30),
		township: searchText(params.get('township'), 9),
		village: searchText(params.get('village'), 12),
		on: searchText(params.get('on'), 10),
		from: searchText(params.get('from'), 10),
		to: searchText(params.get('to'), 10),
		category: searchText(params.get('category'), 40)
	};
	if (!filter.village.startsWith(filter.township)) filter.village = '';
	const today = todayInChina();
	const { db } = await database();
	const [items, counts, townships, villages] = await Promise.all([
		listWarnings(db, user, filter, today),
		user.role === 'grid_member' ? null : warningCounts(db, user, today),
		user.role === 'grid_member' ? [] : listTownships(db, user.countyCode),
		filter.township && canSeeTownship(user, filter.township)
			? listVillages(db, user.countyCode, filter.township)
			: Promise.resolve([])
	]);
	return {
		today,
		filter,
		items,
		counts: user.role === 'county_admin' ? counts : null,
		overdue: counts?.overdue ?? items.filter((i) => i.overdue).length,
		kinds: [...WARNING_KINDS],
		townships: townships
			.filter((t) => canSeeTownship(user, t.code))
			.map((t) => ({ code: t.code, name: t.name })),
		villages: villages.map((v) => ({ code: v.code, name: v.name }))
	};
};
