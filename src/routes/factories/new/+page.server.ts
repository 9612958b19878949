import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { todayInChina } from '$lib/format';
import { createFactory, FACTORY_STATUSES } from '$lib/server/factories';
import { factoryInput, FACTORY_FIELDS, villageChoices } from '$lib/server/factories/forms';
import { failFromDomain, formValues, readForm, requireRole } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin');
	const { db } = await database();
	return {
		today: todayInChina(),
		statuses: [...FACTORY_STATUSES],
		townships: await villageChoices(db, user)
	};
};

export const actions: Actions = {
	default: async (event) => {
		const user = await requireRole(event, 'county_admin');
		const data = await readForm(event);
		const { db } = await database();
		let id: string;
		try {
			id = await createFactory(db, user, factoryInput(data));
		} catch (caught) {
			return failFromDomain(event, caught, formValues(data, FACTORY_FIELDS));
		}
		redirect(303, resolve('/factories/[factory]', { factory: id }));
	}
};
