import { and, count, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { users } from '../../src/lib/server/auth/schema';
import { seedDemoCounty } from '../../src/lib/server/demo';
import { seedDemoAccounts } from '../../src/lib/server/demo/accounts';
import { countyFactories, ownerHome } from '../../src/lib/server/factories';
import {
	factories,
	factoryJobs,
	factoryOwners,
	factoryWages
} from '../../src/lib/server/factories/schema';
import { ledgerEntries } from '../../src/lib/server/income/schema';
import { actorFor, createUser } from './fixtures';
import { freshDatabase } from './helpers';

// The demo county's micro-factories: `npm start` shows the program working.

const TODAY = '2026-11-28';
let database: Database;
let countyId: string;
let admin: UserActor;

beforeAll(async () => {
	database = await freshDatabase();
	countyId = (await seedDemoCounty(database.db)).countyId;
	await seedDemoAccounts(database.db);
	const adminId = await createUser(database.db, countyId, 'county_admin', {
		username: 'factories-demo-admin'
	});
	admin = (await actorFor(database.db, adminId)).user;
});
afterAll(async () => {
	await database.close();
});

describe('the demo micro-factories', () => {
	it('are a few dozen workshops making the report’s products, with local workers', async () => {
		const view = await countyFactories(database.db, admin, TODAY);
		expect(view.rows.length).toBeGreaterThanOrEqual(24);
		expect(view.rows.length).toBeLessThanOrEqual(40);
		const products = new Set(view.rows.flatMap((r) => r.products));
		for (const p of ['书包', '箱包', '服装', '毛绒玩具']) expect(products).toContain(p);
		const operating = view.rows.filter((r) => r.status === 'operating');
		expect(operating.every((r) => r.headcount > 0)).toBe(true);
		expect(view.totals.headcount).toBeGreaterThan(150);
		expect(view.totals.monitored).toBeGreaterThan(5);
		expect(view.totals.local).toBeLessThan(view.totals.headcount);
		expect(view.totals.averageWageFen).toBeGreaterThan(200_000);
		expect(view.totals.averageWageFen).toBeLessThan(400_000);
		expect(view.totals.increaseFen).not.toBeNull();
		expect(view.totals.increaseWorkers).toBeGreaterThan(3);
	});

	it('post a year of wages of linked workers, and none of outside workers', async () => {
		const [linked] = await database.db
			.select({ n: count() })
			.from(factoryWages)
			.innerJoin(
				factoryJobs,
				and(eq(factoryJobs.countyId, factoryWages.countyId), eq(factoryJobs.id, factoryWages.jobId))
			)
			.where(sql`${factoryJobs.householdId} is not null`);
		const [posted] = await database.db
			.select({ n: count() })
			.from(ledgerEntries)
			.where(and(eq(ledgerEntries.source, 'factory_wage'), isNull(ledgerEntries.reversesEntryId)));
		expect(posted.n).toBe(linked.n);
		const months = await database.db
			.selectDistinct({ month: factoryWages.month })
			.from(factoryWages)
			.orderBy(factoryWages.month);
		expect(months.map((m) => m.month)).toEqual([
			'2025-12-01',
			...Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}-01`)
		]);
		const outside = await database.db
			.select()
			.from(factoryJobs)
			.where(isNull(factoryJobs.householdId));
		expect(outside.length).toBeGreaterThan(0);
		expect(outside.every((j) => j.homeVillage && !j.workerIdNumber.startsWith('130434'))).toBe(
			true
		);
	});

	it('give the demo owner account its factories in 东代固镇, with November’s sheet half done', async () => {
		const [account] = await database.db.select().from(users).where(eq(users.username, 'factory'));
		const owned = await database.db
			.select({ villageCode: factories.villageCode })
			.from(factoryOwners)
			.innerJoin(
				factories,
				and(
					eq(factories.countyId, factoryOwners.countyId),
					eq(factories.id, factoryOwners.factoryId)
				)
			)
			.where(eq(factoryOwners.userId, account.id));
		expect(owned.length).toBeGreaterThanOrEqual(1);
		expect(owned.every((f) => f.villageCode.startsWith('130434108'))).toBe(true);
		const owner = (await actorFor(database.db, account.id)).user;
		const home = await ownerHome(database.db, owner, TODAY);
		expect(home[0].headcount).toBeGreaterThan(3);
		expect(home[0].thisMonth.saved).toBeLessThan(home[0].thisMonth.employed);
		expect(home[0].sixMonths.every((m) => m.totalFen > 0)).toBe(true);
	});
});
