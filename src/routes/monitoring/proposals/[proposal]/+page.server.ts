import type { RequestEvent } from '@sveltejs/kit';
import { todayInChina } from '$lib/format';
import {
	failFromDomain,
	formText,
	formValues,
	orNotFound,
	readForm,
	requireRole
} from '$lib/server/http';
import { getCountyOptions } from '$lib/server/monitoring';
import { getProposal, placeNames, recordProposalStep } from '$lib/server/monitoring/proposals';
import type { ProposalStep } from '$lib/server/monitoring/schema';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

const STEP_FIELDS = ['happenedOn', 'byName', 'findings', 'noticeFrom', 'noticeUntil', 'reason'];

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff');
	const { db } = await database();
	const today = todayInChina();
	const view = await orNotFound(event, getProposal(db, user, event.params.proposal, today));
	const options = await getCountyOptions(db, user.countyId);
	return {
		...view,
		today,
		isAdmin: user.role === 'county_admin',
		options: { category: options.category, risk: options.risk },
		places: await placeNames(db, [view.household.villageCode])
	};
};

/** One review step: the county's approval is for county admins only. */
function step(name: ProposalStep) {
	return async (event: RequestEvent<{ proposal: string }>) => {
		const user =
			name === 'approved'
				? await requireRole(event, 'county_admin')
				: await requireRole(event, 'county_admin', 'township_staff');
		const data = await readForm(event);
		const { db } = await database();
		try {
			await recordProposalStep(
				db,
				user,
				event.params.proposal,
				name,
				{
					happenedOn: formText(data, 'happenedOn'),
					byName: formText(data, 'byName'),
					findings: formText(data, 'findings'),
					noticeFrom: formText(data, 'noticeFrom'),
					noticeUntil: formText(data, 'noticeUntil'),
					reason: formText(data, 'reason')
				},
				todayInChina()
			);
			return { saved: name };
		} catch (caught) {
			return failFromDomain(event, caught, { ...formValues(data, STEP_FIELDS), form: name });
		}
	};
}

export const actions: Actions = {
	verify: step('verified'),
	review: step('village_review'),
	township: step('township_review'),
	approve: step('approved'),
	reject: step('rejected')
};
