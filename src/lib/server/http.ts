import { error, fail, type ActionFailure } from '@sveltejs/kit';
import { translate } from '../i18n';
import { DomainError } from './errors';

export interface FormFailure {
	message: string;
	errors: Record<string, string>;
	values?: Record<string, string>;
}

/**
 * Turns a DomainError into the answer a route gives: field messages in the person's
 * language (400/409) or a 404. Anything else is unexpected and goes to handleError.
 */
export function failFromDomain(
	caught: unknown,
	values?: Record<string, string>
): ActionFailure<FormFailure> {
	if (!(caught instanceof DomainError)) throw caught;
	if (caught.code === 'not_found') error(404, translate('error_not_found'));
	const errors: Record<string, string> = {};
	for (const issue of caught.issues) errors[issue.field] ??= translate(issue.key, issue.params);
	return fail(caught.code === 'conflict' ? 409 : 400, {
		message: translate('error_form'),
		errors,
		values
	});
}

/** The submitted text fields of a form, for echoing back beside the errors. */
export function formValues(data: FormData, fields: string[]): Record<string, string> {
	return Object.fromEntries(fields.map((f) => [f, String(data.get(f) ?? '')]));
}

/** For loads: a record that is missing or out of scope answers 404. */
export async function orNotFound<T>(work: Promise<T>): Promise<T> {
	try {
		return await work;
	} catch (caught) {
		if (caught instanceof DomainError && caught.code === 'not_found') {
			error(404, translate('error_not_found'));
		}
		throw caught;
	}
}
