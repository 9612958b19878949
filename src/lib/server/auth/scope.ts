import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { UserActor } from './actor';
import type { Role } from './schema';
import { households } from '../households/schema';

// Pure scope rules: who may see which part of the county. Routes and domain functions
// both ask these; a record outside scope is answered as if it did not exist.

export function hasRole(actor: UserActor, ...roles: Role[]): boolean {
	return roles.includes(actor.role);
}

/** The township of a village code: its first 9 digits. */
export function townshipOf(villageCode: string): string {
	return villageCode.slice(0, 9);
}

export function canSeeTownship(actor: UserActor, townshipCode: string): boolean {
	if (actor.role === 'county_admin') return townshipCode.startsWith(actor.countyCode);
	if (actor.role === 'township_staff') return actor.townshipCodes.includes(townshipCode);
	return false;
}

export function canSeeVillage(actor: UserActor, villageCode: string): boolean {
	// A grid member's scope is their villages, never the whole township.
	if (actor.role === 'grid_member') return actor.villageCodes.includes(villageCode);
	return canSeeTownship(actor, townshipOf(villageCode));
}

/** A household row a page has already read (its key and village: enough to check scope). */
export interface KnownHousehold {
	countyId: string;
	id: string;
	villageCode: string;
}

/**
 * `known` when it is the household asked for and the actor may see it: a page that has
 * read the household passes it on, so each section does not read it again.
 */
export function knownInScope<T extends KnownHousehold>(
	actor: UserActor,
	householdId: string,
	known: T | undefined
): T | null {
	return known && known.id === householdId && canSeeHousehold(actor, known) ? known : null;
}

export function canSeeHousehold(
	actor: UserActor,
	household: { countyId: string; id: string; villageCode: string }
): boolean {
	if (household.countyId !== actor.countyId) return false;
	if (actor.role === 'household') return actor.householdId === household.id;
	return canSeeVillage(actor, household.villageCode);
}

/** The households an actor may list, as a WHERE condition (always within the county). */
export function householdScope(actor: UserActor): SQL {
	const county = eq(households.countyId, actor.countyId);
	switch (actor.role) {
		case 'county_admin':
			return county;
		case 'township_staff':
			return actor.townshipCodes.length === 0
				? sql`false`
				: (and(
						county,
						inArray(sql`left(${households.villageCode}, 9)`, actor.townshipCodes)
					) as SQL);
		case 'grid_member':
			return actor.villageCodes.length === 0
				? sql`false`
				: (and(county, inArray(households.villageCode, actor.villageCodes)) as SQL);
		case 'household':
			return actor.householdId
				? (and(county, eq(households.id, actor.householdId)) as SQL)
				: sql`false`;
		default:
			return sql`false`;
	}
}

/** Admins see every factory of the county, owners their own, staff those in their townships. */
export function canSeeFactory(
	actor: UserActor,
	factory: { countyId: string; id: string; villageCode: string }
): boolean {
	if (factory.countyId !== actor.countyId) return false;
	if (actor.role === 'factory_owner') return actor.factoryIds.includes(factory.id);
	// Grid members visit homes; factories are not theirs to see.
	if (actor.role === 'grid_member') return false;
	return canSeeVillage(actor, factory.villageCode);
}
