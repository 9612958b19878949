import { redirect } from '@sveltejs/kit';
import { todayInChina } from '$lib/format';
import { failFromDomain, formText, formValues, readForm, requireRole } from '$lib/server/http';
import { getCountyOptions } from '$lib/server/monitoring';
import {
	eliminationCandidates,
	householdIdByNumber,
	identificationCandidates,
	listProposals,
	placeNames,
	proposeHousehold
} from '$lib/server/monitoring/proposals';
import { ELIMINATION_METHODS } from '$lib/server/monitoring/schema';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

const PROPOSE_FIELDS = [
	'kind',
	'householdId',
	'householdNumber',
	'category',
	'eliminationMethod',
	'note'
];

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff');
	const { db } = await database();
	const today = todayInChina();
	const [identify, eliminate, open, decided, options] = await Promise.all([
		identificationCandidates(db, user),
		eliminationCandidates(db, user, today),
		listProposals(db, user, { open: true }),
		listProposals(db, user, { open: false, limit: 30 }),
		getCountyOptions(db, user.countyId)
	]);
	const villages = [...identify, ...eliminate, ...open, ...decided].map((h) => h.villageCode);
	return {
		today,
		identify,
		eliminate,
		open,
		decided,
		options: { category: options.category, risk: options.risk },
		methods: ELIMINATION_METHODS,
		places: await placeNames(db, villages)
	};
};

export const actions: Actions = {
	propose: async (event) => {
		const user = await requireRole(event, 'county_admin', 'township_staff');
		const data = await readForm(event);
		const { db } = await database();
		let id: string;
		try {
			const householdId =
				formText(data, 'householdId') ||
				(await householdIdByNumber(db, user, formText(data, 'householdNumber')));
			id = await proposeHousehold(
				db,
				user,
				{
					kind: formText(data, 'kind'),
					householdId,
					category: formText(data, 'category'),
					risks: data.getAll('risks'),
					eliminationMethod: formText(data, 'eliminationMethod'),
					note: formText(data, 'note'),
					proposedOn: formText(data, 'proposedOn')
				},
				todayInChina()
			);
		} catch (caught) {
			const form = formText(data, 'householdId')
				? `propose:${formText(data, 'kind')}:${formText(data, 'householdId')}`
				: 'propose:number';
			return failFromDomain(event, caught, { ...formValues(data, PROPOSE_FIELDS), form });
		}
		redirect(303, `/monitoring/proposals/${id}?proposed=1`);
	}
};
