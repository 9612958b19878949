// The demo county's honeysuckle facts: where the stations are, who comes from outside to
// pick, and how the picking spreads over the season. Made up, in the report's spirit.

/** The 2026 season with the report's rates: 900 yuan per mu the first year, 1 yuan per kg. */
export const DEMO_SEASON = {
	year: 2026,
	startsOn: '2026-05-01',
	endsOn: '2026-09-30',
	firstYearSubsidyFenPerMu: 90_000,
	laterYearSubsidyFenPerMu: 0,
	pickingRateFenPerKg: 100,
	seedlingsPerMu: 300
} as const;

/** Townships with stations: the demo staff's two and 大兴庄镇. Stations per township. */
export const STATION_TOWNSHIPS: readonly { code: string; stations: number }[] = [
	{ code: '130434108', stations: 2 },
	{ code: '130434205', stations: 1 },
	{ code: '130434116', stations: 1 }
];

export const STATION_SUFFIX = '金银花收购点';

/** Plots: about 60 households, about a third planted this spring. */
export const PLOT_HOUSEHOLDS = 60;
export const FIRST_YEAR_SHARE = 0.35;
export const FIRST_YEAR_PLANTING = { from: '2026-03-10', to: '2026-04-25' } as const;
export const EARLIER_PLANTING_YEARS = [2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025] as const;
/** Subsidy lines of the season, paid in June; a few are still waiting. */
export const SUBSIDY_PAID_ON = '2026-06-18';
export const SUBSIDY_UNPAID_SHARE = 0.15;

export const PLOT_NOTES = [
	'村东河滩地',
	'承包地',
	'与邻户合种',
	'坡地，滴灌',
	'原玉米地改种',
	'扶贫产业基地内'
] as const;

/** Pickers: mostly working-age members of the stations' townships; monitored households more. */
export const PICKERS = 150;
export const MONITORED_WEIGHT = 3;
export const PICKER_AGES = { min: 16, max: 72 } as const;
export const WEIGH_INS_PER_PICKER = { min: 6, max: 24 } as const;
/** Kilograms of fresh flowers at one weigh-in, in 50 g steps on the station's scale. */
export const WEIGHT_GRAMS = { min: 2_000, max: 24_000, step: 50 } as const;

/**
 * Relative picking by month: the first flush in late May and June is the big one,
 * then smaller ones in July, August and September.
 */
export const MONTH_WEIGHTS: Record<string, number> = {
	'05': 3,
	'06': 6,
	'07': 3,
	'08': 2,
	'09': 1.5
};

/** People from across the provincial border who come for the season (not in the registry). */
export const OUTSIDE_PICKERS: readonly { name: string; addressCode: string | null }[] = [
	{ name: '刘玉兰', addressCode: '410526' },
	{ name: '张金花', addressCode: '410526' },
	{ name: '王翠英', addressCode: null },
	{ name: '李凤琴', addressCode: '410922' },
	{ name: '赵秀梅', addressCode: null },
	{ name: '孙桂芝', addressCode: '410926' }
];

/** Paid the Tuesday after each week; the latest week of the season is still to pay. */
export const PAY_DAYS_AFTER_WEEK = 8;
