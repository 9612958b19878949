import { todayInChina } from '$lib/format';
import { currentSeason, listStations, seasonDashboard } from '$lib/server/planting';
import { requireProgramStaff } from '$lib/server/planting-http';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

/** The program's front page: this season's rates and totals, and where to go next. */
export const load: PageServerLoad = async (event) => {
	const user = await requireProgramStaff(event);
	const { db } = await database();
	const today = todayInChina();
	const [season, stations] = await Promise.all([
		currentSeason(db, user.countyId, today),
		listStations(db, user)
	]);
	const dashboard = season ? await seasonDashboard(db, user, season.id) : null;
	return {
		isAdmin: user.role === 'county_admin',
		today,
		season: season && {
			id: season.id,
			year: season.year,
			startsOn: season.startsOn,
			endsOn: season.endsOn,
			firstYearSubsidyFenPerMu: season.firstYearSubsidyFenPerMu,
			laterYearSubsidyFenPerMu: season.laterYearSubsidyFenPerMu,
			pickingRateFenPerKg: season.pickingRateFenPerKg,
			seedlingsPerMu: season.seedlingsPerMu
		},
		stations: stations.length,
		totals: dashboard && {
			picking: dashboard.picking,
			planting: dashboard.planting,
			subsidies: dashboard.subsidies
		}
	};
};
