import { importTemplate } from '$lib/server/households/export';
import { requireRole } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** The national registry's columns, empty, as CSV or XLSX. */
export const GET: RequestHandler = async (event) => {
	await requireRole(event, 'county_admin');
	const format = event.url.searchParams.get('format') === 'xlsx' ? 'xlsx' : 'csv';
	const file = await importTemplate(format);
	return new Response(file.body as Uint8Array<ArrayBuffer>, {
		headers: {
			'content-type': file.contentType,
			'content-disposition': `attachment; filename="${file.fileName}"`
		}
	});
};
