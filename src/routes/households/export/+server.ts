import { error } from '@sveltejs/kit';
import { searchText } from '$lib/input';
import { exportHouseholds } from '$lib/server/households/export';
import { formText, readForm, requireRole } from '$lib/server/http';
import { longRunning } from '$lib/server/db/long';
import { database } from '$lib/server/startup';
import { todayInChina } from '$lib/format';
import { translate } from '$lib/i18n';
import type { RequestHandler } from './$types';

/**
 * The filtered list as CSV or XLSX. A POST, because an export is audited (and may reveal
 * identity numbers); the filters come as form fields from the list page.
 */
export const POST: RequestHandler = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff');
	const data = await readForm(event);
	const format = formText(data, 'format');
	if (format !== 'csv' && format !== 'xlsx') error(400, translate('export_error_format'));
	const { db } = await database();
	const file = await longRunning(db, (tx) =>
		exportHouseholds(
			tx,
			user,
			{
				query: searchText(formText(data, 'q')),
				townshipCode: searchText(formText(data, 'township')),
				villageCode: searchText(formText(data, 'village')),
				category: searchText(formText(data, 'category')),
				risk: searchText(formText(data, 'risk')),
				status: searchText(formText(data, 'status')),
				standing: searchText(formText(data, 'standing'))
			},
			format,
			formText(data, 'reveal') === '1',
			todayInChina()
		)
	);
	return new Response(file.body as Uint8Array<ArrayBuffer>, {
		headers: {
			'content-type': file.contentType,
			'content-disposition': `attachment; filename="${file.fileName}"`,
			'cache-control': 'no-store'
		}
	});
};
