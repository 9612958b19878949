import { redirect } from '@sveltejs/kit';
import { database } from '$lib/server/startup';
import { findCountyByCode, listTownships } from '$lib/server/divisions';
import { countHouseholds, householdsByTownship } from '$lib/server/households';
import { todayInChina } from '$lib/format';
import { ownerHome } from '$lib/server/factories';
import type { UserActor } from '$lib/server/auth/actor';
import type { Db } from '$lib/server/db';
import { standingCounts } from '$lib/server/income/standing-read';
import { monitoringLineFor } from '$lib/server/settings';
import { openWarningCounts } from '$lib/server/warnings/counts';
import { gridHome } from '$lib/server/warnings/queue';
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

/** One address, a home made for each role; a visitor sees what Levee is and signs in. */
export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user;
	if (!user) return { home: 'visitor' as const };
	const { db } = await database();
	switch (user.role) {
		case 'county_admin': {
			const [county, townships, counts, loop] = await Promise.all([
				findCountyByCode(db, user.countyCode),
				listTownships(db, user.countyCode),
				countHouseholds(db, user.countyId),
				loopSummary(db, user)
			]);
			return {
				home: 'county_admin' as const,
				loop,
				county,
				townships: townships.length,
				villages: townships.reduce((sum, t) => sum + t.villageCount, 0),
				...counts
			};
		}
		case 'township_staff': {
			const [townships, counts, loop] = await Promise.all([
				listTownships(db, user.countyCode),
				householdsByTownship(db, user),
				loopSummary(db, user)
			]);
			return {
				home: 'township_staff' as const,
				loop,
				townships: townships
					.filter((t) => user.townshipCodes.includes(t.code))
					.map((t) => ({
						code: t.code,
						name: t.name,
						villages: t.villageCount,
						households: counts.find((c) => c.townshipCode === t.code)?.households ?? 0
					}))
			};
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
