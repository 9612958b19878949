import { dev } from '$app/environment';
import { requireAdminForNow } from '$lib/server/auth/guard';
import { listCounties, loadCountyDivisions } from '$lib/server/divisions';
import { failFromDomain, formValues } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	requireAdminForNow(dev);
	const { db } = await database();
	return { counties: await listCounties(db) };
};

export const actions: Actions = {
	load: async ({ request }) => {
		const actor = requireAdminForNow(dev);
		const data = await request.formData();
		const { db } = await database();
		try {
			const result = await loadCountyDivisions(db, actor, String(data.get('countyCode') ?? ''));
			return {
				loaded: {
					county: result.county.name,
					townships: result.townshipsAdded,
					villages: result.villagesAdded
				}
			};
		} catch (caught) {
			return failFromDomain(caught, formValues(data, ['countyCode']));
		}
	}
};
