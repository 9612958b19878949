import { todayInChina } from '$lib/format';
import { newId } from '$lib/server/db/ids';
import {
	failFromDomain,
	formText,
	formValues,
	orNotFound,
	readForm,
	requireHouseholdPageUser
} from '$lib/server/http';
import { ownReports, reportDifficulty } from '$lib/server/households/self-report';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireHouseholdPageUser(event);
	const { db } = await database();
	// The report's id is made with the form: sending the same form twice records it once.
	return { reports: await orNotFound(event, ownReports(db, user)), reportId: newId() };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireHouseholdPageUser(event);
		const data = await readForm(event);
		const { db } = await database();
		try {
			await reportDifficulty(
				db,
				user,
				{
					id: formText(data, 'id'),
					what: formText(data, 'what'),
					amount: formText(data, 'amount'),
					note: formText(data, 'note')
				},
				todayInChina()
			);
			return { sent: true };
		} catch (caught) {
			return failFromDomain(event, caught, formValues(data, ['id', 'what', 'amount', 'note']));
		}
	}
};
