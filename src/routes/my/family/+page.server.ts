import { todayInChina } from '$lib/format';
import {
	failFromDomain,
	formText,
	orNotFound,
	readForm,
	requireHouseholdPageUser
} from '$lib/server/http';
import { ownFamily, revealOwnIdNumber } from '$lib/server/households/own-account';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireHouseholdPageUser(event);
	const { db } = await database();
	return orNotFound(event, ownFamily(db, user, todayInChina()));
};

export const actions: Actions = {
	// A family member's own identity number, shown on a tap (and recorded in the audit log).
	revealId: async (event) => {
		const user = requireHouseholdPageUser(event);
		const data = await readForm(event);
		const { db } = await database();
		const memberId = formText(data, 'memberId');
		try {
			return { revealed: { memberId, idNumber: await revealOwnIdNumber(db, user, memberId) } };
		} catch (caught) {
			return failFromDomain(event, caught);
		}
	}
};
