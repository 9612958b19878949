import { todayInChina } from '$lib/format';
import { requireRole } from '$lib/server/http';
import { getCountyOptions } from '$lib/server/monitoring';
import { monitoringLineFor } from '$lib/server/settings';
import { settingsView } from '$lib/server/settings/thresholds';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin');
	const { db } = await database();
	const year = Number(todayInChina().slice(0, 4));
	const [lineFen, settings, options] = await Promise.all([
		monitoringLineFor(db, user.countyId, year),
		settingsView(db, user),
		getCountyOptions(db, user.countyId)
	]);
	return {
		year,
		lineFen,
		rules: settings.rules,
		ceilings: settings.ceilings,
		optionCounts: {
			categories: options.category.length,
			risks: options.risk.length,
			measures: options.measure.length
		}
	};
};
