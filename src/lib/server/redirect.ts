// Control characters (tab and newline among them: browsers drop them from addresses, so
// "/\t/evil.example" becomes "//evil.example"), DEL and backslashes (read as "/").
// eslint-disable-next-line no-control-regex -- control characters are exactly what it finds
const UNSAFE = /[\u0000-\u001f\u007f\\]/;

/**
 * A place on this site to send a person after signing in or switching language, taken
 * from a `next` or `redirectTo` parameter. Only a path on `origin` is accepted; anything
 * else (another site, a scheme, a control character or backslash, in plain or
 * percent-encoded form) gives the home page. The answer is the path as the URL parser
 * reads it, so what the browser follows is what was checked.
 */
export function safeRedirectPath(target: string | null | undefined, origin: string): string {
	const home = '/';
	if (!target || target.length > 2000) return home;
	if (!target.startsWith('/') || target.startsWith('//')) return home;
	let decoded: string;
	try {
		decoded = decodeURIComponent(target);
	} catch {
		return home;
	}
	if (UNSAFE.test(target) || UNSAFE.test(decoded) || decoded.startsWith('//')) return home;
	let site: URL, url: URL;
	try {
		site = new URL(origin);
		url = new URL(target, site);
	} catch {
		return home;
	}
	if (url.origin !== site.origin) return home;
	const path = url.pathname + url.search + url.hash;
	// "/.//evil" and "/..//evil" come out of the parser as "//evil": another site.
	return path.startsWith('/') && !path.startsWith('//') ? path : home;
}
