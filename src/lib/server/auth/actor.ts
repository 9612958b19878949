import type { Role } from './schema';

/**
 * Who is acting. Every domain function takes one so that scope can be checked and the
 * audit row can name the person.
 */
export interface Actor {
	/** Null for Levee itself (start-up loads, demo data, command-line tools). */
	userId: string | null;
	/** Shown in the audit log: the person's name, or what the system was doing. */
	label: string;
}

/** A signed-in person, as the session hook puts them in `locals.user`. */
export interface UserActor extends Actor {
	userId: string;
	role: Role;
	countyId: string;
	countyCode: string;
	/** Township staff: the townships they work in (9-digit codes). */
	townshipCodes: string[];
	/** Grid members: the villages they visit (12-digit codes). */
	villageCodes: string[];
	/** Household accounts: the one household they may see. */
	householdId: string | null;
	/** Factory owners: the micro-factories they run. */
	factoryIds: string[];
}

export function systemActor(label: string): Actor {
	return { userId: null, label };
}
