import { todayInChina } from '$lib/format';
import { orNotFound, requireRole } from '$lib/server/http';
import { countyAttribution } from '$lib/server/income/attribution';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

/** Which program brought how much, and which lifted households above the line. */
export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff');
	const { db } = await database();
	const today = todayInChina();
	const thisYear = Number(today.slice(0, 4));
	// Only this year or one of the four before it; anything else reads as this year.
	const asked = Number(event.url.searchParams.get('year'));
	const year =
		Number.isInteger(asked) && asked <= thisYear && asked >= thisYear - 4 ? asked : thisYear;
	const onDate = year === thisYear ? today : `${year}-12-31`;
	const result = await orNotFound(event, countyAttribution(db, user, year, onDate));
	return {
		county: user.role === 'county_admin',
		years: Array.from({ length: 5 }, (_, i) => thisYear - i),
		attribution: result
	};
};
