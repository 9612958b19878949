import { redirect } from '@sveltejs/kit';
import { todayInChina } from '$lib/format';
import { formText, orNotFound, requireRole } from '$lib/server/http';
import { getClaim, incomeForInvestigation, investigateClaim, LOOKS } from '$lib/server/insurance';
import { INSURANCE_STAFF, insuranceAction } from '$lib/server/insurance-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

const LOOK_FIELDS = LOOKS.flatMap((look) => [`${look}Choice`, `${look}Note`]);
const INVESTIGATION_FIELDS = [...LOOK_FIELDS, 'investigatedOn', 'note'];

/** The investigator's phone form: 看四算一 beside the household's income and the line. */
export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, ...INSURANCE_STAFF);
	const { db } = await database();
	const detail = await orNotFound(event, getClaim(db, user, event.params.claim));
	const today = todayInChina();
	return {
		today,
		claim: {
			id: detail.claim.id,
			status: detail.claim.status,
			eventType: detail.claim.eventType,
			eventDate: detail.claim.eventDate,
			lossFen: detail.claim.lossFen
		},
		household: detail.household,
		schemeName: detail.scheme.name,
		income: await incomeForInvestigation(db, user.countyId, detail.household.id, today)
	};
};

export const actions: Actions = {
	default: async (event) => {
		const result = await insuranceAction(
			INSURANCE_STAFF,
			'investigate',
			INVESTIGATION_FIELDS,
			async ({ user, db, data, today, params }) => {
				const looks = Object.fromEntries(
					LOOKS.map((look) => [
						look,
						{ choice: formText(data, `${look}Choice`), note: formText(data, `${look}Note`) }
					])
				);
				const claim = await investigateClaim(
					db,
					user,
					params.claim,
					{ looks, investigatedOn: formText(data, 'investigatedOn'), note: formText(data, 'note') },
					today
				);
				return { id: claim.id };
			}
		)(event);
		if ('id' in result && typeof result.id === 'string')
			redirect(303, `/insurance/claims/${result.id}?investigated=1`);
		return result;
	}
};
