import { todayInChina } from '$lib/format';
import { orNotFound, readForm, requireRole } from '$lib/server/http';
import { exportPolicies } from '$lib/server/insurance';
import { INSURANCE_STAFF } from '$lib/server/insurance-http';
import { database } from '$lib/server/startup';
import type { RequestHandler } from './$types';

/** The enrolment list for the insurer as XLSX. A POST: every export is audited. */
export const POST: RequestHandler = async (event) => {
	const user = await requireRole(event, ...INSURANCE_STAFF);
	await readForm(event);
	const { db } = await database();
	const file = await orNotFound(
		event,
		exportPolicies(db, user, event.params.scheme, todayInChina())
	);
	return new Response(file.body as Uint8Array<ArrayBuffer>, {
		headers: {
			'content-type': file.contentType,
			'content-disposition': `attachment; filename="${file.fileName}"`,
			'cache-control': 'no-store'
		}
	});
};
