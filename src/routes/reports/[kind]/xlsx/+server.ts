import { todayInChina } from '$lib/format';
import { orNotFound, readForm, requireRole } from '$lib/server/http';
import { attachmentHeader, exportReport } from '$lib/server/reports';
import { readReportParams } from '$lib/server/reports/forms';
import { database } from '$lib/server/startup';
import type { RequestHandler } from './$types';

/** The report as XLSX. A POST, because every export is audited (a GET could be preloaded). */
export const POST: RequestHandler = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff');
	const data = await readForm(event);
	const { db } = await database();
	const params = readReportParams(data, todayInChina());
	const file = await orNotFound(event, exportReport(db, user, event.params.kind, params));
	return new Response(file.body as Uint8Array<ArrayBuffer>, {
		headers: {
			'content-type': file.contentType,
			'content-disposition': attachmentHeader(file),
			'cache-control': 'no-store'
		}
	});
};
