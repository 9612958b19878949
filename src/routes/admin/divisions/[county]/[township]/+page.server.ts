import { dev } from '$app/environment';
import { requireAdminForNow } from '$lib/server/auth/guard';
import { addDivision, getDivision, listVillages, renameDivision } from '$lib/server/divisions';
import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { DomainError } from '$lib/server/errors';
import { failFromDomain, formValues, orNotFound } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	requireAdminForNow(dev);
	const { db } = await database();
	const township = await orNotFound(getDivision(db, params.county, params.township));
	if (township.level !== 'township') error(404, translate('error_not_found'));
	return { township, villages: await listVillages(db, params.county, township.code) };
};

export const actions: Actions = {
	add: async ({ request, params }) => {
		const actor = requireAdminForNow(dev);
		const data = await request.formData();
		const { db } = await database();
		try {
			const added = await addDivision(db, actor, params.county, {
				parentCode: params.township,
				code: data.get('code'),
				name: data.get('name')
			});
			return { added: added.name };
		} catch (caught) {
			return failFromDomain(caught, formValues(data, ['form', 'code', 'name']));
		}
	},
	rename: async ({ request, params }) => {
		const actor = requireAdminForNow(dev);
		const data = await request.formData();
		const code = String(data.get('code') ?? '');
		const { db } = await database();
		try {
			// Only villages of this township are renamed from this page.
			const village = await getDivision(db, params.county, code);
			if (village.parentCode !== params.township) throw DomainError.notFound();
			const renamed = await renameDivision(db, actor, params.county, code, data.get('name'));
			return { renamed: renamed.name, renamedCode: code };
		} catch (caught) {
			return failFromDomain(caught, formValues(data, ['form', 'code', 'name']));
		}
	}
};
