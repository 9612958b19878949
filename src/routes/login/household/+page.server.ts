import { redirect } from '@sveltejs/kit';
import { searchText } from '$lib/input';
import { signInWithPin } from '$lib/server/auth/sign-in';
import { setDeviceCookie, setSessionCookie } from '$lib/server/auth/cookies';
import {
	clientInfo,
	failFromDomain,
	formText,
	formValues,
	readForm,
	safeNext
} from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, '/');
	return { next: safeNext(url.searchParams.get('next') ?? '/my', url) };
};

export const actions: Actions = {
	default: async (event) => {
		const data = await readForm(event);
		const { db } = await database();
		let token: string, expiresAt: Date, deviceToken: string;
		try {
			({
				token,
				deviceToken,
				session: { expiresAt }
			} = await signInWithPin(
				db,
				{ phone: searchText(formText(data, 'phone'), 30), pin: formText(data, 'pin') },
				clientInfo(event)
			));
		} catch (caught) {
			return failFromDomain(event, caught, formValues(data, ['phone']));
		}
		setSessionCookie(event.cookies, event.url, token, expiresAt);
		setDeviceCookie(event.cookies, event.url, deviceToken);
		redirect(303, safeNext(formText(data, 'next') || '/my', event.url));
	}
};
