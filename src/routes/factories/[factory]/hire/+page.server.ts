import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { todayInChina } from '$lib/format';
import { listVillages } from '$lib/server/divisions';
import { findPeople, getFactory, hire, managedFactory } from '$lib/server/factories';
import { DomainError } from '$lib/server/errors';
import {
	failFromDomain,
	formText,
	formValues,
	orNotFound,
	readForm,
	requireUser
} from '$lib/server/http';
import { translate } from '$lib/i18n';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

const HIRE_FIELDS = [
	'memberId',
	'workerName',
	'idNumber',
	'homeVillage',
	'jobTitle',
	'payBasis',
	'startedOn'
];

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { db } = await database();
	const today = todayInChina();
	const row = await orNotFound(event, managedFactory(db, user, event.params.factory));
	const factory = await getFactory(db, user, row.id);
	const params = event.url.searchParams;
	const query = params.get('q')?.trim() ?? '';
	const villageCode = params.get('village')?.trim() || factory.villageCode;
	let people: Awaited<ReturnType<typeof findPeople>> = [];
	let searchError: string | null = null;
	try {
		people = await findPeople(db, user, factory.id, { query, villageCode }, today);
	} catch (caught) {
		if (!(caught instanceof DomainError) || caught.code === 'not_found') throw caught;
		searchError = translate(caught.issues[0].key, caught.issues[0].params);
	}
	const memberId = params.get('member');
	return {
		factory: { id: factory.id, name: factory.name, openedOn: factory.openedOn },
		today,
		query,
		villageCode,
		villages: (await listVillages(db, user.countyCode, factory.villageCode.slice(0, 9))).map(
			(v) => ({ code: v.code, name: v.name })
		),
		people,
		searched: query !== '',
		searchError,
		chosen: people.find((p) => p.memberId === memberId && !p.employedHere) ?? null
	};
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event);
		const data = await readForm(event);
		const { db } = await database();
		let jobId: string;
		try {
			jobId = await hire(
				db,
				user,
				event.params.factory,
				Object.fromEntries(HIRE_FIELDS.map((f) => [f, formText(data, f)])) as {
					jobTitle: string;
					payBasis: string;
					startedOn: string;
				},
				todayInChina()
			);
		} catch (caught) {
			return failFromDomain(event, caught, {
				...formValues(data, HIRE_FIELDS),
				form: formText(data, 'memberId') ? 'member' : 'outside'
			});
		}
		redirect(
			303,
			`${resolve('/factories/[factory]', { factory: event.params.factory })}?hired=${jobId}`
		);
	}
};
