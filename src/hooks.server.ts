import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { building } from '$app/environment';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { m } from '$lib/paraglide/messages';
import { exitOnStartupError, startDatabase } from '$lib/server/startup';
import { log } from '$lib/server/logger';
import { newId } from '$lib/server/db/ids';

export const init: ServerInit = async () => {
	// Prerendering the offline page at build time needs no database.
	if (building) return;
	try {
		await startDatabase();
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

const handleSecurityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	return response;
};

export const handle = sequence(handleLocale, handleSecurityHeaders);

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
