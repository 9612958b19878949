import { error, redirect } from '@sveltejs/kit';
import {
	applyImport,
	MAX_CSV_BYTES,
	MAX_XLSX_BYTES,
	previewImport,
	type ImportFile
} from '$lib/server/households/import';
import { DomainError } from '$lib/server/errors';
import { failFromDomain, readForm, requireRole } from '$lib/server/http';
import {
	isMultipart,
	MultipartError,
	readMultipartStreaming,
	UploadTooLargeError
} from '$lib/server/multipart';
import { longRunning } from '$lib/server/db/long';
import { database } from '$lib/server/startup';
import { translate } from '$lib/i18n';
import { todayInChina } from '$lib/format';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	await requireRole(event, 'county_admin');
	return { maxCsvMb: MAX_CSV_BYTES / 1024 / 1024, maxXlsxMb: MAX_XLSX_BYTES / 1024 / 1024 };
};

const tooLarge = () =>
	DomainError.invalid('file', 'import_file_too_large', { limitMb: MAX_CSV_BYTES / 1024 / 1024 });

/** The status a body-read failure deserves (adapter-node's BODY_SIZE_LIMIT answers 413). */
function tooLargeBody(caught: unknown): boolean {
	for (let e = caught; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
		if ((e as { status?: unknown }).status === 413) return true;
	}
	return false;
}

interface PostedImport {
	file: ImportFile;
	name: string;
	fields: { get(name: string): string };
	/** Removes the upload's temporary file. */
	dispose(): Promise<void>;
}

/**
 * The posted form with its file. A multipart upload is streamed to a temporary file while
 * it is hashed (a county file is 30–40 MB: never held in memory); anything else is read as
 * a form, which has no file. A file larger than the import takes (the CSV limit; an XLSX's
 * own, smaller one is checked when it is read) or than the server takes (BODY_SIZE_LIMIT,
 * README) is refused while it is read: the page's own message, not an error page.
 */
async function postedImport(event: RequestEvent): Promise<PostedImport> {
	if (!isMultipart(event.request.headers.get('content-type'))) {
		// A form without a multipart body has no file (and readForm answers a broken body).
		await readForm(event, tooLarge());
		throw DomainError.invalid('file', 'import_file_missing');
	}
	let form;
	try {
		form = await readMultipartStreaming(event.request, 'file', MAX_CSV_BYTES);
	} catch (caught) {
		if (caught instanceof UploadTooLargeError || tooLargeBody(caught)) throw tooLarge();
		if (caught instanceof MultipartError) error(400, translate('input_error_bad_request'));
		throw caught;
	}
	const fields = { get: (name: string) => form.fields.get(name) ?? '' };
	try {
		const file = form.file;
		// A browser sends an unnamed empty part when no file was chosen; a chosen file that has
		// no bytes is empty, which is a different thing to tell the person.
		if (file === null || (file.size === 0 && file.name === ''))
			throw DomainError.invalid('file', 'import_file_missing');
		if (file.size === 0) throw DomainError.invalid('file', 'import_file_empty');
		return { file, name: file.name, fields, dispose: form.dispose };
	} catch (caught) {
		await form.dispose();
		throw caught;
	}
}

export const actions: Actions = {
	preview: async (event) => {
		const user = await requireRole(event, 'county_admin');
		const { db } = await database();
		try {
			const posted = await postedImport(event);
			try {
				return {
					preview: await longRunning(db, (tx) =>
						previewImport(tx, user, posted.file, posted.name, todayInChina())
					),
					fileName: posted.name
				};
			} finally {
				await posted.dispose();
			}
		} catch (caught) {
			return failFromDomain(event, caught);
		}
	},
	apply: async (event) => {
		const user = await requireRole(event, 'county_admin');
		const { db } = await database();
		let result;
		try {
			const posted = await postedImport(event);
			try {
				result = await longRunning(db, (tx) =>
					applyImport(
						tx,
						user,
						posted.file,
						posted.name,
						posted.fields.get('fileHash'),
						todayInChina()
					)
				);
			} finally {
				await posted.dispose();
			}
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
