import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { PROGRAM_SOURCES } from './attribution';
import { INCOME_KINDS, householdIncomeMonths, type LedgerKind, type LedgerSource } from './schema';

function rowsOf<T>(result: unknown): T[] {
	return ((result as { rows?: T[] }).rows ?? result) as T[];
}

/** What a written ledger row adds to its household's month. */
export interface MonthDelta {
	countyId: string;
	householdId: string;
	businessDate: string;
	kind: LedgerKind;
	source: LedgerSource;
	amountFen: number;
	/** 1 for an entry, -1 for a reversal: it cancels one. */
	entries: number;
}

const key = (d: MonthDelta) =>
	`${d.countyId}|${d.householdId}|${d.businessDate.slice(0, 7)}|${d.kind}|${d.source}`;

/**
 * Adds written ledger rows to the monthly summary. Only the income domain's posting
 * functions call it, in the transaction of the posting. Rows are summed per key first and
 * upserted in key order, so two concurrent sheets touching the same households lock them
 * in the same order and never deadlock.
 */
export async function addToIncomeMonths(tx: Db, deltas: readonly MonthDelta[]): Promise<void> {
	if (deltas.length === 0) return;
	const summed = new Map<string, MonthDelta>();
	for (const d of deltas) {
		const k = key(d);
		const sum = summed.get(k);
		if (sum) {
			sum.amountFen += d.amountFen;
			sum.entries += d.entries;
		} else summed.set(k, { ...d });
	}
	const rows = [...summed.entries()]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([, d]) => ({
			countyId: d.countyId,
			householdId: d.householdId,
			month: `${d.businessDate.slice(0, 7)}-01`,
			kind: d.kind,
			source: d.source,
			amountFen: d.amountFen,
			entries: d.entries
		}));
	// The households' villages are read under a share lock, taken in id order: a move to
	// another village (followVillageMoves) waits for this posting, or this posting for
	// the move, so the village sums always follow the household.
	const households = [...new Map(rows.map((r) => [`${r.countyId}|${r.householdId}`, r])).values()]
		.map((r) => ({ county_id: r.countyId, id: r.householdId }))
		.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	await tx.execute(sql`
		select h.id from households h
		join jsonb_to_recordset(${JSON.stringify(households)}::jsonb) as k(county_id uuid, id uuid)
			on h.county_id = k.county_id and h.id = k.id
		order by h.id for share of h`);
	for (let i = 0; i < rows.length; i += 1000) {
		const slice = rows.slice(i, i + 1000);
		await tx
			.insert(householdIncomeMonths)
			.values(slice)
			.onConflictDoUpdate({
				target: [
					householdIncomeMonths.countyId,
					householdIncomeMonths.householdId,
					householdIncomeMonths.month,
					householdIncomeMonths.kind,
					householdIncomeMonths.source
				],
				set: {
					amountFen: sql`${householdIncomeMonths.amountFen} + excluded.amount_fen`,
					entries: sql`${householdIncomeMonths.entries} + excluded.entries`
				}
			});
		await tx.execute(addToVillages(slice.map((r) => ({ ...r, sign: 1 }))));
		const programs = slice.filter((r) => isProgramIncome(r.kind, r.source));
		if (programs.length > 0) await tx.execute(addToProgramYears(programs));
	}
}

/** The programs' sources and the kinds of income: what household_program_years sums. */
const isProgramIncome = (kind: string, source: string) =>
	(INCOME_KINDS as readonly string[]).includes(kind) &&
	(PROGRAM_SOURCES as readonly string[]).includes(source);
const listOf = (values: readonly string[]) =>
	sql.join(
		values.map((v) => sql`${v}`),
		sql`, `
	);

/** household_program_years recomputed from household_income_months (the migration's backfill). */
export const PROGRAM_YEARS_FROM_MONTHS = sql`
	select county_id, source, extract(year from month)::int as year, household_id,
		sum(amount_fen) as amount_fen
	from household_income_months
	where source in (${listOf(PROGRAM_SOURCES)}) and kind in (${listOf(INCOME_KINDS)})
	group by 1, 2, 3, 4`;

/** Adds household-month rows of program income to their households' years, in key order. */
function addToProgramYears(
	deltas: readonly {
		countyId: string;
		householdId: string;
		month: string;
		source: string;
		amountFen: number;
	}[]
) {
	const json = JSON.stringify(
		deltas.map((d) => ({
			county_id: d.countyId,
			source: d.source,
			year: Number(d.month.slice(0, 4)),
			household_id: d.householdId,
			amount_fen: d.amountFen
		}))
	);
	return sql`
		insert into household_program_years (county_id, source, year, household_id, amount_fen)
		select d.county_id, d.source, d.year, d.household_id, sum(d.amount_fen)
		from jsonb_to_recordset(${json}::jsonb) as d(county_id uuid, source text, year int,
			household_id uuid, amount_fen bigint)
		group by 1, 2, 3, 4
		order by 1, 2, 3, 4
		on conflict (county_id, source, year, household_id) do update set
			amount_fen = household_program_years.amount_fen + excluded.amount_fen`;
}

/**
 * The rows where household_program_years differs from the monthly summary summed per year
 * (empty when addToIncomeMonths kept it right).
 */
export async function programYearsDifferences(db: Db, countyId: string): Promise<unknown[]> {
	const result = await db.execute(sql`
		with expected as (select * from (${PROGRAM_YEARS_FROM_MONTHS}) e
			where county_id = ${countyId} and amount_fen <> 0),
		stored as (select county_id, source, year, household_id, amount_fen
			from household_program_years where county_id = ${countyId} and amount_fen <> 0)
		select coalesce(e.household_id, s.household_id) as household_id,
			coalesce(e.source, s.source) as source, coalesce(e.year, s.year) as year,
			e.amount_fen::text as expected_fen, s.amount_fen::text as stored_fen
		from expected e full join stored s using (county_id, source, year, household_id)
		where e.amount_fen is distinct from s.amount_fen`);
	return rowsOf(result);
}

interface VillageDelta {
	countyId: string;
	householdId: string;
	month: string;
	kind: string;
	source: string;
	amountFen: number;
	entries: number;
}

/**
 * Adds household-month rows to their villages' rows (the household's village now), summed
 * per village and upserted in key order (no deadlocks between concurrent postings).
 */
function addToVillages(deltas: readonly VillageDelta[]) {
	const json = JSON.stringify(
		deltas.map((d) => ({
			county_id: d.countyId,
			household_id: d.householdId,
			month: d.month,
			kind: d.kind,
			source: d.source,
			amount_fen: d.amountFen,
			entries: d.entries
		}))
	);
	return sql`
		insert into village_income_months (county_id, village_code, month, kind, source, amount_fen, entries)
		select d.county_id, h.village_code, d.month, d.kind, d.source, sum(d.amount_fen), sum(d.entries)
		from jsonb_to_recordset(${json}::jsonb) as d(county_id uuid, household_id uuid, month date,
			kind text, source text, amount_fen bigint, entries int)
		join households h on h.county_id = d.county_id and h.id = d.household_id
		group by 1, 2, 3, 4, 5
		order by 1, 2, 3, 4, 5
		on conflict (county_id, village_code, month, kind, source) do update set
			amount_fen = village_income_months.amount_fen + excluded.amount_fen,
			entries = village_income_months.entries + excluded.entries`;
}

/**
 * Call BEFORE a change of households' villages is written, in its transaction: moves each
 * moving household's monthly sums from its old village to the new one, and the village
 * its standing and its warnings carry. The households are
 * locked first (in id order), so no posting to them runs in between.
 */
export async function followVillageMoves(
	tx: Db,
	countyId: string,
	moves: readonly { householdId: string; villageCode: string }[]
): Promise<void> {
	if (moves.length === 0) return;
	const target = new Map(moves.map((m) => [m.householdId, m.villageCode]));
	const ids = [...target.keys()].sort();
	const moving: { household_id: string; from_village: string; to_village: string }[] = [];
	for (let i = 0; i < ids.length; i += 5000) {
		const current = rowsOf<{ id: string; village_code: string }>(
			await tx.execute(sql`
				select id, village_code from households
				where county_id = ${countyId}
					and id in (${sql.join(
						ids.slice(i, i + 5000).map((id) => sql`${id}::uuid`),
						sql`, `
					)})
				order by id for no key update`)
		);
		for (const h of current) {
			const to = target.get(h.id)!;
			if (to !== h.village_code)
				moving.push({ household_id: h.id, from_village: h.village_code, to_village: to });
		}
	}
	for (let i = 0; i < moving.length; i += 5000) {
		const json = JSON.stringify(moving.slice(i, i + 5000));
		await tx.execute(sql`
			update household_standings s set village_code = mv.to_village
			from jsonb_to_recordset(${json}::jsonb) as mv(household_id uuid, to_village text)
			where s.county_id = ${countyId} and s.household_id = mv.household_id`);
		await tx.execute(sql`
			update warnings w set village_code = mv.to_village
			from jsonb_to_recordset(${json}::jsonb) as mv(household_id uuid, to_village text)
			where w.county_id = ${countyId} and w.household_id = mv.household_id`);
		await tx.execute(sql`
			insert into village_income_months (county_id, village_code, month, kind, source, amount_fen, entries)
			select m.county_id, v.village_code, m.month, m.kind, m.source,
				sum(v.sign * m.amount_fen), sum(v.sign * m.entries)
			from jsonb_to_recordset(${json}::jsonb) as mv(household_id uuid, from_village text, to_village text)
			cross join lateral (values (mv.from_village, -1), (mv.to_village, 1)) as v(village_code, sign)
			join household_income_months m on m.county_id = ${countyId} and m.household_id = mv.household_id
			group by 1, 2, 3, 4, 5
			order by 1, 2, 3, 4, 5
			on conflict (county_id, village_code, month, kind, source) do update set
				amount_fen = village_income_months.amount_fen + excluded.amount_fen,
				entries = village_income_months.entries + excluded.entries`);
	}
}

/**
 * The summary as the ledger says it should be, for the tests and the bench: the same
 * columns grouped straight from ledger_entries (reversals count -1 entry).
 */
export const INCOME_MONTHS_FROM_LEDGER = sql`
	select county_id, household_id, date_trunc('month', business_date)::date as month, kind, source,
		sum(amount_fen)::bigint as amount_fen,
		sum(case when reverses_entry_id is null then 1 else -1 end)::int as entries
	from ledger_entries
	group by county_id, household_id, date_trunc('month', business_date)::date, kind, source`;

/**
 * The rows where the stored summary and the ledger disagree, for one county: empty when
 * the summary is whole. The tests call it after random postings; an operator can too.
 */
export async function incomeMonthsDifferences(db: Db, countyId: string): Promise<unknown[]> {
	const result = await db.execute(sql`
		with expected as (select * from (${INCOME_MONTHS_FROM_LEDGER}) e where county_id = ${countyId}),
		stored as (select county_id, household_id, month, kind, source, amount_fen, entries
			from household_income_months where county_id = ${countyId})
		select coalesce(e.household_id, s.household_id) as household_id,
			coalesce(e.month, s.month)::text as month, coalesce(e.kind, s.kind) as kind,
			coalesce(e.source, s.source) as source,
			e.amount_fen::text as expected_fen, s.amount_fen::text as stored_fen,
			e.entries as expected_entries, s.entries as stored_entries
		from expected e full join stored s using (county_id, household_id, month, kind, source)
		where e.amount_fen is distinct from s.amount_fen or e.entries is distinct from s.entries`);
	return rowsOf(result);
}

/** The village summary as household_income_months says it should be (tests, bench, backfill). */
export const VILLAGE_INCOME_MONTHS_FROM_HOUSEHOLDS = sql`
	select m.county_id, h.village_code, m.month, m.kind, m.source,
		sum(m.amount_fen)::bigint as amount_fen, sum(m.entries)::int as entries
	from household_income_months m
	join households h on h.county_id = m.county_id and h.id = m.household_id
	group by m.county_id, h.village_code, m.month, m.kind, m.source`;

/**
 * Where the village summary and household_income_months disagree, for one county (rows
 * summing to nothing count as absent): empty when the village summary is whole.
 */
export async function villageIncomeMonthsDifferences(db: Db, countyId: string): Promise<unknown[]> {
	const result = await db.execute(sql`
		with expected as (select * from (${VILLAGE_INCOME_MONTHS_FROM_HOUSEHOLDS}) e
			where county_id = ${countyId} and (amount_fen <> 0 or entries <> 0)),
		stored as (select county_id, village_code, month, kind, source, amount_fen, entries
			from village_income_months where county_id = ${countyId} and (amount_fen <> 0 or entries <> 0))
		select coalesce(e.village_code, s.village_code) as village_code,
			coalesce(e.month, s.month)::text as month, coalesce(e.kind, s.kind) as kind,
			coalesce(e.source, s.source) as source,
			e.amount_fen::text as expected_fen, s.amount_fen::text as stored_fen,
			e.entries as expected_entries, s.entries as stored_entries
		from expected e full join stored s using (county_id, village_code, month, kind, source)
		where e.amount_fen is distinct from s.amount_fen or e.entries is distinct from s.entries`);
	return rowsOf(result);
}
