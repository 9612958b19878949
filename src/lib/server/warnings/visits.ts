import { and, count, desc, eq, inArray, min, ne, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { isUuid, isUuidV7 } from '../db/ids';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { canSeeHousehold } from '../auth/scope';
import { users } from '../auth/schema';
import { DomainError, type FieldIssue } from '../errors';
import { households, membershipEvents } from '../households/schema';
import { textInput } from '../input';
import { dateProblem } from '../../input';
import { raiseWarning } from './index';
import { homeVisits, warnings } from './schema';

/** The photo after the phone has shrunk it: about 1 MB at most. */
export const PHOTO_MAX_BYTES = 1024 * 1024;
export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

/** What the file really is, by its first bytes (a name or a declared type can lie). */
export function photoTypeOf(bytes: Uint8Array): PhotoType | null {
	const starts = (...values: number[]) => values.every((v, i) => bytes[i] === v);
	if (bytes.length >= 3 && starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
	if (bytes.length >= 8 && starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))
		return 'image/png';
	const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
	if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
	return null;
}

/** Who may visit a household: its grid member, township staff of its township, admins. */
export function mayVisit(actor: UserActor): boolean {
	return (
		actor.role === 'grid_member' || actor.role === 'township_staff' || actor.role === 'county_admin'
	);
}

/** The household, when the actor may visit it; otherwise not found. */
export async function visitableHousehold(db: Db, actor: UserActor, householdId: string) {
	if (!mayVisit(actor) || !isUuid(householdId)) throw DomainError.notFound();
	const [household] = await db
		.select()
		.from(households)
		.where(and(eq(households.countyId, actor.countyId), eq(households.id, householdId)));
	if (!household || !canSeeHousehold(actor, household)) throw DomainError.notFound();
	return household;
}

/** The first dated event of the household's members: no visit can come before it. */
async function householdBeginsOn(db: Db, countyId: string, householdId: string) {
	const [row] = await db
		.select({ first: min(membershipEvents.happenedOn) })
		.from(membershipEvents)
		.where(
			and(eq(membershipEvents.countyId, countyId), eq(membershipEvents.householdId, householdId))
		);
	return row?.first ?? null;
}

export interface VisitInput {
	/** Made by the phone (UUIDv7): the same id twice records one visit. */
	id: unknown;
	visitedOn: unknown;
	seen: unknown;
	changes?: unknown;
	/** The photo's bytes, already shrunk on the phone; null for none. */
	photo?: Uint8Array | null;
	/** Raise a warning (kind `visit`) from this visit, in the same transaction. */
	raiseWarning?: boolean;
}

export interface RecordedVisit {
	id: string;
	/** False when this id had been recorded before with the same content (a retry). */
	recorded: boolean;
	/** The open `visit` warning of the household, when one was asked for. */
	warningId: string | null;
	/** False when such a warning was already open (it was not raised twice). */
	warningRaised: boolean;
}

/**
 * A home visit (入户走访). Everything is checked first; the visit, its audit row and the
 * warning raised from it are written in one transaction.
 */
export async function recordVisit(
	db: Db,
	actor: UserActor,
	householdId: string,
	input: VisitInput,
	today: string
): Promise<RecordedVisit> {
	const household = await visitableHousehold(db, actor, householdId);
	const issues: FieldIssue[] = [];
	const id = typeof input.id === 'string' ? input.id.trim().toLowerCase() : '';
	if (!isUuidV7(id)) issues.push({ field: 'id', key: 'visits_error_id' });
	const seen = textInput(input.seen, 100, 'seen');
	if (!seen) issues.push({ field: 'seen', key: 'visits_error_seen' });
	const changes = textInput(input.changes, 1000, 'changes', true) || null;
	const visitedOn = typeof input.visitedOn === 'string' ? input.visitedOn.trim() : '';
	const begins = await householdBeginsOn(db, household.countyId, household.id);
	const problem = dateProblem(visitedOn, { today, notFuture: true });
	if (problem === 'future') issues.push({ field: 'visitedOn', key: 'visits_error_future' });
	else if (problem) issues.push({ field: 'visitedOn', key: 'visits_error_date' });
	else if (begins && visitedOn < begins)
		issues.push({
			field: 'visitedOn',
			key: 'visits_error_before_household',
			params: { date: begins }
		});
	const photo = input.photo && input.photo.length > 0 ? input.photo : null;
	const photoType = photo ? photoTypeOf(photo) : null;
	if (photo && !photoType) issues.push({ field: 'photo', key: 'visits_error_photo_type' });
	else if (photo && photo.length > PHOTO_MAX_BYTES)
		issues.push({ field: 'photo', key: 'visits_error_photo_size' });
	if (input.raiseWarning && !changes)
		issues.push({ field: 'changes', key: 'visits_error_warning_needs_changes' });
	if (issues.length) throw new DomainError('invalid', issues);

	const row = {
		countyId: household.countyId,
		id,
		householdId: household.id,
		visitedOn,
		visitorId: actor.userId,
		seen,
		changes,
		photo: photo ? Buffer.from(photo).toString('base64') : null,
		photoType
	};
	return inTransaction(db, async (tx) => {
		const [inserted] = await tx.insert(homeVisits).values(row).onConflictDoNothing().returning();
		if (!inserted) {
			const [before] = await tx
				.select()
				.from(homeVisits)
				.where(and(eq(homeVisits.countyId, household.countyId), eq(homeVisits.id, id)));
			const same =
				before &&
				before.householdId === row.householdId &&
				before.visitedOn === row.visitedOn &&
				before.visitorId === row.visitorId &&
				before.seen === row.seen &&
				before.changes === row.changes &&
				before.photo === row.photo;
			if (!same) throw DomainError.conflict('id', 'visits_error_id_conflict');
			const [raised] = await tx
				.select({ id: warnings.id })
				.from(warnings)
				.where(and(eq(warnings.countyId, household.countyId), eq(warnings.visitId, id)));
			return { id, recorded: false, warningId: raised?.id ?? null, warningRaised: false };
		}
		await recordAudit(tx, actor, {
			countyId: household.countyId,
			action: 'visits.record',
			entity: 'household',
			entityId: household.id,
			after: { visit: id, visitedOn, seen, changes, photo: photoType }
		});
		if (!input.raiseWarning) return { id, recorded: true, warningId: null, warningRaised: false };
		const { warning, raised } = await raiseWarning(tx, actor, {
			countyId: household.countyId,
			householdId: household.id,
			kind: 'visit',
			source: 'person',
			evidence: { visitedOn, seen },
			note: changes,
			raisedOn: visitedOn,
			visitId: id
		});
		return { id, recorded: true, warningId: warning.id, warningRaised: raised };
	});
}

export interface VisitSummary {
	id: string;
	visitedOn: string;
	visitorName: string;
	seen: string;
	changes: string | null;
	hasPhoto: boolean;
}

/** The household's latest visits, newest first. */
export async function householdVisits(
	db: Db,
	countyId: string,
	householdId: string,
	limit = 5
): Promise<VisitSummary[]> {
	const rows = await db
		.select({
			id: homeVisits.id,
			visitedOn: homeVisits.visitedOn,
			visitorName: users.displayName,
			seen: homeVisits.seen,
			changes: homeVisits.changes,
			hasPhoto: sql<boolean>`${homeVisits.photo} is not null`
		})
		.from(homeVisits)
		.innerJoin(users, eq(users.id, homeVisits.visitorId))
		.where(and(eq(homeVisits.countyId, countyId), eq(homeVisits.householdId, householdId)))
		.orderBy(desc(homeVisits.visitedOn), desc(homeVisits.recordedAt))
		.limit(limit);
	return rows;
}

/** A visit's photo, for the household's page (scope checked through the household). */
export async function visitPhoto(
	db: Db,
	actor: UserActor,
	visitId: string
): Promise<{ bytes: Buffer; type: string }> {
	if (!isUuid(visitId)) throw DomainError.notFound();
	const [visit] = await db
		.select()
		.from(homeVisits)
		.where(and(eq(homeVisits.countyId, actor.countyId), eq(homeVisits.id, visitId)));
	if (!visit?.photo || !visit.photoType) throw DomainError.notFound();
	await visitableHousehold(db, actor, visit.householdId);
	return { bytes: Buffer.from(visit.photo, 'base64'), type: visit.photoType };
}

export interface VisitStats {
	/** The household's last visit (by anyone), per household id. */
	lastVisit: Map<string, string>;
	/** Open or verified warnings, per household id. */
	openWarnings: Map<string, number>;
}

/** Last visit and open warnings of a page of households (the visit list's extra columns). */
export async function visitStats(
	db: Db,
	countyId: string,
	householdIds: string[]
): Promise<VisitStats> {
	if (householdIds.length === 0) return { lastVisit: new Map(), openWarnings: new Map() };
	const [visits, open] = await Promise.all([
		db
			.select({
				householdId: homeVisits.householdId,
				last: sql<string>`max(${homeVisits.visitedOn})`
			})
			.from(homeVisits)
			.where(and(eq(homeVisits.countyId, countyId), inArray(homeVisits.householdId, householdIds)))
			.groupBy(homeVisits.householdId),
		db
			.select({ householdId: warnings.householdId, open: count() })
			.from(warnings)
			.where(
				and(
					eq(warnings.countyId, countyId),
					inArray(warnings.householdId, householdIds),
					ne(warnings.status, 'closed')
				)
			)
			.groupBy(warnings.householdId)
	]);
	return {
		lastVisit: new Map(visits.map((v) => [v.householdId, String(v.last)])),
		openWarnings: new Map(open.map((o) => [o.householdId, Number(o.open)]))
	};
}

/** How many visits this person recorded on a day. */
export async function visitsByOn(db: Db, actor: UserActor, day: string): Promise<number> {
	const [row] = await db
		.select({ n: count() })
		.from(homeVisits)
		.where(
			and(
				eq(homeVisits.countyId, actor.countyId),
				eq(homeVisits.visitorId, actor.userId),
				eq(homeVisits.visitedOn, day)
			)
		);
	return Number(row?.n ?? 0);
}
