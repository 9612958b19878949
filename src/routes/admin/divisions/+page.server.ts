import { findCountyByCode, loadCountyDivisions } from '$lib/server/divisions';
import { DomainError } from '$lib/server/errors';
import { failFromDomain, formText, formValues, readForm, requireRole } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin');
	const { db } = await database();
	const county = await findCountyByCode(db, user.countyCode);
	return { counties: county ? [county] : [], countyCode: user.countyCode };
};

export const actions: Actions = {
	// Reloads the admin's own county from the shipped data; a new county is set up with
	// `npm run create-admin`, which loads it.
	load: async (event) => {
		const user = await requireRole(event, 'county_admin');
		const data = await readForm(event);
		const { db } = await database();
		try {
			const code = formText(data, 'countyCode').trim();
			if (/^\d{6}$/.test(code) && code !== user.countyCode) {
				throw DomainError.invalid('countyCode', 'divisions_error_other_county', {
					code: user.countyCode
				});
			}
			const result = await loadCountyDivisions(db, user, code);
			return {
				loaded: {
					county: result.county.name,
					townships: result.townshipsAdded,
					villages: result.villagesAdded
				}
			};
		} catch (caught) {
			return failFromDomain(event, caught, formValues(data, ['countyCode']));
		}
	}
};
