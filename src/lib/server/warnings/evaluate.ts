import { and, eq, gte, inArray } from 'drizzle-orm';
import type { Db } from '../db';
import { systemActor, type Actor } from '../auth/actor';
import { todayInChina } from '../../format';
import { getCountySettings } from '../settings';
import { loadHouseholdFacts } from './facts';
import { raiseWarning, raiseWarnings, type Warning } from './index';
import {
	INCOME_DROP_QUIET_MONTHS,
	addDaysTo,
	insuranceClaim,
	runRules,
	type RuleKind
} from './rules';
import { warnings } from './schema';

/** Rule warnings are raised by Levee itself; the person whose change set them off is audited. */
export const RULES_ACTOR: Actor = systemActor('monitoring rules');

export type RuleTrigger = 'posting' | 'nightly' | 'claim' | 'demo';

export interface RulesOutcome {
	evaluated: number;
	raised: number;
	byKind: Partial<Record<RuleKind, number>>;
}

interface PreviousWarning {
	kind: string;
	ruleKey: string | null;
	raisedOn: string;
	open: boolean;
}

/** How far back a closed rule warning still stops the same thing being raised again. */
const MEMORY_DAYS = 400;

/**
 * The rule warnings of the households raised in the last 400 days, and any still open:
 * what stops a rule from raising the same thing twice.
 */
async function previousWarnings(
	tx: Db,
	countyId: string,
	householdIds: string[],
	onDate: string
): Promise<Map<string, PreviousWarning[]>> {
	const result = new Map<string, PreviousWarning[]>();
	for (let i = 0; i < householdIds.length; i += 5000) {
		const rows = await tx
			.select({
				householdId: warnings.householdId,
				kind: warnings.kind,
				ruleKey: warnings.ruleKey,
				raisedOn: warnings.raisedOn,
				status: warnings.status
			})
			.from(warnings)
			.where(
				and(
					eq(warnings.countyId, countyId),
					inArray(warnings.householdId, householdIds.slice(i, i + 5000)),
					gte(warnings.raisedOn, addDaysTo(onDate, -MEMORY_DAYS))
				)
			);
		for (const row of rows) {
			let list = result.get(row.householdId);
			if (!list) result.set(row.householdId, (list = []));
			list.push({
				kind: row.kind,
				ruleKey: row.ruleKey,
				raisedOn: row.raisedOn,
				open: row.status !== 'closed'
			});
		}
	}
	return result;
}

function monthsBefore(isoDate: string, months: number): string {
	const date = new Date(`${isoDate}T00:00:00Z`);
	date.setUTCMonth(date.getUTCMonth() - months);
	return date.toISOString().slice(0, 10);
}

/**
 * Runs the rules of `kinds` for households on a date, inside the caller's transaction, and
 * raises what they find. Nothing is raised twice: not while a warning of the kind is open
 * (the partial unique index has the last word), not for a key (a job, an expense, a year
 * below the line) a warning was already raised for, not an income drop within three months
 * of the last one.
 */
export async function evaluateRules(
	tx: Db,
	countyId: string,
	householdIds: string[],
	onDate: string,
	options: { kinds: readonly RuleKind[]; trigger: RuleTrigger; triggeredBy?: Actor }
): Promise<RulesOutcome> {
	const ids = [...new Set(householdIds)];
	const outcome: RulesOutcome = { evaluated: ids.length, raised: 0, byKind: {} };
	if (ids.length === 0) return outcome;
	const thresholds = await getCountySettings(tx, countyId);
	const withTimeRules = options.kinds.some((k) => k === 'job_ended' || k === 'picking_stopped');
	// The nightly pass runs after the standings job of its date (NIGHTLY_JOBS' order).
	const fromStandings = options.trigger === 'nightly';
	const [facts, previous] = await Promise.all([
		loadHouseholdFacts(tx, countyId, ids, onDate, thresholds, withTimeRules, fromStandings),
		previousWarnings(tx, countyId, ids, onDate)
	]);
	const quietSince = monthsBefore(onDate, INCOME_DROP_QUIET_MONTHS);
	const toRaise: Parameters<typeof raiseWarnings>[2] = [];
	for (const [householdId, fact] of facts) {
		const before = previous.get(householdId) ?? [];
		const usedKeys = new Set(before.map((w) => w.ruleKey).filter(Boolean));
		// A job or an expense already warned about makes way for the next one.
		fact.endedJobs = fact.endedJobs.filter((j) => !usedKeys.has(`job:${j.jobId}`));
		fact.largeExpenses = fact.largeExpenses.filter((e) => !usedKeys.has(`expense:${e.entryId}`));
		for (const hit of runRules(fact, thresholds, options.kinds)) {
			if (usedKeys.has(hit.key)) continue;
			if (before.some((w) => w.kind === hit.kind && w.open)) continue;
			if (
				hit.kind === 'income_drop' &&
				before.some((w) => w.kind === 'income_drop' && w.raisedOn > quietSince)
			)
				continue;
			toRaise.push({
				countyId,
				householdId,
				kind: hit.kind,
				source: 'rule',
				evidence: hit.evidence,
				ruleKey: hit.key,
				raisedOn: onDate,
				audit: {
					trigger: options.trigger,
					...(options.triggeredBy ? { triggeredBy: options.triggeredBy.label } : {})
				}
			});
		}
	}
	const raised = await raiseWarnings(tx, RULES_ACTOR, toRaise);
	outcome.raised = raised.length;
	for (const warning of raised) {
		const kind = warning.kind as RuleKind;
		outcome.byKind[kind] = (outcome.byKind[kind] ?? 0) + 1;
	}
	return outcome;
}

export interface InsuranceClaimWarning {
	countyId: string;
	householdId: string;
	claimId: string;
	/** The day of the accident or disaster the claim is for. */
	eventDate: string;
	amountFen: number;
	/** The day the warning is raised; today in China when left out. */
	raisedOn?: string;
}

/**
 * For the insurance domain, in the transaction that records a claim: an insurance claim
 * is a warning on the household (kind insurance_claim). A claim raises at most one warning
 * ever; while one of the kind is open, that one stands (raised false).
 */
export async function raiseInsuranceClaimWarning(
	tx: Db,
	// The person who recorded the claim; the warning itself is the rules' (source 'rule').
	_actor: Actor,
	claim: InsuranceClaimWarning
): Promise<{ warning: Warning | null; raised: boolean }> {
	const hit = insuranceClaim(claim);
	const [already] = await tx
		.select()
		.from(warnings)
		.where(
			and(
				eq(warnings.countyId, claim.countyId),
				eq(warnings.householdId, claim.householdId),
				eq(warnings.ruleKey, hit.key)
			)
		);
	if (already) return { warning: already, raised: false };
	const { warning, raised } = await raiseWarning(tx, RULES_ACTOR, {
		countyId: claim.countyId,
		householdId: claim.householdId,
		kind: hit.kind,
		source: 'rule',
		evidence: hit.evidence,
		ruleKey: hit.key,
		raisedOn: claim.raisedOn ?? todayInChina()
	});
	return { warning, raised };
}
