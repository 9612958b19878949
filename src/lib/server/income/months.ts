import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { householdIncomeMonths, type LedgerKind, type LedgerSource } from './schema';

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
	for (let i = 0; i < rows.length; i += 1000) {
		await tx
			.insert(householdIncomeMonths)
			.values(rows.slice(i, i + 1000))
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
	return ((result as { rows?: unknown[] }).rows ?? (result as unknown as unknown[])) as unknown[];
}
