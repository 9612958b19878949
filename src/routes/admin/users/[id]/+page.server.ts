import {
	endAllSessions,
	endSession,
	getUserDetail,
	resetPassword,
	setGridVillages,
	setUserDisabled
} from '$lib/server/auth/users';
import { canSeeTownship } from '$lib/server/auth/scope';
import { listTownships, listVillages } from '$lib/server/divisions';
import { listAuthEventsForUser } from '$lib/server/auth/events';
import { failFromDomain, formText, orNotFound, readForm, requireRole } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff');
	const { db } = await database();
	const detail = await orNotFound(event, getUserDetail(db, user, event.params.id));
	const events = await listAuthEventsForUser(db, detail.user.id, 20);
	const villageGroups =
		detail.user.role === 'grid_member'
			? await Promise.all(
					(await listTownships(db, user.countyCode))
						.filter((t) => canSeeTownship(user, t.code))
						.map(async (t) => ({
							township: t.name,
							villages: (await listVillages(db, user.countyCode, t.code)).map((v) => ({
								code: v.code,
								name: v.name
							}))
						}))
				)
			: [];
	return {
		villageGroups,
		detail: {
			...detail,
			user: { ...detail.user, createdAt: detail.user.createdAt.toISOString() },
			sessions: detail.sessions.map((s) => ({
				...s,
				createdAt: s.createdAt.toISOString(),
				expiresAt: s.expiresAt.toISOString()
			}))
		},
		events: events.map((e) => ({ id: e.id, kind: e.kind, at: e.at.toISOString(), ip: e.ip })),
		isSelf: detail.user.id === user.userId,
		canResetPassword: user.role === 'county_admin' && detail.user.role !== 'household'
	};
};

/** Every action here works on one user the actor manages, and answers the same way. */
async function act(event: RequestEvent, work: (data: FormData) => Promise<unknown>, done: string) {
	const data = await readForm(event);
	try {
		await work(data);
		return { done };
	} catch (caught) {
		return failFromDomain(event, caught);
	}
}

export const actions: Actions = {
	villages: async (event) => {
		const user = await requireRole(event, 'county_admin', 'township_staff');
		const { db } = await database();
		return act(
			event,
			(data) => setGridVillages(db, user, event.params.id, data.getAll('villageCodes')),
			'villages'
		);
	},
	disable: async (event) => {
		const user = await requireRole(event, 'county_admin', 'township_staff');
		const { db } = await database();
		return act(event, () => setUserDisabled(db, user, event.params.id, true), 'disabled');
	},
	enable: async (event) => {
		const user = await requireRole(event, 'county_admin', 'township_staff');
		const { db } = await database();
		return act(event, () => setUserDisabled(db, user, event.params.id, false), 'enabled');
	},
	resetPassword: async (event) => {
		const user = await requireRole(event, 'county_admin');
		const { db } = await database();
		return act(
			event,
			(data) => resetPassword(db, user, event.params.id, formText(data, 'password')),
			'password'
		);
	},
	endSessions: async (event) => {
		const user = await requireRole(event, 'county_admin', 'township_staff');
		const { db } = await database();
		return act(
			event,
			async () => {
				await getUserDetail(db, user, event.params.id);
				await endAllSessions(db, user, event.params.id);
			},
			'sessions'
		);
	},
	endSession: async (event) => {
		const user = await requireRole(event, 'county_admin', 'township_staff');
		const { db } = await database();
		return act(
			event,
			(data) => endSession(db, user, event.params.id, formText(data, 'session')),
			'session'
		);
	}
};
