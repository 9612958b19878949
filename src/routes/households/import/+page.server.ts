import { redirect } from '@sveltejs/kit';
import {
	applyImport,
	MAX_CSV_BYTES,
	MAX_XLSX_BYTES,
	previewImport
} from '$lib/server/households/import';
import { DomainError } from '$lib/server/errors';
import { failFromDomain, formText, readForm, requireRole } from '$lib/server/http';
import { longRunning } from '$lib/server/db/long';
import { database } from '$lib/server/startup';
import { todayInChina } from '$lib/format';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	await requireRole(event, 'county_admin');
	return { maxCsvMb: MAX_CSV_BYTES / 1024 / 1024, maxXlsxMb: MAX_XLSX_BYTES / 1024 / 1024 };
};

/**
 * The posted form. An upload larger than the server takes (BODY_SIZE_LIMIT, README) is
 * refused while it is read: that becomes the page's own message, not an error page.
 */
function postedForm(event: RequestEvent): Promise<FormData> {
	return readForm(
		event,
		DomainError.invalid('file', 'import_file_too_large', { limitMb: MAX_CSV_BYTES / 1024 / 1024 })
	);
}

async function uploadedFile(
	event: RequestEvent,
	data: FormData
): Promise<{ bytes: Uint8Array; name: string }> {
	const file = data.get('file');
	// A browser sends an unnamed empty part when no file was chosen; a chosen file that has
	// no bytes is empty, which is a different thing to tell the person.
	if (!(file instanceof File) || (file.size === 0 && file.name === ''))
		throw DomainError.invalid('file', 'import_file_missing');
	if (file.size === 0) throw DomainError.invalid('file', 'import_file_empty');
	return { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name };
}

export const actions: Actions = {
	preview: async (event) => {
		const user = await requireRole(event, 'county_admin');
		const { db } = await database();
		try {
			const data = await postedForm(event);
			const file = await uploadedFile(event, data);
			return {
				preview: await longRunning(db, (tx) =>
					previewImport(tx, user, file.bytes, file.name, todayInChina())
				),
				fileName: file.name
			};
		} catch (caught) {
			return failFromDomain(event, caught);
		}
	},
	apply: async (event) => {
		const user = await requireRole(event, 'county_admin');
		const { db } = await database();
		let result;
		try {
			const data = await postedForm(event);
			const file = await uploadedFile(event, data);
			result = await longRunning(db, (tx) =>
				applyImport(tx, user, file.bytes, file.name, formText(data, 'fileHash'), todayInChina())
			);
		} catch (caught) {
			return failFromDomain(event, caught);
		}
		const params = new URLSearchParams({
			created: String(result.households.created),
			updated: String(result.households.updated),
			unchanged: String(result.households.unchanged),
			people: String(result.members.created + result.members.updated + result.members.unchanged),
			rejected: String(result.rejectedHouseholds)
		});
		redirect(303, `/households/import/done?${params}`);
	}
};
