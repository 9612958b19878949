import { and, count, eq } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId } from '../db/ids';
import { systemActor } from '../auth/actor';
import { recordAudit } from '../audit';
import { auditLog } from '../audit/schema';
import { authEvents, householdCards, sessions, userTownships, users } from '../auth/schema';
import { findCountyByCode, loadCountyDivisions } from '../divisions';
import { counties, divisions } from '../divisions/schema';
import { households, members } from '../households/schema';
import {
	DEMO_COUNTY_CODE,
	DEMO_REFERENCE_YEAR,
	DEMO_SEED,
	generateDemoHouseholds
} from './generate';

export { DEMO_COUNTY_CODE } from './generate';

const BATCH_SIZE = 500;

export interface DemoSeedResult {
	countyId: string;
	households: number;
	members: number;
}

/**
 * Makes Wei County a tenant with its townships and villages and fills it with about 300
 * generated households. A county that already has households is left as it is.
 */
export async function seedDemoCounty(db: Db): Promise<DemoSeedResult> {
	const actor = systemActor('demo');
	const county =
		(await findCountyByCode(db, DEMO_COUNTY_CODE)) ??
		(await loadCountyDivisions(db, actor, DEMO_COUNTY_CODE)).county;
	const villages = await db
		.select({ code: divisions.code, name: divisions.name, parentCode: divisions.parentCode })
		.from(divisions)
		.where(and(eq(divisions.countyCode, DEMO_COUNTY_CODE), eq(divisions.level, 'village')));
	const generated = generateDemoHouseholds(
		villages.map((v) => ({
			code: v.code,
			name: v.name,
			townshipCode: v.parentCode ?? v.code.slice(0, 9)
		})),
		{ seed: DEMO_SEED, referenceYear: DEMO_REFERENCE_YEAR }
	);

	return inTransaction(db, async (tx) => {
		const [existing] = await tx
			.select({ households: count() })
			.from(households)
			.where(eq(households.countyId, county.id));
		if (existing.households > 0) {
			const [people] = await tx
				.select({ members: count() })
				.from(members)
				.where(eq(members.countyId, county.id));
			return { countyId: county.id, households: existing.households, members: people.members };
		}

		const householdRows: (typeof households.$inferInsert)[] = [];
		const memberRows: (typeof members.$inferInsert)[] = [];
		for (const household of generated) {
			const householdId = newId();
			householdRows.push({
				countyId: county.id,
				id: householdId,
				householdNumber: household.householdNumber,
				villageCode: household.villageCode,
				address: household.address,
				phone: household.phone
			});
			for (const member of household.members) {
				memberRows.push({ countyId: county.id, id: newId(), householdId, ...member });
			}
		}
		for (let i = 0; i < householdRows.length; i += BATCH_SIZE) {
			await tx.insert(households).values(householdRows.slice(i, i + BATCH_SIZE));
		}
		for (let i = 0; i < memberRows.length; i += BATCH_SIZE) {
			await tx.insert(members).values(memberRows.slice(i, i + BATCH_SIZE));
		}

		await recordAudit(tx, actor, {
			countyId: county.id,
			action: 'demo.seed',
			entity: 'county',
			entityId: DEMO_COUNTY_CODE,
			after: {
				seed: DEMO_SEED,
				referenceYear: DEMO_REFERENCE_YEAR,
				villages: new Set(householdRows.map((h) => h.villageCode)).size,
				households: householdRows.length,
				members: memberRows.length
			}
		});
		return { countyId: county.id, households: householdRows.length, members: memberRows.length };
	});
}

/**
 * Every table, children before the tables their foreign keys point to, so deleting in
 * this order never breaks a constraint. A new table goes above every table it references.
 */
const TABLES_CHILDREN_FIRST: readonly PgTable[] = [
	authEvents,
	sessions,
	householdCards,
	userTownships,
	users,
	members,
	households,
	auditLog,
	divisions,
	counties
];

/** Empties the database (every county, not only the demo's) so the demo can be rebuilt. */
export async function resetDemoData(db: Db): Promise<void> {
	await inTransaction(db, async (tx) => {
		for (const table of TABLES_CHILDREN_FIRST) await tx.delete(table);
	});
}
