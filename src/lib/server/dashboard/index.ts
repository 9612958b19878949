import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { canSeeTownship } from '../auth/scope';
import { listTownships } from '../divisions';
import { DomainError } from '../errors';
import { getCountyOptions } from '../monitoring';
import { PROGRAM_SOURCES } from '../income/attribution';
import { monitoringLineFor } from '../settings';
import { todayInChina } from '../../format';
import { WARNING_KINDS } from '../warnings/schema';
import { dashboardPeriod, monthsBetween, shiftMonth, type DashboardPeriod } from './period';

export { dashboardPeriod, type DashboardPeriod } from './period';

/**
 * The county's dashboard: what happened in a period, for the actor's area. Every figure
 * reads the kept summaries (household_standings, household_income_months) or an indexed
 * program table; none reads the ledger. Money figures cover whole calendar months: the
 * period is rounded out to the months it touches, because the income summary is monthly.
 */

export interface DashboardFilters {
	/** Inclusive business dates; rounded out to whole months. Default: January to this month. */
	from?: string;
	to?: string;
	/** A subset of the actor's townships; codes outside the actor's scope are ignored. */
	townshipCodes?: string[];
	/** A code of the county's monitoring-category list ('ordinary' = not monitored). */
	category?: string;
}

export type Program = (typeof PROGRAM_SOURCES)[number];
/** Lifted households whose growth came from income typed in by staff, or from no program. */
export type LiftProgram = Program | 'manual' | 'none';

export interface ProgramFigures {
	program: Program;
	/** Income the program paid households of the area in the period (fen). */
	incomeFen: number;
	/** Households that received income from the program in the period. */
	households: number;
	/** Households lifted above the line whose income grew most from this program. */
	lifted: number;
}

export interface TownshipFigures {
	code: string;
	name: string;
	households: number;
	monitored: number;
	below: number;
	warningsRaised: number;
	/** The four programs' income in the period (fen). */
	programIncomeFen: number;
}

export interface CountyDashboard {
	period: DashboardPeriod;
	/** The date overdue warnings and standings are counted on. */
	today: string;
	/** The townships the figures cover (the filter, or every township of the actor's scope). */
	townships: { code: string; name: string }[];
	/** The township filter as applied: empty when it covers the actor's whole area. */
	townshipFilter: string[];
	category: string | null;
	households: {
		total: number;
		monitored: number;
		below: number;
		near: number;
		above: number;
		unknown: number;
	};
	warnings: { raised: number; verified: number; closed: number; overdue: number };
	assistance: { households: number; people: number };
	aid: { totalFen: number; insuranceFen: number; plantingSubsidyFen: number; otherFen: number };
	programs: ProgramFigures[];
	factories: { jobsCreated: number; peopleEmployed: number };
	lifted: { total: number; byProgram: Record<LiftProgram, number>; lineFen: number | null };
	qualityOpen: number;
	/** Per month of the period: each program's income (fen). */
	trend: { month: string; incomeFen: Record<Program, number> }[];
	byTownship: TownshipFigures[];
	/** Warnings raised in the period per kind, and how many of them are still open. */
	warningsByKind: { kind: string; raised: number; stillOpen: number }[];
}

const INCOME_KINDS = sql`('wage', 'operating', 'property', 'transfer')`;
/**
 * A standing `s` counted as below, near, above or unknown (no resident member, no line): the
 * same conditions as village_counts' trigger (drizzle/0024).
 */
const STANDING_COUNTS = sql`count(*) filter (where s.below_line) as below,
	count(*) filter (where s.below_line = false and s.near_line) as near,
	count(*) filter (where s.below_line = false and not s.near_line) as above,
	count(*) filter (where s.household_id is not null and s.below_line is null
		and s.per_capita_fen is null) as unknown`;

/**
 * Rows of several per-village counts (`village` and count columns) as one row per township,
 * summed: grouping by the village column itself reads it in the index's order, while
 * grouping by its township prefix hashes every row.
 */
function sumByTownship(parts: Record<string, string>[][]): Record<string, string>[] {
	const merged = new Map<string, Record<string, string>>();
	for (const { village, ...counts } of parts.flat()) {
		const township = village.slice(0, 9);
		const row = merged.get(township) ?? { township };
		for (const [key, value] of Object.entries(counts)) row[key] = String(n(row[key]) + n(value));
		merged.set(township, row);
	}
	return [...merged.values()];
}

const PROGRAMS_SQL = sql`(${sql.join(
	PROGRAM_SOURCES.map((p) => sql`${p}`),
	sql`, `
)})`;

function rows<T>(result: unknown): T[] {
	return ((result as { rows?: T[] }).rows ?? result) as T[];
}

const n = (value: unknown) => Number(value ?? 0);

/** Township staff: their townships; admins: the county's. A filter only narrows it. */
function effectiveTownships(actor: UserActor, asked: readonly string[] | undefined): string[] {
	const valid = [...new Set(asked ?? [])].filter(
		(code) => /^\d{9}$/.test(code) && canSeeTownship(actor, code)
	);
	return valid.length > 0 ? valid.sort() : [];
}

/** The townships the figures cover: null for the whole county (an admin without a filter). */
function areaTownships(actor: UserActor, townshipFilter: readonly string[]): string[] | null {
	if (townshipFilter.length > 0) return [...townshipFilter];
	if (actor.role === 'township_staff') return [...actor.townshipCodes];
	return null;
}

/** A village code column in the townships (null: anywhere in the county). */
function inTownships(villageCode: SQL, townships: readonly string[] | null): SQL {
	if (townships === null) return sql`true`;
	if (townships.length === 0) return sql`false`;
	return sql`left(${villageCode}, 9) in (${sql.join(
		townships.map((t) => sql`${t}`),
		sql`, `
	)})`;
}

/** A household (by its county and id columns) of the category ('ordinary': not monitored). */
function ofCategory(countyId: SQL, householdId: SQL, category: string | null): SQL {
	if (category === null) return sql`true`;
	if (category === 'ordinary')
		return sql`not exists (select 1 from monitoring_records r
			where r.county_id = ${countyId} and r.household_id = ${householdId} and r.category <> 'ordinary')`;
	return sql`exists (select 1 from monitoring_records r
		where r.county_id = ${countyId} and r.household_id = ${householdId} and r.category = ${category})`;
}

/**
 * The condition on a households row `h` that selects the dashboard's households: the
 * county, the townships (the filter, else the staff member's own), the category.
 */
function dashboardHouseholdCondition(
	countyId: string,
	townships: readonly string[] | null,
	category: string | null
): SQL {
	return sql`h.county_id = ${countyId} and ${inTownships(sql`h.village_code`, townships)}
		and ${ofCategory(sql`h.county_id`, sql`h.id`, category)}`;
}

/** The county dashboard for the actor's area (county admins and township staff). */
export async function countyDashboard(
	db: Db,
	actor: UserActor,
	filters: DashboardFilters = {}
): Promise<CountyDashboard> {
	if (actor.role !== 'county_admin' && actor.role !== 'township_staff')
		throw DomainError.notFound();
	const today = todayInChina();
	const period = dashboardPeriod(filters.from, filters.to, today);
	const countyId = actor.countyId;
	const [options, allTownships] = await Promise.all([
		getCountyOptions(db, countyId),
		listTownships(db, actor.countyCode)
	]);
	const category =
		filters.category && options.category.some((o) => o.code === filters.category)
			? filters.category
			: null;
	const townshipFilter = effectiveTownships(actor, filters.townshipCodes);
	const covered = allTownships
		.filter((t) =>
			townshipFilter.length > 0 ? townshipFilter.includes(t.code) : canSeeTownship(actor, t.code)
		)
		.map((t) => ({ code: t.code, name: t.name }));
	const townships = areaTownships(actor, townshipFilter);
	const inArea = dashboardHouseholdCondition(countyId, townships, category);
	const scoped = sql`select h.id, left(h.village_code, 9) as township from households h where ${inArea}`;
	// The admin's county without a category: no figure needs to know where a household lives.
	const wholeCounty = townships === null && category === null;
	const { from, to } = period;
	const firstMonth = from;
	const lastMonth = `${to.slice(0, 7)}-01`;
	const beforeStart = shiftMonth(firstMonth, -12);
	const recentStart = shiftMonth(lastMonth, -11);

	// Without a category the counts are kept per village: a join of every household,
	// record and standing of a county costs a second.
	const householdsQuery =
		category === null
			? Promise.all([
					// The households and their standings counted per village, kept by the database
					// with every change (village_counts); the monitored few looked up by key.
					db.execute(sql`
						select c.village_code as village, c.households as total, c.below, c.near,
							c.above, c.unknown
						from village_counts c
						where c.county_id = ${countyId} and ${inTownships(sql`c.village_code`, townships)}`),
					db.execute(sql`
						select h.village_code as village, count(*) as monitored
						from monitoring_records r
						cross join lateral (select h.village_code from households h
							where h.id = r.household_id and ${inArea} limit 1) h
						where r.county_id = ${countyId} and r.status = 'monitored'
						group by 1`)
				]).then((parts) => sumByTownship(parts.map((part) => rows<Record<string, string>>(part))))
			: db.execute(sql`
		select left(h.village_code, 9) as township, count(*) as total,
			count(*) filter (where r.status = 'monitored') as monitored, ${STANDING_COUNTS}
		from households h
		left join monitoring_records r on r.county_id = h.county_id and r.household_id = h.id
		left join household_standings s on s.county_id = h.county_id and s.household_id = h.id
		where ${inArea}
		group by 1`);
	const warningsQuery = db.execute(sql`
		select left(w.village_code, 9) as township, w.kind,
			count(*) filter (where w.raised_on between ${from}::date and ${to}::date) as raised,
			count(*) filter (where w.raised_on between ${from}::date and ${to}::date
				and w.status <> 'closed') as still_open,
			count(*) filter (where w.verified_on between ${from}::date and ${to}::date) as verified,
			count(*) filter (where w.closed_on between ${from}::date and ${to}::date) as closed,
			count(*) filter (where w.status = 'open' and w.due_on < ${today}::date) as overdue
		from warnings w
		where w.county_id = ${countyId} and ${inTownships(sql`w.village_code`, townships)}
			and ${ofCategory(sql`w.county_id`, sql`w.household_id`, category)}
			and (w.status <> 'closed' or w.raised_on between ${from}::date and ${to}::date
				or w.closed_on between ${from}::date and ${to}::date
				or w.verified_on between ${from}::date and ${to}::date)
		group by 1, 2`);
	const assistanceQuery = db.execute(sql`
		select count(*) as households, coalesce(sum(s.residents), 0) as people
		from (select distinct m.household_id from assistance_measures m
			where m.county_id = ${countyId} and m.started_on between ${from}::date and ${to}::date) a
		join households h on h.county_id = ${countyId} and h.id = a.household_id
		left join household_standings s on s.county_id = h.county_id and s.household_id = h.id
		where ${inArea}`);
	// Income per township, month and program: the village summary (tens of thousands of
	// rows a year); with a category, the household summary of that category's households.
	const moneyQuery = db.execute(
		category === null
			? sql`
		select left(v.village_code, 9) as township, to_char(v.month, 'YYYY-MM') as month, v.source,
			sum(v.amount_fen) as income,
			coalesce(sum(v.amount_fen) filter (where v.kind = 'transfer'), 0) as transfer
		from village_income_months v
		where v.county_id = ${countyId} and v.month between ${firstMonth}::date and ${lastMonth}::date
			and v.kind in ${INCOME_KINDS} and ${inTownships(sql`v.village_code`, townships)}
		group by 1, 2, 3`
			: sql`
		select sc.township, to_char(m.month, 'YYYY-MM') as month, m.source,
			sum(m.amount_fen) as income,
			coalesce(sum(m.amount_fen) filter (where m.kind = 'transfer'), 0) as transfer
		from household_income_months m
		join (${scoped}) sc on sc.id = m.household_id
		where m.county_id = ${countyId} and m.month between ${firstMonth}::date and ${lastMonth}::date
			and m.kind in ${INCOME_KINDS}
		group by 1, 2, 3`
	);
	// Households each program paid in the period. A period of one calendar year from January
	// with no program income after it in that year (this year up to now, the default, or a
	// whole past year) counts the households' program years; any other period sums the
	// programs' rows of the monthly summary (indexed by program). The households table only
	// when the area is not the county.
	const reachQuery = programYearsCover(db, countyId, firstMonth, lastMonth).then((byYear) =>
		db.execute(
			byYear
				? sql`
		select y.source, count(*) as households from household_program_years y
		where y.county_id = ${countyId} and y.source in ${PROGRAMS_SQL}
			and y.year = ${Number(firstMonth.slice(0, 4))} and y.amount_fen > 0
			and ${wholeCounty ? sql`true` : sql`y.household_id in (select id from (${scoped}) sc)`}
		group by 1`
				: sql`
		select x.source, count(*) as households
		from (select m.household_id, m.source from household_income_months m
			where m.county_id = ${countyId} and m.source in ${PROGRAMS_SQL}
				and m.month between ${firstMonth}::date and ${lastMonth}::date
				and m.kind in ${INCOME_KINDS}
				and ${wholeCounty ? sql`true` : sql`m.household_id in (select id from (${scoped}) sc)`}
			group by 1, 2
			having sum(m.amount_fen) > 0) x
		group by 1`
		)
	);
	const jobsQuery = db.execute(sql`
		select count(*) filter (where j.started_on between ${from}::date and ${to}::date) as created,
			count(distinct j.worker_id_number) filter (where j.started_on <= ${to}::date
				and (j.ended_on is null or j.ended_on >= ${from}::date)) as employed
		from factory_jobs j
		join factories f on f.county_id = j.county_id and f.id = j.factory_id
		where j.county_id = ${countyId} and ${inTownships(sql`f.village_code`, townships)}
			and ${ofCategory(sql`j.county_id`, sql`j.household_id`, category)}`);
	const qualityQuery = db.execute(sql`
		select count(*) as open from quality_findings q
		where q.county_id = ${countyId}
			and ${wholeCounty ? sql`true` : sql`q.household_id in (select id from (${scoped}) sc)`}`);
	const [lineFen, fromStandings] = await Promise.all([
		monitoringLineFor(db, countyId, Number(from.slice(0, 4))),
		standingsHoldPriorYearOf(db, countyId, firstMonth, today)
	]);
	const liftedQuery =
		lineFen === null
			? Promise.resolve([])
			: db.execute(
					liftedSql(
						countyId,
						{
							scoped: wholeCounty ? null : scoped,
							standings: sql`${inTownships(sql`s.village_code`, townships)}
								and ${ofCategory(sql`s.county_id`, sql`s.household_id`, category)}`,
							fromStandings
						},
						{ beforeStart, firstMonth, recentStart, lastMonth },
						lineFen
					)
				);

	const [hh, wr, as, money, reach, jobs, quality, lifted] = await Promise.all([
		householdsQuery,
		warningsQuery,
		assistanceQuery,
		moneyQuery,
		reachQuery,
		jobsQuery,
		qualityQuery,
		liftedQuery
	]);
	const hhRows = rows<Record<string, string>>(hh);
	const wRows = rows<Record<string, string>>(wr);
	const incRows = rows<{
		township: string;
		month: string;
		source: string;
		income: string;
		transfer: string;
	}>(money);
	const reachRows = rows<{ source: string; households: string }>(reach);
	const sum = <R extends object>(list: R[], key: keyof R) =>
		list.reduce((total, r) => total + n(r[key]), 0);

	const programs: ProgramFigures[] = PROGRAM_SOURCES.map((program) => ({
		program,
		incomeFen: sum(
			incRows.filter((r) => r.source === program),
			'income'
		),
		households: n(reachRows.find((r) => r.source === program)?.households),
		lifted: 0
	}));
	const byLift: Record<LiftProgram, number> = {
		factory_wage: 0,
		picking: 0,
		planting_subsidy: 0,
		insurance: 0,
		manual: 0,
		none: 0
	};
	for (const r of rows<{ program: LiftProgram; households: string }>(lifted))
		byLift[r.program] = n(r.households);
	for (const p of programs) p.lifted = byLift[p.program];

	const transferOf = (source: string) =>
		sum(
			incRows.filter((r) => r.source === source),
			'transfer'
		);
	const aidTotal = sum(incRows, 'transfer');
	const insuranceFen = transferOf('insurance');
	const plantingSubsidyFen = transferOf('planting_subsidy');

	const months = monthsBetween(firstMonth, lastMonth);
	const trend = months.map((month) => ({
		month,
		incomeFen: Object.fromEntries(
			PROGRAM_SOURCES.map((p) => [
				p,
				sum(
					incRows.filter((r) => r.month === month && r.source === p),
					'income'
				)
			])
		) as Record<Program, number>
	}));

	const byTownship = covered.map((t) => {
		const h = hhRows.find((r) => r.township === t.code);
		return {
			code: t.code,
			name: t.name,
			households: n(h?.total),
			monitored: n(h?.monitored),
			below: n(h?.below),
			warningsRaised: sum(
				wRows.filter((r) => r.township === t.code),
				'raised'
			),
			programIncomeFen: sum(
				incRows.filter(
					(r) => r.township === t.code && (PROGRAM_SOURCES as readonly string[]).includes(r.source)
				),
				'income'
			)
		};
	});
	const [jobRow] = rows<Record<string, string>>(jobs);
	const [assistRow] = rows<Record<string, string>>(as);
	const [qualityRow] = rows<Record<string, string>>(quality);
	return {
		period,
		today,
		townships: covered,
		townshipFilter,
		category,
		households: {
			total: sum(hhRows, 'total'),
			monitored: sum(hhRows, 'monitored'),
			below: sum(hhRows, 'below'),
			near: sum(hhRows, 'near'),
			above: sum(hhRows, 'above'),
			unknown: sum(hhRows, 'unknown')
		},
		warnings: {
			raised: sum(wRows, 'raised'),
			verified: sum(wRows, 'verified'),
			closed: sum(wRows, 'closed'),
			overdue: sum(wRows, 'overdue')
		},
		assistance: { households: n(assistRow?.households), people: n(assistRow?.people) },
		aid: {
			totalFen: aidTotal,
			insuranceFen,
			plantingSubsidyFen,
			otherFen: aidTotal - insuranceFen - plantingSubsidyFen
		},
		programs,
		factories: { jobsCreated: n(jobRow?.created), peopleEmployed: n(jobRow?.employed) },
		lifted: {
			total: Object.values(byLift).reduce((a, b) => a + b, 0),
			byProgram: byLift,
			lineFen
		},
		qualityOpen: n(qualityRow?.open),
		trend,
		byTownship,
		warningsByKind: WARNING_KINDS.map((kind) => {
			const mine = wRows.filter((r) => r.kind === kind);
			return { kind, raised: sum(mine, 'raised'), stillOpen: sum(mine, 'still_open') };
		}).filter((k) => k.raised > 0)
	};
}

/**
 * Whether every standing of the county was evaluated in the year of a period that starts
 * in January, so that its prior-year sums are the 12 months before the period: the year
 * is this year and the nightly re-evaluation has run since it began (until then, standings
 * of last year are kept).
 */
async function standingsHoldPriorYearOf(
	db: Db,
	countyId: string,
	firstMonth: string,
	today: string
): Promise<boolean> {
	const year = firstMonth.slice(0, 4);
	if (firstMonth !== `${year}-01-01` || today.slice(0, 4) !== year) return false;
	const [run] = rows<{ done: boolean }>(
		await db.execute(sql`
			select exists (select 1 from scheduled_runs
				where county_id = ${countyId} and job = 'standings' and finished_at is not null
					and error is null and business_date >= ${firstMonth}::date) as done`)
	);
	return run?.done === true;
}

/**
 * Whether the programs' income of a period equals their income of its calendar year: the
 * period starts in January and ends in the same year, and no program income is on record
 * in that year after it (one look along the summary's program index).
 */
async function programYearsCover(
	db: Db,
	countyId: string,
	firstMonth: string,
	lastMonth: string
): Promise<boolean> {
	const year = firstMonth.slice(0, 4);
	if (firstMonth !== `${year}-01-01` || lastMonth.slice(0, 4) !== year) return false;
	const [later] = rows<{ any: boolean }>(
		await db.execute(sql`
			select exists (select 1 from household_income_months m
				where m.county_id = ${countyId} and m.source in ${PROGRAMS_SQL}
					and m.month > ${lastMonth}::date and m.month <= ${`${year}-12-01`}::date
					and m.kind in ${INCOME_KINDS}) as any`)
	);
	return later?.any !== true;
}

/**
 * Households lifted above the line in the period, each with the program that lifted it:
 * below the line on the first day of the period (net income of the 12 months before it,
 * from the monthly summary, per resident member now, against the line of that year), not
 * below it by the standing kept now, and with income on record in those 12 months (else
 * Levee did not know them yet). The program is the one whose income grew most between
 * those 12 months and the 12 months ending with the period (ties: more income now);
 * none grew → 'none'.
 *
 * A period from January of this year (the default) reads them from the standings, which
 * keep each household's prior calendar year (a partial index holds the few thousand such
 * households); other periods sum the monthly summary of every household in the area.
 * Either way the summary is read per program only for the lifted households.
 */
function liftedSql(
	countyId: string,
	area: {
		/** The area's households (null: the whole county). */
		scoped: SQL | null;
		/** The same area as a condition on the standings `s`. */
		standings: SQL;
		/** standingsHoldPriorYearOf the period. */
		fromStandings: boolean;
	},
	months: { beforeStart: string; firstMonth: string; recentStart: string; lastMonth: string },
	lineFen: number
): SQL {
	const { beforeStart, firstMonth, recentStart, lastMonth } = months;
	const lifted = area.fromStandings
		? // The same condition as household_standings_lifted_idx; line_fen is the period's line.
			sql`
		select s.household_id from household_standings s
		where s.county_id = ${countyId} and s.below_line = false and s.residents > 0
			and s.prior_year_income_fen <> 0 and s.prior_year_net_fen < s.line_fen * s.residents
			and ${area.standings}`
		: sql`
		select b.household_id
		from (select m.household_id,
				sum(case when m.kind = 'production_cost' then -m.amount_fen else m.amount_fen end) as net,
				coalesce(sum(m.amount_fen) filter (where m.kind in ${INCOME_KINDS}), 0) as income
			from household_income_months m
			where m.county_id = ${countyId} and m.month >= ${beforeStart}::date and m.month < ${firstMonth}::date
				and m.kind in ('wage', 'operating', 'property', 'transfer', 'production_cost')
				and ${area.scoped ? sql`m.household_id in (select id from (${area.scoped}) sc)` : sql`true`}
			group by 1) b
		join household_standings s on s.county_id = ${countyId} and s.household_id = b.household_id
		where s.below_line = false and s.residents > 0 and b.income <> 0
			and b.net < ${lineFen}::bigint * s.residents`;
	return sql`
		with lifted as materialized (${lifted}),
		growth as (
			select m.household_id, m.source,
				coalesce(sum(m.amount_fen) filter (where m.month >= ${recentStart}::date), 0) as recent,
				coalesce(sum(m.amount_fen) filter (where m.month < ${firstMonth}::date), 0) as earlier
			from household_income_months m
			where m.county_id = ${countyId} and m.household_id in (select household_id from lifted)
				and m.kind in ${INCOME_KINDS}
				and m.month >= ${beforeStart}::date and m.month <= ${lastMonth}::date
			group by 1, 2),
		best as (
			select distinct on (household_id) household_id, source from growth
			where recent - earlier > 0
			order by household_id, recent - earlier desc, recent desc, source)
		select coalesce(best.source, 'none') as program, count(*) as households
		from lifted left join best using (household_id)
		group by 1`;
}
