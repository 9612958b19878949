import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import type { SyncHandler } from '.';

/**
 * The home visit as the monitoring loop records it (src/lib/server/warnings/visits.ts, built
 * on another branch): idempotent by the phone's id, a warning raised from the visit when
 * asked. Declared here so the handler compiles before that file exists.
 */
export interface VisitInput {
	id: string;
	householdId: unknown;
	visitedOn: unknown;
	seen: unknown;
	changes: unknown;
	photo?: unknown;
	raiseWarning?: unknown;
	warningNote?: unknown;
}
export type RecordVisit = (
	db: Db,
	actor: UserActor,
	input: VisitInput
) => Promise<{ replayed?: boolean } & Record<string, unknown>>;

/**
 * The visit handler, given the loop's recordVisit. Wired at merge in src/lib/server/sync/index.ts
 * (or at start-up) with:
 *   registerSyncHandler('visit', visitHandler(recordVisit));
 * The replay flag is read from recordVisit's answer (`replayed: true` when the id was
 * recorded before); a DomainError from it becomes rejected / conflict as for every kind.
 */
export function visitHandler(recordVisit: RecordVisit): SyncHandler {
	return {
		async apply(db, actor, entry) {
			const p = entry.payload;
			const result = await recordVisit(db, actor, {
				id: entry.id,
				householdId: p.householdId,
				visitedOn: p.visitedOn,
				seen: p.seen,
				changes: p.changes,
				photo: p.photo,
				raiseWarning: p.raiseWarning,
				warningNote: p.warningNote
			});
			return { replayed: Boolean(result.replayed), record: result };
		}
	};
}
