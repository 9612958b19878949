import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { resetDemoData, seedDemoCounty } from '../../src/lib/server/demo';
import { REPORT_MEDICAL_EXPENSE_FEN } from '../../src/lib/server/demo/monitoring-data';
import { ledgerEntries } from '../../src/lib/server/income/schema';
import { fundBalance } from '../../src/lib/insurance-rules';
import {
	insuranceClaims,
	insuranceFundEntries,
	insurancePolicies,
	insuranceSchemes
} from '../../src/lib/server/insurance/schema';
import { freshDatabase } from './helpers';

// The demo county's insurance: what `npm start` shows.

let database: Database;

beforeAll(async () => {
	database = await freshDatabase();
	await seedDemoCounty(database.db);
}, 300_000);
afterAll(async () => {
	await database.close();
});

describe('the demo insurance programs', () => {
	it("has this year's three schemes, each with enrolments and a fund that never went below zero", async () => {
		const schemes = await database.db.select().from(insuranceSchemes);
		expect(schemes.map((s) => s.kind).sort()).toEqual([
			'anti_poverty',
			'industry',
			'migrant_worker'
		]);
		expect(new Set(schemes.map((s) => s.year))).toEqual(new Set([2026]));
		for (const scheme of schemes) {
			const policies = await database.db
				.select()
				.from(insurancePolicies)
				.where(eq(insurancePolicies.schemeId, scheme.id));
			expect(policies.length, scheme.kind).toBeGreaterThan(3);
			const entries = await database.db
				.select()
				.from(insuranceFundEntries)
				.where(eq(insuranceFundEntries.schemeId, scheme.id));
			expect(fundBalance(entries), scheme.kind).toBeGreaterThanOrEqual(0);
		}
	});

	it('has claims in every state', async () => {
		const claims = await database.db.select().from(insuranceClaims);
		expect(new Set(claims.map((c) => c.status))).toEqual(
			new Set(['reported', 'investigated', 'approved', 'rejected', 'paid'])
		);
	});

	it("pays the report's household about 40,000 yuan once, through its claim, as transfer income", async () => {
		const [expense] = await database.db
			.select()
			.from(ledgerEntries)
			.where(eq(ledgerEntries.amountFen, REPORT_MEDICAL_EXPENSE_FEN));
		const [claim] = await database.db
			.select()
			.from(insuranceClaims)
			.where(eq(insuranceClaims.householdId, expense.householdId));
		expect(claim).toMatchObject({ status: 'paid', lossFen: REPORT_MEDICAL_EXPENSE_FEN });
		expect(claim.paidAmountFen).toBeGreaterThan(3_800_000);
		expect(claim.paidAmountFen).toBeLessThan(4_100_000);
		const payouts = await database.db
			.select()
			.from(ledgerEntries)
			.where(eq(ledgerEntries.householdId, expense.householdId));
		const insurance = payouts.filter(
			(e) => e.subtype === 'insurance_payout' || /保险|赔/.test(e.note ?? '')
		);
		expect(insurance).toEqual([
			expect.objectContaining({
				kind: 'transfer',
				source: 'insurance',
				sourceId: claim.id,
				amountFen: claim.paidAmountFen
			})
		]);
	});

	it('empties and rebuilds with the insurance tables', async () => {
		await resetDemoData(database.db);
		expect(await database.db.select().from(insuranceSchemes)).toEqual([]);
		await seedDemoCounty(database.db);
		expect((await database.db.select().from(insuranceClaims)).length).toBeGreaterThan(5);
	});
});
