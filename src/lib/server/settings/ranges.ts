import type { CountySettings } from './index';

// What a county may set, and within which bounds. The bounds keep typos out (fen for
// yuan, a missing zero) and national minimums in: they are not the county's policy.

/** The first year a line may be set for (the monitoring system began after 2015). */
export const FIRST_LINE_YEAR = 2015;
/** A line per person per year, in fen: 1,000 to 50,000 yuan. */
export const LINE_MIN_FEN = 100_000;
export const LINE_MAX_FEN = 5_000_000;

export type RuleKey =
	| 'nearLineMarginPct'
	| 'incomeDropPct'
	| 'jobGapDays'
	| 'largeExpenseSharePct'
	| 'verificationDueWorkingDays'
	| 'publicNoticeDays'
	| 'eliminationStableMonths';

export type RuleUnit = 'pct' | 'days' | 'working_days' | 'months';

export interface RuleRange {
	key: RuleKey;
	min: number;
	max: number;
	unit: RuleUnit;
}

/** The monitoring loop's thresholds, in the order the settings page shows them. */
export const RULE_RANGES: readonly RuleRange[] = [
	{ key: 'nearLineMarginPct', min: 0, max: 50, unit: 'pct' },
	{ key: 'incomeDropPct', min: 5, max: 90, unit: 'pct' },
	{ key: 'jobGapDays', min: 7, max: 365, unit: 'days' },
	{ key: 'largeExpenseSharePct', min: 5, max: 500, unit: 'pct' },
	{ key: 'verificationDueWorkingDays', min: 1, max: 20, unit: 'working_days' },
	// Five days is the national minimum for a public notice.
	{ key: 'publicNoticeDays', min: 5, max: 30, unit: 'days' },
	// Six months is the minimum in county notices.
	{ key: 'eliminationStableMonths', min: 6, max: 24, unit: 'months' }
];

export type CeilingKey = 'ledgerCeilingFen' | 'monthlyWageCeilingFen' | 'weighInCeilingGrams';

export interface CeilingRange {
	key: CeilingKey;
	/** The form field: the amount as a person types it (yuan or kilograms). */
	field: 'ledgerCeiling' | 'monthlyWageCeiling' | 'weighInCeiling';
	unit: 'yuan' | 'kg';
	/** In the stored unit: fen or grams. */
	min: number;
	max: number;
}

/** Entries above a ceiling are refused as likely typos; a ceiling itself stays sane. */
export const CEILING_RANGES: readonly CeilingRange[] = [
	// One ledger entry: an insurance payout or a small loan (50,000 yuan) must fit.
	{
		key: 'ledgerCeilingFen',
		field: 'ledgerCeiling',
		unit: 'yuan',
		min: 5_000_000,
		max: 1_000_000_000
	},
	{
		key: 'monthlyWageCeilingFen',
		field: 'monthlyWageCeiling',
		unit: 'yuan',
		min: 300_000,
		max: 10_000_000
	},
	{ key: 'weighInCeilingGrams', field: 'weighInCeiling', unit: 'kg', min: 20_000, max: 500_000 }
];

export type RuleThresholds = Pick<CountySettings, RuleKey>;
export type Ceilings = Pick<CountySettings, CeilingKey>;
