import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { building, dev } from '$app/environment';
import { AsyncLocalStorage } from 'node:async_hooks';
import {
	extractLocaleFromRequest,
	overwriteServerAsyncLocalStorage,
	type Locale
} from '$lib/paraglide/runtime';
import { m } from '$lib/paraglide/messages';
import { database, exitOnStartupError, startDatabase } from '$lib/server/startup';
import { SESSION_COOKIE, validateSessionToken } from '$lib/server/auth/sessions';
import { deleteSessionCookie, setSessionCookie } from '$lib/server/auth/cookies';
import { recordAuthEvent } from '$lib/server/auth/events';
import { clientErrorMessage, clientIp } from '$lib/server/http';
import { log } from '$lib/server/logger';
import { handleSecurityHeaders } from '$lib/server/security-headers';
import { handleCompression } from '$lib/server/compression';
import { newId } from '$lib/server/db/ids';
import { describeError } from '$lib/server/db/errors';
import { stopGracefullyOnSignals } from '$lib/server/shutdown';
import type { Database } from '$lib/server/db';

export const init: ServerInit = async () => {
	// Prerendering the offline page at build time needs no database.
	if (building) return;
	// The built server only: the dev server stops the way Vite does. The signal handlers go
	// in before the database opens, so a Ctrl+C never finds the data folder half-created.
	const started: { opening?: Promise<Database> } = {};
	if (!dev) stopGracefullyOnSignals(() => started.opening);
	const opening = (started.opening = startDatabase());
	try {
		await opening;
	} catch (error) {
		exitOnStartupError(error);
	}
};

// The locale of a request, kept where paraglide's messages look for it (its documented
// server storage). Not paraglideMiddleware: with the cookie strategy it never redirects,
// and it copies every request (body included) into two new Request objects, which was
// about a tenth of the server's time per weigh-in.
const localeStorage = new AsyncLocalStorage<{
	locale?: Locale;
	origin?: string;
	messageCalls?: Set<string>;
}>();
overwriteServerAsyncLocalStorage(localeStorage);

const handleLocale: Handle = ({ event, resolve }) => {
	const locale = extractLocaleFromRequest(event.request);
	event.locals.locale = locale;
	return localeStorage.run({ locale, origin: event.url.origin, messageCalls: new Set() }, () =>
		resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		})
	);
};

/** Puts the signed-in person (or null) in locals; renews the cookie when the session was extended. */
const handleSession: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const { db } = await database();
		const validated = await validateSessionToken(db, token);
		if (validated) {
			event.locals.user = validated.user;
			event.locals.session = validated.session;
			if (validated.renewed) {
				setSessionCookie(event.cookies, event.url, token, validated.session.expiresAt);
			}
		} else {
			deleteSessionCookie(event.cookies, event.url);
		}
	}
	return resolve(event);
};

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * SvelteKit checks the origin of form posts only; this refuses every cross-site request
 * that changes data, JSON endpoints included.
 */
const handleOrigin: Handle = async ({ event, resolve }) => {
	if (UNSAFE_METHODS.has(event.request.method)) {
		const origin = event.request.headers.get('origin');
		const site = event.request.headers.get('sec-fetch-site');
		if ((origin && origin !== event.url.origin) || site === 'cross-site') {
			const { db } = await database();
			await recordAuthEvent(db, {
				kind: 'refused',
				userId: event.locals.user?.userId ?? null,
				countyId: event.locals.user?.countyId ?? null,
				ip: clientIp(event),
				detail: {
					route: event.route.id,
					method: event.request.method,
					reason: 'cross_site',
					origin
				}
			});
			return new Response(m.error_cross_site(), { status: 403 });
		}
	}
	return resolve(event);
};

// Compression outermost, so it sees the final answer; then security headers, so they are
// on every answer, refusals and redirects included.
export const handle = sequence(
	handleCompression,
	handleSecurityHeaders,
	handleLocale,
	handleSession,
	handleOrigin
);

/** Unexpected errors: logged with an id on the server; the person sees the id, never a stack. */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status === 404) return { message: m.error_not_found() };
	// SvelteKit's own 4xx (no body, not a form, over BODY_SIZE_LIMIT) are the client's
	// fault: one line in the log, no stack, and a page in the person's language.
	if (status >= 400 && status < 500) {
		log.info('Request refused', {
			route: event.route.id,
			method: event.request.method,
			status,
			message
		});
		return { message: clientErrorMessage(status) };
	}
	const errorId = newId();
	log.error('Unhandled error', {
		errorId,
		route: event.route.id,
		method: event.request.method,
		error: describeError(error)
	});
	return { message: m.error_server(), errorId };
};
