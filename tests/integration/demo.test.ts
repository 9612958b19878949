import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { resetDemoData, seedDemoCounty, type DemoSeedResult } from '../../src/lib/server/demo';
import { seedDemoAccounts } from '../../src/lib/server/demo/accounts';
import { REPORT_MEDICAL_EXPENSE_FEN } from '../../src/lib/server/demo/monitoring-data';
import { listHouseholds } from '../../src/lib/server/households';
import { households, members } from '../../src/lib/server/households/schema';
import { householdLedger, incomeAccounts } from '../../src/lib/server/income';
import { householdStandings, ledgerEntries } from '../../src/lib/server/income/schema';
import {
	incomeMonthsDifferences,
	programYearsDifferences,
	villageIncomeMonthsDifferences
} from '../../src/lib/server/income/months';
import { villageCountsDifferences } from '../../src/lib/server/income/standing-read';
import { getMonitoring } from '../../src/lib/server/monitoring';
import {
	assistanceMeasures,
	monitoringHistory,
	monitoringRecords,
	monitoringRisks
} from '../../src/lib/server/monitoring/schema';
import { monitoringLineFor } from '../../src/lib/server/settings';
import { actorFor, createUser } from './fixtures';
import { freshDatabase } from './helpers';

const TODAY = '2026-11-28';
let database: Database;
let seeded: DemoSeedResult;
let admin: UserActor;

beforeAll(async () => {
	database = await freshDatabase();
	seeded = await seedDemoCounty(database.db);
	const adminId = await createUser(database.db, seeded.countyId, 'county_admin', {
		username: 'demo-test-admin'
	});
	admin = (await actorFor(database.db, adminId)).user;
});
afterAll(async () => {
	await database.close();
});

async function tableCounts() {
	const db = database.db;
	const rows = await Promise.all(
		[
			households,
			members,
			ledgerEntries,
			assistanceMeasures,
			monitoringRecords,
			monitoringRisks,
			monitoringHistory
		].map((table) => db.select({ n: count() }).from(table))
	);
	return rows.map(([row]) => row.n);
}

describe('the demo county', () => {
	it('seeds households, monitoring records and a year of ledger', () => {
		expect(seeded.households).toBeGreaterThanOrEqual(280);
		expect(seeded.monitored / seeded.households).toBeGreaterThanOrEqual(0.18);
		expect(seeded.monitored / seeded.households).toBeLessThanOrEqual(0.28);
		expect(seeded.postings).toBeGreaterThan(seeded.households * 10);
		expect(seeded.postings).toBeLessThan(8_000);
	});

	it('keeps the monthly income summary equal to its ledger', async () => {
		expect(await incomeMonthsDifferences(database.db, seeded.countyId)).toEqual([]);
		expect(await villageIncomeMonthsDifferences(database.db, seeded.countyId)).toEqual([]);
		expect(await programYearsDifferences(database.db, seeded.countyId)).toEqual([]);
		expect(await villageCountsDifferences(database.db, seeded.countyId)).toEqual([]);
		const [{ rows }] = await database.db
			.execute<{ rows: number }>(
				sql`select count(*)::int as rows from household_income_months where county_id = ${seeded.countyId}`
			)
			.then(
				(r) => (r as { rows?: { rows: number }[] }).rows ?? (r as unknown as { rows: number }[])
			);
		expect(rows).toBeGreaterThan(seeded.households);
	});

	it('keeps a standing for every household, equal to its account, some below the line', async () => {
		const rows = await database.db
			.select()
			.from(householdStandings)
			.where(eq(householdStandings.countyId, seeded.countyId));
		expect(rows).toHaveLength(seeded.households);
		const onDate = rows[0].evaluatedOn;
		const accounts = await incomeAccounts(
			database.db,
			seeded.countyId,
			rows.map((r) => r.householdId),
			onDate
		);
		for (const row of rows) {
			const account = accounts.get(row.householdId)!;
			expect([row.netFen, row.perCapitaFen, row.belowLine, row.lineFen]).toEqual([
				account.netFen,
				account.perCapitaFen,
				account.belowLine,
				account.lineFen
			]);
		}
		expect(rows.some((r) => r.belowLine === true)).toBe(true);
		expect(rows.some((r) => r.belowLine === false)).toBe(true);
	});

	it('lists a plausible number of monitored and eliminated households', async () => {
		const monitored = await listHouseholds(database.db, admin, { status: 'monitored' });
		const eliminated = await listHouseholds(database.db, admin, { status: 'eliminated' });
		const all = await listHouseholds(database.db, admin, {});
		expect(all.total).toBe(seeded.households);
		expect(monitored.total).toBeGreaterThanOrEqual(Math.round(all.total * 0.1));
		expect(monitored.total).toBeLessThanOrEqual(Math.round(all.total * 0.25));
		expect(eliminated.total).toBeGreaterThan(0);
		expect(monitored.total + eliminated.total).toBe(seeded.monitored);
		expect(monitored.items.every((h) => h.category !== 'ordinary')).toBe(true);
		const illness = await listHouseholds(database.db, admin, { risk: 'illness' });
		expect(illness.total).toBeGreaterThan(0);
	});

	it('gives a monitored household a ledger with this year’s income, risks, measures and a cadre', async () => {
		const monitored = await listHouseholds(database.db, admin, { status: 'monitored' });
		const household = monitored.items[0];
		const ledger = await householdLedger(database.db, seeded.countyId, household.id, TODAY);
		expect(ledger.entries.length).toBeGreaterThan(0);
		expect(ledger.thisYear.netFen).toBeGreaterThan(0);
		expect(ledger.last12Months.netFen).toBeGreaterThan(0);
		expect(ledger.monthly.length).toBeGreaterThan(0);
		const view = await getMonitoring(database.db, seeded.countyId, household.id);
		expect(view.status).toBe('monitored');
		expect(view.risks.length).toBeGreaterThanOrEqual(1);
		expect(view.measures.length).toBeGreaterThanOrEqual(1);
		expect(view.cadre.phone).toMatch(/^1\d{10}$/);
		expect(view.history.length).toBeGreaterThanOrEqual(1);
	});

	it('posts only to households and members of the county, and the report’s medical bill', async () => {
		const db = database.db;
		const [stray] = await db
			.select({ n: count() })
			.from(ledgerEntries)
			.where(
				sql`not exists (select 1 from ${households} where ${households.countyId} = ${seeded.countyId} and ${households.id} = ${ledgerEntries.householdId} and ${ledgerEntries.countyId} = ${seeded.countyId})`
			);
		expect(stray.n).toBe(0);
		const [wrongMember] = await db
			.select({ n: count() })
			.from(ledgerEntries)
			.where(
				sql`${ledgerEntries.memberId} is not null and not exists (select 1 from ${members} where ${members.countyId} = ${ledgerEntries.countyId} and ${members.id} = ${ledgerEntries.memberId} and ${members.householdId} = ${ledgerEntries.householdId})`
			);
		expect(wrongMember.n).toBe(0);
		const [bill] = await db
			.select({ n: count() })
			.from(ledgerEntries)
			.where(
				and(
					eq(ledgerEntries.countyId, seeded.countyId),
					eq(ledgerEntries.amountFen, REPORT_MEDICAL_EXPENSE_FEN),
					eq(ledgerEntries.kind, 'large_expense')
				)
			);
		expect(bill.n).toBe(1);
	});

	it('sets the monitoring line for the reference year and the year before', async () => {
		expect(await monitoringLineFor(database.db, seeded.countyId, 2025)).toBe(800_000);
		expect(await monitoringLineFor(database.db, seeded.countyId, 2026)).toBe(800_000);
	});

	it('adds nothing when seeded twice', async () => {
		const before = await tableCounts();
		const again = await seedDemoCounty(database.db);
		expect(again.countyId).toBe(seeded.countyId);
		expect(again.households).toBe(seeded.households);
		expect(again.postings).toBe(0);
		expect(await tableCounts()).toEqual(before);
	});

	it('resets every table in an order the foreign keys allow, and seeds again', async () => {
		await seedDemoAccounts(database.db);
		await resetDemoData(database.db);
		expect(await tableCounts()).toEqual([0, 0, 0, 0, 0, 0, 0]);
		const reseeded = await seedDemoCounty(database.db);
		expect(reseeded.households).toBe(seeded.households);
		expect(reseeded.postings).toBe(seeded.postings);
		expect(reseeded.monitored).toBe(seeded.monitored);
	});
});
