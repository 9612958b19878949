import { and, eq, gt, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { householdIncomeMonths, ledgerEntries } from './schema';

// Set-based readings of the ledger for many households at once (the monitoring rules run
// over a 5,000-line payment sheet or a whole county): one grouped query per 5,000 households.

const CHUNK = 5000;

/** Net income of a month's summary row: income kinds count, costs subtract, large expenses not. */
const MONTH_NET = sql<number>`case ${householdIncomeMonths.kind} when 'large_expense' then 0 when 'production_cost' then -${householdIncomeMonths.amountFen} else ${householdIncomeMonths.amountFen} end`;

/**
 * Net income per household and calendar month ('2026-10') for the months from `fromMonth`
 * up to, not including, `toMonth` (both 'YYYY-MM'). Months without entries are absent.
 * Read from the monthly summary kept with each posting, not the ledger: the nightly rules
 * ask this of every household of the county.
 */
export async function monthlyNetIncomes(
	db: Db,
	countyId: string,
	householdIds: string[],
	fromMonth: string,
	toMonth: string
): Promise<Map<string, Map<string, number>>> {
	const result = new Map<string, Map<string, number>>();
	for (let i = 0; i < householdIds.length; i += CHUNK) {
		const ids = householdIds.slice(i, i + CHUNK);
		const month = sql<string>`to_char(${householdIncomeMonths.month}, 'YYYY-MM')`;
		const rows = await db
			.select({
				householdId: householdIncomeMonths.householdId,
				month,
				netFen: sql<string>`coalesce(sum(${MONTH_NET}), 0)`
			})
			.from(householdIncomeMonths)
			.where(
				and(
					eq(householdIncomeMonths.countyId, countyId),
					inArray(householdIncomeMonths.householdId, ids),
					gte(householdIncomeMonths.month, `${fromMonth}-01`),
					lt(householdIncomeMonths.month, `${toMonth}-01`)
				)
			)
			.groupBy(householdIncomeMonths.householdId, month);
		for (const row of rows) {
			let months = result.get(row.householdId);
			if (!months) result.set(row.householdId, (months = new Map()));
			months.set(row.month, Number(row.netFen));
		}
	}
	return result;
}

export interface LargeExpenseEntry {
	householdId: string;
	entryId: string;
	businessDate: string;
	amountFen: number;
	/** The household's net income of the 12 months up to and including the expense's date. */
	annualNetFen: number;
}

/**
 * The large-expense entries dated after `after` up to `to` (inclusive) that were not
 * reversed, each with the household's net income of the 12 months before it (the day a
 * year earlier excluded, the expense's day included, as the 12-month window everywhere).
 */
export async function largeExpensesWithAnnualNet(
	db: Db,
	countyId: string,
	householdIds: string[],
	after: string,
	to: string
): Promise<LargeExpenseEntry[]> {
	const result: LargeExpenseEntry[] = [];
	for (let i = 0; i < householdIds.length; i += CHUNK) {
		const ids = householdIds.slice(i, i + CHUNK);
		const rows = await db.execute(sql`
			select e.household_id, e.id, e.business_date::text as business_date, e.amount_fen,
				(select coalesce(sum(case i.kind when 'large_expense' then 0
						when 'production_cost' then -i.amount_fen else i.amount_fen end), 0)
					from ledger_entries i
					where i.county_id = e.county_id and i.household_id = e.household_id
						and i.business_date > (e.business_date - interval '1 year')::date
						and i.business_date <= e.business_date) as annual_net
			from ledger_entries e
			where e.county_id = ${countyId}
				and e.household_id in ${sql`(${sql.join(
					ids.map((id) => sql`${id}`),
					sql`, `
				)})`}
				and e.kind = 'large_expense' and e.reverses_entry_id is null and e.amount_fen > 0
				and e.business_date > ${after} and e.business_date <= ${to}
				and not exists (select 1 from ledger_entries r
					where r.county_id = e.county_id and r.reverses_entry_id = e.id)`);
		const list = ((rows as { rows?: unknown[] }).rows ?? rows) as Record<string, unknown>[];
		for (const row of list)
			result.push({
				householdId: String(row.household_id),
				entryId: String(row.id),
				businessDate: String(row.business_date),
				amountFen: Number(row.amount_fen),
				annualNetFen: Number(row.annual_net)
			});
	}
	return result;
}

/**
 * The households with at least one ledger entry dated after `after` up to `to` (inclusive):
 * a household without any has no income on record, which is not the same as no income.
 */
export async function householdsWithEntries(
	db: Db,
	countyId: string,
	householdIds: string[],
	after: string,
	to: string
): Promise<Set<string>> {
	const result = new Set<string>();
	for (let i = 0; i < householdIds.length; i += CHUNK) {
		const rows = await db
			.selectDistinct({ householdId: ledgerEntries.householdId })
			.from(ledgerEntries)
			.where(
				and(
					eq(ledgerEntries.countyId, countyId),
					inArray(ledgerEntries.householdId, householdIds.slice(i, i + CHUNK)),
					gt(ledgerEntries.businessDate, after),
					lte(ledgerEntries.businessDate, to)
				)
			);
		for (const row of rows) result.add(row.householdId);
	}
	return result;
}
