import { describe, expect, it } from 'vitest';
import {
	computePayout,
	fundBalance,
	ruleProblem,
	type PayoutRule
} from '../../src/lib/insurance-rules';

// 防贫保 as the demo county writes it: own costs after medical insurance above 5,000 yuan
// paid back at 60%, 70%, 80% and 90% per band, at most 100,000 yuan.
const ANTI_POVERTY: PayoutRule = {
	deductibleFen: 500_000,
	maximumFen: 10_000_000,
	bands: [
		{ fromFen: 500_000, ratePermille: 600 },
		{ fromFen: 1_500_000, ratePermille: 700 },
		{ fromFen: 3_000_000, ratePermille: 800 },
		{ fromFen: 5_000_000, ratePermille: 900 }
	]
};

const pay = (lossFen: number, insured: number | null = null) =>
	computePayout(ANTI_POVERTY, lossFen, insured).amountFen;

describe('payout rules: tiers at and around each boundary', () => {
	it('pays nothing up to the deductible and starts one fen after it, rounding down', () => {
		expect(pay(0)).toBe(0);
		expect(pay(499_999)).toBe(0);
		expect(pay(500_000)).toBe(0);
		// 0.01 yuan at 60% is 0.6 fen: nothing; 0.02 yuan is 1.2 fen: 1 fen.
		expect(pay(500_001)).toBe(0);
		expect(pay(500_002)).toBe(1);
	});

	it('changes rate exactly at each band boundary', () => {
		// 10,000 yuan at 60%.
		expect(pay(1_499_990)).toBe(599_994);
		expect(pay(1_500_000)).toBe(600_000);
		expect(pay(1_500_010)).toBe(600_007);
		// + 15,000 yuan at 70%.
		expect(pay(2_999_990)).toBe(1_649_993);
		expect(pay(3_000_000)).toBe(1_650_000);
		expect(pay(3_000_010)).toBe(1_650_008);
		// + 20,000 yuan at 80%.
		expect(pay(4_999_990)).toBe(3_249_992);
		expect(pay(5_000_000)).toBe(3_250_000);
		expect(pay(5_000_010)).toBe(3_250_009);
	});

	it("gives the report's household about 40,000 yuan for 57,593.50 yuan of own costs", () => {
		const payout = computePayout(ANTI_POVERTY, 5_759_350);
		expect(payout.parts.map((p) => p.paidFen)).toEqual([600_000, 1_050_000, 1_600_000, 683_415]);
		expect(payout.amountFen).toBe(3_933_415);
		expect(payout.cappedBy).toBeNull();
	});

	it('stops at the maximum, and at the insured value of an object', () => {
		// 32,500 + 75,000 × 90% = 100,000 exactly: not yet capped.
		expect(computePayout(ANTI_POVERTY, 12_500_000)).toMatchObject({
			amountFen: 10_000_000,
			cappedBy: null
		});
		expect(computePayout(ANTI_POVERTY, 12_500_002)).toMatchObject({
			beforeCapFen: 10_000_001,
			amountFen: 10_000_000,
			cappedBy: 'maximum'
		});
		expect(computePayout(ANTI_POVERTY, 5_759_350, 3_000_000)).toMatchObject({
			amountFen: 3_000_000,
			cappedBy: 'insured_value'
		});
		expect(pay(5_759_350, 3_933_415)).toBe(3_933_415);
	});

	it('refuses a rule whose bands fall, start below the deductible or pay more than all', () => {
		expect(ruleProblem(ANTI_POVERTY)).toBeNull();
		expect(ruleProblem({ ...ANTI_POVERTY, bands: [] })).toBe('bands');
		expect(ruleProblem({ ...ANTI_POVERTY, bands: [{ fromFen: 400_000, ratePermille: 600 }] })).toBe(
			'band_order'
		);
		expect(
			ruleProblem({
				...ANTI_POVERTY,
				bands: [
					{ fromFen: 900_000, ratePermille: 600 },
					{ fromFen: 900_000, ratePermille: 700 }
				]
			})
		).toBe('band_order');
		expect(
			ruleProblem({ ...ANTI_POVERTY, bands: [{ fromFen: 500_000, ratePermille: 1001 }] })
		).toBe('rate');
		expect(ruleProblem({ ...ANTI_POVERTY, maximumFen: 0 })).toBe('maximum');
	});
});

describe('fund balance', () => {
	it('adds premiums, top-ups and carried-in surplus, and subtracts payouts and carry-outs', () => {
		expect(
			fundBalance([
				{ kind: 'premium', amountFen: 1_000_000 },
				{ kind: 'carry_in', amountFen: 50_000 },
				{ kind: 'payout', amountFen: 900_000 },
				{ kind: 'top_up', amountFen: 20_000 },
				{ kind: 'carry_out', amountFen: 100_000 }
			])
		).toBe(70_000);
		expect(fundBalance([])).toBe(0);
	});
});
