import { describe, expect, it } from 'vitest';
import { applySecurityHeaders } from '../../src/lib/server/security-headers';

function headersFor(options: { https: boolean; signedIn: boolean }, initial: HeadersInit = {}) {
	const headers = new Headers(initial);
	applySecurityHeaders(headers, options);
	return headers;
}

describe('security headers', () => {
	it('stores nothing for a signed-in person, whatever the response asked for', () => {
		const headers = headersFor(
			{ https: false, signedIn: true },
			{ 'cache-control': 'public, max-age=3600' }
		);
		expect(headers.get('cache-control')).toBe('no-store');
	});

	it('keeps a visitor’s response’s own caching, and stores nothing otherwise', () => {
		expect(
			headersFor({ https: false, signedIn: false }, { 'cache-control': 'max-age=60' }).get(
				'cache-control'
			)
		).toBe('max-age=60');
		expect(headersFor({ https: false, signedIn: false }).get('cache-control')).toBe('no-store');
	});

	it('asks for https only when the site is served over https', () => {
		expect(headersFor({ https: true, signedIn: false }).get('strict-transport-security')).toBe(
			'max-age=31536000; includeSubDomains'
		);
		expect(headersFor({ https: false, signedIn: false }).has('strict-transport-security')).toBe(
			false
		);
	});

	it('denies the camera and other devices, sniffing, framing and cross-site referrers', () => {
		const headers = headersFor({ https: true, signedIn: true });
		expect(headers.get('permissions-policy')).toMatch(/(^|, )camera=\(\)/);
		expect(headers.get('permissions-policy')).toMatch(/geolocation=\(\)/);
		expect(headers.get('x-content-type-options')).toBe('nosniff');
		expect(headers.get('referrer-policy')).toBe('same-origin');
		expect(headers.get('x-frame-options')).toBe('DENY');
	});
});
