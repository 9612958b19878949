import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '../db';
import { newId } from '../db/ids';
import { recordAudit } from '../audit';
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
	/** A client-made UUIDv7, so a retried request raises nothing twice. */
	id?: string;
}

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
			kind: input.kind,
			source: input.source,
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
