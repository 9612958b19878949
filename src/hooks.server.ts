import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { building, dev } from '$app/environment';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { m } from '$lib/paraglide/messages';
import { database, exitOnStartupError, startDatabase } from '$lib/server/startup';
import { SESSION_COOKIE, validateSessionToken } from '$lib/server/auth/sessions';
import { deleteSessionCookie, setSessionCookie } from '$lib/server/auth/cookies';
import { recordAuthEvent } from '$lib/server/auth/events';
import { clientIp } from '$lib/server/http';
import { log } from '$lib/server/logger';
import { newId } from '$lib/server/db/ids';
import { stopGracefullyOnSignals } from '$lib/server/shutdown';

export const init: ServerInit = async () => {
	// Prerendering the offline page at build time needs no database.
	if (building) return;
	const opening = startDatabase();
	// The built server only: the dev server stops the way Vite does.
	if (!dev) stopGracefullyOnSignals(opening);
	try {
		await opening;
	} catch (error) {
		exitOnStartupError(error);
	}
};

const handleLocale: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		event.locals.locale = locale;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});

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

const handleSecurityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	return response;
};

export const handle = sequence(handleLocale, handleSession, handleOrigin, handleSecurityHeaders);

/** Unexpected errors: logged with an id on the server; the person sees the id, never a stack. */
export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status === 404) return { message: m.error_not_found() };
	const errorId = newId();
	log.error('Unhandled error', {
		errorId,
		route: event.route.id,
		method: event.request.method,
		error: error instanceof Error ? (error.stack ?? error.message) : String(error)
	});
	return { message: m.error_server(), errorId };
};
