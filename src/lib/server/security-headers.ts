import type { Handle } from '@sveltejs/kit';
import { SESSION_COOKIE } from './auth/sessions';

// Headers for every answer the app itself renders (pages, data, endpoints, redirects).
// Built assets and static files are served before the hooks run and keep their own
// caching (immutable for hashed assets). The Content-Security-Policy comes from
// `kit.csp` in svelte.config.js, which adds a nonce or hash for SvelteKit's own script.

/** No camera, microphone or location: households scan their QR card with the phone's own camera app. */
export const PERMISSIONS_POLICY = [
	'camera=()',
	'microphone=()',
	'geolocation=()',
	'payment=()',
	'usb=()',
	'serial=()',
	'hid=()',
	'midi=()',
	'display-capture=()',
	'browsing-topics=()'
].join(', ');

export const HSTS = 'max-age=31536000; includeSubDomains';

export function applySecurityHeaders(
	headers: Headers,
	options: { https: boolean; signedIn: boolean }
): void {
	// A signed-in page must not come back from any cache after sign-out (Back on a shared
	// phone); nothing else the server renders is meant to be cached either, unless the
	// response says so itself.
	if (options.signedIn || !headers.has('cache-control')) headers.set('cache-control', 'no-store');
	headers.set('x-content-type-options', 'nosniff');
	headers.set('referrer-policy', 'same-origin');
	headers.set('x-frame-options', 'DENY');
	headers.set('permissions-policy', PERMISSIONS_POLICY);
	if (options.https) headers.set('strict-transport-security', HSTS);
}

export const handleSecurityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	applySecurityHeaders(response.headers, {
		https: event.url.protocol === 'https:',
		signedIn: event.locals.session != null || event.cookies.get(SESSION_COOKIE) !== undefined
	});
	return response;
};
