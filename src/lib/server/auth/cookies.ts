import type { Cookies } from '@sveltejs/kit';
import { SESSION_COOKIE } from './sessions';
import { DEVICE_COOKIE, DEVICE_LIFETIME_MS } from './devices';

/** HttpOnly, SameSite=Lax, Path=/; Secure whenever the site is served over https. */
export function setSessionCookie(cookies: Cookies, url: URL, token: string, expiresAt: Date): void {
	cookies.set(SESSION_COOKIE, token, {
		httpOnly: true,
		sameSite: 'lax',
		path: '/',
		secure: url.protocol === 'https:',
		expires: expiresAt
	});
}

export function deleteSessionCookie(cookies: Cookies, url: URL): void {
	cookies.delete(SESSION_COOKIE, { path: '/', secure: url.protocol === 'https:' });
}

/** The device cookie: a year, HttpOnly, so a device that signed in before stays known. */
export function setDeviceCookie(cookies: Cookies, url: URL, token: string): void {
	cookies.set(DEVICE_COOKIE, token, {
		httpOnly: true,
		sameSite: 'lax',
		path: '/',
		secure: url.protocol === 'https:',
		maxAge: DEVICE_LIFETIME_MS / 1000
	});
}
