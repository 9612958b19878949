import { todayInChina } from '$lib/format';
import type { UserActor } from '$lib/server/auth/actor';
import type { Db } from '$lib/server/db';
import {
	failFromDomain,
	formText,
	formValues,
	orNotFound,
	readForm,
	requireRole
} from '$lib/server/http';
import { database } from '$lib/server/startup';
import { warningDetail } from '$lib/server/warnings/queue';
import {
	assistFromWarning,
	closeAssistedWarning,
	dismissWarning,
	identifyFromWarning,
	verifyWarning
} from '$lib/server/warnings/workflow';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff', 'grid_member');
	const { db } = await database();
	const today = todayInChina();
	return {
		today,
		warning: await orNotFound(event, warningDetail(db, user, event.params.id, today))
	};
};

interface Work {
	user: UserActor;
	db: Db;
	data: FormData;
	id: string;
	today: string;
}

/** One step of the workflow: one domain call, then "done" or the field messages. */
function step(form: string, echo: string[], work: (w: Work) => Promise<unknown>, deciders = true) {
	return async (event: RequestEvent) => {
		const user = deciders
			? await requireRole(event, 'county_admin', 'township_staff')
			: await requireRole(event, 'county_admin', 'township_staff', 'grid_member');
		const data = await readForm(event);
		const { db } = await database();
		try {
			await work({ user, db, data, id: event.params.id, today: todayInChina() });
			return { done: form };
		} catch (caught) {
			return failFromDomain(event, caught, {
				...formValues(data, echo),
				risks: data.getAll('risks').map(String).join(','),
				form
			});
		}
	};
}

export const actions: Actions = {
	verify: step(
		'verify',
		['verifiedOn', 'findings'],
		({ user, db, data, id, today }) =>
			verifyWarning(
				db,
				user,
				id,
				{ verifiedOn: formText(data, 'verifiedOn'), findings: formText(data, 'findings') },
				today
			),
		false
	),
	identify: step('identify', ['decidedOn', 'category', 'note'], ({ user, db, data, id, today }) =>
		identifyFromWarning(
			db,
			user,
			id,
			{
				decidedOn: formText(data, 'decidedOn'),
				category: formText(data, 'category'),
				risks: data.getAll('risks'),
				note: formText(data, 'note')
			},
			today
		)
	),
	assist: step(
		'assist',
		['decidedOn', 'measure', 'description', 'responsibleName', 'responsiblePhone', 'startedOn'],
		({ user, db, data, id, today }) =>
			assistFromWarning(
				db,
				user,
				id,
				{
					decidedOn: formText(data, 'decidedOn'),
					measure: formText(data, 'measure'),
					description: formText(data, 'description'),
					responsibleName: formText(data, 'responsibleName'),
					responsiblePhone: formText(data, 'responsiblePhone'),
					startedOn: formText(data, 'startedOn')
				},
				today
			)
	),
	close: step('close', ['decidedOn', 'note'], ({ user, db, data, id, today }) =>
		closeAssistedWarning(
			db,
			user,
			id,
			{ decidedOn: formText(data, 'decidedOn'), note: formText(data, 'note') },
			today
		)
	),
	dismiss: step('dismiss', ['decidedOn', 'reason'], ({ user, db, data, id, today }) =>
		dismissWarning(
			db,
			user,
			id,
			{ decidedOn: formText(data, 'decidedOn'), reason: formText(data, 'reason') },
			today
		)
	)
};
