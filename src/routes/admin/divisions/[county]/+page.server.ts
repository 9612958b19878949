import { addDivision, getDivision, listTownships } from '$lib/server/divisions';
import {
	failFromDomain,
	formValues,
	notFound,
	orNotFound,
	readForm,
	requireRole
} from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin');
	if (event.params.county !== user.countyCode) return notFound(event, 'county');
	const { db } = await database();
	const county = await orNotFound(event, getDivision(db, user.countyCode, user.countyCode));
	return { county, townships: await listTownships(db, user.countyCode) };
};

export const actions: Actions = {
	add: async (event) => {
		const user = await requireRole(event, 'county_admin');
		if (event.params.county !== user.countyCode) return notFound(event, 'county');
		const data = await readForm(event);
		const { db } = await database();
		try {
			const added = await addDivision(db, user, user.countyCode, {
				parentCode: user.countyCode,
				code: data.get('code'),
				name: data.get('name')
			});
			return { added: added.name };
		} catch (caught) {
			return failFromDomain(event, caught, formValues(data, ['code', 'name']));
		}
	}
};
