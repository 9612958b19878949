import { redirect } from '@sveltejs/kit';
import { todayInChina } from '$lib/format';
import { isUuid } from '$lib/server/db/ids';
import { getHousehold } from '$lib/server/households';
import { formText, orNotFound, requireRole } from '$lib/server/http';
import { claimablePolicies, reportClaim } from '$lib/server/insurance';
import { CLAIM_REPORTERS, insuranceAction } from '$lib/server/insurance-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

const CLAIM_FIELDS = [
	'id',
	'householdId',
	'policyId',
	'eventType',
	'eventDate',
	'loss',
	'documents',
	'description',
	'warningId'
];

/** Opened from a household's page (?household=) or from a large-expense warning (&warning=). */
export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, ...CLAIM_REPORTERS);
	const { db } = await database();
	const householdId = event.url.searchParams.get('household') ?? '';
	const warning = event.url.searchParams.get('warning') ?? '';
	if (!householdId) return { household: null, policies: [], warningId: '', today: todayInChina() };
	const household = await orNotFound(event, getHousehold(db, user, householdId));
	const policies = await orNotFound(event, claimablePolicies(db, user, household.id));
	const head =
		household.members.find((m) => m.current && m.relation === '户主') ?? household.members[0];
	return {
		household: {
			id: household.id,
			householdNumber: household.householdNumber,
			villageName: household.villageName,
			headName: head?.name ?? null
		},
		policies,
		warningId: isUuid(warning) ? warning : '',
		today: todayInChina()
	};
};

export const actions: Actions = {
	default: async (event) => {
		const result = await insuranceAction(
			CLAIM_REPORTERS,
			'report',
			CLAIM_FIELDS,
			async ({ user, db, data, today }) => {
				const input = Object.fromEntries(CLAIM_FIELDS.map((f) => [f, formText(data, f)]));
				const claim = await reportClaim(
					db,
					user,
					input as unknown as Parameters<typeof reportClaim>[2],
					today
				);
				return { id: claim.id };
			}
		)(event);
		if ('id' in result && typeof result.id === 'string')
			redirect(303, `/insurance/claims/${result.id}?reported=1`);
		return result;
	}
};
