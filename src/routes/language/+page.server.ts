import { redirect } from '@sveltejs/kit';
import { cookieMaxAge, cookieName, isLocale } from '$lib/paraglide/runtime';
import { formText, readForm, safeNext } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async (event) => {
		const { cookies, url } = event;
		const data = await readForm(event);
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
		redirect(303, safeNext(formText(data, 'redirectTo'), url));
	}
};
