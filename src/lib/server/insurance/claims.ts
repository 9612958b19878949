import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { isUuid, isUuidV7, newId } from '../db/ids';
import { recordAudit } from '../audit';
import type { Actor, UserActor } from '../auth/actor';
import { canSeeHousehold, householdScope, knownInScope, type KnownHousehold } from '../auth/scope';
import { divisions } from '../divisions/schema';
import { DomainError, type FieldIssue } from '../errors';
import { HEAD_OF_HOUSEHOLD, households, members } from '../households/schema';
import { incomeStanding, postLedgerEntry } from '../income';
import { numberIssue, textInput } from '../input';
import { raiseWarning } from '../warnings';
import { warnings } from '../warnings/schema';
import { isCalendarDate, parseYuan } from '../../input';
import { computePayout, type Payout } from '../../insurance-rules';
import { addFundEntry, balanceOf, lockFund } from './funds';
import {
	CLAIM_STATUSES,
	EVENT_TYPES,
	LOOKS,
	LOOK_CHOICES,
	insuranceClaimSteps,
	insuranceClaims,
	insurancePolicies,
	insuranceSchemes,
	type ClaimStatus,
	type ClaimStep,
	type EventType,
	type Investigation,
	type LookChoice,
	type ObjectKind,
	type SchemeKind
} from './schema';

export type Claim = typeof insuranceClaims.$inferSelect;
export type ClaimStepRow = typeof insuranceClaimSteps.$inferSelect;

/** The ledger subtype of a payout: transfer income (补贴和保险 on the household's page). */
export const PAYOUT_SUBTYPE = 'insurance_payout';

/** Staff and admins handle claims; grid members may report one in their villages. */
function mayReport(actor: UserActor): boolean {
	return ['county_admin', 'township_staff', 'grid_member'].includes(actor.role);
}
function mayInvestigate(actor: UserActor): boolean {
	return actor.role === 'county_admin' || actor.role === 'township_staff';
}
function mayDecide(actor: UserActor): boolean {
	return actor.role === 'county_admin';
}

/**
 * The per-capita income the investigator sees beside the monitoring line. The one place
 * insurance asks the income domain for it (the income-account function replaces it).
 */
export async function incomeForInvestigation(
	db: Db,
	countyId: string,
	householdId: string,
	onDate: string
): Promise<{ perCapitaFen: number | null; lineFen: number | null; residents: number }> {
	const standing = await incomeStanding(db, countyId, householdId, onDate);
	return {
		perCapitaFen: standing.perCapitaFen,
		lineFen: standing.lineFen,
		residents: standing.residents
	};
}

async function scopedHousehold(db: Db, actor: UserActor, householdId: string) {
	if (!isUuid(householdId)) throw DomainError.notFound();
	const [household] = await db
		.select()
		.from(households)
		.where(and(eq(households.countyId, actor.countyId), eq(households.id, householdId)));
	if (!household || !canSeeHousehold(actor, household)) throw DomainError.notFound();
	return household;
}

export interface ClaimablePolicy {
	id: string;
	schemeId: string;
	schemeName: string;
	schemeKind: SchemeKind;
	year: number;
	events: EventType[];
	objectKind: ObjectKind;
	objectLabel: string;
	coverFrom: string;
	coverTo: string;
}

/** The household's policies a claim can be made on, newest year first. */
export async function claimablePolicies(
	db: Db,
	actor: UserActor,
	householdId: string
): Promise<ClaimablePolicy[]> {
	if (!mayReport(actor)) throw DomainError.notFound();
	const household = await scopedHousehold(db, actor, householdId);
	return db
		.select({
			id: insurancePolicies.id,
			schemeId: insuranceSchemes.id,
			schemeName: insuranceSchemes.name,
			schemeKind: insuranceSchemes.kind,
			year: insuranceSchemes.year,
			events: insuranceSchemes.events,
			objectKind: insurancePolicies.objectKind,
			objectLabel: insurancePolicies.objectLabel,
			coverFrom: insurancePolicies.coverFrom,
			coverTo: insurancePolicies.coverTo
		})
		.from(insurancePolicies)
		.innerJoin(
			insuranceSchemes,
			and(
				eq(insuranceSchemes.countyId, insurancePolicies.countyId),
				eq(insuranceSchemes.id, insurancePolicies.schemeId)
			)
		)
		.where(
			and(
				eq(insurancePolicies.countyId, actor.countyId),
				eq(insurancePolicies.householdId, household.id)
			)
		)
		.orderBy(desc(insuranceSchemes.year), asc(insuranceSchemes.kind));
}

export interface ReportInput {
	id?: unknown;
	householdId: unknown;
	policyId: unknown;
	eventType: unknown;
	eventDate: unknown;
	loss: unknown;
	documents?: unknown;
	description?: unknown;
	warningId?: unknown;
}

/**
 * A claim is reported (by staff, a grid member, or from a large-expense warning): the
 * policy must have covered the object on the event date, within the scheme year and not
 * in the future. Raises an 'insurance_claim' warning on the household in the same
 * transaction, so the monitoring loop sees it.
 */
export async function reportClaim(
	db: Db,
	actor: UserActor,
	input: ReportInput,
	today: string
): Promise<Claim> {
	if (!mayReport(actor)) throw DomainError.notFound();
	const household = await scopedHousehold(
		db,
		actor,
		textInput(input.householdId, 40, 'householdId')
	);
	const id = isUuidV7(input.id) ? input.id : newId();
	const [replayed] = await db
		.select()
		.from(insuranceClaims)
		.where(and(eq(insuranceClaims.countyId, actor.countyId), eq(insuranceClaims.id, id)));
	if (replayed) {
		if (replayed.householdId !== household.id) throw DomainError.notFound();
		return replayed;
	}
	const issues: FieldIssue[] = [];
	const policyId = textInput(input.policyId, 40, 'policyId');
	const [found] = isUuid(policyId)
		? await db
				.select({ policy: insurancePolicies, scheme: insuranceSchemes })
				.from(insurancePolicies)
				.innerJoin(
					insuranceSchemes,
					and(
						eq(insuranceSchemes.countyId, insurancePolicies.countyId),
						eq(insuranceSchemes.id, insurancePolicies.schemeId)
					)
				)
				.where(
					and(
						eq(insurancePolicies.countyId, actor.countyId),
						eq(insurancePolicies.id, policyId),
						eq(insurancePolicies.householdId, household.id)
					)
				)
		: [];
	if (!found) issues.push({ field: 'policyId', key: 'insurance_error_policy' });
	const eventType = textInput(input.eventType, 30, 'eventType') as EventType;
	if (!EVENT_TYPES.includes(eventType))
		issues.push({ field: 'eventType', key: 'insurance_error_event_type' });
	else if (found && !found.scheme.events.includes(eventType))
		issues.push({ field: 'eventType', key: 'insurance_error_event_not_covered' });
	const eventDate = textInput(input.eventDate, 10, 'eventDate');
	if (!isCalendarDate(eventDate) || eventDate < '1900-01-01')
		issues.push({ field: 'eventDate', key: 'insurance_error_date' });
	else if (eventDate > today) issues.push({ field: 'eventDate', key: 'insurance_error_future' });
	else if (found && !eventDate.startsWith(String(found.scheme.year)))
		issues.push({
			field: 'eventDate',
			key: 'insurance_error_outside_year',
			params: { year: found.scheme.year }
		});
	else if (found && (eventDate < found.policy.coverFrom || eventDate > found.policy.coverTo))
		issues.push({
			field: 'eventDate',
			key: 'insurance_error_not_insured',
			params: { from: found.policy.coverFrom, to: found.policy.coverTo }
		});
	const loss = parseYuan(textInput(input.loss, 30, 'loss'));
	if (!loss.ok) issues.push(numberIssue('loss', loss, 'insurance_error_loss'));
	const documents = textInput(input.documents, 300, 'documents') || null;
	const description = textInput(input.description, 500, 'description') || null;
	const warningText = textInput(input.warningId, 40, 'warningId');
	let warningId: string | null = null;
	if (warningText) {
		const [warning] = isUuid(warningText)
			? await db
					.select({ id: warnings.id })
					.from(warnings)
					.where(
						and(
							eq(warnings.countyId, actor.countyId),
							eq(warnings.id, warningText),
							eq(warnings.householdId, household.id)
						)
					)
			: [];
		if (!warning) issues.push({ field: 'warningId', key: 'insurance_error_warning' });
		else warningId = warning.id;
	}
	if (issues.length || !found || !loss.ok) throw new DomainError('invalid', issues);
	return inTransaction(db, async (tx) => {
		const [claim] = await tx
			.insert(insuranceClaims)
			.values({
				countyId: actor.countyId,
				id,
				schemeId: found.scheme.id,
				policyId: found.policy.id,
				householdId: household.id,
				eventType,
				eventDate,
				lossFen: loss.value,
				documents,
				description,
				warningId,
				reportedOn: today,
				reportedBy: actor.userId
			})
			.returning();
		await addStep(tx, actor, claim.id, 'reported', today, loss.value, description);
		// The monitoring loop sees the claim as a warning on the household.
		await raiseWarning(tx, actor, {
			countyId: actor.countyId,
			householdId: household.id,
			kind: 'insurance_claim',
			source: 'person',
			raisedOn: today,
			evidence: { claimId: claim.id, eventType, eventDate, amountFen: loss.value }
		});
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'insurance.claim_report',
			entity: 'household',
			entityId: household.id,
			after: { claim: claim.id, policy: found.policy.id, eventType, eventDate, lossFen: loss.value }
		});
		return claim;
	});
}

export async function addStep(
	tx: Db,
	actor: Actor & { countyId: string },
	claimId: string,
	step: ClaimStep,
	happenedOn: string,
	amountFen: number | null,
	note: string | null
): Promise<void> {
	await tx.insert(insuranceClaimSteps).values({
		countyId: actor.countyId,
		id: newId(),
		claimId,
		step,
		happenedOn,
		byUserId: actor.userId,
		byLabel: actor.label,
		amountFen,
		note
	});
}

/** A claim the actor may see (its household in scope), or not found. */
async function scopedClaim(db: Db, actor: UserActor, claimId: string): Promise<Claim> {
	if (!mayReport(actor) || !isUuid(claimId)) throw DomainError.notFound();
	const [row] = await db
		.select({ claim: insuranceClaims, household: households })
		.from(insuranceClaims)
		.innerJoin(
			households,
			and(
				eq(households.countyId, insuranceClaims.countyId),
				eq(households.id, insuranceClaims.householdId)
			)
		)
		.where(and(eq(insuranceClaims.countyId, actor.countyId), eq(insuranceClaims.id, claimId)));
	if (!row || !canSeeHousehold(actor, row.household)) throw DomainError.notFound();
	return row.claim;
}

function transitionError(claim: Claim, wanted: ClaimStatus): DomainError {
	if (claim.status === 'paid') return DomainError.conflict('', 'insurance_error_already_paid');
	return DomainError.invalid('', 'insurance_error_transition', {
		status: claim.status,
		wanted
	});
}

function stepDate(
	value: unknown,
	field: string,
	today: string,
	notBefore: string,
	issues: FieldIssue[]
): string {
	const text = textInput(value, 10, field);
	const date = text || today;
	if (!isCalendarDate(date) || date < '1900-01-01')
		issues.push({ field, key: 'insurance_error_date' });
	else if (date > today) issues.push({ field, key: 'insurance_error_future' });
	else if (date < notBefore)
		issues.push({ field, key: 'insurance_error_step_before', params: { date: notBefore } });
	return date;
}

export interface InvestigationInput {
	investigatedOn?: unknown;
	looks: Record<string, { choice: unknown; note: unknown }>;
	note?: unknown;
}

/**
 * The insurer's investigator (with township staff) records 看四算一 at the door: the four
 * looks, each a choice and a note, and the per-capita income beside the line.
 */
export async function investigateClaim(
	db: Db,
	actor: UserActor,
	claimId: string,
	input: InvestigationInput,
	today: string
): Promise<Claim> {
	if (!mayInvestigate(actor)) throw DomainError.notFound();
	const claim = await scopedClaim(db, actor, claimId);
	if (claim.status !== 'reported') throw transitionError(claim, 'investigated');
	const issues: FieldIssue[] = [];
	const investigatedOn = stepDate(
		input.investigatedOn,
		'investigatedOn',
		today,
		claim.reportedOn,
		issues
	);
	const looks = {} as Investigation['looks'];
	for (const look of LOOKS) {
		const given = input.looks[look] ?? { choice: '', note: '' };
		const choice = textInput(given.choice, 20, `${look}Choice`) as LookChoice;
		if (!LOOK_CHOICES.includes(choice))
			issues.push({ field: `${look}Choice`, key: 'insurance_error_look' });
		looks[look] = { choice, note: textInput(given.note, 200, `${look}Note`) };
	}
	const note = textInput(input.note, 500, 'note');
	if (issues.length) throw new DomainError('invalid', issues);
	const income = await incomeForInvestigation(
		db,
		actor.countyId,
		claim.householdId,
		investigatedOn
	);
	const investigation: Investigation = { looks, note, ...income };
	return inTransaction(db, async (tx) => {
		const [updated] = await tx
			.update(insuranceClaims)
			.set({
				status: 'investigated',
				investigation,
				investigatedOn,
				investigatedBy: actor.userId,
				updatedAt: new Date()
			})
			.where(
				and(
					eq(insuranceClaims.countyId, actor.countyId),
					eq(insuranceClaims.id, claim.id),
					eq(insuranceClaims.status, 'reported')
				)
			)
			.returning();
		if (!updated) throw DomainError.conflict('', 'insurance_error_changed');
		await addStep(tx, actor, claim.id, 'investigated', investigatedOn, null, note || null);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'insurance.claim_investigate',
			entity: 'household',
			entityId: claim.householdId,
			after: { claim: claim.id, investigation }
		});
		return updated;
	});
}

/** What the scheme's current rule gives for this claim. */
export async function ruleAmountFor(db: Db, claim: Claim): Promise<Payout & { version: number }> {
	const [row] = await db
		.select({ scheme: insuranceSchemes, insuredValueFen: insurancePolicies.insuredValueFen })
		.from(insuranceSchemes)
		.innerJoin(
			insurancePolicies,
			and(
				eq(insurancePolicies.countyId, insuranceSchemes.countyId),
				eq(insurancePolicies.id, claim.policyId)
			)
		)
		.where(
			and(eq(insuranceSchemes.countyId, claim.countyId), eq(insuranceSchemes.id, claim.schemeId))
		);
	return {
		...computePayout(row.scheme.rule, claim.lossFen, row.insuredValueFen),
		version: row.scheme.ruleVersion
	};
}

export interface DecisionInput {
	decision: unknown;
	amount?: unknown;
	reason?: unknown;
	decidedOn?: unknown;
}

/**
 * A county admin approves (the rule's amount, or less with a reason) or rejects (with a
 * reason) an investigated claim. A claim nobody investigated cannot be decided.
 */
export async function decideClaim(
	db: Db,
	actor: UserActor,
	claimId: string,
	input: DecisionInput,
	today: string
): Promise<Claim> {
	if (!mayDecide(actor)) throw DomainError.notFound();
	const claim = await scopedClaim(db, actor, claimId);
	if (claim.status === 'reported')
		throw DomainError.invalid('', 'insurance_error_not_investigated');
	if (claim.status !== 'investigated') throw transitionError(claim, 'approved');
	const issues: FieldIssue[] = [];
	const decision = textInput(input.decision, 10, 'decision');
	if (decision !== 'approve' && decision !== 'reject')
		issues.push({ field: 'decision', key: 'insurance_error_decision' });
	const decidedOn = stepDate(
		input.decidedOn,
		'decidedOn',
		today,
		claim.investigatedOn ?? claim.reportedOn,
		issues
	);
	const reason = textInput(input.reason, 300, 'reason');
	const rule = await ruleAmountFor(db, claim);
	let amountFen: number | null = null;
	if (decision === 'approve') {
		const amountText = textInput(input.amount, 30, 'amount');
		if (!amountText) amountFen = rule.amountFen;
		else {
			const amount = parseYuan(amountText);
			if (!amount.ok) issues.push(numberIssue('amount', amount, 'insurance_error_amount'));
			else amountFen = amount.value;
		}
		if (rule.amountFen <= 0)
			issues.push({ field: 'amount', key: 'insurance_error_nothing_to_pay' });
		else if (amountFen !== null && amountFen > rule.amountFen)
			issues.push({
				field: 'amount',
				key: 'insurance_error_above_rule',
				params: { rule: (rule.amountFen / 100).toFixed(2) }
			});
		else if (amountFen !== null && amountFen < rule.amountFen && !reason)
			issues.push({ field: 'reason', key: 'insurance_error_reason_lower' });
	} else if (decision === 'reject' && !reason) {
		issues.push({ field: 'reason', key: 'insurance_error_reason_reject' });
	}
	if (issues.length) throw new DomainError('invalid', issues);
	const status: ClaimStatus = decision === 'approve' ? 'approved' : 'rejected';
	return inTransaction(db, async (tx) => {
		const [updated] = await tx
			.update(insuranceClaims)
			.set({
				status,
				ruleAmountFen: rule.amountFen,
				ruleVersion: rule.version,
				approvedAmountFen: amountFen,
				decisionReason: reason || null,
				decidedOn,
				decidedBy: actor.userId,
				updatedAt: new Date()
			})
			.where(
				and(
					eq(insuranceClaims.countyId, actor.countyId),
					eq(insuranceClaims.id, claim.id),
					eq(insuranceClaims.status, 'investigated')
				)
			)
			.returning();
		if (!updated) throw DomainError.conflict('', 'insurance_error_changed');
		await addStep(tx, actor, claim.id, status as ClaimStep, decidedOn, amountFen, reason || null);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: `insurance.claim_${decision}`,
			entity: 'household',
			entityId: claim.householdId,
			after: {
				claim: claim.id,
				ruleAmountFen: rule.amountFen,
				ruleVersion: rule.version,
				approvedAmountFen: amountFen,
				reason: reason || null
			}
		});
		return updated;
	});
}

/**
 * Pays an approved claim: out of the scheme's fund and into the household's income ledger
 * as transfer income, with the claim's paid status, in one transaction. The fund is locked
 * while its balance is checked; the conditional update (approved → paid) and the ledger's
 * unique source posting make two clicks at once pay once.
 */
export async function payClaim(
	db: Db,
	actor: UserActor,
	claimId: string,
	input: { paidOn?: unknown },
	today: string
): Promise<Claim> {
	if (!mayDecide(actor)) throw DomainError.notFound();
	const claim = await scopedClaim(db, actor, claimId);
	if (claim.status !== 'approved') throw transitionError(claim, 'paid');
	const issues: FieldIssue[] = [];
	const paidOn = stepDate(
		input.paidOn,
		'paidOn',
		today,
		claim.decidedOn ?? claim.reportedOn,
		issues
	);
	if (issues.length) throw new DomainError('invalid', issues);
	return inTransaction(db, (tx) => payApprovedClaim(tx, actor, claim, paidOn));
}

/**
 * The payout itself, inside the caller's transaction (the demo pays its claims through it
 * too): lock the fund, approved → paid, the fund's payout, the ledger's transfer income.
 */
export async function payApprovedClaim(
	tx: Db,
	actor: Actor & { countyId: string },
	claim: Claim,
	paidOn: string
): Promise<Claim> {
	const countyId = claim.countyId;
	const amountFen = claim.approvedAmountFen ?? 0;
	await lockFund(tx, countyId, claim.schemeId);
	const [updated] = await tx
		.update(insuranceClaims)
		.set({
			status: 'paid',
			paidOn,
			paidAmountFen: amountFen,
			paidBy: actor.userId,
			updatedAt: new Date()
		})
		.where(
			and(
				eq(insuranceClaims.countyId, countyId),
				eq(insuranceClaims.id, claim.id),
				eq(insuranceClaims.status, 'approved')
			)
		)
		.returning();
	if (!updated) throw DomainError.conflict('', 'insurance_error_already_paid');
	const balance = await balanceOf(tx, countyId, claim.schemeId);
	if (balance < amountFen)
		throw DomainError.invalid('', 'insurance_error_fund_short', {
			balance: (balance / 100).toFixed(2),
			amount: (amountFen / 100).toFixed(2)
		});
	const fund = await addFundEntry(tx, actor, {
		countyId,
		schemeId: claim.schemeId,
		kind: 'payout',
		amountFen,
		businessDate: paidOn,
		claimId: claim.id
	});
	if (!fund) throw DomainError.conflict('', 'insurance_error_already_paid');
	const [policy] = await tx
		.select({ memberId: insurancePolicies.memberId })
		.from(insurancePolicies)
		.where(and(eq(insurancePolicies.countyId, countyId), eq(insurancePolicies.id, claim.policyId)));
	const entry = await postLedgerEntry(tx, actor, {
		countyId,
		householdId: claim.householdId,
		memberId: policy?.memberId ?? null,
		businessDate: paidOn,
		amountFen,
		kind: 'transfer',
		subtype: PAYOUT_SUBTYPE,
		source: 'insurance',
		sourceId: claim.id,
		note: null
	});
	const [paid] = await tx
		.update(insuranceClaims)
		.set({ ledgerEntryId: entry.id })
		.where(and(eq(insuranceClaims.countyId, countyId), eq(insuranceClaims.id, claim.id)))
		.returning();
	await addStep(tx, actor, claim.id, 'paid', paidOn, amountFen, null);
	await recordAudit(tx, actor, {
		countyId,
		action: 'insurance.claim_pay',
		entity: 'household',
		entityId: claim.householdId,
		after: { claim: claim.id, amountFen, paidOn, entry: entry.id }
	});
	return paid;
}

export interface ClaimListItem {
	id: string;
	status: ClaimStatus;
	eventType: EventType;
	eventDate: string;
	lossFen: number;
	approvedAmountFen: number | null;
	reportedOn: string;
	householdId: string;
	headName: string | null;
	villageName: string;
	schemeName: string;
	schemeKind: SchemeKind;
}

const headName = sql<
	string | null
>`(select h.name from members h where h.county_id = ${households.countyId} and h.household_id = ${households.id} and h.relation = ${HEAD_OF_HOUSEHOLD} and h.current limit 1)`;

/** The claim queue in the actor's scope, by status (every status when none is given). */
export async function listClaims(
	db: Db,
	actor: UserActor,
	filter: { status?: string } = {}
): Promise<{ claims: ClaimListItem[]; counts: Record<ClaimStatus, number> }> {
	if (!mayReport(actor)) throw DomainError.notFound();
	const status = CLAIM_STATUSES.find((s) => s === filter.status);
	const scope = and(householdScope(actor), eq(insuranceClaims.countyId, actor.countyId));
	const from = () =>
		db
			.select({
				id: insuranceClaims.id,
				status: insuranceClaims.status,
				eventType: insuranceClaims.eventType,
				eventDate: insuranceClaims.eventDate,
				lossFen: insuranceClaims.lossFen,
				approvedAmountFen: insuranceClaims.approvedAmountFen,
				reportedOn: insuranceClaims.reportedOn,
				householdId: insuranceClaims.householdId,
				headName,
				villageName: divisions.name,
				schemeName: insuranceSchemes.name,
				schemeKind: insuranceSchemes.kind
			})
			.from(insuranceClaims)
			.innerJoin(
				households,
				and(
					eq(households.countyId, insuranceClaims.countyId),
					eq(households.id, insuranceClaims.householdId)
				)
			)
			.innerJoin(divisions, eq(divisions.code, households.villageCode))
			.innerJoin(
				insuranceSchemes,
				and(
					eq(insuranceSchemes.countyId, insuranceClaims.countyId),
					eq(insuranceSchemes.id, insuranceClaims.schemeId)
				)
			);
	const [claims, counted] = await Promise.all([
		from()
			.where(and(scope, ...(status ? [eq(insuranceClaims.status, status)] : [])))
			.orderBy(asc(insuranceClaims.reportedOn), asc(insuranceClaims.createdAt))
			.limit(300),
		db
			.select({ status: insuranceClaims.status, n: sql<number>`count(*)::int` })
			.from(insuranceClaims)
			.innerJoin(
				households,
				and(
					eq(households.countyId, insuranceClaims.countyId),
					eq(households.id, insuranceClaims.householdId)
				)
			)
			.where(scope)
			.groupBy(insuranceClaims.status)
	]);
	const counts = Object.fromEntries(CLAIM_STATUSES.map((s) => [s, 0])) as Record<
		ClaimStatus,
		number
	>;
	for (const c of counted) counts[c.status] = Number(c.n);
	return { claims, counts };
}

export interface ClaimDetail {
	claim: Claim;
	steps: ClaimStepRow[];
	household: { id: string; householdNumber: string; villageName: string; headName: string | null };
	scheme: typeof insuranceSchemes.$inferSelect;
	policy: typeof insurancePolicies.$inferSelect & { memberName: string | null };
	/** What the scheme's rule gives now (for a decided claim: what it gave then is on the claim). */
	payout: Payout;
	fundBalanceFen: number;
	may: { investigate: boolean; decide: boolean; pay: boolean };
}

export async function getClaim(db: Db, actor: UserActor, claimId: string): Promise<ClaimDetail> {
	const claim = await scopedClaim(db, actor, claimId);
	const [[row], steps, payout, fundBalanceFen] = await Promise.all([
		db
			.select({
				scheme: insuranceSchemes,
				policy: insurancePolicies,
				memberName: members.name,
				householdNumber: households.householdNumber,
				villageName: divisions.name,
				headName
			})
			.from(insurancePolicies)
			.innerJoin(
				insuranceSchemes,
				and(
					eq(insuranceSchemes.countyId, insurancePolicies.countyId),
					eq(insuranceSchemes.id, insurancePolicies.schemeId)
				)
			)
			.innerJoin(
				households,
				and(
					eq(households.countyId, insurancePolicies.countyId),
					eq(households.id, insurancePolicies.householdId)
				)
			)
			.innerJoin(divisions, eq(divisions.code, households.villageCode))
			.leftJoin(
				members,
				and(
					eq(members.countyId, insurancePolicies.countyId),
					eq(members.id, insurancePolicies.memberId)
				)
			)
			.where(
				and(
					eq(insurancePolicies.countyId, actor.countyId),
					eq(insurancePolicies.id, claim.policyId)
				)
			),
		db
			.select()
			.from(insuranceClaimSteps)
			.where(
				and(
					eq(insuranceClaimSteps.countyId, actor.countyId),
					eq(insuranceClaimSteps.claimId, claim.id)
				)
			)
			.orderBy(asc(insuranceClaimSteps.recordedAt)),
		ruleAmountFor(db, claim),
		balanceOf(db, actor.countyId, claim.schemeId)
	]);
	return {
		claim,
		steps,
		household: {
			id: claim.householdId,
			householdNumber: row.householdNumber,
			villageName: row.villageName,
			headName: row.headName
		},
		scheme: row.scheme,
		policy: { ...row.policy, memberName: row.memberName },
		payout,
		fundBalanceFen,
		may: {
			investigate: mayInvestigate(actor) && claim.status === 'reported',
			decide: mayDecide(actor) && claim.status === 'investigated',
			pay: mayDecide(actor) && claim.status === 'approved'
		}
	};
}

export interface HouseholdInsurance {
	policies: {
		id: string;
		schemeName: string;
		schemeKind: SchemeKind;
		year: number;
		objectLabel: string;
		coverFrom: string;
		coverTo: string;
	}[];
	claims: {
		id: string;
		schemeName: string;
		status: ClaimStatus;
		eventType: EventType;
		eventDate: string;
		lossFen: number;
		approvedAmountFen: number | null;
		paidOn: string | null;
		paidAmountFen: number | null;
	}[];
	/** Staff, admins and grid members may open a claim's page; a household reads it here. */
	canOpenClaims: boolean;
	canReport: boolean;
}

/**
 * The household's policies and claims with their status, for its own page (the
 * household's account, staff, admins and grid members in scope).
 */
export async function householdInsurance(
	db: Db,
	actor: UserActor,
	householdId: string,
	known?: KnownHousehold
): Promise<HouseholdInsurance> {
	const household =
		knownInScope(actor, householdId, known) ?? (await scopedHousehold(db, actor, householdId));
	const [policies, claims] = await Promise.all([
		db
			.select({
				id: insurancePolicies.id,
				schemeName: insuranceSchemes.name,
				schemeKind: insuranceSchemes.kind,
				year: insuranceSchemes.year,
				objectLabel: insurancePolicies.objectLabel,
				coverFrom: insurancePolicies.coverFrom,
				coverTo: insurancePolicies.coverTo
			})
			.from(insurancePolicies)
			.innerJoin(
				insuranceSchemes,
				and(
					eq(insuranceSchemes.countyId, insurancePolicies.countyId),
					eq(insuranceSchemes.id, insurancePolicies.schemeId)
				)
			)
			.where(
				and(
					eq(insurancePolicies.countyId, actor.countyId),
					eq(insurancePolicies.householdId, household.id)
				)
			)
			.orderBy(desc(insuranceSchemes.year), asc(insuranceSchemes.kind)),
		db
			.select({
				id: insuranceClaims.id,
				schemeName: insuranceSchemes.name,
				status: insuranceClaims.status,
				eventType: insuranceClaims.eventType,
				eventDate: insuranceClaims.eventDate,
				lossFen: insuranceClaims.lossFen,
				approvedAmountFen: insuranceClaims.approvedAmountFen,
				paidOn: insuranceClaims.paidOn,
				paidAmountFen: insuranceClaims.paidAmountFen
			})
			.from(insuranceClaims)
			.innerJoin(
				insuranceSchemes,
				and(
					eq(insuranceSchemes.countyId, insuranceClaims.countyId),
					eq(insuranceSchemes.id, insuranceClaims.schemeId)
				)
			)
			.where(
				and(
					eq(insuranceClaims.countyId, actor.countyId),
					eq(insuranceClaims.householdId, household.id)
				)
			)
			.orderBy(desc(insuranceClaims.eventDate))
	]);
	return {
		policies,
		claims,
		canOpenClaims: mayReport(actor),
		canReport: mayReport(actor) && policies.length > 0
	};
}
