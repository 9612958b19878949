import { redirect } from '@sveltejs/kit';
import { cookieMaxAge, cookieName, isLocale } from '$lib/paraglide/runtime';
import type { Actions, PageServerLoad } from './$types';

/** Only a path on this site: never an open redirect. */
function safeRedirect(target: FormDataEntryValue | null): string {
	const path = typeof target === 'string' ? target : '/';
	return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') ? path : '/';
}

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ request, cookies }) => {
		const data = await request.formData();
		const locale = data.get('locale');
		if (typeof locale === 'string' && isLocale(locale)) {
			// Paraglide reads this cookie on the server and in the browser.
			cookies.set(cookieName, locale, {
				path: '/',
				maxAge: cookieMaxAge,
				httpOnly: false,
				sameSite: 'lax'
			});
		}
		redirect(303, safeRedirect(data.get('redirectTo')));
	}
};
