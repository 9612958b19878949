import { redirect } from '@sveltejs/kit';
import { searchText } from '$lib/input';
import { signInWithPassword } from '$lib/server/auth/sign-in';
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
	if (locals.user) redirect(303, safeNext(url.searchParams.get('next'), url));
	return { next: safeNext(url.searchParams.get('next'), url) };
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
			} = await signInWithPassword(
				db,
				{
					// No control characters or endless text reach the sign-in log.
					identifier: searchText(formText(data, 'identifier')),
					password: formText(data, 'password')
				},
				clientInfo(event)
			));
		} catch (caught) {
			// The password is never echoed back.
			return failFromDomain(event, caught, formValues(data, ['identifier']));
		}
		setSessionCookie(event.cookies, event.url, token, expiresAt);
		setDeviceCookie(event.cookies, event.url, deviceToken);
		redirect(303, safeNext(formText(data, 'next'), event.url));
	}
};
