import { redirect } from '@sveltejs/kit';
import { database } from '$lib/server/startup';
import { findCountyByCode, listTownships } from '$lib/server/divisions';
import { todayInChina } from '$lib/format';
import { ownerHome } from '$lib/server/factories';
import type { UserActor } from '$lib/server/auth/actor';
import type { Db } from '$lib/server/db';
import { standingCounts } from '$lib/server/income/standing-read';
import { monitoringLineFor } from '$lib/server/settings';
import { openWarningCounts } from '$lib/server/warnings/counts';
import { gridHome } from '$lib/server/warnings/queue';
import { canSeeTownship } from '$lib/server/auth/scope';
import { countyDashboard } from '$lib/server/dashboard';
import { getCountyOptions } from '$lib/server/monitoring';
import { searchText } from '$lib/input';
import { optionName } from '$lib/labels';
import { getLocale } from '$lib/paraglide/runtime';
import type { PageServerLoad } from './$types';

/** Who is below the line and what is open, in the person's area: counts from indexed tables. */
async function loopSummary(db: Db, user: UserActor) {
	const today = todayInChina();
	const year = Number(today.slice(0, 4));
	const [standings, warnings, lineFen] = await Promise.all([
		standingCounts(db, user),
		openWarningCounts(db, user, today),
		monitoringLineFor(db, user.countyId, year)
	]);
	return { standings, warnings, line: { year, lineFen } };
}

/**
 * The dashboard of the admin's and the township staff's homes, filtered by the GET form
 * (township, category, months), so a view can be shared as its address.
 */
async function dashboardFor(db: Db, user: UserActor, params: URLSearchParams) {
	const filter = {
		township: searchText(params.get('township'), 9),
		category: searchText(params.get('category'), 40),
		from: searchText(params.get('from'), 10),
		to: searchText(params.get('to'), 10)
	};
	const [dashboard, townships, options] = await Promise.all([
		countyDashboard(db, user, {
			from: filter.from || undefined,
			to: filter.to || undefined,
			townshipCodes: filter.township ? [filter.township] : [],
			category: filter.category || undefined
		}),
		listTownships(db, user.countyCode),
		getCountyOptions(db, user.countyId)
	]);
	const locale = getLocale();
	return {
		dashboard,
		townships: townships
			.filter((t) => canSeeTownship(user, t.code))
			.map((t) => ({ code: t.code, name: t.name })),
		categories: options.category.map((c) => ({
			code: c.code,
			name: optionName(options.category, c.code, locale)
		})),
		// The form shows what was applied: the months of the period, a township in scope.
		filter: {
			township: dashboard.townshipFilter.length === 1 ? dashboard.townshipFilter[0] : '',
			category: dashboard.category ?? '',
			from: dashboard.period.from.slice(0, 7),
			to: dashboard.period.to.slice(0, 7)
		},
		isAdmin: user.role === 'county_admin'
	};
}

/** One address, a home made for each role; a visitor sees what Levee is and signs in. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user;
	if (!user) return { home: 'visitor' as const };
	const { db } = await database();
	switch (user.role) {
		case 'county_admin': {
			const [county, loop, dashboard] = await Promise.all([
				findCountyByCode(db, user.countyCode),
				loopSummary(db, user),
				dashboardFor(db, user, url.searchParams)
			]);
			return { home: 'county_admin' as const, loop, county, ...dashboard };
		}
		case 'township_staff': {
			const [loop, dashboard] = await Promise.all([
				loopSummary(db, user),
				dashboardFor(db, user, url.searchParams)
			]);
			return { home: 'township_staff' as const, loop, ...dashboard };
		}
		case 'factory_owner':
			return {
				home: 'factory_owner' as const,
				name: user.label,
				factories: await ownerHome(db, user, todayInChina())
			};
		case 'grid_member':
			return {
				home: 'grid_member' as const,
				name: user.label,
				grid: await gridHome(db, user, todayInChina())
			};
		case 'household':
			// The family's own pages, not the staff's.
			redirect(303, '/my');
	}
};
