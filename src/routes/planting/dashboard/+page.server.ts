import { todayInChina } from '$lib/format';
import { orNotFound } from '$lib/server/http';
import { currentSeason, listSeasons, seasonDashboard } from '$lib/server/planting';
import { requireProgramStaff } from '$lib/server/planting-http';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireProgramStaff(event);
	const { db } = await database();
	const seasons = await listSeasons(db, user);
	const asked = event.url.searchParams.get('season');
	const current = await currentSeason(db, user.countyId, todayInChina());
	const season = seasons.find((s) => s.id === asked) ?? seasons.find((s) => s.id === current?.id);
	return {
		seasons: seasons.map((s) => ({ id: s.id, year: s.year })),
		dashboard: season ? await orNotFound(event, seasonDashboard(db, user, season.id)) : null
	};
};
