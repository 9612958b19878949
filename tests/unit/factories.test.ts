import { describe, expect, it } from 'vitest';
import { parseYuanToFen } from '../../src/lib/server/income';
import {
	addMonths,
	averageIncrease,
	checkCreditCode,
	creditCheckCharacter,
	employedInMonth,
	employedOn,
	lastDay,
	monthlyIncrease,
	monthsBetween,
	parseMonth,
	readAmount
} from '../../src/lib/server/factories/rules';
import { fenToYuanText, shiftMonth } from '../../src/lib/components/factory-labels';

describe('months', () => {
	it('reads a month and knows its last day', () => {
		expect(parseMonth('2026-11')).toBe('2026-11');
		expect(parseMonth('2026-13')).toBeNull();
		expect(parseMonth('2026-1')).toBeNull();
		expect(parseMonth(undefined)).toBeNull();
		expect(lastDay('2028-02')).toBe('2028-02-29');
		expect(lastDay('2026-02')).toBe('2026-02-28');
		expect(lastDay('2026-12')).toBe('2026-12-31');
	});

	it('counts across years', () => {
		expect(addMonths('2026-01', -1)).toBe('2025-12');
		expect(shiftMonth('2025-12', 1)).toBe('2026-01');
		expect(monthsBetween('2025-11', '2026-02')).toEqual([
			'2025-11',
			'2025-12',
			'2026-01',
			'2026-02'
		]);
		expect(monthsBetween('2026-02', '2026-01')).toEqual([]);
	});

	it('counts a job in every month it touches, the first and last day included', () => {
		const job = { startedOn: '2026-03-31', endedOn: '2026-05-01' };
		expect(
			['2026-02', '2026-03', '2026-04', '2026-05', '2026-06'].map((m) => employedInMonth(job, m))
		).toEqual([false, true, true, true, false]);
		expect(employedOn(job, '2026-05-01')).toBe(true);
		expect(employedOn(job, '2026-05-02')).toBe(false);
		expect(employedInMonth({ startedOn: '2020-01-01', endedOn: null }, '2030-01')).toBe(true);
	});
});

describe('the unified social credit code', () => {
	it('accepts real codes and names what is wrong with others', () => {
		// Xiaomi, Tencent and Huawei, as their licences print them.
		for (const code of ['91110108551385082Q', '91440300708461136T', '914403001922038216'])
			expect(checkCreditCode(code)).toEqual({ ok: true, value: code });
		expect(checkCreditCode(' 91110108551385082q ')).toEqual({
			ok: true,
			value: '91110108551385082Q'
		});
		expect(checkCreditCode('91110108551385082A')).toEqual({
			ok: false,
			problem: 'check_character'
		});
		expect(checkCreditCode('9111010855138508')).toEqual({ ok: false, problem: 'format' });
		// I, O, Z, S and V are never used.
		expect(checkCreditCode('9111010855138508IQ')).toEqual({ ok: false, problem: 'format' });
		expect(creditCheckCharacter('91110108551385082')).toBe('Q');
	});
});

describe('amounts typed on the wage sheet', () => {
	it('tells empty, negative and mistyped amounts apart, in integer fen', () => {
		expect(readAmount('', parseYuanToFen)).toEqual({ kind: 'empty' });
		expect(readAmount('  ', parseYuanToFen)).toEqual({ kind: 'empty' });
		expect(readAmount('-300', parseYuanToFen)).toEqual({ kind: 'negative' });
		expect(readAmount('－300', parseYuanToFen)).toEqual({ kind: 'negative' });
		expect(readAmount('3千', parseYuanToFen)).toEqual({ kind: 'invalid' });
		expect(readAmount('3,200.5', parseYuanToFen)).toEqual({ kind: 'fen', fen: 320_050 });
		expect(readAmount('0', parseYuanToFen)).toEqual({ kind: 'fen', fen: 0 });
	});

	it('shows fen as the yuan a person would type', () => {
		expect(fenToYuanText(320_050)).toBe('3200.50');
		expect(fenToYuanText(320_000)).toBe('3200');
		expect(fenToYuanText(5)).toBe('0.05');
		expect(parseYuanToFen(fenToYuanText(123_456_789))).toBe(123_456_789);
	});
});

describe('the monthly income increase', () => {
	const wages = new Map([
		['2026-01', 100_000],
		['2026-02', 0],
		['2026-03', 200_000],
		['2026-05', 300_000],
		['2026-06', 330_000]
	]);

	it('compares employed months with the months before the first hire', () => {
		expect(
			monthlyIncrease({
				firstHiredOn: '2026-05-06',
				employedMonths: ['2026-05', '2026-06'],
				ledgerStartMonth: '2026-01',
				wageByMonth: wages
			})
			// (300,000 + 330,000) / 2 − (100,000 + 0 + 200,000 + 0) / 4
		).toBe(315_000 - 75_000);
	});

	it('never counts months before the ledger began, and needs a baseline', () => {
		expect(
			monthlyIncrease({
				firstHiredOn: '2026-05-06',
				employedMonths: ['2026-05'],
				ledgerStartMonth: '2026-03',
				wageByMonth: wages
			})
		).toBe(300_000 - 100_000);
		expect(
			monthlyIncrease({
				firstHiredOn: '2026-01-10',
				employedMonths: ['2026-01', '2026-02'],
				ledgerStartMonth: '2026-01',
				wageByMonth: wages
			})
		).toBeNull();
		expect(
			monthlyIncrease({
				firstHiredOn: '2026-05-06',
				employedMonths: [],
				ledgerStartMonth: '2026-01',
				wageByMonth: wages
			})
		).toBeNull();
	});

	it('looks back at most twelve months', () => {
		const long = new Map([
			['2024-01', 12_000_000],
			['2025-06', 120_000]
		]);
		expect(
			monthlyIncrease({
				firstHiredOn: '2026-01-01',
				employedMonths: ['2026-01'],
				ledgerStartMonth: '2024-01',
				wageByMonth: long
			})
		).toBe(-10_000);
	});

	it('averages only the workers that could be measured', () => {
		expect(averageIncrease([100, null, 201])).toEqual({ fen: 150, workers: 2 });
		expect(averageIncrease([null])).toEqual({ fen: null, workers: 0 });
	});
});
