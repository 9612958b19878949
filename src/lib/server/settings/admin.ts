import { listAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import type { Db } from '../db';
import { DomainError } from '../errors';
import { reevaluateCounty, type StandingReason } from '../income/standings';

// What every settings change shares: only the county admin makes one, the audit log says
// who made the last, and a change that moves standings re-evaluates the county.

/** The county's settings are the county admin's; anyone else is told they do not exist. */
export function requireCountyAdmin(actor: UserActor): void {
	if (actor.role !== 'county_admin') throw DomainError.notFound();
}

export interface Reevaluation {
	households: number;
	/** How long it took, in milliseconds. */
	ms: number;
}

/** Re-evaluates the county's standings after the change committed, and times it. */
export async function reevaluateAfterChange(
	db: Db,
	actor: UserActor,
	reason: StandingReason
): Promise<Reevaluation> {
	const started = performance.now();
	const { households } = await reevaluateCounty(db, actor, actor.countyId, reason);
	return { households, ms: Math.round(performance.now() - started) };
}

export interface LastChange {
	by: string;
	/** ISO timestamp. */
	at: string;
	action: string;
}

/** Who last changed a setting (one audited entity), from the audit log; null when nobody has. */
export async function lastChange(
	db: Db,
	countyId: string,
	entity: string,
	entityId: string,
	action?: string
): Promise<LastChange | null> {
	const [row] = await listAudit(db, countyId, { entity, entityId, action, limit: 1 });
	return row ? { by: row.actorLabel, at: row.at.toISOString(), action: row.action } : null;
}

/** The last change of each entity id of an audited kind (years of the line, option codes). */
export async function lastChanges(
	db: Db,
	countyId: string,
	entity: string
): Promise<Map<string, LastChange>> {
	const rows = await listAudit(db, countyId, { entity, limit: 500 });
	const found = new Map<string, LastChange>();
	for (const row of rows) {
		if (!found.has(row.entityId))
			found.set(row.entityId, { by: row.actorLabel, at: row.at.toISOString(), action: row.action });
	}
	return found;
}
