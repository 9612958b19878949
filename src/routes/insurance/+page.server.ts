import { redirect } from '@sveltejs/kit';
import { todayInChina } from '$lib/format';
import { formText, requireRole } from '$lib/server/http';
import { createScheme, listSchemes, type SchemeInput } from '$lib/server/insurance';
import { INSURANCE_STAFF, insuranceAction } from '$lib/server/insurance-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

const SCHEME_FIELDS = [
	'year',
	'kind',
	'name',
	'insurer',
	'coverage',
	'premium',
	'budget',
	'deductible',
	'maximum',
	'bands'
];

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, ...INSURANCE_STAFF);
	const { db } = await database();
	return {
		isAdmin: user.role === 'county_admin',
		thisYear: Number(todayInChina().slice(0, 4)),
		schemes: (await listSchemes(db, user)).map((s) => ({
			id: s.id,
			year: s.year,
			kind: s.kind,
			name: s.name,
			insurer: s.insurer,
			budgetFen: s.budgetFen,
			policies: s.policies,
			premiumsFen: s.premiumsFen,
			paidFen: s.paidFen,
			balanceFen: s.balanceFen,
			openClaims: s.openClaims
		}))
	};
};

export const actions: Actions = {
	create: async (event) => {
		const result = await insuranceAction(
			['county_admin'],
			'create',
			SCHEME_FIELDS,
			async ({ user, db, data, today }) => {
				const input = Object.fromEntries(
					SCHEME_FIELDS.map((f) => [f, formText(data, f)])
				) as unknown as SchemeInput;
				input.events = data.getAll('events');
				return { id: (await createScheme(db, user, input, today)).id };
			}
		)(event);
		if ('id' in result && typeof result.id === 'string') redirect(303, `/insurance/${result.id}`);
		return result;
	}
};
