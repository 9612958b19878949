import { error } from '@sveltejs/kit';
import { todayInChina } from '$lib/format';
import { translate } from '$lib/i18n';
import { DomainError } from '$lib/server/errors';
import { formText, notFound, readForm } from '$lib/server/http';
import { exportPaymentSheet } from '$lib/server/planting';
import { requireProgramStaff } from '$lib/server/planting-http';
import { database } from '$lib/server/startup';
import type { RequestHandler } from './$types';

/**
 * The payment sheet as XLSX with full identity numbers, for the bank or the township
 * finance office. A POST, because the export is audited.
 */
export const POST: RequestHandler = async (event) => {
	const user = await requireProgramStaff(event);
	const data = await readForm(event);
	const { db } = await database();
	let file;
	try {
		file = await exportPaymentSheet(
			db,
			user,
			{
				stationId: formText(data, 'station') || undefined,
				villageCode: formText(data, 'village') || undefined,
				period: formText(data, 'period'),
				date: formText(data, 'date'),
				which: formText(data, 'which')
			},
			todayInChina()
		);
	} catch (caught) {
		if (!(caught instanceof DomainError)) throw caught;
		if (caught.code === 'not_found') return notFound(event, 'record');
		error(400, translate(caught.issues[0]?.key ?? 'error_form', caught.issues[0]?.params));
	}
	return new Response(file.body as Uint8Array<ArrayBuffer>, {
		headers: {
			'content-type': file.contentType,
			'content-disposition': `attachment; filename="${file.fileName}"`,
			'cache-control': 'no-store'
		}
	});
};
