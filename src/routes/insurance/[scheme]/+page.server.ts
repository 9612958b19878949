import { todayInChina } from '$lib/format';
import { formText, orNotFound, requireRole } from '$lib/server/http';
import {
	carryOverSurplus,
	formatBands,
	fundView,
	listPolicies,
	topUpFund,
	updateRule
} from '$lib/server/insurance';
import { INSURANCE_STAFF, insuranceAction } from '$lib/server/insurance-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, ...INSURANCE_STAFF);
	const { db } = await database();
	const fund = await orNotFound(event, fundView(db, user, event.params.scheme));
	const policies = await listPolicies(db, user, fund.scheme.id, 30);
	const { scheme } = fund;
	return {
		isAdmin: user.role === 'county_admin',
		today: todayInChina(),
		scheme: {
			id: scheme.id,
			year: scheme.year,
			kind: scheme.kind,
			name: scheme.name,
			insurer: scheme.insurer,
			coverage: scheme.coverage,
			premiumFen: scheme.premiumFen,
			budgetFen: scheme.budgetFen,
			events: scheme.events,
			rule: scheme.rule,
			ruleVersion: scheme.ruleVersion,
			bandsText: formatBands(scheme.rule.bands)
		},
		fund: {
			premiumsFen: fund.premiumsFen,
			payoutsFen: fund.payoutsFen,
			topUpsFen: fund.topUpsFen,
			carriedInFen: fund.carriedInFen,
			carriedOutFen: fund.carriedOutFen,
			balanceFen: fund.balanceFen,
			months: fund.months,
			hasNext: fund.nextSchemeId !== null,
			entries: fund.entries.slice(-20).map((e) => ({
				id: e.id,
				kind: e.kind,
				amountFen: e.amountFen,
				businessDate: e.businessDate,
				units: e.units,
				note: e.note,
				byLabel: e.byLabel
			}))
		},
		policies: policies.map((p) => ({
			id: p.id,
			householdId: p.householdId,
			villageName: p.villageName,
			memberName: p.memberName,
			objectLabel: p.objectLabel,
			premiumFen: p.premiumFen
		}))
	};
};

export const actions: Actions = {
	topUp: insuranceAction(
		['county_admin'],
		'topUp',
		['amount', 'businessDate', 'note'],
		async ({ user, db, data, today, params }) => {
			await topUpFund(
				db,
				user,
				params.scheme,
				{
					amount: formText(data, 'amount'),
					businessDate: formText(data, 'businessDate'),
					note: formText(data, 'note')
				},
				today
			);
			return {};
		}
	),
	carryOver: insuranceAction(
		['county_admin'],
		'carryOver',
		['businessDate'],
		async ({ user, db, data, today, params }) => {
			const result = await carryOverSurplus(
				db,
				user,
				params.scheme,
				{ businessDate: formText(data, 'businessDate') },
				today
			);
			return { carriedFen: result.amountFen };
		}
	),
	rule: insuranceAction(
		['county_admin'],
		'rule',
		['deductible', 'maximum', 'bands'],
		async ({ user, db, data, params }) => {
			await updateRule(db, user, params.scheme, {
				deductible: formText(data, 'deductible'),
				maximum: formText(data, 'maximum'),
				bands: formText(data, 'bands')
			});
			return {};
		}
	)
};
