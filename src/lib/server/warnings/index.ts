import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { newId } from '../db/ids';
import { maskForAudit, recordAudit } from '../audit';
import { auditLog } from '../audit/schema';
import type { Actor } from '../auth/actor';
import { getCountySettings } from '../settings';
import { warnings, warningSteps, type WarningKind, type WarningSource } from './schema';

export type Warning = typeof warnings.$inferSelect;

/** `days` working days (Monday to Friday) after `isoDate`: when a home visit is due. */
export function addWorkingDays(isoDate: string, days: number): string {
	const date = new Date(`${isoDate}T00:00:00Z`);
	let left = days;
	while (left > 0) {
		date.setUTCDate(date.getUTCDate() + 1);
		const weekday = date.getUTCDay();
		if (weekday !== 0 && weekday !== 6) left -= 1;
	}
	return date.toISOString().slice(0, 10);
}

export interface NewWarning {
	countyId: string;
	householdId: string;
	kind: WarningKind;
	source: WarningSource;
	/** The numbers behind it, shown to the person who verifies it. */
	evidence?: Record<string, unknown>;
	note?: string | null;
	raisedOn: string;
	visitId?: string | null;
	/** A rule's warning: what it is about (see warnings.ruleKey). */
	ruleKey?: string | null;
	/** A client-made UUIDv7, so a retried request raises nothing twice. */
	id?: string;
}

/** The household's village, read by the insert itself (a warning carries it). */
const villageOf = (countyId: string, householdId: string) =>
	sql<string>`(select h.village_code from households h
		where h.county_id = ${countyId} and h.id = ${householdId})`;

/**
 * Raises a warning inside the caller's transaction, unless one of the same kind is
 * already open for the household: then that one is returned and `raised` is false.
 * The partial unique index decides, so concurrent postings raise one warning.
 */
export async function raiseWarning(
	tx: Db,
	actor: Actor,
	input: NewWarning
): Promise<{ warning: Warning; raised: boolean }> {
	const { verificationDueWorkingDays } = await getCountySettings(tx, input.countyId);
	const id = input.id ?? newId();
	const [inserted] = await tx
		.insert(warnings)
		.values({
			countyId: input.countyId,
			id,
			householdId: input.householdId,
			villageCode: villageOf(input.countyId, input.householdId),
			kind: input.kind,
			source: input.source,
			ruleKey: input.ruleKey ?? null,
			evidence: input.evidence ?? {},
			note: input.note ?? null,
			raisedOn: input.raisedOn,
			raisedBy: actor.userId,
			dueOn: addWorkingDays(input.raisedOn, verificationDueWorkingDays),
			visitId: input.visitId ?? null
		})
		.onConflictDoNothing()
		.returning();
	if (inserted) {
		await tx.insert(warningSteps).values({
			countyId: input.countyId,
			id: newId(),
			warningId: id,
			step: 'raised',
			happenedOn: input.raisedOn,
			byUserId: actor.userId,
			byLabel: actor.label,
			note: input.note ?? null,
			details: input.evidence ?? null
		});
		await recordAudit(tx, actor, {
			countyId: input.countyId,
			action: 'warning.raise',
			entity: 'household',
			entityId: input.householdId,
			after: { warning: id, kind: input.kind, source: input.source, evidence: input.evidence }
		});
		return { warning: inserted, raised: true };
	}
	// Either this id was raised before (a replay) or the kind is already open.
	const [existing] = await tx
		.select()
		.from(warnings)
		.where(
			and(
				eq(warnings.countyId, input.countyId),
				eq(warnings.householdId, input.householdId),
				eq(warnings.kind, input.kind),
				ne(warnings.status, 'closed')
			)
		);
	if (existing) return { warning: existing, raised: false };
	const [replayed] = await tx
		.select()
		.from(warnings)
		.where(and(eq(warnings.countyId, input.countyId), eq(warnings.id, id)));
	if (!replayed) throw new Error('warning neither inserted nor found');
	return { warning: replayed, raised: false };
}

/**
 * raiseWarning for many households at once (the rules over a payment sheet or a county):
 * the same rows, steps and audit, written in a few statements. Each warning whose kind is
 * already open for its household is skipped by the partial unique index. Returns the
 * warnings raised. Rows are written in household order, so two batches never deadlock.
 */
export async function raiseWarnings(
	tx: Db,
	actor: Actor,
	inputs: (NewWarning & { audit?: Record<string, unknown> })[]
): Promise<Warning[]> {
	if (inputs.length === 0) return [];
	const dueDays = new Map<string, number>();
	for (const countyId of new Set(inputs.map((i) => i.countyId)))
		dueDays.set(countyId, (await getCountySettings(tx, countyId)).verificationDueWorkingDays);
	const sorted = [...inputs].sort((a, b) =>
		a.householdId === b.householdId
			? a.kind.localeCompare(b.kind)
			: a.householdId.localeCompare(b.householdId)
	);
	const raised: Warning[] = [];
	for (let i = 0; i < sorted.length; i += 500) {
		const chunk = sorted.slice(i, i + 500).map((input) => ({ input, id: input.id ?? newId() }));
		const inserted = await tx
			.insert(warnings)
			.values(
				chunk.map(({ input, id }) => ({
					countyId: input.countyId,
					id,
					householdId: input.householdId,
					villageCode: villageOf(input.countyId, input.householdId),
					kind: input.kind,
					source: input.source,
					ruleKey: input.ruleKey ?? null,
					evidence: input.evidence ?? {},
					note: input.note ?? null,
					raisedOn: input.raisedOn,
					raisedBy: actor.userId,
					dueOn: addWorkingDays(input.raisedOn, dueDays.get(input.countyId)!),
					visitId: input.visitId ?? null
				}))
			)
			.onConflictDoNothing()
			.returning();
		if (inserted.length === 0) continue;
		const byId = new Map(chunk.map((c) => [c.id, c.input]));
		await tx.insert(warningSteps).values(
			inserted.map((w) => ({
				countyId: w.countyId,
				id: newId(),
				warningId: w.id,
				step: 'raised' as const,
				happenedOn: w.raisedOn,
				byUserId: actor.userId,
				byLabel: actor.label,
				note: w.note,
				details: w.evidence
			}))
		);
		await tx.insert(auditLog).values(
			inserted.map((w) => ({
				countyId: w.countyId,
				id: newId(),
				actorUserId: actor.userId,
				actorLabel: actor.label,
				action: 'warning.raise',
				entity: 'household',
				entityId: w.householdId,
				before: null,
				after: maskForAudit({
					warning: w.id,
					kind: w.kind,
					source: w.source,
					evidence: w.evidence,
					...byId.get(w.id)?.audit
				})
			}))
		);
		raised.push(...inserted);
	}
	return raised;
}
