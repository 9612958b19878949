import { redirect } from '@sveltejs/kit';
import { cardHouseholdId, signInWithCard } from '$lib/server/auth/sign-in';
import { setDeviceCookie, setSessionCookie } from '$lib/server/auth/cookies';
import { clientInfo, failFromDomain } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

// Scanning a card only shows this page; signing in is a deliberate tap (a POST), so a
// link preview or a prefetch never signs anyone in.
export const load: PageServerLoad = async ({ params }) => {
	const { db } = await database();
	return { valid: (await cardHouseholdId(db, params.token)) !== null };
};

export const actions: Actions = {
	default: async (event) => {
		const { db } = await database();
		let token: string, expiresAt: Date, deviceToken: string;
		try {
			({
				token,
				deviceToken,
				session: { expiresAt }
			} = await signInWithCard(db, event.params.token, clientInfo(event)));
		} catch (caught) {
			return failFromDomain(event, caught);
		}
		setSessionCookie(event.cookies, event.url, token, expiresAt);
		setDeviceCookie(event.cookies, event.url, deviceToken);
		redirect(303, '/my');
	}
};
