import { and, count, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { seedDemoCounty } from '../../src/lib/server/demo';
import { ledgerEntries } from '../../src/lib/server/income/schema';
import {
	pickingEntries,
	pickingPayments,
	plantingSeasons,
	plantingSubsidies,
	plots,
	weighingStations
} from '../../src/lib/server/planting/schema';
import { freshDatabase } from './helpers';

// The demo county's honeysuckle season: what `npm start` shows.

let database: Database;

beforeAll(async () => {
	database = await freshDatabase();
	await seedDemoCounty(database.db);
});
afterAll(async () => {
	await database.close();
});

const one = async (query: Promise<{ n: number }[]>) => Number((await query)[0].n);

describe('the demo honeysuckle season', () => {
	it('has the 2026 season with the report’s rates and stations in three townships', async () => {
		const [season] = await database.db.select().from(plantingSeasons);
		expect(season).toMatchObject({
			year: 2026,
			firstYearSubsidyFenPerMu: 90_000,
			pickingRateFenPerKg: 100,
			seedlingsPerMu: 300
		});
		const stations = await database.db.select().from(weighingStations);
		expect(new Set(stations.map((s) => s.villageCode.slice(0, 9)))).toEqual(
			new Set(['130434108', '130434205', '130434116'])
		);
	});

	it('has plots of about sixty households, some planted this year, and a mostly paid subsidy list', async () => {
		const db = database.db;
		const households = await one(
			db.select({ n: sql<number>`count(distinct ${plots.householdId})` }).from(plots)
		);
		expect(households).toBe(60);
		const lines = await one(db.select({ n: count() }).from(plantingSubsidies));
		const paid = await one(
			db.select({ n: count() }).from(plantingSubsidies).where(isNotNull(plantingSubsidies.paidOn))
		);
		expect(lines).toBeGreaterThan(10);
		expect(paid / lines).toBeGreaterThan(0.6);
		expect(paid).toBeLessThan(lines);
		const subsidyPostings = await one(
			db
				.select({ n: count() })
				.from(ledgerEntries)
				.where(eq(ledgerEntries.source, 'planting_subsidy'))
		);
		expect(subsidyPostings).toBe(paid);
	});

	it('paid each week’s weigh-ins except the last week, posting every registered picker’s pay once', async () => {
		const db = database.db;
		const entries = await one(db.select({ n: count() }).from(pickingEntries));
		expect(entries).toBeGreaterThan(1000);
		const unpaid = await db
			.select({ pickedOn: pickingEntries.pickedOn })
			.from(pickingEntries)
			.where(isNull(pickingEntries.paymentId));
		expect(unpaid.length).toBeGreaterThan(0);
		expect(unpaid.every((e) => e.pickedOn >= '2026-09-28')).toBe(true);
		const paidLinked = await one(
			db
				.select({ n: count() })
				.from(pickingEntries)
				.where(and(isNotNull(pickingEntries.paymentId), isNotNull(pickingEntries.householdId)))
		);
		const postings = await one(
			db.select({ n: count() }).from(ledgerEntries).where(eq(ledgerEntries.source, 'picking'))
		);
		expect(postings).toBe(paidLinked);
		const outside = await one(
			db.select({ n: count() }).from(pickingEntries).where(isNull(pickingEntries.memberId))
		);
		expect(outside).toBeGreaterThan(0);
		const [totals] = await db
			.select({
				payments: sql<string>`sum(${pickingPayments.totalFen})`,
				entries: sql<string>`(select sum(${pickingEntries.amountFen}) from ${pickingEntries} where ${pickingEntries.paymentId} is not null)`
			})
			.from(pickingPayments);
		expect(Number(totals.payments)).toBe(Number(totals.entries));
		expect(postings + 100).toBeLessThan(6_000);
	});
});
