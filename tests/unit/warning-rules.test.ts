import { describe, expect, it } from 'vitest';
import {
	addDaysTo,
	daysBetween,
	dropMonths,
	incomeBelowLine,
	incomeDrop,
	incomeNearLine,
	insuranceClaim,
	jobEnded,
	largeExpense,
	latestFullMonth,
	monthBefore,
	pickingStopped,
	pickingTellsFrom,
	runRules,
	type EndedJob,
	type HouseholdFacts,
	type PickingFacts
} from '../../src/lib/server/warnings/rules';
import { SETTINGS_DEFAULTS } from '../../src/lib/server/settings';

const ON = '2026-11-30';
const LINE = 780_000; // 7,800 yuan per person per year

describe('income below the line', () => {
	it('fires one fen under the line and not at the line', () => {
		const under = incomeBelowLine({ onDate: ON, perCapitaFen: LINE - 1, lineFen: LINE });
		expect(under).toMatchObject({
			kind: 'income_below_line',
			key: 'income_below_line:2026',
			evidence: { perCapitaFen: LINE - 1, lineFen: LINE, gapFen: 1, lineYear: 2026 }
		});
		expect(incomeBelowLine({ onDate: ON, perCapitaFen: LINE, lineFen: LINE })).toBeNull();
	});

	it('says nothing without resident members or without a line', () => {
		expect(incomeBelowLine({ onDate: ON, perCapitaFen: null, lineFen: LINE })).toBeNull();
		expect(incomeBelowLine({ onDate: ON, perCapitaFen: 0, lineFen: null })).toBeNull();
	});

	it('counts a household with a net loss as below the line', () => {
		const hit = incomeBelowLine({ onDate: ON, perCapitaFen: -50_000, lineFen: LINE });
		expect(hit?.evidence.gapFen).toBe(LINE + 50_000);
	});
});

describe('income near the line', () => {
	const margin = { nearLineMarginPct: 10 };
	it('fires at the line and just under line × (1 + margin), not at it', () => {
		// 7,800 × 1.1 = 8,580 yuan.
		expect(incomeNearLine({ onDate: ON, perCapitaFen: LINE, lineFen: LINE }, margin)).toMatchObject(
			{ kind: 'income_near_line', evidence: { upperFen: 858_000, marginPct: 10, aboveLineFen: 0 } }
		);
		expect(
			incomeNearLine({ onDate: ON, perCapitaFen: 857_999, lineFen: LINE }, margin)
		).not.toBeNull();
		expect(incomeNearLine({ onDate: ON, perCapitaFen: 858_000, lineFen: LINE }, margin)).toBeNull();
	});

	it('leaves a household under the line to the below-the-line rule', () => {
		expect(
			incomeNearLine({ onDate: ON, perCapitaFen: LINE - 1, lineFen: LINE }, margin)
		).toBeNull();
	});

	it('decides an upper bound that is not a whole fen without rounding', () => {
		// 7,777.77 × 1.15 = 8,944.4355 yuan: 894,443 fen is near, 894,444 is not.
		const line = 777_777;
		const m = { nearLineMarginPct: 15 };
		expect(incomeNearLine({ onDate: ON, perCapitaFen: 894_443, lineFen: line }, m)).not.toBeNull();
		expect(incomeNearLine({ onDate: ON, perCapitaFen: 894_444, lineFen: line }, m)).toBeNull();
	});

	it('follows the county margin', () => {
		const hit = incomeNearLine(
			{ onDate: ON, perCapitaFen: 890_000, lineFen: LINE },
			{ nearLineMarginPct: 20 }
		);
		expect(hit?.evidence.upperFen).toBe(936_000);
	});
});

describe('income drop', () => {
	const drop = { incomeDropPct: 30 };
	it('compares the three full months before this one with the three before those', () => {
		// May, Jun, Jul 1,000 yuan each; Aug, Sep, Oct: 2,100 yuan in all = exactly 30 % less.
		const hit = incomeDrop(
			{ onDate: ON, monthlyNetFen: [100_000, 100_000, 100_000, 70_000, 70_000, 70_000] },
			drop
		);
		expect(hit).toMatchObject({
			kind: 'income_drop',
			key: 'income_drop:2026-08',
			evidence: {
				earlierFrom: '2026-05',
				earlierTo: '2026-07',
				earlierFen: 300_000,
				recentFrom: '2026-08',
				recentTo: '2026-10',
				recentFen: 210_000,
				dropPct: 30,
				thresholdPct: 30
			}
		});
	});

	it('does not fire one fen short of the threshold', () => {
		expect(
			incomeDrop(
				{ onDate: ON, monthlyNetFen: [100_000, 100_000, 100_000, 70_000, 70_000, 70_001] },
				drop
			)
		).toBeNull();
	});

	it('ignores a household with no income in the earlier three months', () => {
		expect(incomeDrop({ onDate: ON, monthlyNetFen: [0, 0, 0, 0, 0, 0] }, drop)).toBeNull();
		expect(
			incomeDrop({ onDate: ON, monthlyNetFen: [50_000, -80_000, 0, -10_000, 0, 0] }, drop)
		).toBeNull();
	});

	it('counts a fall into losses as a drop of more than 100 %', () => {
		const hit = incomeDrop(
			{ onDate: '2026-02-15', monthlyNetFen: [100_000, 0, 0, -20_000, 0, 0] },
			drop
		);
		expect(hit?.evidence).toMatchObject({
			dropPct: 120,
			earlierFrom: '2025-08',
			recentTo: '2026-01'
		});
	});

	it('waits until the 15th for last month’s income to be entered', () => {
		expect(latestFullMonth('2026-12-14')).toBe('2026-10');
		expect(latestFullMonth('2026-12-15')).toBe('2026-11');
		expect(dropMonths('2026-12-01')).toEqual([
			'2026-05',
			'2026-06',
			'2026-07',
			'2026-08',
			'2026-09',
			'2026-10'
		]);
		expect(dropMonths('2027-01-20')).toEqual([
			'2026-07',
			'2026-08',
			'2026-09',
			'2026-10',
			'2026-11',
			'2026-12'
		]);
		const hit = incomeDrop(
			{ onDate: '2026-12-14', monthlyNetFen: [100_000, 100_000, 100_000, 70_000, 70_000, 70_000] },
			drop
		);
		expect(hit?.key).toBe('income_drop:2026-08');
	});
});

describe('job ended', () => {
	const gap = { jobGapDays: 30 };
	const job = (overrides: Partial<EndedJob> = {}): EndedJob => ({
		jobId: 'job-1',
		factoryId: 'factory-1',
		memberId: 'member-1',
		endedOn: '2026-10-31',
		nextStartedOn: null,
		...overrides
	});

	it('fires once N days have passed since the end, not the day before', () => {
		expect(jobEnded({ onDate: '2026-11-30', jobs: [job()] }, gap)).toMatchObject({
			kind: 'job_ended',
			key: 'job:job-1',
			evidence: { endedOn: '2026-10-31', daysWithoutJob: 30, gapDays: 30, jobId: 'job-1' }
		});
		expect(jobEnded({ onDate: '2026-11-29', jobs: [job()] }, gap)).toBeNull();
	});

	it('does not fire when a member of the household started a new job since', () => {
		expect(
			jobEnded({ onDate: '2026-11-30', jobs: [job({ nextStartedOn: '2026-11-30' })] }, gap)
		).toBeNull();
		expect(
			jobEnded({ onDate: '2026-11-30', jobs: [job({ nextStartedOn: '2026-10-31' })] }, gap)
		).toBeNull();
		// A start recorded for a later day has not happened yet.
		expect(
			jobEnded({ onDate: '2026-11-30', jobs: [job({ nextStartedOn: '2026-12-01' })] }, gap)
		).not.toBeNull();
	});

	it('forgets a job that ended long ago, and reports the latest of several', () => {
		const onDate = addDaysTo('2026-10-31', 30 + 90);
		expect(jobEnded({ onDate, jobs: [job()] }, gap)).not.toBeNull();
		expect(jobEnded({ onDate: addDaysTo(onDate, 1), jobs: [job()] }, gap)).toBeNull();
		const hit = jobEnded(
			{
				onDate: '2026-12-31',
				jobs: [
					job(),
					job({ jobId: 'job-2', endedOn: '2026-11-15' }),
					job({ jobId: 'job-3', endedOn: '2026-12-10' })
				]
			},
			gap
		);
		expect(hit?.key).toBe('job:job-2');
	});

	it('follows the county gap', () => {
		expect(jobEnded({ onDate: '2026-11-14', jobs: [job()] }, { jobGapDays: 14 })).not.toBeNull();
		expect(jobEnded({ onDate: '2026-11-13', jobs: [job()] }, { jobGapDays: 14 })).toBeNull();
	});
});

describe('large expense', () => {
	const share = { largeExpenseSharePct: 50 };
	const expense = (
		amountFen: number,
		annualNetFen: number,
		entryId = 'e1',
		businessDate = '2026-09-01'
	) => ({
		entryId,
		businessDate,
		amountFen,
		annualNetFen
	});

	it('fires at the share of annual net income and not one fen under it', () => {
		// Annual net 30,000 yuan: 15,000 yuan is half of it.
		expect(
			largeExpense({ onDate: ON, expenses: [expense(1_500_000, 3_000_000)] }, share)
		).toMatchObject({
			kind: 'large_expense',
			key: 'expense:e1',
			evidence: {
				amountFen: 1_500_000,
				annualNetFen: 3_000_000,
				sharePct: 50,
				thresholdPct: 50,
				expenseOn: '2026-09-01'
			}
		});
		expect(
			largeExpense({ onDate: ON, expenses: [expense(1_499_999, 3_000_000)] }, share)
		).toBeNull();
	});

	it("fires for the report's medical bills against the household's income", () => {
		// (b): 57,593.50 yuan paid by the family, against, say, 48,000 yuan of net income.
		const hit = largeExpense({ onDate: ON, expenses: [expense(5_759_350, 4_800_000)] }, share);
		expect(hit?.evidence.sharePct).toBe(119);
	});

	it('fires for any large expense of a household without net income', () => {
		const hit = largeExpense({ onDate: ON, expenses: [expense(100_000, 0)] }, share);
		expect(hit?.evidence.sharePct).toBeNull();
		expect(
			largeExpense({ onDate: ON, expenses: [expense(100_000, -5_000)] }, share)
		).not.toBeNull();
	});

	it('reports the latest qualifying expense', () => {
		const hit = largeExpense(
			{
				onDate: ON,
				expenses: [
					expense(2_000_000, 3_000_000, 'old', '2026-03-01'),
					expense(100_000, 3_000_000, 'small', '2026-10-01'),
					expense(2_000_000, 3_000_000, 'new', '2026-08-01')
				]
			},
			share
		);
		expect(hit?.key).toBe('expense:new');
	});
});

describe('insurance claim', () => {
	it('is always a warning, one per claim', () => {
		expect(
			insuranceClaim({ claimId: 'c1', eventDate: '2026-07-02', amountFen: 2_200_000 })
		).toEqual({
			kind: 'insurance_claim',
			key: 'claim:c1',
			evidence: { claimId: 'c1', eventDate: '2026-07-02', amountFen: 2_200_000 }
		});
	});
});

describe('picking stopped', () => {
	const season2026 = { year: 2026, startsOn: '2026-05-01', endsOn: '2026-09-30' };
	const season2025 = { year: 2025, startsOn: '2025-05-01', endsOn: '2025-09-30' };
	const facts = (overrides: Partial<PickingFacts> = {}): PickingFacts => ({
		onDate: '2026-06-21',
		thisSeason: season2026,
		lastSeason: season2025,
		lastSeasonWeighIns: 12,
		lastSeasonFen: 38_400,
		thisSeasonWeighIns: 0,
		...overrides
	});

	it('tells from a third of the picking window', () => {
		// 1 May – 30 September is 153 days; 51 days after 1 May is 21 June.
		expect(pickingTellsFrom(season2026)).toBe('2026-06-21');
		expect(pickingTellsFrom({ year: 2026, startsOn: '2026-05-01', endsOn: '2026-05-03' })).toBe(
			'2026-05-02'
		);
	});

	it('fires on the day the season tells and not the day before', () => {
		expect(pickingStopped(facts())).toMatchObject({
			kind: 'picking_stopped',
			key: 'picking:2026',
			evidence: {
				seasonYear: 2026,
				lastSeasonYear: 2025,
				lastSeasonWeighIns: 12,
				lastSeasonFen: 38_400,
				checkedFrom: '2026-06-21'
			}
		});
		expect(pickingStopped(facts({ onDate: '2026-06-20' }))).toBeNull();
	});

	it('does not fire for a household that picks this season or did not pick last season', () => {
		expect(pickingStopped(facts({ thisSeasonWeighIns: 1 }))).toBeNull();
		expect(pickingStopped(facts({ lastSeasonWeighIns: 0, lastSeasonFen: 0 }))).toBeNull();
	});

	it('needs last year’s season', () => {
		expect(pickingStopped(facts({ lastSeason: null }))).toBeNull();
		expect(pickingStopped(facts({ thisSeason: null }))).toBeNull();
		expect(pickingStopped(facts({ lastSeason: { ...season2025, year: 2024 } }))).toBeNull();
	});
});

describe('all rules of a household', () => {
	const base: HouseholdFacts = {
		onDate: ON,
		perCapitaFen: 800_000,
		lineFen: LINE,
		monthlyNetFen: [300_000, 300_000, 300_000, 300_000, 300_000, 0],
		largeExpenses: [
			{ entryId: 'm1', businessDate: '2026-10-02', amountFen: 9_000_000, annualNetFen: 2_400_000 }
		],
		endedJobs: [],
		picking: null
	};

	it('returns one hit per kind asked for, from the county thresholds', () => {
		const all = runRules(base, SETTINGS_DEFAULTS, [
			'income_below_line',
			'income_near_line',
			'income_drop',
			'large_expense',
			'job_ended',
			'picking_stopped'
		]);
		expect(all.map((h) => h.kind)).toEqual(['income_near_line', 'income_drop', 'large_expense']);
		expect(runRules(base, SETTINGS_DEFAULTS, ['income_below_line'])).toEqual([]);
		// A stricter county: a drop of a third is not enough at 40 %.
		const strict = { ...SETTINGS_DEFAULTS, incomeDropPct: 40, nearLineMarginPct: 2 };
		expect(runRules(base, strict, ['income_near_line', 'income_drop'])).toEqual([]);
	});
});

describe('dates', () => {
	it('counts days and months across year ends', () => {
		expect(daysBetween('2026-12-31', '2027-01-30')).toBe(30);
		expect(monthBefore('2026-01-15', 1)).toBe('2025-12');
		expect(monthBefore('2026-03-31', 6)).toBe('2025-09');
		expect(addDaysTo('2028-02-28', 1)).toBe('2028-02-29');
	});
});
