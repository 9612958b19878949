import { error, fail, redirect, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { translate } from '../i18n';
import type { UserActor } from './auth/actor';
import { DEVICE_COOKIE } from './auth/devices';
import { recordAuthEvent } from './auth/events';
import { hasRole } from './auth/scope';
import type { Role } from './auth/schema';
import { describeError } from './db/errors';
import { DomainError } from './errors';
import { log } from './logger';
import { safeRedirectPath } from './redirect';
import { database } from './startup';

// Glue between routes and domains: who is asking, what they may reach, and how a
// domain error becomes an answer in the person's language.

export interface FormFailure {
	message: string;
	errors: Record<string, string>;
	values?: Record<string, string>;
}

/** The signed-in person, or a redirect to sign in that comes back here afterwards. */
export function requireUser(event: RequestEvent): UserActor {
	const user = event.locals.user;
	if (!user) {
		const next = event.url.pathname + event.url.search;
		redirect(303, `/login?next=${encodeURIComponent(next)}`);
	}
	return user;
}

/**
 * The household's own pages: a visitor is sent to the household's sign-in (phone and PIN,
 * or the card), not the staff's. Whether the person is a household the domain decides.
 */
export function requireHouseholdPageUser(event: RequestEvent): UserActor {
	const user = event.locals.user;
	if (!user) {
		const next = event.url.pathname + event.url.search;
		redirect(303, `/login/household?next=${encodeURIComponent(next)}`);
	}
	return user;
}

/** A person of one of these roles; anyone else is told the page does not exist. */
export async function requireRole(event: RequestEvent, ...roles: Role[]): Promise<UserActor> {
	const user = requireUser(event);
	if (!hasRole(user, ...roles)) await notFound(event, 'role');
	return user;
}

/**
 * Answers 404 and records the refusal: out-of-scope records look exactly like missing
 * ones, but the county can see who tried.
 */
export async function notFound(event: RequestEvent, reason: string): Promise<never> {
	const user = event.locals.user;
	if (user) {
		try {
			const { db } = await database();
			await recordAuthEvent(db, {
				kind: 'refused',
				userId: user.userId,
				countyId: user.countyId,
				ip: clientIp(event),
				detail: { route: event.route.id, method: event.request.method, reason }
			});
		} catch (caught) {
			log.warn('Could not record a refused request', { error: describeError(caught) });
		}
	}
	error(404, translate('error_not_found'));
}

/**
 * For loads: a record that is missing or out of scope answers 404; a query parameter the
 * domain refuses (or the database cannot hold) answers 400 with the message, never a 500.
 */
export async function orNotFound<T>(event: RequestEvent, work: Promise<T>): Promise<T> {
	try {
		return await work;
	} catch (caught) {
		if (caught instanceof DomainError && caught.code === 'not_found') {
			return notFound(event, 'record');
		}
		if (caught instanceof DomainError) {
			const [issue] = caught.issues;
			error(400, translate(issue?.key ?? 'error_form', issue?.params));
		}
		if (isDataException(caught)) error(400, translate('input_error_value'));
		throw caught;
	}
}

/**
 * Turns a DomainError into the answer a form action gives: field messages in the
 * person's language (400/409), or a 404. Anything else is unexpected: handleError.
 */
export async function failFromDomain(
	event: RequestEvent,
	caught: unknown,
	values?: Record<string, string>
): Promise<ActionFailure<FormFailure>> {
	if (isDataException(caught)) {
		// A value the checks let through but the database refused (a date or text it cannot
		// hold): the person's input, not a fault of the server; nothing was written.
		log.warn('Input refused by the database', { route: event.route.id, code: sqlState(caught) });
		const message = translate('input_error_value');
		return fail(400, { message, errors: { '': message }, values });
	}
	if (!(caught instanceof DomainError)) throw caught;
	if (caught.code === 'not_found') return notFound(event, 'record');
	const errors: Record<string, string> = {};
	for (const issue of caught.issues) errors[issue.field] ??= translate(issue.key, issue.params);
	return fail(caught.code === 'conflict' ? 409 : 400, {
		message: errors[''] ?? translate('error_form'),
		errors,
		values
	});
}

/** Messages for a request that could not be read: what the person sees on the error page. */
export function clientErrorMessage(status: number): string {
	if (status === 413) return translate('input_error_too_large');
	if (status === 415) return translate('input_error_unsupported');
	return translate('input_error_bad_request');
}

/** The SQLSTATE of a database error, looking through wrappers (drizzle wraps driver errors). */
function sqlState(caught: unknown): string | null {
	for (let e = caught, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
		const code = (e as { code?: unknown }).code;
		if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
		e = (e as { cause?: unknown }).cause;
	}
	return null;
}

/** Class 22, "data exception": a value the database cannot hold (NUL in text, year 0). */
export function isDataException(caught: unknown): boolean {
	return sqlState(caught)?.startsWith('22') ?? false;
}

/** The status a body-parse failure deserves: 413 when it was too large, otherwise 400. */
function bodyStatus(caught: unknown): 400 | 413 {
	for (let e = caught; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
		if ((e as { status?: unknown }).status === 413) return 413;
	}
	return 400;
}

/**
 * The posted form. A body that cannot be read as a form (none, the wrong content type,
 * broken multipart, over the size limit) is the client's fault: a 400 or 413 page in the
 * person's language, never a 500.
 */
export async function readForm(event: RequestEvent, tooLarge?: DomainError): Promise<FormData> {
	try {
		return await event.request.formData();
	} catch (caught) {
		const status = bodyStatus(caught);
		// A page with its own answer to an oversized upload (the import page) gives it.
		if (status === 413 && tooLarge) throw tooLarge;
		error(status, translate(status === 413 ? 'input_error_too_large' : 'input_error_bad_request'));
	}
}

/** The submitted text fields of a form, for echoing back beside the errors (never secrets). */
export function formValues(data: FormData, fields: string[]): Record<string, string> {
	return Object.fromEntries(fields.map((f) => [f, String(data.get(f) ?? '')]));
}

export function formText(data: FormData, field: string): string {
	const value = data.get(field);
	return typeof value === 'string' ? value : '';
}

export function clientIp(event: RequestEvent): string | null {
	try {
		return event.getClientAddress();
	} catch {
		return null;
	}
}

/** Only a path on this site: a sign-in or a language switch never redirects elsewhere. */
export function safeNext(target: string | null | undefined, url: URL): string {
	return safeRedirectPath(target, url.origin);
}

export function clientInfo(event: RequestEvent): {
	ip: string | null;
	userAgent: string | null;
	device: string | null;
} {
	return {
		ip: clientIp(event),
		userAgent: event.request.headers.get('user-agent'),
		device: event.cookies.get(DEVICE_COOKIE) ?? null
	};
}
