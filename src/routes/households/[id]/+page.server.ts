import { getHousehold } from '$lib/server/households';
import { getHouseholdAccount, revokeHouseholdCard, setHouseholdPin } from '$lib/server/auth/users';
import { failFromDomain, formText, formValues, orNotFound, requireUser } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { db } = await database();
	const household = await orNotFound(event, getHousehold(db, user, event.params.id));
	const manages = user.role === 'county_admin' || user.role === 'township_staff';
	return {
		household,
		account: manages ? await getHouseholdAccount(db, user, household.id) : null
	};
};

export const actions: Actions = {
	setPin: async (event) => {
		const user = requireUser(event);
		const data = await event.request.formData();
		const { db } = await database();
		try {
			await setHouseholdPin(db, user, event.params.id, {
				phone: formText(data, 'phone'),
				pin: formText(data, 'pin')
			});
			return { pinSet: true };
		} catch (caught) {
			return failFromDomain(event, caught, formValues(data, ['phone']));
		}
	},
	revokeCard: async (event) => {
		const user = requireUser(event);
		const { db } = await database();
		try {
			await revokeHouseholdCard(db, user, event.params.id);
			return { cardRevoked: true };
		} catch (caught) {
			return failFromDomain(event, caught);
		}
	}
};
