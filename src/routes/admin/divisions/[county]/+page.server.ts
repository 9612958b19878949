import { dev } from '$app/environment';
import { requireAdminForNow } from '$lib/server/auth/guard';
import { addDivision, getDivision, listTownships } from '$lib/server/divisions';
import { failFromDomain, formValues, orNotFound } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	requireAdminForNow(dev);
	const { db } = await database();
	const county = await orNotFound(getDivision(db, params.county, params.county));
	return { county, townships: await listTownships(db, params.county) };
};

export const actions: Actions = {
	add: async ({ request, params }) => {
		const actor = requireAdminForNow(dev);
		const data = await request.formData();
		const { db } = await database();
		try {
			const added = await addDivision(db, actor, params.county, {
				parentCode: params.county,
				code: data.get('code'),
				name: data.get('name')
			});
			return { added: added.name };
		} catch (caught) {
			return failFromDomain(caught, formValues(data, ['code', 'name']));
		}
	}
};
