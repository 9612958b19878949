import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { todayInChina } from '$lib/format';
import { canSeeTownship } from '$lib/server/auth/scope';
import { listTownships, listVillages } from '$lib/server/divisions';
import { createHousehold, type MemberInput } from '$lib/server/households';
import { failFromDomain, formText, formValues, readForm, requireRole } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

const HOUSEHOLD_FIELDS = ['householdNumber', 'villageCode', 'address', 'phone', 'registeredOn'];
const MEMBER_FIELDS: (keyof MemberInput)[] = [
	'name',
	'idNumber',
	'relation',
	'labourSkill',
	'health',
	'schooling',
	'ethnicity',
	'education',
	'workingAway',
	'workPlace',
	'workMonths',
	'resident'
];

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff');
	const { db } = await database();
	const townships = (await listTownships(db, user.countyCode)).filter((t) =>
		canSeeTownship(user, t.code)
	);
	const villages = await Promise.all(
		townships.map((t) => listVillages(db, user.countyCode, t.code))
	);
	return {
		today: todayInChina(),
		townships: townships.map((t, i) => ({
			code: t.code,
			name: t.name,
			villages: villages[i].map((v) => ({ code: v.code, name: v.name }))
		}))
	};
};

export const actions: Actions = {
	default: async (event) => {
		const user = await requireRole(event, 'county_admin', 'township_staff');
		const data = await readForm(event);
		const { db } = await database();
		const head = Object.fromEntries(
			MEMBER_FIELDS.map((f) => [f, formText(data, `head.${f}`)])
		) as unknown as MemberInput;
		let id: string;
		try {
			id = await createHousehold(
				db,
				user,
				{
					householdNumber: formText(data, 'householdNumber'),
					villageCode: formText(data, 'villageCode'),
					address: formText(data, 'address'),
					phone: formText(data, 'phone'),
					registeredOn: formText(data, 'registeredOn'),
					head
				},
				todayInChina()
			);
		} catch (caught) {
			return failFromDomain(
				event,
				caught,
				formValues(data, [...HOUSEHOLD_FIELDS, ...MEMBER_FIELDS.map((f) => `head.${f}`)])
			);
		}
		redirect(303, resolve('/households/[id]', { id }));
	}
};
