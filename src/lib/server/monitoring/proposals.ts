// Identification (识别) and risk-elimination (风险消除) proposals: who is a candidate, and
// the review steps every proposal passes — home verification, village review with a public
// notice, township review, county approval — each dated, by a named person, audited.
import { and, asc, desc, eq, gt, gte, inArray, lte, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db';
import { inTransaction } from '../db';
import { isUuid, newId } from '../db/ids';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { canSeeHousehold, householdScope, townshipOf } from '../auth/scope';
import { DomainError, type FieldIssue } from '../errors';
import { divisions } from '../divisions/schema';
import { HEAD_OF_HOUSEHOLD, households, members } from '../households/schema';
import { addDays, perCapitaNetIncomes } from '../income';
import { householdStandings, ledgerEntries } from '../income/schema';
import { textInput } from '../input';
import { getCountySettings, monitoringLineFor } from '../settings';
import { warnings } from '../warnings/schema';
import { isCalendarDate, EARLIEST_DATE } from '../../input';
import { getCountyOptions } from './index';
import { recheckHousehold } from './quality';
import {
	ELIMINATION_METHODS,
	monitoringHistory,
	monitoringProposals,
	monitoringRecords,
	monitoringRisks,
	proposalSteps,
	type ProposalKind,
	type ProposalStatus,
	type ProposalStep
} from './schema';

export type Proposal = typeof monitoringProposals.$inferSelect;
export type ProposalStepRow = typeof proposalSteps.$inferSelect;

const OPEN_STATUSES: ProposalStatus[] = ['proposed', 'verified', 'noticed', 'township_reviewed'];
const CLOSED_STATUSES: ProposalStatus[] = ['approved', 'rejected'];

/** The step each stage waits for. */
export const NEXT_STEP: Record<ProposalStatus, ProposalStep | null> = {
	proposed: 'verified',
	verified: 'village_review',
	noticed: 'township_review',
	township_reviewed: 'approved',
	approved: null,
	rejected: null
};

// ---------------------------------------------------------------------------------------
// What the candidate lists read. The lead may swap these two for the income-account
// function (incomeAccount) once it lands; nothing else here reads income.

export interface StandingRow {
	householdId: string;
	perCapitaFen: number | null;
	lineFen: number | null;
	belowLine: boolean | null;
	nearLine: boolean;
	largeExpenseFen: number;
	evaluatedOn: string;
}

/** The stored standings (household_standings) of some households. */
export async function standingsOf(
	db: Db,
	countyId: string,
	householdIds: string[]
): Promise<Map<string, StandingRow>> {
	const found = new Map<string, StandingRow>();
	for (let i = 0; i < householdIds.length; i += 5000) {
		const rows = await db
			.select()
			.from(householdStandings)
			.where(
				and(
					eq(householdStandings.countyId, countyId),
					inArray(householdStandings.householdId, householdIds.slice(i, i + 5000))
				)
			);
		for (const r of rows)
			found.set(r.householdId, {
				householdId: r.householdId,
				perCapitaFen: r.perCapitaFen,
				lineFen: r.lineFen,
				belowLine: r.belowLine,
				nearLine: r.nearLine,
				largeExpenseFen: r.largeExpenseFen,
				evaluatedOn: r.evaluatedOn
			});
	}
	return found;
}

/**
 * Per-capita net income (12 months before each date, truncated to the fen) of many
 * households at several dates, with the monitoring line of each date's year.
 */
export async function perCapitaAtDates(
	db: Db,
	countyId: string,
	householdIds: string[],
	dates: string[]
): Promise<{ date: string; lineFen: number | null; perCapita: Map<string, number | null> }[]> {
	const result = [];
	for (const date of dates) {
		result.push({
			date,
			lineFen: await monitoringLineFor(db, countyId, Number(date.slice(0, 4))),
			perCapita: await perCapitaNetIncomes(db, countyId, householdIds, date)
		});
	}
	return result;
}

/** The last day of each of the `count` whole months before the month of `today`, newest first. */
export function monthEndsBefore(today: string, count: number): string[] {
	return Array.from({ length: count }, (_, i) => {
		const first = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
		first.setUTCMonth(first.getUTCMonth() - i);
		first.setUTCDate(0);
		return first.toISOString().slice(0, 10);
	});
}

// ---------------------------------------------------------------------------------------
// Candidates

export interface CandidateHousehold {
	householdId: string;
	householdNumber: string;
	villageCode: string;
	headName: string | null;
}

export interface IdentifyCandidate extends CandidateHousehold {
	perCapitaFen: number | null;
	lineFen: number | null;
	belowLine: boolean;
	largeExpenseFen: number;
	evaluatedOn: string;
}

export interface EliminateCandidate extends CandidateHousehold {
	monthsAbove: number;
	lowestPerCapitaFen: number;
	latestPerCapitaFen: number;
	lineFen: number;
}

const CANDIDATE_LIMIT = 200;

function headNameSql() {
	return sql<
		string | null
	>`(select ${members.name} from ${members} where ${members.countyId} = ${households.countyId} and ${members.householdId} = ${households.id} and ${members.current} order by (${members.relation} = ${HEAD_OF_HOUSEHOLD}) desc, ${members.createdAt} limit 1)`;
}

/** Households with an open proposal of a kind, among some. */
async function withOpenProposal(
	db: Db,
	countyId: string,
	kind: ProposalKind,
	householdIds: string[]
): Promise<Set<string>> {
	if (householdIds.length === 0) return new Set();
	const rows = await db
		.select({ householdId: monitoringProposals.householdId })
		.from(monitoringProposals)
		.where(
			and(
				eq(monitoringProposals.countyId, countyId),
				eq(monitoringProposals.kind, kind),
				inArray(monitoringProposals.householdId, householdIds),
				notInArray(monitoringProposals.status, CLOSED_STATUSES)
			)
		);
	return new Set(rows.map((r) => r.householdId));
}

/**
 * Households not monitored whose stored standing is below the line, or near it with a
 * large expense in the window, without an open identification proposal; in the actor's scope.
 */
export async function identificationCandidates(
	db: Db,
	actor: UserActor
): Promise<IdentifyCandidate[]> {
	const rows = await db
		.select({
			householdId: households.id,
			householdNumber: households.householdNumber,
			villageCode: households.villageCode,
			headName: headNameSql(),
			perCapitaFen: householdStandings.perCapitaFen,
			lineFen: householdStandings.lineFen,
			belowLine: householdStandings.belowLine,
			largeExpenseFen: householdStandings.largeExpenseFen,
			evaluatedOn: householdStandings.evaluatedOn
		})
		.from(householdStandings)
		.innerJoin(
			households,
			and(
				eq(households.countyId, householdStandings.countyId),
				eq(households.id, householdStandings.householdId)
			)
		)
		.leftJoin(
			monitoringRecords,
			and(
				eq(monitoringRecords.countyId, households.countyId),
				eq(monitoringRecords.householdId, households.id)
			)
		)
		.where(
			and(
				householdScope(actor),
				eq(householdStandings.countyId, actor.countyId),
				or(
					eq(householdStandings.belowLine, true),
					and(eq(householdStandings.nearLine, true), gt(householdStandings.largeExpenseFen, 0))
				),
				sql`coalesce(${monitoringRecords.status}, 'not_monitored') = 'not_monitored'`,
				sql`not exists (select 1 from ${monitoringProposals} where ${monitoringProposals.countyId} = ${households.countyId} and ${monitoringProposals.householdId} = ${households.id} and ${monitoringProposals.kind} = 'identify' and ${monitoringProposals.status} not in ('approved', 'rejected'))`
			)
		)
		.orderBy(asc(householdStandings.perCapitaFen), asc(households.householdNumber))
		.limit(CANDIDATE_LIMIT);
	return rows.map((r) => ({ ...r, belowLine: r.belowLine === true }));
}

export interface EliminationCheck {
	/** Month-ends evaluated, newest first. */
	monthEnds: string[];
	/** Consecutive month-ends (from the newest) at or above the line. */
	monthsAbove: number;
	perCapita: (number | null)[];
	lines: (number | null)[];
	/** A large expense (net of reversals) dated within the stable months. */
	largeExpenseInWindow: boolean;
	openWarning: boolean;
	/** Every resident member without labour, and no income but transfers in the 12 months. */
	noLabourTransfersOnly: boolean;
	eligible: boolean;
}

/**
 * The elimination rules for monitored households, in batches: per-capita net income at or
 * above the line at each of the last N month-ends (N = eliminationStableMonths), no large
 * expense posted since the first of those months began, no open warning, and not a
 * household without labour living on transfers alone.
 */
export async function eliminationChecks(
	db: Db,
	countyId: string,
	householdIds: string[],
	today: string
): Promise<Map<string, EliminationCheck>> {
	const { eliminationStableMonths: n } = await getCountySettings(db, countyId);
	const monthEnds = monthEndsBefore(today, n);
	const since = `${monthEnds[monthEnds.length - 1].slice(0, 7)}-01`;
	const yearAgo = addDays(`${Number(today.slice(0, 4)) - 1}${today.slice(4)}`, 1);
	const checks = new Map<string, EliminationCheck>();
	for (let i = 0; i < householdIds.length; i += 5000) {
		const ids = householdIds.slice(i, i + 5000);
		const [series, expenses, open, labour, earned] = await Promise.all([
			perCapitaAtDates(db, countyId, ids, monthEnds),
			db
				.select({ householdId: ledgerEntries.householdId })
				.from(ledgerEntries)
				.where(
					and(
						eq(ledgerEntries.countyId, countyId),
						inArray(ledgerEntries.householdId, ids),
						eq(ledgerEntries.kind, 'large_expense'),
						gte(ledgerEntries.businessDate, since),
						lte(ledgerEntries.businessDate, today)
					)
				)
				.groupBy(ledgerEntries.householdId)
				.having(sql`sum(${ledgerEntries.amountFen}) > 0`),
			db
				.selectDistinct({ householdId: warnings.householdId })
				.from(warnings)
				.where(
					and(
						eq(warnings.countyId, countyId),
						inArray(warnings.householdId, ids),
						ne(warnings.status, 'closed')
					)
				),
			db
				.select({
					householdId: members.householdId,
					able: sql<number>`count(*) filter (where ${members.labourCapacity} <> 'none')::int`
				})
				.from(members)
				.where(
					and(
						eq(members.countyId, countyId),
						inArray(members.householdId, ids),
						eq(members.current, true),
						eq(members.resident, true)
					)
				)
				.groupBy(members.householdId),
			db
				.select({ householdId: ledgerEntries.householdId })
				.from(ledgerEntries)
				.where(
					and(
						eq(ledgerEntries.countyId, countyId),
						inArray(ledgerEntries.householdId, ids),
						inArray(ledgerEntries.kind, ['wage', 'operating', 'property']),
						gte(ledgerEntries.businessDate, yearAgo),
						lte(ledgerEntries.businessDate, today)
					)
				)
				.groupBy(ledgerEntries.householdId)
				.having(sql`sum(${ledgerEntries.amountFen}) > 0`)
		]);
		const expenseSet = new Set(expenses.map((r) => r.householdId));
		const openSet = new Set(open.map((r) => r.householdId));
		const ableCount = new Map(labour.map((r) => [r.householdId, Number(r.able)]));
		const earnedSet = new Set(earned.map((r) => r.householdId));
		for (const id of ids) {
			const perCapita = series.map((s) => s.perCapita.get(id) ?? null);
			const lines = series.map((s) => s.lineFen);
			let monthsAbove = 0;
			while (
				monthsAbove < n &&
				perCapita[monthsAbove] !== null &&
				lines[monthsAbove] !== null &&
				perCapita[monthsAbove]! >= lines[monthsAbove]!
			)
				monthsAbove++;
			const noLabourTransfersOnly = (ableCount.get(id) ?? 0) === 0 && !earnedSet.has(id);
			const check = {
				monthEnds,
				monthsAbove,
				perCapita,
				lines,
				largeExpenseInWindow: expenseSet.has(id),
				openWarning: openSet.has(id),
				noLabourTransfersOnly,
				eligible: false
			};
			check.eligible =
				monthsAbove >= n &&
				!check.largeExpenseInWindow &&
				!check.openWarning &&
				!check.noLabourTransfersOnly;
			checks.set(id, check);
		}
	}
	return checks;
}

/** Monitored households in scope that meet every elimination rule, without an open proposal. */
export async function eliminationCandidates(
	db: Db,
	actor: UserActor,
	today: string
): Promise<EliminateCandidate[]> {
	const monitored = await db
		.select({
			householdId: households.id,
			householdNumber: households.householdNumber,
			villageCode: households.villageCode,
			headName: headNameSql()
		})
		.from(monitoringRecords)
		.innerJoin(
			households,
			and(
				eq(households.countyId, monitoringRecords.countyId),
				eq(households.id, monitoringRecords.householdId)
			)
		)
		.where(
			and(
				householdScope(actor),
				eq(monitoringRecords.countyId, actor.countyId),
				eq(monitoringRecords.status, 'monitored')
			)
		)
		.orderBy(asc(households.householdNumber));
	const ids = monitored.map((m) => m.householdId);
	const [checks, open] = await Promise.all([
		eliminationChecks(db, actor.countyId, ids, today),
		withOpenProposal(db, actor.countyId, 'eliminate', ids)
	]);
	const found: EliminateCandidate[] = [];
	for (const m of monitored) {
		const check = checks.get(m.householdId);
		if (!check?.eligible || open.has(m.householdId)) continue;
		found.push({
			...m,
			monthsAbove: check.monthsAbove,
			lowestPerCapitaFen: Math.min(...check.perCapita.map((p) => p ?? 0)),
			latestPerCapitaFen: check.perCapita[0] ?? 0,
			lineFen: check.lines[0] ?? 0
		});
		if (found.length >= CANDIDATE_LIMIT) break;
	}
	return found;
}

// ---------------------------------------------------------------------------------------
// Proposals and their steps

function canReview(actor: UserActor): boolean {
	return actor.role === 'county_admin' || actor.role === 'township_staff';
}

async function visibleHousehold(db: Db, actor: UserActor, householdId: string) {
	if (!canReview(actor) || !isUuid(householdId)) throw DomainError.notFound();
	const [household] = await db
		.select()
		.from(households)
		.where(and(eq(households.countyId, actor.countyId), eq(households.id, householdId)));
	if (!household || !canSeeHousehold(actor, household)) throw DomainError.notFound();
	return household;
}

async function monitoringStatusOf(db: Db, countyId: string, householdId: string) {
	const [record] = await db
		.select()
		.from(monitoringRecords)
		.where(
			and(eq(monitoringRecords.countyId, countyId), eq(monitoringRecords.householdId, householdId))
		);
	return record ?? null;
}

async function hasOpenWarning(db: Db, countyId: string, householdId: string): Promise<boolean> {
	const [row] = await db
		.select({ id: warnings.id })
		.from(warnings)
		.where(
			and(
				eq(warnings.countyId, countyId),
				eq(warnings.householdId, householdId),
				ne(warnings.status, 'closed')
			)
		)
		.limit(1);
	return !!row;
}

function dateIssue(field: string, value: string, today: string, notBefore?: string | null) {
	if (!isCalendarDate(value) || value < EARLIEST_DATE)
		return { field, key: 'proposals_error_date' } as FieldIssue;
	if (value > today) return { field, key: 'proposals_error_future' } as FieldIssue;
	if (notBefore && value < notBefore)
		return { field, key: 'proposals_error_before_previous', params: { date: notBefore } };
	return null;
}

/** Who did a step: as written, else the person recording it. */
function byNameOf(input: unknown, actor: UserActor): string {
	return textInput(input, 40, 'byName') || actor.label;
}

export interface ProposeInput {
	kind: unknown;
	householdId: unknown;
	category?: unknown;
	risks?: unknown[];
	eliminationMethod?: unknown;
	note?: unknown;
	proposedOn?: unknown;
	byName?: unknown;
}

/**
 * Proposes a household for identification or elimination. Identification needs a household
 * not monitored, a category and at least one risk type; elimination a monitored household,
 * the method, no open warning, and not a household without labour living on transfers.
 */
export async function proposeHousehold(
	db: Db,
	actor: UserActor,
	input: ProposeInput,
	today: string
): Promise<string> {
	const householdId = String(input.householdId ?? '');
	const household = await visibleHousehold(db, actor, householdId);
	const kind = String(input.kind ?? '') as ProposalKind;
	const issues: FieldIssue[] = [];
	if (kind !== 'identify' && kind !== 'eliminate')
		throw DomainError.invalid('kind', 'proposals_error_kind');
	const proposedOn = textInput(input.proposedOn, 10, 'proposedOn') || today;
	const dateProblem = dateIssue('proposedOn', proposedOn, today);
	if (dateProblem) issues.push(dateProblem);
	const note = textInput(input.note, 500, 'note') || null;
	const byName = byNameOf(input.byName, actor);
	const record = await monitoringStatusOf(db, actor.countyId, householdId);
	const status = record?.status ?? 'not_monitored';
	let category: string | null = null;
	let risks: string[] = [];
	let eliminationMethod: string | null = null;
	let evidence: Record<string, unknown> = {};
	if (kind === 'identify') {
		const options = await getCountyOptions(db, actor.countyId);
		category = textInput(input.category, 40, 'category');
		risks = [...new Set((input.risks ?? []).map((r) => textInput(r, 40, 'risks')).filter(Boolean))];
		if (status === 'monitored')
			issues.push({ field: 'householdId', key: 'proposals_error_already_monitored' });
		if (!options.category.some((c) => c.code === category) || category === 'ordinary')
			issues.push({ field: 'category', key: 'proposals_error_category' });
		if (risks.length === 0) issues.push({ field: 'risks', key: 'proposals_error_no_risk' });
		else if (risks.some((r) => !options.risk.some((o) => o.code === r)))
			issues.push({ field: 'risks', key: 'proposals_error_risk' });
		const standing = (await standingsOf(db, actor.countyId, [householdId])).get(householdId);
		evidence = standing ? { ...standing } : {};
	} else {
		eliminationMethod = textInput(input.eliminationMethod, 10, 'eliminationMethod');
		if (!ELIMINATION_METHODS.includes(eliminationMethod))
			issues.push({ field: 'eliminationMethod', key: 'proposals_error_method' });
		if (status !== 'monitored')
			issues.push({ field: 'householdId', key: 'proposals_error_not_monitored' });
		else {
			const check = (await eliminationChecks(db, actor.countyId, [householdId], today)).get(
				householdId
			)!;
			if (check.openWarning)
				issues.push({ field: 'householdId', key: 'proposals_error_open_warning' });
			if (check.noLabourTransfersOnly)
				issues.push({ field: 'householdId', key: 'proposals_error_no_labour_transfers' });
			// The county notices' rule: N months above the line, the causing expense resolved.
			if (check.monthsAbove < check.monthEnds.length)
				issues.push({
					field: 'householdId',
					key: 'proposals_error_not_stable',
					params: { months: check.monthEnds.length }
				});
			if (check.largeExpenseInWindow)
				issues.push({ field: 'householdId', key: 'proposals_error_expense_unresolved' });
			evidence = {
				monthEnds: check.monthEnds,
				perCapitaFen: check.perCapita,
				lineFen: check.lines,
				monthsAbove: check.monthsAbove,
				largeExpenseInWindow: check.largeExpenseInWindow
			};
		}
	}
	if (issues.length) throw new DomainError('invalid', issues);
	const id = newId();
	await inTransaction(db, async (tx) => {
		const [inserted] = await tx
			.insert(monitoringProposals)
			.values({
				countyId: actor.countyId,
				id,
				householdId,
				kind,
				evidence,
				category,
				risks,
				eliminationMethod,
				note,
				proposedOn,
				proposedBy: actor.userId
			})
			.onConflictDoNothing()
			.returning({ id: monitoringProposals.id });
		// The partial unique index: one open proposal of a kind per household.
		if (!inserted) throw DomainError.conflict('householdId', 'proposals_error_already_open');
		await addStep(tx, actor, id, 'proposed', proposedOn, byName, note, { kind });
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: `proposal.${kind}`,
			entity: 'household',
			entityId: household.id,
			after: { proposal: id, kind, category, risks, eliminationMethod, proposedOn, evidence }
		});
	});
	return id;
}

async function addStep(
	tx: Db,
	actor: UserActor,
	proposalId: string,
	step: ProposalStep,
	happenedOn: string,
	byName: string,
	findings: string | null,
	details: Record<string, unknown> | null = null
) {
	await tx.insert(proposalSteps).values({
		countyId: actor.countyId,
		id: newId(),
		proposalId,
		step,
		happenedOn,
		byName,
		byUserId: actor.userId,
		findings,
		details
	});
}

export interface ProposalView {
	proposal: Proposal;
	household: CandidateHousehold & { townshipCode: string };
	steps: ProposalStepRow[];
	/** The step it waits for, null once decided. */
	nextStep: ProposalStep | null;
	/** Elimination: the rules as they stand today. */
	elimination: EliminationCheck | null;
	standing: StandingRow | null;
	publicNoticeDays: number;
}

/** A proposal the actor may see (its household in scope), with its steps. */
export async function getProposal(
	db: Db,
	actor: UserActor,
	proposalId: string,
	today: string
): Promise<ProposalView> {
	if (!canReview(actor) || !isUuid(proposalId)) throw DomainError.notFound();
	const [row] = await db
		.select({
			proposal: monitoringProposals,
			householdNumber: households.householdNumber,
			villageCode: households.villageCode,
			headName: headNameSql()
		})
		.from(monitoringProposals)
		.innerJoin(
			households,
			and(
				eq(households.countyId, monitoringProposals.countyId),
				eq(households.id, monitoringProposals.householdId)
			)
		)
		.where(
			and(eq(monitoringProposals.countyId, actor.countyId), eq(monitoringProposals.id, proposalId))
		);
	if (
		!row ||
		!canSeeHousehold(actor, {
			countyId: actor.countyId,
			id: row.proposal.householdId,
			villageCode: row.villageCode
		})
	)
		throw DomainError.notFound();
	const { householdId } = row.proposal;
	const [steps, settings, standings, checks] = await Promise.all([
		db
			.select()
			.from(proposalSteps)
			.where(
				and(eq(proposalSteps.countyId, actor.countyId), eq(proposalSteps.proposalId, proposalId))
			)
			.orderBy(asc(proposalSteps.recordedAt)),
		getCountySettings(db, actor.countyId),
		standingsOf(db, actor.countyId, [householdId]),
		row.proposal.kind === 'eliminate'
			? eliminationChecks(db, actor.countyId, [householdId], today)
			: Promise.resolve(null)
	]);
	return {
		proposal: row.proposal,
		household: {
			householdId,
			householdNumber: row.householdNumber,
			villageCode: row.villageCode,
			headName: row.headName,
			townshipCode: townshipOf(row.villageCode)
		},
		steps,
		nextStep: NEXT_STEP[row.proposal.status],
		elimination: checks?.get(householdId) ?? null,
		standing: standings.get(householdId) ?? null,
		publicNoticeDays: settings.publicNoticeDays
	};
}

export interface ProposalListItem extends CandidateHousehold {
	id: string;
	kind: ProposalKind;
	status: ProposalStatus;
	proposedOn: string;
	noticeUntil: string | null;
	updatedAt: Date;
}

/** Proposals in scope: open ones by stage, and the latest decided ones. */
export async function listProposals(
	db: Db,
	actor: UserActor,
	options: { open: boolean; limit?: number }
): Promise<ProposalListItem[]> {
	if (!canReview(actor)) throw DomainError.notFound();
	return db
		.select({
			id: monitoringProposals.id,
			kind: monitoringProposals.kind,
			status: monitoringProposals.status,
			proposedOn: monitoringProposals.proposedOn,
			noticeUntil: monitoringProposals.noticeUntil,
			updatedAt: monitoringProposals.updatedAt,
			householdId: households.id,
			householdNumber: households.householdNumber,
			villageCode: households.villageCode,
			headName: headNameSql()
		})
		.from(monitoringProposals)
		.innerJoin(
			households,
			and(
				eq(households.countyId, monitoringProposals.countyId),
				eq(households.id, monitoringProposals.householdId)
			)
		)
		.where(
			and(
				householdScope(actor),
				eq(monitoringProposals.countyId, actor.countyId),
				options.open
					? inArray(monitoringProposals.status, OPEN_STATUSES)
					: inArray(monitoringProposals.status, CLOSED_STATUSES)
			)
		)
		.orderBy(
			options.open ? asc(monitoringProposals.proposedOn) : desc(monitoringProposals.updatedAt)
		)
		.limit(options.limit ?? 500);
}

export interface StepInput {
	happenedOn: unknown;
	byName?: unknown;
	findings?: unknown;
	noticeFrom?: unknown;
	noticeUntil?: unknown;
	reason?: unknown;
}

const STEP_STATUS: Record<Exclude<ProposalStep, 'proposed' | 'rejected'>, ProposalStatus> = {
	verified: 'verified',
	village_review: 'noticed',
	township_review: 'township_reviewed',
	approved: 'approved'
};

/** The date of the latest step, which the next one may not precede. */
function lastStepDate(steps: ProposalStepRow[]): string | null {
	return steps.reduce<string | null>((d, s) => (d && d > s.happenedOn ? d : s.happenedOn), null);
}

/**
 * Records the next review step of a proposal. Steps out of order, a notice shorter than
 * the county's, a township review before the notice ends, and county approval by anyone
 * but a county admin are refused with field messages; eliminating a household with an open
 * warning is refused at every step.
 */
export async function recordProposalStep(
	db: Db,
	actor: UserActor,
	proposalId: string,
	step: ProposalStep,
	input: StepInput,
	today: string
): Promise<ProposalStatus> {
	const view = await getProposal(db, actor, proposalId, today);
	const { proposal } = view;
	if (step === 'proposed') throw DomainError.invalid('', 'proposals_error_out_of_order');
	if (step === 'approved' && actor.role !== 'county_admin') throw DomainError.notFound();
	const issues: FieldIssue[] = [];
	if (view.nextStep === null) throw DomainError.invalid('', 'proposals_error_decided');
	if (step === 'rejected') {
		// The county's stage is the county's to decide.
		if (proposal.status === 'township_reviewed' && actor.role !== 'county_admin')
			throw DomainError.invalid('', 'proposals_error_county_decides');
	} else if (step !== view.nextStep) {
		throw DomainError.invalid('', 'proposals_error_out_of_order', { step: view.nextStep });
	}
	const happenedOn = textInput(input.happenedOn, 10, 'happenedOn');
	const previous = lastStepDate(view.steps);
	const dated = dateIssue('happenedOn', happenedOn, today, previous);
	if (dated) issues.push(dated);
	const byName = byNameOf(input.byName, actor);
	const findings = textInput(input.findings, 1000, 'findings') || null;
	const reason = textInput(input.reason, 500, 'reason') || null;
	let noticeFrom: string | null = null;
	let noticeUntil: string | null = null;
	if (step === 'verified' && !findings)
		issues.push({ field: 'findings', key: 'proposals_error_findings' });
	if (step === 'rejected' && !reason)
		issues.push({ field: 'reason', key: 'proposals_error_reason' });
	if (step === 'village_review') {
		noticeFrom = textInput(input.noticeFrom, 10, 'noticeFrom');
		noticeUntil = textInput(input.noticeUntil, 10, 'noticeUntil');
		const fromOk = isCalendarDate(noticeFrom) && noticeFrom >= EARLIEST_DATE;
		const untilOk = isCalendarDate(noticeUntil) && noticeUntil >= EARLIEST_DATE;
		if (!fromOk) issues.push({ field: 'noticeFrom', key: 'proposals_error_date' });
		else if (!dated && noticeFrom < happenedOn)
			issues.push({ field: 'noticeFrom', key: 'proposals_error_notice_before_review' });
		else if (noticeFrom > addDays(today, 30))
			issues.push({ field: 'noticeFrom', key: 'proposals_error_notice_far' });
		if (!untilOk) issues.push({ field: 'noticeUntil', key: 'proposals_error_date' });
		else if (fromOk && daysBetween(noticeFrom, noticeUntil) < view.publicNoticeDays)
			issues.push({
				field: 'noticeUntil',
				key: 'proposals_error_notice_short',
				params: { days: view.publicNoticeDays }
			});
	}
	if (
		step === 'township_review' &&
		proposal.noticeUntil &&
		!dated &&
		happenedOn <= proposal.noticeUntil
	)
		issues.push({
			field: 'happenedOn',
			key: 'proposals_error_notice_running',
			params: { until: proposal.noticeUntil }
		});
	if (step !== 'rejected' && proposal.kind === 'eliminate' && view.elimination?.openWarning)
		issues.push({ field: '', key: 'proposals_error_open_warning' });
	if (issues.length) throw new DomainError('invalid', issues);

	return inTransaction(db, async (tx) => {
		const status: ProposalStatus = step === 'rejected' ? 'rejected' : STEP_STATUS[step];
		// The stage it was read at must still hold: two clerks recording the same step
		// at once record it once.
		const [moved] = await tx
			.update(monitoringProposals)
			.set({
				status,
				...(step === 'village_review' ? { noticeFrom, noticeUntil } : {}),
				...(step === 'approved' || step === 'rejected'
					? { decidedOn: happenedOn, decidedBy: actor.userId }
					: {}),
				...(step === 'rejected' ? { rejectionReason: reason } : {}),
				updatedAt: new Date()
			})
			.where(
				and(
					eq(monitoringProposals.countyId, actor.countyId),
					eq(monitoringProposals.id, proposalId),
					eq(monitoringProposals.status, proposal.status)
				)
			)
			.returning({ id: monitoringProposals.id });
		if (!moved) throw DomainError.conflict('', 'proposals_error_changed');
		await addStep(
			tx,
			actor,
			proposalId,
			step,
			happenedOn,
			byName,
			step === 'rejected' ? reason : findings,
			step === 'village_review' ? { noticeFrom, noticeUntil } : null
		);
		if (step === 'approved') await applyApproval(tx, actor, proposal, happenedOn);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: `proposal.${step}`,
			entity: 'household',
			entityId: proposal.householdId,
			before: { proposal: proposalId, status: proposal.status },
			after: {
				proposal: proposalId,
				status,
				happenedOn,
				byName,
				findings,
				reason,
				noticeFrom,
				noticeUntil
			}
		});
		return status;
	});
}

function daysBetween(from: string, until: string): number {
	return Math.round(
		(Date.parse(`${until}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000
	);
}

/** What county approval changes on the household's monitoring record, dated, kept. */
async function applyApproval(tx: Tx, actor: UserActor, proposal: Proposal, approvedOn: string) {
	const { countyId, householdId } = proposal;
	const before = await monitoringStatusOf(tx, countyId, householdId);
	if (proposal.kind === 'identify') {
		// Re-checked: someone may have identified the household another way meanwhile.
		if (before?.status === 'monitored')
			throw DomainError.invalid('', 'proposals_error_already_monitored');
		const values = {
			category: proposal.category!,
			status: 'monitored' as const,
			monitoredSince: approvedOn,
			eliminatedOn: null,
			eliminationMethod: null,
			updatedAt: new Date()
		};
		await tx
			.insert(monitoringRecords)
			.values({ countyId, householdId, ...values })
			.onConflictDoUpdate({
				target: [monitoringRecords.countyId, monitoringRecords.householdId],
				set: values
			});
		await tx
			.delete(monitoringRisks)
			.where(
				and(eq(monitoringRisks.countyId, countyId), eq(monitoringRisks.householdId, householdId))
			);
		await tx
			.insert(monitoringRisks)
			.values(proposal.risks.map((risk) => ({ countyId, householdId, risk })));
	} else {
		if (before?.status !== 'monitored')
			throw DomainError.invalid('', 'proposals_error_not_monitored');
		// Re-checked at approval, inside the transaction.
		if (await hasOpenWarning(tx, countyId, householdId))
			throw DomainError.invalid('', 'proposals_error_open_warning');
		await tx
			.update(monitoringRecords)
			.set({
				status: 'eliminated',
				eliminatedOn: approvedOn,
				eliminationMethod: proposal.eliminationMethod,
				updatedAt: new Date()
			})
			.where(
				and(
					eq(monitoringRecords.countyId, countyId),
					eq(monitoringRecords.householdId, householdId)
				)
			);
	}
	await tx.insert(monitoringHistory).values({
		countyId,
		id: newId(),
		householdId,
		happenedOn: approvedOn,
		status: proposal.kind === 'identify' ? 'monitored' : 'eliminated',
		category: proposal.kind === 'identify' ? proposal.category! : (before?.category ?? 'ordinary'),
		note: null,
		recordedBy: actor.userId
	});
	await recheckHousehold(tx, countyId, householdId);
}

/** A household in the actor's scope by its registry number (户编号), or a field message. */
export async function householdIdByNumber(
	db: Db,
	actor: UserActor,
	householdNumber: unknown
): Promise<string> {
	const number = textInput(householdNumber, 40, 'householdNumber');
	if (!canReview(actor)) throw DomainError.notFound();
	const [row] = number
		? await db
				.select({ id: households.id })
				.from(households)
				.where(and(householdScope(actor), eq(households.householdNumber, number)))
		: [];
	if (!row) throw DomainError.invalid('householdNumber', 'proposals_error_household_number');
	return row.id;
}

/** Names of townships and villages by code, for lists that show where a household lives. */
export async function placeNames(db: Db, codes: string[]): Promise<Record<string, string>> {
	const wanted = [...new Set(codes.flatMap((c) => [c, townshipOf(c)]))].filter((c) =>
		/^\d{9}(\d{3})?$/.test(c)
	);
	if (wanted.length === 0) return {};
	const rows = await db
		.select({ code: divisions.code, name: divisions.name })
		.from(divisions)
		.where(inArray(divisions.code, wanted));
	return Object.fromEntries(rows.map((r) => [r.code, r.name]));
}
