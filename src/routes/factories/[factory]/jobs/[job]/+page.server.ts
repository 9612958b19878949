import { todayInChina } from '$lib/format';
import {
	canManageWorkers,
	correctJob,
	END_REASONS,
	endJob,
	getJob,
	PAY_BASES
} from '$lib/server/factories';
import {
	failFromDomain,
	formText,
	formValues,
	orNotFound,
	readForm,
	requireUser
} from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { db } = await database();
	const job = await orNotFound(event, getJob(db, user, event.params.factory, event.params.job));
	return {
		job,
		today: todayInChina(),
		canManage: canManageWorkers(user),
		reasons: [...END_REASONS],
		payBases: [...PAY_BASES]
	};
};

export const actions: Actions = {
	leave: async (event) => {
		const user = requireUser(event);
		const data = await readForm(event);
		const { db } = await database();
		try {
			await endJob(
				db,
				user,
				event.params.factory,
				event.params.job,
				{ endedOn: formText(data, 'endedOn'), reason: formText(data, 'reason') },
				todayInChina()
			);
			return { saved: 'leave' };
		} catch (caught) {
			return failFromDomain(event, caught, {
				...formValues(data, ['endedOn', 'reason']),
				form: 'leave'
			});
		}
	},
	correct: async (event) => {
		const user = requireUser(event);
		const data = await readForm(event);
		const { db } = await database();
		try {
			await correctJob(
				db,
				user,
				event.params.factory,
				event.params.job,
				{
					jobTitle: formText(data, 'jobTitle'),
					payBasis: formText(data, 'payBasis'),
					startedOn: formText(data, 'startedOn')
				},
				todayInChina()
			);
			return { saved: 'correct' };
		} catch (caught) {
			return failFromDomain(event, caught, {
				...formValues(data, ['jobTitle', 'payBasis', 'startedOn']),
				form: 'correct'
			});
		}
	}
};
