import { describe, expect, it } from 'vitest';
import {
	accountMonths,
	buildAccount,
	isNearLine,
	monthEnds,
	perCapita,
	residentsOn,
	windowStart,
	type LedgerSum,
	type MemberRow,
	type MembershipEventRow
} from '../../src/lib/server/income/account';
import type { LedgerKind } from '../../src/lib/server/income/schema';

const H = 'household-a';

function sum(kind: LedgerKind, month: string, amountFen: number, inWindow = true): LedgerSum {
	return {
		householdId: H,
		kind,
		month,
		inWindow,
		thisYear: month.startsWith('2026'),
		amountFen
	};
}

describe('the income account’s arithmetic', () => {
	it('reads the 12 months before the date: (onDate − 1 year, onDate]', () => {
		expect(windowStart('2026-11-29')).toBe('2025-11-30');
		expect(windowStart('2026-01-01')).toBe('2025-01-02');
		// A leap day: one year before is 28 February, so the window starts on 1 March.
		expect(windowStart('2028-02-29')).toBe('2027-03-01');
		expect(monthEnds('2026-11-29', 3)).toEqual(['2026-10-31', '2026-09-30', '2026-08-31']);
		expect(monthEnds('2026-03-31', 2)).toEqual(['2026-03-31', '2026-02-28']);
		expect(accountMonths('2026-11-29')).toEqual([
			'2025-12',
			'2026-01',
			'2026-02',
			'2026-03',
			'2026-04',
			'2026-05',
			'2026-06',
			'2026-07',
			'2026-08',
			'2026-09',
			'2026-10',
			'2026-11'
		]);
	});

	it('reproduces the couple on 低保 (seed report, household a) to the fen', () => {
		const sums = [
			...accountMonths('2026-11-29').map((m) => sum('transfer', m, 47000)),
			sum('property', '2026-06', 300000),
			sum('wage', '2026-03', 200000),
			sum('large_expense', '2026-08', 9_000_000),
			sum('transfer', '2026-10', 2_200_000)
		];
		const account = buildAccount({
			householdId: H,
			onDate: '2026-11-29',
			sums,
			residentsOnDate: 2,
			residentsLastYearEnd: 2,
			lineThisYear: 750000,
			lineLastYear: 720000,
			nearLineMarginPct: 10
		});
		expect(account).toMatchObject({
			from: '2025-11-30',
			to: '2026-11-29',
			netFen: 3_264_000,
			perCapitaFen: 1_632_000,
			gapFen: 882_000,
			belowLine: false,
			nearLine: false
		});
		// Large expenses stand beside the income; they are not subtracted.
		expect(account.largeExpenses.totalFen).toBe(9_000_000);
		expect(account.lastYear).toMatchObject({ netFen: 47000, perCapitaFen: 23500 });
		expect(account.monthly[10]).toMatchObject({ month: '2026-10', netFen: 2_247_000 });
	});

	it('reproduces the family of household b: 57,593.50 yuan of medical costs, 40,000 paid out', () => {
		const sums = [
			...Array.from({ length: 11 }, (_, i) =>
				sum('wage', `2026-${String(i + 1).padStart(2, '0')}`, 300000)
			),
			sum('large_expense', '2026-07', 5_759_350),
			sum('transfer', '2026-09', 4_000_000),
			sum('production_cost', '2026-04', 12_345)
		];
		const account = buildAccount({
			householdId: H,
			onDate: '2026-11-29',
			sums,
			residentsOnDate: 3,
			residentsLastYearEnd: 3,
			lineThisYear: 750000,
			lineLastYear: null,
			nearLineMarginPct: 10
		});
		// (3,300,000 + 4,000,000 − 12,345) ÷ 3, truncated to the fen.
		expect(account.netFen).toBe(7_287_655);
		expect(account.perCapitaFen).toBe(2_429_218);
		expect(account.largeExpenses.totalFen).toBe(5_759_350);
		expect(account.lastYear).toMatchObject({ lineFen: null, gapFen: null, belowLine: null });
	});

	it('never divides by zero: no resident means no per-capita income, with the reason', () => {
		const account = buildAccount({
			householdId: H,
			onDate: '2026-11-29',
			sums: [sum('wage', '2026-05', 100000)],
			residentsOnDate: 0,
			residentsLastYearEnd: 0,
			lineThisYear: 750000,
			lineLastYear: 720000,
			nearLineMarginPct: 10
		});
		expect(account).toMatchObject({
			netFen: 100000,
			perCapitaFen: null,
			noPerCapita: 'no_residents',
			gapFen: null,
			belowLine: null,
			nearLine: false
		});
	});

	it('truncates toward zero like PostgreSQL, and calls near the line within the margin only', () => {
		expect(perCapita(-10, 3)).toBe(-3);
		expect(perCapita(10, 3)).toBe(3);
		expect(isNearLine(750000, 750000, 10)).toBe(true);
		expect(isNearLine(824999, 750000, 10)).toBe(true);
		expect(isNearLine(825000, 750000, 10)).toBe(false);
		expect(isNearLine(749999, 750000, 10)).toBe(false);
	});
});

describe('residents on a date', () => {
	const people: MemberRow[] = [
		{ id: 'head', householdId: H, current: true, resident: true },
		{ id: 'wife', householdId: H, current: false, resident: true },
		{ id: 'baby', householdId: H, current: true, resident: true },
		{ id: 'away', householdId: H, current: true, resident: false },
		{ id: 'old', householdId: H, current: true, resident: true },
		{ id: 'son', householdId: 'other', current: true, resident: true }
	];
	const events: MembershipEventRow[] = [
		// Registered by an import long after they lived there.
		{ householdId: H, memberId: 'head', kind: 'registered', happenedOn: '2026-06-01', order: '1' },
		{ householdId: H, memberId: 'wife', kind: 'registered', happenedOn: '2026-06-01', order: '2' },
		{ householdId: H, memberId: 'wife', kind: 'death', happenedOn: '2026-10-20', order: '3' },
		{ householdId: H, memberId: 'baby', kind: 'birth', happenedOn: '2026-05-10', order: '4' },
		{ householdId: H, memberId: 'away', kind: 'registered', happenedOn: '2020-01-01', order: '5' },
		// The son moved to another household on 1 March: he counts here before, there after.
		{ householdId: H, memberId: 'son', kind: 'registered', happenedOn: '2020-01-01', order: '6' },
		{ householdId: H, memberId: 'son', kind: 'moved_out', happenedOn: '2026-03-01', order: '7' },
		{
			householdId: 'other',
			memberId: 'son',
			kind: 'moved_in',
			happenedOn: '2026-03-01',
			order: '8'
		}
	];
	it('counts arrivals and departures by date, today’s residence flag, and older records', () => {
		// head, wife, old (no events), son.
		expect(residentsOn(people, events, '2026-02-28').get(H)).toBe(4);
		expect(residentsOn(people, events, '2026-02-28').get('other')).toBeUndefined();
		// The son has moved out; the baby is born on 10 May.
		expect(residentsOn(people, events, '2026-05-09').get(H)).toBe(3);
		expect(residentsOn(people, events, '2026-05-10').get(H)).toBe(4);
		expect(residentsOn(people, events, '2026-05-10').get('other')).toBe(1);
		// The wife died on 20 October.
		expect(residentsOn(people, events, '2026-10-20').get(H)).toBe(3);
	});
	it('breaks a tie on one day by the order the events were recorded', () => {
		const sameDay: MembershipEventRow[] = [
			{ householdId: H, memberId: 'head', kind: 'moved_out', happenedOn: '2026-06-01', order: '2' },
			{ householdId: H, memberId: 'head', kind: 'moved_in', happenedOn: '2026-06-01', order: '1' }
		];
		expect(residentsOn(people.slice(0, 1), sameDay, '2026-06-01').get(H)).toBeUndefined();
		expect(residentsOn(people.slice(0, 1), sameDay, '2026-05-31').get(H)).toBeUndefined();
	});
});
