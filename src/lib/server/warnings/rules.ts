import type { CountySettings } from '../settings';
import type { WarningKind } from './schema';

// The monitoring rules (预警规则). Each rule is a pure function over one household's facts
// on an evaluation date and the county's thresholds, and returns null or a hit: the kind of
// warning, its evidence in numbers (fen, percentages, dates, ids) and a key naming what it
// is about, so that a warning people have closed is not raised again for the same thing.
//
// Boundaries: every rule fires AT its threshold. Below the line: per-capita income one fen
// under the line fires, at the line it does not (that is "near the line"). Near the line:
// fires at the line, not at line × (1 + margin). Income drop, large expense, job gap and the
// picking check fire when the share or the number of days reaches the threshold exactly.

export type RuleKind = Extract<
	WarningKind,
	| 'income_below_line'
	| 'income_near_line'
	| 'income_drop'
	| 'job_ended'
	| 'large_expense'
	| 'insurance_claim'
	| 'picking_stopped'
>;

/** The rules that watch the income ledger: they run in every posting's transaction. */
export const LEDGER_RULES = [
	'income_below_line',
	'income_near_line',
	'income_drop',
	'large_expense'
] as const satisfies readonly RuleKind[];

/** Rules that depend on time passing: nightly only (a job gap, a season running on). */
export const TIME_RULES = ['job_ended', 'picking_stopped'] as const satisfies readonly RuleKind[];

export type Evidence = Record<string, string | number | null>;

export interface RuleHit {
	kind: RuleKind;
	evidence: Evidence;
	/** What the warning is about; one warning per key, ever. */
	key: string;
}

export type RuleThresholds = Pick<
	CountySettings,
	'nearLineMarginPct' | 'incomeDropPct' | 'jobGapDays' | 'largeExpenseSharePct'
>;

/** A job's end is looked at for this many days after its gap has passed, then forgotten. */
export const JOB_ENDED_LOOKBACK_DAYS = 90;

/** After an income-drop warning, the same household's drop is not raised again for this long. */
export const INCOME_DROP_QUIET_MONTHS = 3;

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (dates YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function addDaysTo(isoDate: string, days: number): string {
	return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** "2026-11" for the month `months` before the month of `isoDate` (0: its own month). */
export function monthBefore(isoDate: string, months: number): string {
	const date = new Date(`${isoDate.slice(0, 7)}-01T00:00:00Z`);
	date.setUTCMonth(date.getUTCMonth() - months);
	return date.toISOString().slice(0, 7);
}

/** Integer percentage, rounded down: for the evidence shown to people, never for a decision. */
function percentOf(part: number, whole: number): number {
	return Math.floor((part * 100) / whole);
}

export interface StandingFacts {
	onDate: string;
	/** Per-capita net income of the 12 months before onDate; null without resident members. */
	perCapitaFen: number | null;
	/** The monitoring line of onDate's year; null when the county has not set it. */
	lineFen: number | null;
}

/** income_below_line: per-capita net income under the line (one fen under fires, at it does not). */
export function incomeBelowLine(facts: StandingFacts): RuleHit | null {
	const { perCapitaFen, lineFen, onDate } = facts;
	if (perCapitaFen === null || lineFen === null || lineFen <= 0) return null;
	if (perCapitaFen >= lineFen) return null;
	const year = onDate.slice(0, 4);
	return {
		kind: 'income_below_line',
		key: `income_below_line:${year}`,
		evidence: {
			onDate,
			perCapitaFen,
			lineFen,
			lineYear: Number(year),
			gapFen: lineFen - perCapitaFen
		}
	};
}

/**
 * income_near_line: at or above the line but under line × (1 + margin%). In integers:
 * perCapita × 100 < line × (100 + margin), so no rounding decides a household's fate.
 */
export function incomeNearLine(
	facts: StandingFacts,
	thresholds: Pick<RuleThresholds, 'nearLineMarginPct'>
): RuleHit | null {
	const { perCapitaFen, lineFen, onDate } = facts;
	const margin = thresholds.nearLineMarginPct;
	if (perCapitaFen === null || lineFen === null || lineFen <= 0) return null;
	if (perCapitaFen < lineFen) return null;
	if (perCapitaFen * 100 >= lineFen * (100 + margin)) return null;
	const year = onDate.slice(0, 4);
	return {
		kind: 'income_near_line',
		key: `income_near_line:${year}`,
		evidence: {
			onDate,
			perCapitaFen,
			lineFen,
			lineYear: Number(year),
			marginPct: margin,
			// The first per-capita income no longer near the line.
			upperFen: Math.ceil((lineFen * (100 + margin)) / 100),
			aboveLineFen: perCapitaFen - lineFen
		}
	};
}

/**
 * A month's income is complete from this day of the next month: wage sheets, allowances and
 * picking payments for a month are entered in the first half of the next one. Before it,
 * the month before is still filling up and is not compared (on 1 December, November's
 * wages are mostly not in yet: comparing it would find a drop in every worker's household).
 */
export const MONTH_SETTLED_DAY = 15;

/** The latest month whose income is complete on `onDate` ('YYYY-MM'). */
export function latestFullMonth(onDate: string): string {
	return monthBefore(onDate, Number(onDate.slice(8, 10)) >= MONTH_SETTLED_DAY ? 1 : 2);
}

/** The six months the income-drop rule compares on `onDate`, oldest first. */
export function dropMonths(onDate: string): string[] {
	const latest = `${latestFullMonth(onDate)}-15`;
	return [5, 4, 3, 2, 1, 0].map((n) => monthBefore(latest, n));
}

export interface MonthlyFacts {
	onDate: string;
	/**
	 * Net income (the four kinds − production costs; large expenses apart) of each of the
	 * six months of dropMonths(onDate), oldest first.
	 */
	monthlyNetFen: number[];
}

/**
 * income_drop. "The last 3 months" are the three latest months whose income is complete
 * (latestFullMonth: the month before the evaluation date's from the 15th, the one before
 * that until then); "the 3 months before" are the three months before those. It fires when
 * the recent net income is at least incomeDropPct% below the earlier one: recent × 100 ≤
 * earlier × (100 − X). A household whose earlier 3 months had no net income (zero or less)
 * is ignored: there was nothing to fall from.
 */
export function incomeDrop(
	facts: MonthlyFacts,
	thresholds: Pick<RuleThresholds, 'incomeDropPct'>
): RuleHit | null {
	if (facts.monthlyNetFen.length !== 6) throw new Error('income_drop needs six months');
	const earlierFen = facts.monthlyNetFen.slice(0, 3).reduce((a, b) => a + b, 0);
	const recentFen = facts.monthlyNetFen.slice(3).reduce((a, b) => a + b, 0);
	if (earlierFen <= 0) return null;
	const threshold = thresholds.incomeDropPct;
	if (recentFen * 100 > earlierFen * (100 - threshold)) return null;
	const months = dropMonths(facts.onDate);
	return {
		kind: 'income_drop',
		key: `income_drop:${months[3]}`,
		evidence: {
			onDate: facts.onDate,
			earlierFrom: months[0],
			earlierTo: months[2],
			earlierFen,
			recentFrom: months[3],
			recentTo: months[5],
			recentFen,
			dropPct: percentOf(earlierFen - recentFen, earlierFen),
			thresholdPct: threshold
		}
	};
}

export interface EndedJob {
	jobId: string;
	factoryId: string;
	memberId: string | null;
	endedOn: string;
	/** The first job a member of the household started on or after endedOn; null if none. */
	nextStartedOn: string | null;
}

/**
 * job_ended: a factory job ended and no member of the household started a new job from the
 * day it ended until the evaluation date, once jobGapDays days have passed since the end
 * (onDate − endedOn ≥ N). A job that ended more than N + 90 days ago is no longer news.
 * When several qualify, the most recent end is reported.
 */
export function jobEnded(
	facts: { onDate: string; jobs: EndedJob[] },
	thresholds: Pick<RuleThresholds, 'jobGapDays'>
): RuleHit | null {
	const gap = thresholds.jobGapDays;
	const hits = facts.jobs
		.filter((job) => {
			const days = daysBetween(job.endedOn, facts.onDate);
			if (days < gap || days > gap + JOB_ENDED_LOOKBACK_DAYS) return false;
			return job.nextStartedOn === null || job.nextStartedOn > facts.onDate;
		})
		.sort((a, b) => (a.endedOn < b.endedOn ? 1 : a.endedOn > b.endedOn ? -1 : 0));
	const job = hits[0];
	if (!job) return null;
	return {
		kind: 'job_ended',
		key: `job:${job.jobId}`,
		evidence: {
			onDate: facts.onDate,
			jobId: job.jobId,
			factoryId: job.factoryId,
			memberId: job.memberId,
			endedOn: job.endedOn,
			daysWithoutJob: daysBetween(job.endedOn, facts.onDate),
			gapDays: gap
		}
	};
}

export interface LargeExpense {
	entryId: string;
	businessDate: string;
	amountFen: number;
	/** The household's net income of the 12 months up to and including the expense's date. */
	annualNetFen: number;
}

/**
 * large_expense: one large-expense ledger entry (not reversed) of at least
 * largeExpenseSharePct% of the household's net income of the 12 months before it:
 * amount × 100 ≥ share × annual net. With no net income (zero or less) any large expense
 * fires. When several qualify, the most recent is reported.
 */
export function largeExpense(
	facts: { onDate: string; expenses: LargeExpense[] },
	thresholds: Pick<RuleThresholds, 'largeExpenseSharePct'>
): RuleHit | null {
	const share = thresholds.largeExpenseSharePct;
	const hits = facts.expenses
		.filter(
			(e) => e.amountFen > 0 && (e.annualNetFen <= 0 || e.amountFen * 100 >= share * e.annualNetFen)
		)
		.sort((a, b) =>
			a.businessDate < b.businessDate
				? 1
				: a.businessDate > b.businessDate
					? -1
					: a.entryId < b.entryId
						? 1
						: -1
		);
	const expense = hits[0];
	if (!expense) return null;
	return {
		kind: 'large_expense',
		key: `expense:${expense.entryId}`,
		evidence: {
			onDate: facts.onDate,
			entryId: expense.entryId,
			expenseOn: expense.businessDate,
			amountFen: expense.amountFen,
			annualNetFen: expense.annualNetFen,
			sharePct:
				expense.annualNetFen > 0 ? percentOf(expense.amountFen, expense.annualNetFen) : null,
			thresholdPct: share
		}
	};
}

export interface InsuranceClaimFacts {
	claimId: string;
	eventDate: string;
	amountFen: number;
}

/** insurance_claim: every claim is a warning (an accident or a disaster hit the household). */
export function insuranceClaim(facts: InsuranceClaimFacts): RuleHit {
	return {
		kind: 'insurance_claim',
		key: `claim:${facts.claimId}`,
		evidence: { claimId: facts.claimId, eventDate: facts.eventDate, amountFen: facts.amountFen }
	};
}

export interface SeasonWindow {
	year: number;
	startsOn: string;
	endsOn: string;
}

export interface PickingFacts {
	onDate: string;
	/** The latest season whose picking window has begun by onDate; null when none. */
	thisSeason: SeasonWindow | null;
	/** The season of the year before it, if the county had one. */
	lastSeason: SeasonWindow | null;
	/** The household's weigh-ins (not voided) in each season, and last season's money. */
	lastSeasonWeighIns: number;
	lastSeasonFen: number;
	thisSeasonWeighIns: number;
}

/**
 * The day from which this season has run long enough to tell: a third of its picking
 * window (from the seasons table) has passed. The county's default window, 1 May to
 * 30 September (153 days), is telling from 21 June, after the first flush is picked.
 */
export function pickingTellsFrom(season: SeasonWindow): string {
	const windowDays = daysBetween(season.startsOn, season.endsOn) + 1;
	return addDaysTo(season.startsOn, Math.ceil(windowDays / 3));
}

/**
 * picking_stopped: members of the household weighed in honeysuckle (picking entries, not
 * voided) in last season (the season of the year before this one) and have no weigh-in this
 * season, from the day this season has run long enough to tell (pickingTellsFrom). Weigh-ins
 * are the picking income as earned; it is paid into the ledger later, in batches.
 */
export function pickingStopped(facts: PickingFacts): RuleHit | null {
	const { thisSeason, lastSeason } = facts;
	if (!thisSeason || !lastSeason || lastSeason.year !== thisSeason.year - 1) return null;
	if (facts.lastSeasonWeighIns === 0 || facts.thisSeasonWeighIns > 0) return null;
	const tellsFrom = pickingTellsFrom(thisSeason);
	if (facts.onDate < tellsFrom) return null;
	return {
		kind: 'picking_stopped',
		key: `picking:${thisSeason.year}`,
		evidence: {
			onDate: facts.onDate,
			seasonYear: thisSeason.year,
			lastSeasonYear: lastSeason.year,
			lastSeasonWeighIns: facts.lastSeasonWeighIns,
			lastSeasonFen: facts.lastSeasonFen,
			checkedFrom: tellsFrom
		}
	};
}

/** Everything the rules know about one household on one date. */
export interface HouseholdFacts extends StandingFacts {
	monthlyNetFen: number[];
	largeExpenses: LargeExpense[];
	/** Only for the nightly run (time rules); empty at a posting. */
	endedJobs: EndedJob[];
	picking: Omit<PickingFacts, 'onDate'> | null;
}

/** All rules of `kinds` over one household's facts: at most one hit per kind. */
export function runRules(
	facts: HouseholdFacts,
	thresholds: RuleThresholds,
	kinds: readonly RuleKind[]
): RuleHit[] {
	const hits: (RuleHit | null)[] = [];
	const want = new Set(kinds);
	if (want.has('income_below_line')) hits.push(incomeBelowLine(facts));
	if (want.has('income_near_line')) hits.push(incomeNearLine(facts, thresholds));
	if (want.has('income_drop')) hits.push(incomeDrop(facts, thresholds));
	if (want.has('large_expense'))
		hits.push(largeExpense({ onDate: facts.onDate, expenses: facts.largeExpenses }, thresholds));
	if (want.has('job_ended'))
		hits.push(jobEnded({ onDate: facts.onDate, jobs: facts.endedJobs }, thresholds));
	if (want.has('picking_stopped') && facts.picking)
		hits.push(pickingStopped({ onDate: facts.onDate, ...facts.picking }));
	return hits.filter((h): h is RuleHit => h !== null);
}
