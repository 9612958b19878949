import { todayInChina } from '$lib/format';
import { canManageWorkers, getWageSheet, saveWageSheet } from '$lib/server/factories';
import { failFromDomain, formText, orNotFound, readForm, requireUser } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { db } = await database();
	const sheet = await orNotFound(
		event,
		getWageSheet(
			db,
			user,
			event.params.factory,
			event.url.searchParams.get('month'),
			todayInChina()
		)
	);
	return { sheet, canManage: canManageWorkers(user), factoryId: event.params.factory };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event);
		const data = await readForm(event);
		const { db } = await database();
		const jobIds = data.getAll('jobId').map(String);
		const lines = jobIds.map((jobId) => ({ jobId, amount: formText(data, `amount:${jobId}`) }));
		const month = formText(data, 'month');
		try {
			const result = await saveWageSheet(
				db,
				user,
				event.params.factory,
				{ month, lines },
				todayInChina()
			);
			return { saved: 'wages', month: result.month, changed: result.changed };
		} catch (caught) {
			return failFromDomain(event, caught, {
				month,
				...Object.fromEntries(lines.map((l) => [`amount:${l.jobId}`, l.amount]))
			});
		}
	}
};
