import { and, eq } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { isUuid, newId } from '../db/ids';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { canSeeHousehold } from '../auth/scope';
import { DomainError, type FieldIssue } from '../errors';
import { households } from '../households/schema';
import { textInput } from '../input';
import {
	checkMeasure,
	getCountyOptions,
	updateMonitoring,
	writeMeasure,
	type MeasureInput
} from '../monitoring';
import { assistanceMeasures } from '../monitoring/schema';
import { dateProblem } from '../../input';
import { warnings, warningSteps, type WarningStatus, type WarningStep } from './schema';
import { raiseWarning, type Warning } from './index';

// open → verified at home → a decision (identify, assist, dismiss) → closed. Each step is
// a dated warning_steps row by a named person plus an audit row, in one transaction; the
// status changes only `where status = <what it was>`, so of two people deciding at once
// one gets through and the other is told the warning has moved on.

/** Who may see warnings at all: the people who verify and decide. Never the household. */
export function seesWarnings(actor: UserActor): boolean {
	return (
		actor.role === 'grid_member' || actor.role === 'township_staff' || actor.role === 'county_admin'
	);
}

/** Who decides: township staff and county admins (grid members verify). */
export function decidesWarnings(actor: UserActor): boolean {
	return actor.role === 'township_staff' || actor.role === 'county_admin';
}

/** A warning the actor may see (its household in their scope); otherwise not found. */
export async function scopedWarning(db: Db, actor: UserActor, warningId: string): Promise<Warning> {
	if (!seesWarnings(actor) || !isUuid(warningId)) throw DomainError.notFound();
	const [row] = await db
		.select({ warning: warnings, household: households })
		.from(warnings)
		.innerJoin(
			households,
			and(eq(households.countyId, warnings.countyId), eq(households.id, warnings.householdId))
		)
		.where(and(eq(warnings.countyId, actor.countyId), eq(warnings.id, warningId)));
	if (!row || !canSeeHousehold(actor, row.household)) throw DomainError.notFound();
	return row.warning;
}

function dateIssue(
	field: string,
	value: string,
	today: string,
	notBefore: string,
	beforeKey: string
): FieldIssue | null {
	const problem = dateProblem(value, { today, notFuture: true });
	if (problem === 'future') return { field, key: 'warnings_error_future' };
	if (problem) return { field, key: 'warnings_error_date' };
	if (value < notBefore) return { field, key: beforeKey, params: { date: notBefore } };
	return null;
}

/** Refuses a step that does not fit where the warning stands, with a message that says why. */
function requireStatus(warning: Warning, wanted: WarningStatus): void {
	if (warning.status === wanted) return;
	if (warning.status === 'closed') throw DomainError.invalid('', 'warnings_error_closed');
	if (wanted === 'verified') throw DomainError.invalid('', 'warnings_error_not_verified');
	throw DomainError.invalid('', 'warnings_error_already_verified');
}

/**
 * The conditional status change and its step and audit row. When the warning is no longer
 * in `from` (someone else acted first), nothing is written and the person is told.
 */
async function moveWarning(
	tx: Db,
	actor: UserActor,
	warning: Warning,
	from: WarningStatus,
	set: Partial<typeof warnings.$inferInsert>,
	step: { step: WarningStep; on: string; note?: string | null; details?: Record<string, unknown> }
): Promise<void> {
	const [moved] = await tx
		.update(warnings)
		.set({ ...set, updatedAt: new Date() })
		.where(
			and(
				eq(warnings.countyId, warning.countyId),
				eq(warnings.id, warning.id),
				eq(warnings.status, from)
			)
		)
		.returning({ id: warnings.id });
	if (!moved) throw DomainError.conflict('', 'warnings_error_changed');
	await tx.insert(warningSteps).values({
		countyId: warning.countyId,
		id: newId(),
		warningId: warning.id,
		step: step.step,
		happenedOn: step.on,
		byUserId: actor.userId,
		byLabel: actor.label,
		note: step.note ?? null,
		details: step.details ?? null
	});
	await recordAudit(tx, actor, {
		countyId: warning.countyId,
		action: `warnings.${step.step}`,
		entity: 'household',
		entityId: warning.householdId,
		before: { warning: warning.id, status: warning.status },
		after: { warning: warning.id, ...set, note: step.note ?? null, ...step.details }
	});
}

export interface VerificationInput {
	verifiedOn: unknown;
	findings: unknown;
}

/** Home verification (入户核实): by the village's grid member, township staff or an admin. */
export async function verifyWarning(
	db: Db,
	actor: UserActor,
	warningId: string,
	input: VerificationInput,
	today: string
): Promise<void> {
	const warning = await scopedWarning(db, actor, warningId);
	requireStatus(warning, 'open');
	const verifiedOn = String(input.verifiedOn ?? '').trim();
	const findings = textInput(input.findings, 1000, 'findings', true);
	const issues: FieldIssue[] = [];
	const dated = dateIssue(
		'verifiedOn',
		verifiedOn,
		today,
		warning.raisedOn,
		'warnings_error_verified_before_raised'
	);
	if (dated) issues.push(dated);
	if (!findings) issues.push({ field: 'findings', key: 'warnings_error_findings' });
	if (issues.length) throw new DomainError('invalid', issues);
	await inTransaction(db, (tx) =>
		moveWarning(
			tx,
			actor,
			warning,
			'open',
			{ status: 'verified', verifiedOn, verifiedBy: actor.userId, findings },
			{ step: 'verified', on: verifiedOn, note: findings }
		)
	);
}

/** A decision needs a verified warning, a person who decides, and a date after the visit. */
async function decidable(
	db: Db,
	actor: UserActor,
	warningId: string,
	decidedOn: unknown,
	today: string
): Promise<{ warning: Warning; decidedOn: string; issues: FieldIssue[] }> {
	const warning = await scopedWarning(db, actor, warningId);
	if (!decidesWarnings(actor)) throw DomainError.notFound();
	requireStatus(warning, 'verified');
	const on = String(decidedOn ?? '').trim();
	const issues: FieldIssue[] = [];
	const dated = dateIssue(
		'decidedOn',
		on,
		today,
		warning.verifiedOn ?? warning.raisedOn,
		'warnings_error_decided_before_verified'
	);
	if (dated) issues.push(dated);
	return { warning, decidedOn: on, issues };
}

export interface IdentifyInput {
	decidedOn: unknown;
	category: unknown;
	risks: unknown[];
	note?: unknown;
}

/**
 * Identify as monitored (纳入监测): the monitoring record takes the category and risk types
 * and its history gains a dated entry; the warning closes.
 */
export async function identifyFromWarning(
	db: Db,
	actor: UserActor,
	warningId: string,
	input: IdentifyInput,
	today: string
): Promise<void> {
	const { warning, decidedOn, issues } = await decidable(
		db,
		actor,
		warningId,
		input.decidedOn,
		today
	);
	const options = await getCountyOptions(db, warning.countyId);
	const category = String(input.category ?? '');
	const risks = [...new Set(input.risks.map(String).filter(Boolean))];
	const note = textInput(input.note, 500, 'note') || null;
	if (category === 'ordinary' || !options.category.some((c) => c.code === category))
		issues.push({ field: 'category', key: 'monitoring_error_monitored_needs_category' });
	if (risks.length === 0) issues.push({ field: 'risks', key: 'monitoring_error_no_risk' });
	else if (risks.some((r) => !options.risk.some((o) => o.code === r)))
		issues.push({ field: 'risks', key: 'monitoring_error_risk' });
	if (issues.length) throw new DomainError('invalid', issues);
	await inTransaction(db, async (tx) => {
		await moveWarning(
			tx,
			actor,
			warning,
			'verified',
			{
				status: 'closed',
				decision: 'identify',
				decisionReason: note,
				closedOn: decidedOn,
				closedBy: actor.userId
			},
			{ step: 'identified', on: decidedOn, note, details: { category, risks } }
		);
		// The monitoring domain writes the record, its risks, the dated history entry and
		// its own audit row; the history note says why.
		await updateMonitoring(
			tx,
			actor,
			warning.householdId,
			{
				category,
				status: 'monitored',
				risks,
				happenedOn: decidedOn,
				note: note ?? warning.findings
			},
			today
		);
	});
}

/**
 * Assist (帮扶): one measure from the county's list with the person responsible, tied to
 * the warning. Several may be added while the warning is verified; closing ends it.
 */
export async function assistFromWarning(
	db: Db,
	actor: UserActor,
	warningId: string,
	input: MeasureInput & { decidedOn: unknown },
	today: string
): Promise<string> {
	const { warning, decidedOn, issues } = await decidable(
		db,
		actor,
		warningId,
		input.decidedOn,
		today
	);
	let measure: Awaited<ReturnType<typeof checkMeasure>> | null = null;
	try {
		measure = await checkMeasure(db, warning.countyId, input, true);
	} catch (caught) {
		if (!(caught instanceof DomainError)) throw caught;
		issues.push(...caught.issues);
	}
	if (issues.length || !measure) throw new DomainError('invalid', issues);
	const checked = measure;
	return inTransaction(db, async (tx) => {
		const measureId = newId();
		// Stays verified; the conditional update still makes a concurrent close win or lose.
		await moveWarning(
			tx,
			actor,
			warning,
			'verified',
			{ decision: 'assist' },
			{
				step: 'assisted',
				on: decidedOn,
				note: checked.description,
				details: {
					measureId,
					measure: checked.measure,
					responsibleName: checked.responsibleName,
					startedOn: checked.startedOn
				}
			}
		);
		await writeMeasure(tx, actor, warning.countyId, warning.householdId, checked, {
			id: measureId,
			warningId: warning.id
		});
		return measureId;
	});
}

export interface DismissInput {
	decidedOn: unknown;
	reason: unknown;
}

/** Dismiss (不予认定) with a reason: the warning closes, the record is unchanged. */
export async function dismissWarning(
	db: Db,
	actor: UserActor,
	warningId: string,
	input: DismissInput,
	today: string
): Promise<void> {
	const { warning, decidedOn, issues } = await decidable(
		db,
		actor,
		warningId,
		input.decidedOn,
		today
	);
	const reason = textInput(input.reason, 500, 'reason', true);
	if (!reason) issues.push({ field: 'reason', key: 'warnings_error_reason' });
	if (issues.length) throw new DomainError('invalid', issues);
	await inTransaction(db, (tx) =>
		moveWarning(
			tx,
			actor,
			warning,
			'verified',
			{
				status: 'closed',
				decision: 'dismiss',
				decisionReason: reason,
				closedOn: decidedOn,
				closedBy: actor.userId
			},
			{ step: 'dismissed', on: decidedOn, note: reason }
		)
	);
}

/** Closes a warning whose household has been given its measures (结束预警). */
export async function closeAssistedWarning(
	db: Db,
	actor: UserActor,
	warningId: string,
	input: { decidedOn: unknown; note?: unknown },
	today: string
): Promise<void> {
	const { warning, decidedOn, issues } = await decidable(
		db,
		actor,
		warningId,
		input.decidedOn,
		today
	);
	const note = textInput(input.note, 500, 'note') || null;
	const measures = await db
		.select({ id: assistanceMeasures.id })
		.from(assistanceMeasures)
		.where(
			and(
				eq(assistanceMeasures.countyId, warning.countyId),
				eq(assistanceMeasures.warningId, warning.id)
			)
		);
	if (measures.length === 0) issues.push({ field: '', key: 'warnings_error_no_measure' });
	if (issues.length) throw new DomainError('invalid', issues);
	await inTransaction(db, (tx) =>
		moveWarning(
			tx,
			actor,
			warning,
			'verified',
			{
				status: 'closed',
				decision: 'assist',
				decisionReason: note,
				closedOn: decidedOn,
				closedBy: actor.userId
			},
			{ step: 'closed', on: decidedOn, note, details: { measures: measures.length } }
		)
	);
}

export interface StaffWarningInput {
	id?: unknown;
	note: unknown;
}

/** Township staff or an admin raise a warning (kind `staff`) from what they learned. */
export async function raiseStaffWarning(
	db: Db,
	actor: UserActor,
	householdId: string,
	input: StaffWarningInput,
	today: string
): Promise<{ warningId: string; raised: boolean }> {
	if (!decidesWarnings(actor) || !isUuid(householdId)) throw DomainError.notFound();
	const [household] = await db
		.select()
		.from(households)
		.where(and(eq(households.countyId, actor.countyId), eq(households.id, householdId)));
	if (!household || !canSeeHousehold(actor, household)) throw DomainError.notFound();
	const note = textInput(input.note, 1000, 'note', true);
	if (!note) throw DomainError.invalid('note', 'warnings_error_note');
	return inTransaction(db, async (tx) => {
		const { warning, raised } = await raiseWarning(tx, actor, {
			countyId: household.countyId,
			householdId: household.id,
			kind: 'staff',
			source: 'person',
			note,
			raisedOn: today
		});
		return { warningId: warning.id, raised };
	});
}
