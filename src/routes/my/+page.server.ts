import { todayInChina } from '$lib/format';
import { orNotFound, requireHouseholdPageUser } from '$lib/server/http';
import { ownHome } from '$lib/server/households/own-account';
import { ownReports } from '$lib/server/households/self-report';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireHouseholdPageUser(event);
	const { db } = await database();
	const today = todayInChina();
	const [home, reports] = await orNotFound(
		event,
		Promise.all([ownHome(db, user, today), ownReports(db, user, 3)])
	);
	return { ...home, reports: reports.filter((r) => r.progress !== 'done'), today };
};
