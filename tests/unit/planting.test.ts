import { describe, expect, it } from 'vitest';
import { todayInChina } from '../../src/lib/format';
import {
	chinaDate,
	dayTotals,
	divideRoundHalfUp,
	fenToYuanText,
	gramsToKgText,
	hundredthsToMuText,
	isIsoDate,
	parseKilograms,
	parseMu,
	pickingAmountFen,
	seedlingsFor,
	subsidyAmountFen,
	weekStart
} from '../../src/lib/planting';
import { readWeighChoice } from '../../src/lib/picking-choice';

// Weights, areas and money from what a person typed, without floating point.

describe('reading kilograms and mu', () => {
	it('turns typed kilograms into integer grams', () => {
		expect(parseKilograms('12.5')).toEqual({ ok: true, value: 12_500 });
		expect(parseKilograms('12')).toEqual({ ok: true, value: 12_000 });
		expect(parseKilograms('0.001')).toEqual({ ok: true, value: 1 });
		expect(parseKilograms(' 7.250 ')).toEqual({ ok: true, value: 7_250 });
		expect(parseKilograms('.5')).toEqual({ ok: true, value: 500 });
		// Chinese input: full-width digits and points.
		expect(parseKilograms('１２．５')).toEqual({ ok: true, value: 12_500 });
		expect(parseKilograms('12。5')).toEqual({ ok: true, value: 12_500 });
	});

	it('names what is wrong with a weight', () => {
		expect(parseKilograms('0')).toEqual({ ok: false, problem: 'zero' });
		expect(parseKilograms('0.000')).toEqual({ ok: false, problem: 'zero' });
		expect(parseKilograms('-3')).toEqual({ ok: false, problem: 'negative' });
		expect(parseKilograms('1.2345')).toEqual({ ok: false, problem: 'precision' });
		expect(parseKilograms('')).toEqual({ ok: false, problem: 'format' });
		expect(parseKilograms('十二')).toEqual({ ok: false, problem: 'format' });
		expect(parseKilograms('1e3')).toEqual({ ok: false, problem: 'format' });
		expect(parseKilograms('1.2.3')).toEqual({ ok: false, problem: 'format' });
	});

	it('turns typed mu into hundredths', () => {
		expect(parseMu('1.25')).toEqual({ ok: true, value: 125 });
		expect(parseMu('3')).toEqual({ ok: true, value: 300 });
		expect(parseMu('0.01')).toEqual({ ok: true, value: 1 });
		expect(parseMu('1.255')).toEqual({ ok: false, problem: 'precision' });
		expect(parseMu('1.250')).toEqual({ ok: true, value: 125 });
	});
});

describe('amounts', () => {
	it('pays grams × fen per kg ÷ 1000, half up to the fen', () => {
		expect(pickingAmountFen(12_500, 100)).toBe(1_250);
		expect(pickingAmountFen(12_345, 100)).toBe(1_235); // 1,234.5 → 1,235
		expect(pickingAmountFen(12_344, 100)).toBe(1_234); // 1,234.4 → 1,234
		expect(pickingAmountFen(1, 100)).toBe(0); // 0.1 fen
		expect(pickingAmountFen(5, 100)).toBe(1); // 0.5 fen → 1
		expect(pickingAmountFen(100_000, 120)).toBe(12_000);
		expect(pickingAmountFen(33_333, 130)).toBe(4_333); // 4,332.29
	});

	it('pays hundredths of a mu × fen per mu ÷ 100, half up', () => {
		expect(subsidyAmountFen(125, 90_000)).toBe(112_500);
		expect(subsidyAmountFen(1, 10_050)).toBe(101); // 100.5 → 101
		expect(subsidyAmountFen(0, 90_000)).toBe(0);
		expect(seedlingsFor(125, 300)).toBe(375);
		expect(seedlingsFor(1, 300)).toBe(3);
	});

	it('divides exactly, even near the safe-integer limit, and refuses what it cannot', () => {
		expect(divideRoundHalfUp(2 ** 52, 1000)).toBe(4_503_599_627_370); // …370.496
		expect(divideRoundHalfUp(4_503_599_627_370_500, 1000)).toBe(4_503_599_627_371); // …370.5
		expect(() => divideRoundHalfUp(-1, 10)).toThrow();
		expect(() => divideRoundHalfUp(0.5, 10)).toThrow();
	});

	it('writes grams, hundredths and fen back as input text', () => {
		expect(gramsToKgText(12_500)).toBe('12.5');
		expect(gramsToKgText(12_000)).toBe('12');
		expect(gramsToKgText(1)).toBe('0.001');
		expect(hundredthsToMuText(125)).toBe('1.25');
		expect(hundredthsToMuText(300)).toBe('3');
		expect(fenToYuanText(211_500)).toBe('2115.00');
		expect(fenToYuanText(5)).toBe('0.05');
		expect(fenToYuanText(-150)).toBe('-1.50');
	});
});

describe('days and totals', () => {
	it('knows China’s date from a moment, like todayInChina', () => {
		const late = Date.parse('2026-11-29T16:30:00Z'); // 00:30 on the 30th in Beijing
		expect(chinaDate(late)).toBe('2026-11-30');
		expect(chinaDate(late)).toBe(todayInChina(new Date(late)));
		expect(chinaDate(Date.parse('2026-11-29T15:59:59Z'))).toBe('2026-11-29');
	});

	it('starts weeks on Monday and knows real dates', () => {
		expect(weekStart('2026-08-03')).toBe('2026-08-03'); // a Monday
		expect(weekStart('2026-08-09')).toBe('2026-08-03'); // Sunday
		expect(weekStart('2026-08-05')).toBe('2026-08-03');
		expect(isIsoDate('2026-02-29')).toBe(false);
		expect(isIsoDate('2024-02-29')).toBe(true);
		expect(isIsoDate('2026-6-1')).toBe(false);
	});

	it('totals a station’s day without voided entries, counting each picker once', () => {
		const base = { maskedIdNumber: null, paidOn: null, voided: false };
		const totals = dayTotals([
			{ ...base, memberId: 'a', pickerName: '甲', weightGrams: 10_000, amountFen: 1_000 },
			{ ...base, memberId: 'a', pickerName: '甲', weightGrams: 5_000, amountFen: 500 },
			{
				...base,
				memberId: null,
				pickerName: '外来',
				weightGrams: 2_000,
				amountFen: 200,
				paidOn: '2026-08-05'
			},
			{ ...base, memberId: 'b', pickerName: '乙', weightGrams: 9_000, amountFen: 900, voided: true }
		]);
		expect(totals).toEqual({
			entries: 3,
			grams: 17_000,
			amountFen: 1_700,
			pickers: 2,
			unpaidFen: 1_500
		});
	});

	it('remembers the station always and the day only for the day it was chosen', () => {
		const cookie = JSON.stringify({ station: 's1', date: '2026-09-30', on: '2026-11-29' });
		expect(readWeighChoice(cookie, '2026-11-29')).toEqual({ station: 's1', date: '2026-09-30' });
		expect(readWeighChoice(cookie, '2026-11-30')).toEqual({ station: 's1', date: null });
		expect(readWeighChoice('not json', '2026-11-29')).toEqual({ station: null, date: null });
		expect(readWeighChoice(undefined, '2026-11-29')).toEqual({ station: null, date: null });
	});
});
