import { getLocale } from '$lib/paraglide/runtime';
import { m } from '$lib/paraglide/messages';
import type { RequestHandler } from './$types';

/** The web app manifest in the person's language, so the installed icon is named in it. */
export const GET: RequestHandler = () => {
	const locale = getLocale();
	const manifest = {
		id: '/',
		name: m.app_name(),
		short_name: 'Levee',
		description: m.app_description(),
		lang: locale,
		start_url: '/',
		scope: '/',
		display: 'standalone',
		orientation: 'portrait',
		background_color: '#f4f6f5',
		theme_color: '#0f5c4c',
		icons: [
			{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
			{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
			{
				src: '/icons/icon-maskable-512.png',
				sizes: '512x512',
				type: 'image/png',
				purpose: 'maskable'
			}
		]
	};
	return new Response(JSON.stringify(manifest), {
		headers: { 'content-type': 'application/manifest+json; charset=utf-8', vary: 'cookie' }
	});
};
