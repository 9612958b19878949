import { todayInChina } from '$lib/format';
import { formText, requireRole } from '$lib/server/http';
import { lineYears, listMonitoringLines, saveMonitoringLine } from '$lib/server/settings/line';
import { settingsAction } from '$lib/server/settings-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin');
	const { db } = await database();
	const today = todayInChina();
	return {
		lines: await listMonitoringLines(db, user),
		thisYear: Number(today.slice(0, 4)),
		years: lineYears(today)
	};
};

export const actions: Actions = {
	save: settingsAction('line', ['year', 'line'], async ({ user, db, data, today }) => ({
		result: await saveMonitoringLine(
			db,
			user,
			{ year: formText(data, 'year'), line: formText(data, 'line') },
			today
		)
	}))
};
