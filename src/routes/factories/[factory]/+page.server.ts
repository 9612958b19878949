import { todayInChina } from '$lib/format';
import {
	addFactoryOwner,
	canManageWorkers,
	FACTORY_STATUSES,
	getFactory,
	listWorkers,
	ownerCandidates,
	removeFactoryOwner,
	updateFactory
} from '$lib/server/factories';
import { factoryInput, FACTORY_FIELDS, villageChoices } from '$lib/server/factories/forms';
import {
	failFromDomain,
	formText,
	formValues,
	orNotFound,
	readForm,
	requireUser
} from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { db } = await database();
	const today = todayInChina();
	const factory = await orNotFound(event, getFactory(db, user, event.params.factory));
	const isAdmin = user.role === 'county_admin';
	const [workers, candidates, townships] = await Promise.all([
		listWorkers(db, user, factory.id, today),
		isAdmin ? ownerCandidates(db, user) : [],
		isAdmin ? villageChoices(db, user) : []
	]);
	const hired = event.url.searchParams.get('hired');
	return {
		factory,
		workers,
		today,
		isAdmin,
		canManage: canManageWorkers(user),
		role: user.role,
		hiredName: hired ? (workers.current.find((w) => w.jobId === hired)?.name ?? null) : null,
		statuses: [...FACTORY_STATUSES],
		townships,
		candidates: candidates.filter((c) => !factory.owners.some((o) => o.userId === c.userId))
	};
};

/** One registry form of the page: one domain call, then "saved" or the field messages. */
function action(
	form: string,
	echo: string[],
	work: (event: RequestEvent, data: FormData) => Promise<unknown>
) {
	return async (event: RequestEvent) => {
		requireUser(event);
		const data = await readForm(event);
		try {
			await work(event, data);
			return { saved: form };
		} catch (caught) {
			return failFromDomain(event, caught, { ...formValues(data, echo), form });
		}
	};
}

export const actions: Actions = {
	update: action('factory', FACTORY_FIELDS, async (event, data) => {
		const { db } = await database();
		await updateFactory(db, requireUser(event), event.params.factory, factoryInput(data));
	}),
	addOwner: action('owners', ['userId'], async (event, data) => {
		const { db } = await database();
		await addFactoryOwner(db, requireUser(event), event.params.factory, formText(data, 'userId'));
	}),
	removeOwner: action('owners', [], async (event, data) => {
		const { db } = await database();
		await removeFactoryOwner(
			db,
			requireUser(event),
			event.params.factory,
			formText(data, 'userId')
		);
	})
};
