import { todayInChina } from '$lib/format';
import { formText, orNotFound, requireRole } from '$lib/server/http';
import { decideClaim, getClaim, payClaim } from '$lib/server/insurance';
import { CLAIM_REPORTERS, insuranceAction } from '$lib/server/insurance-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, ...CLAIM_REPORTERS);
	const { db } = await database();
	const detail = await orNotFound(event, getClaim(db, user, event.params.claim));
	return {
		today: todayInChina(),
		claim: detail.claim,
		steps: detail.steps.map((s) => ({
			id: s.id,
			step: s.step,
			happenedOn: s.happenedOn,
			byLabel: s.byLabel,
			amountFen: s.amountFen,
			note: s.note
		})),
		household: detail.household,
		scheme: {
			id: detail.scheme.id,
			name: detail.scheme.name,
			year: detail.scheme.year,
			kind: detail.scheme.kind,
			maximumFen: detail.scheme.rule.maximumFen,
			ruleVersion: detail.scheme.ruleVersion
		},
		policy: {
			objectLabel: detail.policy.objectLabel,
			memberName: detail.policy.memberName,
			insuredValueFen: detail.policy.insuredValueFen,
			coverFrom: detail.policy.coverFrom,
			coverTo: detail.policy.coverTo
		},
		payout: detail.payout,
		fundBalanceFen: detail.fundBalanceFen,
		may: detail.may,
		canSeeFund: user.role === 'county_admin' || user.role === 'township_staff'
	};
};

export const actions: Actions = {
	decide: insuranceAction(
		['county_admin'],
		'decide',
		['decision', 'amount', 'reason', 'decidedOn'],
		async ({ user, db, data, today, params }) => {
			await decideClaim(
				db,
				user,
				params.claim,
				{
					decision: formText(data, 'decision'),
					amount: formText(data, 'amount'),
					reason: formText(data, 'reason'),
					decidedOn: formText(data, 'decidedOn')
				},
				today
			);
			return {};
		}
	),
	pay: insuranceAction(
		['county_admin'],
		'pay',
		['paidOn'],
		async ({ user, db, data, today, params }) => {
			await payClaim(db, user, params.claim, { paidOn: formText(data, 'paidOn') }, today);
			return {};
		}
	)
};
