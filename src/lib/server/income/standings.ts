import type { Db } from '../db';
import type { Actor } from '../auth/actor';

/**
 * Re-evaluates the standing of every household of a county (after a new monitoring line
 * or a changed rule). Replaced by the account work: this placeholder evaluates nothing.
 */
export async function reevaluateCounty(
	db: Db,
	actor: Actor,
	countyId: string,
	reason: string
): Promise<{ households: number }> {
	void db;
	void actor;
	void countyId;
	void reason;
	return { households: 0 };
}
