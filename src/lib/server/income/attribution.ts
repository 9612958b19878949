import { and, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { isUuid } from '../db/ids';
import type { UserActor } from '../auth/actor';
import { canSeeHousehold, householdScope } from '../auth/scope';
import { DomainError } from '../errors';
import { households } from '../households/schema';
import { monitoringRecords } from '../monitoring/schema';
import { getCountySettings } from '../settings';
import { todayInChina } from '../../format';
import { monthsBefore, windowStart } from './account';
import { INCOME_KINDS, ledgerEntries } from './schema';
import { standingsSelect } from './standings';

/**
 * Attribution: how much income each program brought a household or the county.
 *
 * A program is the source of the entry: factory wages, picking pay, planting subsidies,
 * insurance payouts; everything typed in by staff is "other", one line per subtype
 * ('manual:dibao', 'manual:pv_dividend', …). Only income counts (wage, operating, property,
 * transfer), not costs or large expenses.
 *
 * Who was lifted above the line: households whose per-capita income was below the line on
 * the date a year ago and is not below it now (both from the one account computation,
 * each against its own year's line), leaving out households with no income on record in
 * the 12 months before that date (Levee did not know them yet). Each is attributed to the program whose income grew
 * most between the 12 months before that date and the 12 months since (ties: the one
 * bringing more now); when no program grew, the household rose for another reason (fewer
 * people at home, lower costs) and is counted under 'none'.
 */

export const PROGRAM_SOURCES = [
	'factory_wage',
	'picking',
	'planting_subsidy',
	'insurance'
] as const;
export const NO_PROGRAM = 'none';

export interface ProgramIncome {
	/** 'factory_wage' | 'picking' | 'planting_subsidy' | 'insurance' | 'manual:<subtype>' */
	program: string;
	thisYearFen: number;
	lastYearFen: number;
}

export interface ProgramChange {
	program: string;
	beforeFen: number;
	recentFen: number;
	changeFen: number;
}

export interface HouseholdAttribution {
	householdId: string;
	year: number;
	programs: ProgramIncome[];
	/** Null when the household has never entered monitoring. */
	sinceMonitoring: {
		monitoredSince: string;
		/** The 12 months before entering: [monitoredSince − 1 year, monitoredSince). */
		before: { from: string; to: string };
		/** The last 12 months: (onDate − 1 year, onDate]. */
		recent: { from: string; to: string };
		programs: ProgramChange[];
		totalChangeFen: number;
	} | null;
}

export interface LiftedHousehold {
	householdId: string;
	householdNumber: string;
	villageCode: string;
	program: string;
	growthFen: number;
	perCapitaBeforeFen: number;
	perCapitaNowFen: number;
}

export interface CountyAttribution {
	year: number;
	onDate: string;
	programs: ProgramIncome[];
	lifted: {
		total: number;
		/** Households lifted, per program that lifted them, most first. */
		byProgram: { program: string; households: number }[];
		/** The first 200, the largest growth first. */
		households: LiftedHousehold[];
	};
}

const programOf = sql<string>`case when ${ledgerEntries.source} = 'manual'
	then 'manual:' || ${ledgerEntries.subtype} else ${ledgerEntries.source} end`;

function sortPrograms<T extends { program: string }>(rows: T[], size: (row: T) => number): T[] {
	const order = (p: string) => {
		const i = (PROGRAM_SOURCES as readonly string[]).indexOf(p);
		return i < 0 ? PROGRAM_SOURCES.length : i;
	};
	// The county's programs first, in their fixed order; the rest by size.
	return rows.sort((a, b) => order(a.program) - order(b.program) || size(b) - size(a));
}

type DateRange = { from: string; to: string };

/**
 * Income per program in each of the date ranges (one statement, however many ranges), for
 * the households `scope` selects: program → the sum in each range, in their order.
 */
async function incomeByProgram(
	db: Db,
	countyId: string,
	scope: SQL,
	...ranges: DateRange[]
): Promise<Map<string, number[]>> {
	const sums = ranges.map(
		(r) =>
			sql`coalesce(sum(${ledgerEntries.amountFen}) filter (where ${ledgerEntries.businessDate} between ${r.from}::date and ${r.to}::date), 0)::text`
	);
	const rows = await db
		.select({
			program: programOf,
			sums: sql<string[]>`array[${sql.join(sums, sql`, `)}]`
		})
		.from(ledgerEntries)
		.where(
			and(
				eq(ledgerEntries.countyId, countyId),
				scope,
				inArray(ledgerEntries.kind, [...INCOME_KINDS]),
				gte(ledgerEntries.businessDate, ranges.map((r) => r.from).sort()[0]),
				lte(
					ledgerEntries.businessDate,
					ranges
						.map((r) => r.to)
						.sort()
						.at(-1)!
				)
			)
		)
		.groupBy(sql`1`);
	return new Map(rows.map((r) => [r.program, r.sums.map(Number)]));
}

const yearRange = (year: number, onDate: string) => ({
	from: `${year}-01-01`,
	to: onDate < `${year}-12-31` ? onDate : `${year}-12-31`
});

/** Income each program brought one household this year and last, and since monitoring began. */
export async function householdAttribution(
	db: Db,
	actor: UserActor,
	householdId: string,
	year: number,
	onDate: string = todayInChina()
): Promise<HouseholdAttribution> {
	if (!isUuid(householdId)) throw DomainError.notFound();
	const [household] = await db
		.select({
			countyId: households.countyId,
			id: households.id,
			villageCode: households.villageCode,
			monitoredSince: monitoringRecords.monitoredSince
		})
		.from(households)
		.leftJoin(
			monitoringRecords,
			and(
				eq(monitoringRecords.countyId, households.countyId),
				eq(monitoringRecords.householdId, households.id)
			)
		)
		.where(and(eq(households.countyId, actor.countyId), eq(households.id, householdId)));
	if (!household || !canSeeHousehold(actor, household)) throw DomainError.notFound();
	const scope = eq(ledgerEntries.householdId, householdId);
	const since = household.monitoredSince;
	const before =
		since !== null && since <= onDate
			? { from: monthsBefore(since, 12), to: addDay(since, -1) }
			: null;
	const recent = { from: windowStart(onDate), to: onDate };
	// The years and, for a monitored household, before and since: one read of its ledger.
	const sums = await incomeByProgram(
		db,
		actor.countyId,
		scope,
		yearRange(year, onDate),
		yearRange(year - 1, onDate),
		...(before ? [before, recent] : [])
	);
	const programs = sortPrograms(
		[...sums].map(([program, [thisYearFen, lastYearFen]]) => ({
			program,
			thisYearFen,
			lastYearFen
		})),
		(r) => r.thisYearFen
	).filter((r) => r.thisYearFen !== 0 || r.lastYearFen !== 0);
	let sinceMonitoring: HouseholdAttribution['sinceMonitoring'] = null;
	if (since !== null && before) {
		const rows = sortPrograms(
			[...sums].map(([program, [, , beforeFen, recentFen]]) => ({
				program,
				beforeFen,
				recentFen,
				changeFen: recentFen - beforeFen
			})),
			(r) => Math.abs(r.changeFen)
		).filter((r) => r.beforeFen !== 0 || r.recentFen !== 0);
		sinceMonitoring = {
			monitoredSince: since,
			before,
			recent,
			programs: rows,
			totalChangeFen: rows.reduce((total, r) => total + r.changeFen, 0)
		};
	}
	return { householdId, year, programs, sinceMonitoring };
}

function addDay(isoDate: string, days: number): string {
	const date = new Date(`${isoDate}T00:00:00Z`);
	date.setUTCDate(date.getUTCDate() + days);
	return date.toISOString().slice(0, 10);
}

interface StandingRow {
	household_id: string;
	per_capita: string | number | null;
	below_line: boolean | null;
}

function rowsOf<T>(result: unknown): T[] {
	return ((result as { rows?: T[] }).rows ?? result) as T[];
}

/** The county's (or the actor's townships') program income and who was lifted above the line. */
export async function countyAttribution(
	db: Db,
	actor: UserActor,
	year: number,
	onDate: string = todayInChina()
): Promise<CountyAttribution> {
	if (actor.role !== 'county_admin' && actor.role !== 'township_staff')
		throw DomainError.notFound();
	const countyId = actor.countyId;
	const inScope = (column: SQL) =>
		sql`${column} in (select ${households.id} from ${households} where ${householdScope(actor)})`;
	const ledgerScope = inScope(sql`${ledgerEntries.householdId}`);
	const years = await incomeByProgram(
		db,
		countyId,
		ledgerScope,
		yearRange(year, onDate),
		yearRange(year - 1, onDate)
	);
	const programs = sortPrograms(
		[...years].map(([program, [thisYearFen, lastYearFen]]) => ({
			program,
			thisYearFen,
			lastYearFen
		})),
		(r) => r.thisYearFen
	).filter((r) => r.thisYearFen !== 0 || r.lastYearFen !== 0);

	// Below the line a year ago, not below it now: the same computation on both dates.
	const yearAgo = monthsBefore(onDate, 12);
	const { nearLineMarginPct } = await getCountySettings(db, countyId);
	const [then, now] = await Promise.all([
		db.execute(standingsSelect(countyId, yearAgo, nearLineMarginPct, inScope, false)),
		db.execute(standingsSelect(countyId, onDate, nearLineMarginPct, inScope, false))
	]);
	const nowById = new Map(rowsOf<StandingRow>(now).map((r) => [r.household_id, r]));
	const lifted = rowsOf<StandingRow>(then)
		.filter((r) => r.below_line === true && nowById.get(r.household_id)?.below_line === false)
		.map((r) => ({
			householdId: r.household_id,
			before: Number(r.per_capita),
			now: Number(nowById.get(r.household_id)!.per_capita)
		}));
	const growth = new Map<string, { program: string; growthFen: number; recentFen: number }>();
	// Households with income on record in the earlier 12 months: the others were not
	// "below the line" then, Levee just did not know their income yet.
	const known = new Set<string>();
	for (let i = 0; i < lifted.length; i += 5000) {
		const ids = lifted.slice(i, i + 5000).map((l) => l.householdId);
		const rows = await db
			.select({
				householdId: ledgerEntries.householdId,
				program: programOf,
				before: sql<string>`coalesce(sum(${ledgerEntries.amountFen}) filter (where ${ledgerEntries.businessDate} <= ${yearAgo}::date), 0)`,
				recent: sql<string>`coalesce(sum(${ledgerEntries.amountFen}) filter (where ${ledgerEntries.businessDate} > ${yearAgo}::date), 0)`
			})
			.from(ledgerEntries)
			.where(
				and(
					eq(ledgerEntries.countyId, countyId),
					inArray(ledgerEntries.householdId, ids),
					inArray(ledgerEntries.kind, [...INCOME_KINDS]),
					gte(ledgerEntries.businessDate, windowStart(yearAgo)),
					lte(ledgerEntries.businessDate, onDate)
				)
			)
			.groupBy(sql`1, 2`);
		for (const row of rows) {
			if (Number(row.before) !== 0) known.add(row.householdId);
			const growthFen = Number(row.recent) - Number(row.before);
			const recentFen = Number(row.recent);
			const best = growth.get(row.householdId);
			if (
				growthFen > 0 &&
				(!best ||
					growthFen > best.growthFen ||
					(growthFen === best.growthFen && recentFen > best.recentFen))
			)
				growth.set(row.householdId, { program: row.program, growthFen, recentFen });
		}
	}
	const all = lifted
		.filter((l) => known.has(l.householdId))
		.map((l) => {
			const best = growth.get(l.householdId);
			return {
				householdId: l.householdId,
				program: best?.program ?? NO_PROGRAM,
				growthFen: best?.growthFen ?? 0,
				perCapitaBeforeFen: l.before,
				perCapitaNowFen: l.now
			};
		});
	const shown = [...all].sort((a, b) => b.growthFen - a.growthFen).slice(0, 200);
	const numbers = new Map(
		shown.length === 0
			? []
			: (
					await db
						.select({
							id: households.id,
							householdNumber: households.householdNumber,
							villageCode: households.villageCode
						})
						.from(households)
						.where(
							and(
								eq(households.countyId, countyId),
								inArray(
									households.id,
									shown.map((l) => l.householdId)
								)
							)
						)
				).map((h) => [h.id, h])
	);
	const counts = new Map<string, number>();
	for (const l of all) counts.set(l.program, (counts.get(l.program) ?? 0) + 1);
	return {
		year,
		onDate,
		programs,
		lifted: {
			total: all.length,
			byProgram: [...counts]
				.map(([program, n]) => ({ program, households: n }))
				.sort((a, b) => b.households - a.households || a.program.localeCompare(b.program)),
			households: shown.map((l) => ({
				...l,
				householdNumber: numbers.get(l.householdId)?.householdNumber ?? '',
				villageCode: numbers.get(l.householdId)?.villageCode ?? ''
			}))
		}
	};
}

/** attribution(db, actor, { householdId?, year }): one household's, or the actor's area's. */
export function attribution(
	db: Db,
	actor: UserActor,
	input: { householdId: string; year: number; onDate?: string }
): Promise<HouseholdAttribution>;
export function attribution(
	db: Db,
	actor: UserActor,
	input: { householdId?: undefined; year: number; onDate?: string }
): Promise<CountyAttribution>;
export function attribution(
	db: Db,
	actor: UserActor,
	input: { householdId?: string; year: number; onDate?: string }
): Promise<HouseholdAttribution | CountyAttribution> {
	return input.householdId
		? householdAttribution(db, actor, input.householdId, input.year, input.onDate)
		: countyAttribution(db, actor, input.year, input.onDate);
}
