import { inArray, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { UserActor } from '../auth/actor';
import { canSeeVillage } from '../auth/scope';
import { DomainError } from '../errors';

// Who may work with the honeysuckle program: county admins across the county, township
// staff in their townships (a station or plot belongs to the township of its village).
// Factory owners and households never reach these functions; households read their own
// plots and picking on their household page only.

export function isProgramStaff(actor: UserActor): boolean {
	return actor.role === 'county_admin' || actor.role === 'township_staff';
}

/** Admins and township staff; anyone else is told the thing does not exist. */
export function requireProgramStaff(actor: UserActor): void {
	if (!isProgramStaff(actor)) throw DomainError.notFound();
}

export function requireAdmin(actor: UserActor): void {
	if (actor.role !== 'county_admin') throw DomainError.notFound();
}

/** A record placed in a village of the actor's county and scope. */
export function canReachVillage(actor: UserActor, villageCode: string): boolean {
	return (
		isProgramStaff(actor) &&
		villageCode.startsWith(actor.countyCode) &&
		canSeeVillage(actor, villageCode)
	);
}

/** The rows whose village column lies in the actor's townships (admins: the whole county). */
export function villageScope(actor: UserActor, column: AnyColumn | SQL): SQL {
	if (actor.role === 'county_admin') return sql`left(${column}, 6) = ${actor.countyCode}`;
	if (actor.role === 'township_staff' && actor.townshipCodes.length > 0) {
		return inArray(sql`left(${column}, 9)`, actor.townshipCodes);
	}
	return sql`false`;
}
