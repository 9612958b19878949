import { todayInChina } from '$lib/format';
import { orNotFound, requireRole } from '$lib/server/http';
import { buildReport } from '$lib/server/reports';
import { readReportParams } from '$lib/server/reports/forms';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

/** One report as a printable A4 page. */
export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff');
	const { db } = await database();
	const params = readReportParams(event.url.searchParams, todayInChina());
	const report = await orNotFound(event, buildReport(db, user, event.params.kind, params));
	return { report, townshipCodes: params.townshipCodes ?? [] };
};
