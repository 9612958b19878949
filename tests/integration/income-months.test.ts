import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { inTransaction } from '../../src/lib/server/db';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { createHousehold } from '../../src/lib/server/households';
import {
	postLedgerEntries,
	postLedgerEntry,
	reverseLedgerEntry,
	type Posting
} from '../../src/lib/server/income';
import {
	incomeMonthsDifferences,
	programYearsDifferences,
	villageIncomeMonthsDifferences
} from '../../src/lib/server/income/months';
import { villageCountsDifferences } from '../../src/lib/server/income/standing-read';
import { updateHousehold } from '../../src/lib/server/households';
import { raiseWarning } from '../../src/lib/server/warnings';
import { divisions } from '../../src/lib/server/divisions/schema';
import { and, eq, like, ne, sql } from 'drizzle-orm';
import { identityCheckCharacter } from '../../src/lib/identity';
import { actorFor, buildWorld, type World } from './fixtures';
import { freshDatabase } from './helpers';

const TODAY = '2026-11-29';
let database: Database;
let world: World;
let staff: UserActor;
const householdIds: string[] = [];

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
	staff = (await actorFor(database.db, world.userIds.staffIn)).user;
	for (let i = 0; i < 4; i++) {
		const first17 = `13043419800101${String(610 + i * 2).padStart(3, '0')}`;
		householdIds.push(
			await createHousehold(
				database.db,
				staff,
				{
					householdNumber: `130434108068990${i}`,
					villageCode: '130434108068',
					address: '',
					phone: '',
					registeredOn: '2020-01-01',
					head: {
						name: `月汇${i}`,
						idNumber: first17 + identityCheckCharacter(first17),
						relation: '户主',
						labourCapacity: 'full',
						health: 'healthy',
						inSchool: '',
						workingAway: '',
						resident: 'on'
					}
				},
				TODAY
			)
		);
	}
});
afterAll(async () => {
	await database.close();
});

function posting(householdId: string, amountFen: number, businessDate: string): Posting {
	return {
		countyId: world.countyA.id,
		householdId,
		businessDate,
		amountFen,
		kind: 'wage',
		subtype: 'factory_wage',
		source: 'factory_wage'
	};
}

describe('the monthly income summary', () => {
	it('equals the ledger after single postings, a batch, reversals and replays', async () => {
		const [a, b, c] = householdIds;
		const first = await inTransaction(database.db, (tx) =>
			postLedgerEntry(tx, staff, posting(a, 250000, '2026-03-05'))
		);
		await inTransaction(database.db, (tx) =>
			postLedgerEntry(tx, staff, { ...posting(a, 1234, '2026-03-28'), kind: 'production_cost' })
		);
		const batch = [
			posting(b, 100, '2026-04-01'),
			posting(b, 200, '2026-04-30'),
			posting(c, 300, '2025-12-31'),
			{ ...posting(c, 400, '2026-01-01'), kind: 'transfer' as const, source: 'insurance' as const }
		].map((p, i) => ({ ...p, id: `01900000-0000-7000-8000-00000000000${i}` }));
		await inTransaction(database.db, (tx) => postLedgerEntries(tx, staff, batch));
		// The same batch again posts nothing, and adds nothing to the summary.
		await inTransaction(database.db, (tx) => postLedgerEntries(tx, staff, batch));
		await inTransaction(database.db, (tx) =>
			reverseLedgerEntry(tx, staff, world.countyA.id, first.id, '改错')
		);
		expect(await incomeMonthsDifferences(database.db, world.countyA.id)).toEqual([]);
		expect(await villageIncomeMonthsDifferences(database.db, world.countyA.id)).toEqual([]);
		expect(await programYearsDifferences(database.db, world.countyA.id)).toEqual([]);
		expect(await villageCountsDifferences(database.db, world.countyA.id)).toEqual([]);
	});

	it('stays equal when twenty postings to one household month arrive at once', async () => {
		const d = householdIds[3];
		await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				inTransaction(database.db, (tx) =>
					postLedgerEntry(
						tx,
						staff,
						posting(d, 1000 + i, `2026-06-${String(1 + i).padStart(2, '0')}`)
					)
				)
			)
		);
		expect(await incomeMonthsDifferences(database.db, world.countyA.id)).toEqual([]);
		expect(await villageIncomeMonthsDifferences(database.db, world.countyA.id)).toEqual([]);
		expect(await programYearsDifferences(database.db, world.countyA.id)).toEqual([]);
		expect(await villageCountsDifferences(database.db, world.countyA.id)).toEqual([]);
	});

	it("moves a household's village sums with it, also while postings to it arrive", async () => {
		const household = householdIds[2];
		const [other] = await database.db
			.select({ code: divisions.code })
			.from(divisions)
			.where(
				and(
					eq(divisions.level, 'village'),
					like(divisions.code, '130434108%'),
					ne(divisions.code, '130434108068')
				)
			)
			.limit(1);
		const edit = (villageCode: string) =>
			updateHousehold(database.db, staff, household, {
				householdNumber: '1304341080689902',
				villageCode,
				address: '',
				phone: ''
			});
		await inTransaction(database.db, (tx) =>
			raiseWarning(tx, staff, {
				countyId: world.countyA.id,
				householdId: household,
				kind: 'income_drop',
				source: 'person',
				raisedOn: TODAY
			})
		);
		await Promise.all([
			...Array.from({ length: 10 }, (_, i) =>
				inTransaction(database.db, (tx) =>
					postLedgerEntry(tx, staff, posting(household, 700 + i, `2026-0${1 + (i % 9)}-10`))
				)
			),
			edit(other.code)
		]);
		expect(await villageIncomeMonthsDifferences(database.db, world.countyA.id)).toEqual([]);
		expect(await programYearsDifferences(database.db, world.countyA.id)).toEqual([]);
		expect(await villageCountsDifferences(database.db, world.countyA.id)).toEqual([]);
		const rows = await database.db.execute(
			sql`select village_code, sum(amount_fen)::bigint as fen from village_income_months
				where county_id = ${world.countyA.id} group by 1 having sum(amount_fen) <> 0`
		);
		expect(
			(
				(rows as { rows?: { village_code: string }[] }).rows ??
				(rows as unknown as { village_code: string }[])
			).map((r) => r.village_code)
		).toContain(other.code);
		// The standing and the warnings carry the household's village too.
		const stale = await database.db.execute(
			sql`select (select count(*)::int from household_standings s
					join households h on h.county_id = s.county_id and h.id = s.household_id
					where s.county_id = ${world.countyA.id} and s.village_code <> h.village_code)
				+ (select count(*)::int from warnings w
					join households h on h.county_id = w.county_id and h.id = w.household_id
					where w.county_id = ${world.countyA.id} and w.village_code <> h.village_code)
				+ (select count(*)::int from warnings w where w.county_id = ${world.countyA.id}
					and w.household_id = ${household} and w.village_code = ${other.code}) - 1 as n`
		);
		expect(
			((stale as { rows?: { n: number }[] }).rows ?? (stale as unknown as { n: number }[]))[0].n
		).toBe(0);
		// And back again, with one more posting after it.
		await edit('130434108068');
		await inTransaction(database.db, (tx) =>
			postLedgerEntry(tx, staff, posting(household, 55, '2026-02-02'))
		);
		expect(await villageIncomeMonthsDifferences(database.db, world.countyA.id)).toEqual([]);
		expect(await programYearsDifferences(database.db, world.countyA.id)).toEqual([]);
		expect(await villageCountsDifferences(database.db, world.countyA.id)).toEqual([]);
	});
});
