import { redirect } from '@sveltejs/kit';
import { database } from '$lib/server/startup';
import { findCountyByCode, listTownships } from '$lib/server/divisions';
import { countHouseholds, householdsByTownship } from '$lib/server/households';
import { todayInChina } from '$lib/format';
import { ownerHome } from '$lib/server/factories';
import type { PageServerLoad } from './$types';

/** One address, a home made for each role; a visitor sees what Levee is and signs in. */
export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user;
	if (!user) return { home: 'visitor' as const };
	const { db } = await database();
	switch (user.role) {
		case 'county_admin': {
			const [county, townships, counts] = await Promise.all([
				findCountyByCode(db, user.countyCode),
				listTownships(db, user.countyCode),
				countHouseholds(db, user.countyId)
			]);
			return {
				home: 'county_admin' as const,
				county,
				townships: townships.length,
				villages: townships.reduce((sum, t) => sum + t.villageCount, 0),
				...counts
			};
		}
		case 'township_staff': {
			const [townships, counts] = await Promise.all([
				listTownships(db, user.countyCode),
				householdsByTownship(db, user)
			]);
			return {
				home: 'township_staff' as const,
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
		case 'household':
			// The family's own pages, not the staff's.
			redirect(303, '/my');
	}
};
