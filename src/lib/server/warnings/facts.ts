import type { Db } from '../db';
import { endedJobsOfHouseholds } from '../factories/ended-jobs';
import { perCapitaNetIncomes } from '../income';
import { perCapitaOnFromStandings } from '../income/standing-read';
import {
	householdsWithEntries,
	largeExpensesWithAnnualNet,
	monthlyNetIncomes
} from '../income/series';
import { currentAndLastSeason, pickingOfHouseholds } from '../planting/season-pickers';
import { monitoringLineFor } from '../settings';
import {
	JOB_ENDED_LOOKBACK_DAYS,
	addDaysTo,
	dropMonths,
	monthBefore,
	type HouseholdFacts,
	type RuleThresholds
} from './rules';

export interface HouseholdIncomeFacts {
	/**
	 * Per-capita net income of the 12 months before onDate; null without resident members,
	 * and null when nothing at all is on record for the household in those 12 months (a
	 * household just imported from the registry has no income on record, not no income).
	 */
	perCapitaFen: number | null;
}

/**
 * The rules' one reading of per-capita net income, for many households at once. It stands
 * in for the income-account function until that lands: swap its body, nothing else.
 */
export async function householdIncomeFacts(
	tx: Db,
	countyId: string,
	householdIds: string[],
	onDate: string,
	fromStandings = false
): Promise<Map<string, HouseholdIncomeFacts>> {
	const [perCapita, recorded] = await Promise.all([
		fromStandings
			? perCapitaOnFromStandings(tx, countyId, householdIds, onDate)
			: perCapitaNetIncomes(tx, countyId, householdIds, onDate),
		householdsWithEntries(tx, countyId, householdIds, yearBefore(onDate), onDate)
	]);
	return new Map(
		householdIds.map((id) => [
			id,
			{ perCapitaFen: recorded.has(id) ? (perCapita.get(id) ?? null) : null }
		])
	);
}

/** The same day a year earlier (29 February → 1 March), as the 12-month window counts. */
function yearBefore(isoDate: string): string {
	return addDaysTo(`${Number(isoDate.slice(0, 4)) - 1}${isoDate.slice(4)}`, 0);
}

/**
 * Everything the rules read about a batch of households on a date, in a fixed number of
 * grouped queries per 5,000 households (never one query per household). The time rules'
 * facts (ended jobs, picking seasons) only when `withTimeRules`. `perCapitaFromStandings`:
 * the nightly pass, right after the standings job evaluated every household on the date,
 * reads per-capita income from the standings instead of every household's ledger again.
 */
export async function loadHouseholdFacts(
	tx: Db,
	countyId: string,
	householdIds: string[],
	onDate: string,
	thresholds: RuleThresholds,
	withTimeRules: boolean,
	perCapitaFromStandings = false
): Promise<Map<string, HouseholdFacts>> {
	const months = dropMonths(onDate);
	const afterLast = monthBefore(`${months[5]}-15`, -1);
	const [income, lineFen, monthly, expenses] = await Promise.all([
		householdIncomeFacts(tx, countyId, householdIds, onDate, perCapitaFromStandings),
		monitoringLineFor(tx, countyId, Number(onDate.slice(0, 4))),
		monthlyNetIncomes(tx, countyId, householdIds, months[0], afterLast),
		largeExpensesWithAnnualNet(tx, countyId, householdIds, yearBefore(onDate), onDate)
	]);
	const facts = new Map<string, HouseholdFacts>();
	for (const id of householdIds) {
		const byMonth = monthly.get(id);
		facts.set(id, {
			onDate,
			perCapitaFen: income.get(id)?.perCapitaFen ?? null,
			lineFen,
			monthlyNetFen: months.map((m) => byMonth?.get(m) ?? 0),
			largeExpenses: [],
			endedJobs: [],
			picking: null
		});
	}
	for (const expense of expenses) facts.get(expense.householdId)?.largeExpenses.push(expense);
	if (!withTimeRules) return facts;

	const [jobs, seasons] = await Promise.all([
		endedJobsOfHouseholds(
			tx,
			countyId,
			householdIds,
			addDaysTo(onDate, -(thresholds.jobGapDays + JOB_ENDED_LOOKBACK_DAYS)),
			addDaysTo(onDate, -thresholds.jobGapDays)
		),
		currentAndLastSeason(tx, countyId, onDate)
	]);
	for (const job of jobs) facts.get(job.householdId)?.endedJobs.push(job);
	const { thisSeason, lastSeason } = seasons;
	if (thisSeason && lastSeason) {
		const picking = await pickingOfHouseholds(tx, countyId, householdIds, [
			thisSeason.id,
			lastSeason.id
		]);
		for (const [id, fact] of facts) {
			const bySeason = picking.get(id);
			const last = bySeason?.get(lastSeason.id);
			fact.picking = {
				thisSeason,
				lastSeason,
				lastSeasonWeighIns: last?.weighIns ?? 0,
				lastSeasonFen: last?.amountFen ?? 0,
				thisSeasonWeighIns: bySeason?.get(thisSeason.id)?.weighIns ?? 0
			};
		}
	}
	return facts;
}
