import { formText, requireRole } from '$lib/server/http';
import {
	CEILING_RANGES,
	RULE_RANGES,
	type CeilingRange,
	type RuleKey
} from '$lib/server/settings/ranges';
import { saveCeilings, saveRuleThresholds, settingsView } from '$lib/server/settings/thresholds';
import { settingsAction } from '$lib/server/settings-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

// Written out (not mapped from the ranges) so the hostile-input test finds every field.
const RULE_FIELDS: RuleKey[] = [
	'nearLineMarginPct',
	'incomeDropPct',
	'jobGapDays',
	'largeExpenseSharePct',
	'verificationDueWorkingDays',
	'publicNoticeDays',
	'eliminationStableMonths'
];
const CEILING_FIELDS: CeilingRange['field'][] = [
	'ledgerCeiling',
	'monthlyWageCeiling',
	'weighInCeiling'
];

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin');
	const { db } = await database();
	return {
		settings: await settingsView(db, user),
		ruleRanges: RULE_RANGES,
		ceilingRanges: CEILING_RANGES
	};
};

const fields = <K extends string>(data: FormData, names: readonly K[]) =>
	Object.fromEntries(names.map((name) => [name, formText(data, name)])) as Record<K, string>;

export const actions: Actions = {
	rules: settingsAction('rules', RULE_FIELDS, async ({ user, db, data }) => ({
		result: await saveRuleThresholds(db, user, fields(data, RULE_FIELDS))
	})),
	ceilings: settingsAction('ceilings', CEILING_FIELDS, async ({ user, db, data }) => ({
		result: await saveCeilings(db, user, fields(data, CEILING_FIELDS))
	}))
};
