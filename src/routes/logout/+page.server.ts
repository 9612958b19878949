import { redirect } from '@sveltejs/kit';
import { deleteSessionCookie } from '$lib/server/auth/cookies';
import { recordAuthEvent } from '$lib/server/auth/events';
import { invalidateSession } from '$lib/server/auth/sessions';
import { clientIp } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

// Signing out is a POST: a GET that signed out would fire on link preload.
export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async (event) => {
		const { locals, cookies, url } = event;
		if (locals.session && locals.user) {
			const { db } = await database();
			await invalidateSession(db, locals.session.id);
			await recordAuthEvent(db, {
				kind: 'sign_out',
				userId: locals.user.userId,
				countyId: locals.user.countyId,
				ip: clientIp(event)
			});
		}
		deleteSessionCookie(cookies, url);
		redirect(303, '/login');
	}
};
