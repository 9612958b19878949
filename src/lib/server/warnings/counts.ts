import { and, count, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { householdScope } from '../auth/scope';
import { households } from '../households/schema';
import { warnings } from './schema';

export interface OpenWarningCounts {
	/** Raised, not yet verified at home. */
	open: number;
	/** Verified at home, waiting for a decision. */
	verified: number;
	/** Open past the due date of the home verification. */
	overdue: number;
}

/**
 * What is open in the actor's area, for the home pages: each count reads the queue index
 * (county, status, due date); staff and grid members meet their households by primary key.
 */
export async function openWarningCounts(
	db: Db,
	actor: UserActor,
	today: string
): Promise<OpenWarningCounts> {
	const one = async (condition: SQL | undefined): Promise<number> => {
		const where = and(eq(warnings.countyId, actor.countyId), condition);
		if (actor.role === 'county_admin') {
			const [row] = await db.select({ n: count() }).from(warnings).where(where);
			return Number(row?.n ?? 0);
		}
		const [row] = await db
			.select({ n: count() })
			.from(warnings)
			.innerJoin(
				households,
				and(eq(households.countyId, warnings.countyId), eq(households.id, warnings.householdId))
			)
			.where(and(where, householdScope(actor)));
		return Number(row?.n ?? 0);
	};
	const [open, verified, overdue] = await Promise.all([
		one(eq(warnings.status, 'open')),
		one(eq(warnings.status, 'verified')),
		one(and(eq(warnings.status, 'open'), lt(warnings.dueOn, today)))
	]);
	return { open, verified, overdue };
}
