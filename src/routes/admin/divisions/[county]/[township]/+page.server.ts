import {
	addDivision,
	addVillageAlias,
	getDivision,
	listVillageAliases,
	listVillages,
	removeVillageAlias,
	renameDivision
} from '$lib/server/divisions';
import { DomainError } from '$lib/server/errors';
import {
	failFromDomain,
	formValues,
	notFound,
	orNotFound,
	readForm,
	requireRole
} from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** A county admin, on a township of their own county; anyone else is told it does not exist. */
async function townshipAdmin(event: RequestEvent) {
	const user = await requireRole(event, 'county_admin');
	if (event.params.county !== user.countyCode) return notFound(event, 'county');
	return user;
}

export const load: PageServerLoad = async (event) => {
	const user = await townshipAdmin(event);
	const { db } = await database();
	const township = await orNotFound(event, getDivision(db, user.countyCode, event.params.township));
	if (township.level !== 'township') return notFound(event, 'township');
	const [villages, aliases] = await Promise.all([
		listVillages(db, user.countyCode, township.code),
		listVillageAliases(db, user.countyCode, township.code)
	]);
	return {
		township,
		villages: villages.map((v) => ({ ...v, aliases: aliases.get(v.code) ?? [] }))
	};
};

export const actions: Actions = {
	add: async (event) => {
		const user = await townshipAdmin(event);
		const data = await readForm(event);
		const { db } = await database();
		try {
			const added = await addDivision(db, user, user.countyCode, {
				parentCode: event.params.township,
				code: data.get('code'),
				name: data.get('name')
			});
			return { added: added.name };
		} catch (caught) {
			return failFromDomain(event, caught, formValues(data, ['form', 'code', 'name']));
		}
	},
	rename: async (event) => {
		const user = await townshipAdmin(event);
		const data = await readForm(event);
		const code = String(data.get('code') ?? '');
		const { db } = await database();
		try {
			// Only villages of this township are renamed from this page.
			const village = await getDivision(db, user.countyCode, code);
			if (village.parentCode !== event.params.township) throw DomainError.notFound();
			const renamed = await renameDivision(db, user, user.countyCode, code, data.get('name'));
			return { renamed: renamed.name, renamedCode: code };
		} catch (caught) {
			return failFromDomain(event, caught, formValues(data, ['form', 'code', 'name']));
		}
	},
	addAlias: async (event) => {
		const user = await townshipAdmin(event);
		const data = await readForm(event);
		const code = String(data.get('code') ?? '');
		const { db } = await database();
		try {
			const village = await getDivision(db, user.countyCode, code);
			if (village.parentCode !== event.params.township) throw DomainError.notFound();
			const alias = await addVillageAlias(db, user, user.countyCode, code, data.get('alias'));
			return { aliasAdded: alias, aliasCode: code };
		} catch (caught) {
			return failFromDomain(event, caught, formValues(data, ['form', 'code', 'alias']));
		}
	},
	removeAlias: async (event) => {
		const user = await townshipAdmin(event);
		const data = await readForm(event);
		const code = String(data.get('code') ?? '');
		const alias = String(data.get('alias') ?? '');
		const { db } = await database();
		try {
			const village = await getDivision(db, user.countyCode, code);
			if (village.parentCode !== event.params.township) throw DomainError.notFound();
			await removeVillageAlias(db, user, user.countyCode, code, alias);
			return { aliasRemoved: alias, aliasCode: code };
		} catch (caught) {
			return failFromDomain(event, caught, formValues(data, ['form', 'code', 'alias']));
		}
	}
};
