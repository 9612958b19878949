import { redirect } from '@sveltejs/kit';
import { setSessionCookie, deleteSessionCookie } from '$lib/server/auth/cookies';
import {
	changeOwnPassword,
	endAllSessions,
	endSession,
	listSessions
} from '$lib/server/auth/users';
import { clientInfo, failFromDomain, formText, readForm, requireUser } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { db } = await database();
	const sessions = await listSessions(db, user.userId);
	return {
		name: user.label,
		role: user.role,
		hasPassword: user.role !== 'household',
		sessions: sessions.map((s) => ({
			id: s.id,
			method: s.method,
			createdAt: s.createdAt.toISOString(),
			userAgent: s.userAgent,
			current: s.id === event.locals.session?.id
		}))
	};
};

export const actions: Actions = {
	changePassword: async (event) => {
		const user = requireUser(event);
		const data = await readForm(event);
		const { db } = await database();
		try {
			const { token, session } = await changeOwnPassword(
				db,
				user,
				{ current: formText(data, 'current'), next: formText(data, 'next') },
				clientInfo(event)
			);
			// Every other device is signed out; this one gets a fresh session.
			setSessionCookie(event.cookies, event.url, token, session.expiresAt);
			return { passwordChanged: true };
		} catch (caught) {
			return failFromDomain(event, caught);
		}
	},
	signOutEverywhere: async (event) => {
		const user = requireUser(event);
		const { db } = await database();
		await endAllSessions(db, user, user.userId);
		deleteSessionCookie(event.cookies, event.url);
		redirect(303, '/login');
	},
	endSession: async (event) => {
		const user = requireUser(event);
		const data = await readForm(event);
		const { db } = await database();
		try {
			await endSession(db, user, user.userId, formText(data, 'session'));
			return { sessionEnded: true };
		} catch (caught) {
			return failFromDomain(event, caught);
		}
	}
};
