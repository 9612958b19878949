import { describe, expect, it } from 'vitest';
import {
	formatDate,
	formatDateTime,
	formatFen,
	formatGrams,
	formatMonth,
	formatMu,
	todayInChina
} from '../../src/lib/format';

describe('formatting integers for people', () => {
	it('shows fen as yuan with two decimals and grouping', () => {
		expect(formatFen(5759350, 'zh-CN')).toBe('¥57,593.50');
		expect(formatFen(5759350, 'en')).toBe('CNY 57,593.50');
		expect(formatFen(-47000, 'zh-CN')).toBe('-¥470.00');
		expect(formatFen(5n, 'zh-CN')).toBe('¥0.05');
		expect(formatFen(900_000_000_000_01n, 'en')).toBe('CNY 900,000,000,000.01');
	});

	it('shows grams as kilograms and hundredths of a mu as mu', () => {
		expect(formatGrams(12500, 'zh-CN')).toBe('12.5 公斤');
		expect(formatGrams(12000, 'en')).toBe('12 kg');
		expect(formatMu(325, 'zh-CN')).toBe('3.25 亩');
		expect(formatMu(100, 'en')).toBe('1.00 mu');
	});

	it('writes dates the way each language does', () => {
		expect(formatDate('2026-11-29', 'zh-CN')).toBe('2026年11月29日');
		expect(formatDate('2026-11-29', 'en')).toBe('29 Nov 2026');
		// Each language keeps its own wording when pages in both are drawn one after another.
		expect(formatDate('2026-03-01', 'zh-CN')).toBe('2026年3月1日');
		expect(formatMonth('2026-11', 'en')).toBe('Nov 2026');
		expect(formatMonth('2026-11', 'zh-CN')).toBe('2026年11月');
		expect(formatMonth('2026-03', 'en')).toBe('Mar 2026');
	});

	it('shows moments in China Standard Time', () => {
		expect(formatDateTime('2026-11-28T16:30:00Z', 'en')).toBe('29 Nov 2026, 00:30');
		expect(formatDateTime(new Date('2026-11-29T06:05:00Z'), 'zh-CN')).toBe('2026年11月29日 14:05');
	});

	it('takes business dates in China Standard Time', () => {
		// 16:30 UTC on 28 November is already 29 November in Beijing.
		expect(todayInChina(new Date('2026-11-28T16:30:00Z'))).toBe('2026-11-29');
	});
});
