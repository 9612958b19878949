import { describe, expect, it } from 'vitest';
import { dashboardPeriod, monthsBetween, shiftMonth } from '../../src/lib/server/dashboard/period';
import { tileMoney } from '../../src/lib/components/dashboard/money';

describe('the dashboard period', () => {
	it('rounds dates out to whole months and defaults to this year to this month', () => {
		expect(dashboardPeriod('2026-03-15', '2026-05-02', '2026-11-30')).toEqual({
			from: '2026-03-01',
			to: '2026-05-31',
			months: ['2026-03', '2026-04', '2026-05']
		});
		expect(dashboardPeriod(undefined, undefined, '2026-11-30')).toMatchObject({
			from: '2026-01-01',
			to: '2026-11-30'
		});
		expect(dashboardPeriod('2024-02', '2024-02', '2026-11-30').to).toBe('2024-02-29');
	});

	it('swaps ends given the wrong way round and ignores what is not a month', () => {
		expect(dashboardPeriod('2026-09', '2026-02', '2026-11-30').months).toHaveLength(8);
		expect(dashboardPeriod('2026-13', "1'; drop", '2026-11-30')).toMatchObject({
			from: '2026-01-01',
			to: '2026-11-30'
		});
		expect(dashboardPeriod('2000-01', '2100-12', '2026-11-30').months).toHaveLength(120);
	});

	it('counts months across a year end', () => {
		expect(shiftMonth('2026-01-01', -12)).toBe('2025-01-01');
		expect(shiftMonth('2025-12-01', 1)).toBe('2026-01-01');
		expect(monthsBetween('2025-11-01', '2026-02-01')).toEqual([
			'2025-11',
			'2025-12',
			'2026-01',
			'2026-02'
		]);
	});
});

describe('money on a dashboard tile', () => {
	it('reads large amounts in 万元 with the exact amount beside, small ones exactly', () => {
		expect(tileMoney(543_563_000, 'zh-CN')).toEqual({
			value: '543.56',
			unit: '万元',
			text: '543.56万元',
			exact: '¥5,435,630.00'
		});
		expect(tileMoney(99_999, 'zh-CN')).toEqual({
			value: '¥999.99',
			unit: null,
			text: '¥999.99',
			exact: null
		});
		expect(tileMoney(543_563_000, 'en').value).toBe('CNY 5,435,630.00');
	});
});
