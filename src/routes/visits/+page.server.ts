import { todayInChina } from '$lib/format';
import { searchText } from '$lib/input';
import { requireRole } from '$lib/server/http';
import { listHouseholds } from '$lib/server/households';
import { database } from '$lib/server/startup';
import { visitsByOn, visitStats } from '$lib/server/warnings/visits';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 40;
/** A household visited within this many days counts as visited recently. */
const RECENT_DAYS = 30;

/** The households of my villages to visit: who was seen lately and who has open warnings. */
export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff', 'grid_member');
	const query = searchText(event.url.searchParams.get('q'));
	const page = Math.max(
		1,
		Number.parseInt(searchText(event.url.searchParams.get('page')), 10) || 1
	);
	const today = todayInChina();
	const { db } = await database();
	const [list, visitsToday] = await Promise.all([
		listHouseholds(db, user, { query }, page, PAGE_SIZE),
		visitsByOn(db, user, today)
	]);
	const stats = await visitStats(
		db,
		user.countyId,
		list.items.map((h) => h.id)
	);
	const recentSince = new Date(`${today}T00:00:00Z`);
	recentSince.setUTCDate(recentSince.getUTCDate() - RECENT_DAYS);
	const since = recentSince.toISOString().slice(0, 10);
	return {
		query,
		today,
		visitsToday,
		recentDays: RECENT_DAYS,
		list: {
			...list,
			items: list.items.map((h) => {
				const lastVisit = stats.lastVisit.get(h.id) ?? null;
				return {
					id: h.id,
					headName: h.headName,
					householdNumber: h.householdNumber,
					villageName: h.villageName,
					status: h.status,
					category: h.category,
					lastVisit,
					visitedRecently: lastVisit !== null && lastVisit >= since,
					openWarnings: stats.openWarnings.get(h.id) ?? 0
				};
			})
		}
	};
};
