import { todayInChina } from '$lib/format';
import { searchText } from '$lib/input';
import { exportFactories } from '$lib/server/factories';
import { formText, readForm, requireRole } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { RequestHandler } from './$types';

/** The county view as XLSX. A POST: every export is audited. */
export const POST: RequestHandler = async (event) => {
	const user = await requireRole(event, 'county_admin');
	const data = await readForm(event);
	const { db } = await database();
	const file = await exportFactories(
		db,
		user,
		{
			townshipCode: searchText(formText(data, 'township')),
			status: searchText(formText(data, 'status'))
		},
		todayInChina()
	);
	return new Response(file.body as Uint8Array<ArrayBuffer>, {
		headers: {
			'content-type': file.contentType,
			'content-disposition': `attachment; filename="${file.fileName}"`,
			'cache-control': 'no-store'
		}
	});
};
