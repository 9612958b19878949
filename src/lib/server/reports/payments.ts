import { and, asc, eq, gte, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { households } from '../households/schema';
import { householdIncomeMonths, type LedgerKind } from '../income/schema';
import { ledgerSourceName } from '../../labels';
import { formatMonth } from '../../format';
import { m } from '../../paraglide/messages';
import { getLocale } from '../../paraglide/runtime';
import {
	householdsInScope,
	reportScope,
	toNumber,
	type ReportParams,
	type ReportScope
} from './scope';
import type { Report } from './types';

// Payments per program for the finance office, read from the monthly per-household income
// summary (one row per household × month × kind × program), never from the ledger.

/** Money paid to households; production costs and large expenses are not payments. */
export const INCOME_KINDS: LedgerKind[] = ['wage', 'operating', 'property', 'transfer'];

export const firstOfMonth = (date: string): string => `${date.slice(0, 7)}-01`;

/** The summary rows of the period's whole months in the scope, net of fully reversed months. */
export function incomeMonthsWhere(actor: UserActor, scope: ReportScope): SQL {
	return and(
		eq(householdIncomeMonths.countyId, actor.countyId),
		gte(householdIncomeMonths.month, firstOfMonth(scope.from)),
		lte(householdIncomeMonths.month, firstOfMonth(scope.to)),
		inArray(householdIncomeMonths.kind, INCOME_KINDS),
		or(sql`${householdIncomeMonths.entries} <> 0`, sql`${householdIncomeMonths.amountFen} <> 0`),
		householdsInScope(actor, scope)
	) as SQL;
}

export function householdJoin(): SQL {
	return and(
		eq(households.countyId, householdIncomeMonths.countyId),
		eq(households.id, householdIncomeMonths.householdId)
	) as SQL;
}

const entries = sql<number>`coalesce(sum(${householdIncomeMonths.entries}), 0)::int`;
const householdCount = sql<number>`count(distinct ${householdIncomeMonths.householdId})::int`;
const totalFen = sql<string>`coalesce(sum(${householdIncomeMonths.amountFen}), 0)::bigint`;

export async function paymentsReport(
	db: Db,
	actor: UserActor,
	params: ReportParams
): Promise<Report> {
	const scope = await reportScope(db, actor, params);
	const where = incomeMonthsWhere(actor, scope);
	const township = sql<string>`left(${households.villageCode}, 9)`;
	const source = householdIncomeMonths.source;
	const month = householdIncomeMonths.month;
	// One pass over the summary: the detail rows, the programs' rows and the total are
	// grouping sets of one query (three queries read a county's year three times).
	const level = sql<number>`grouping(${source}, ${month}, ${township})::int`;
	const all = await db
		.select({ level, source, month, township, entries, households: householdCount, totalFen })
		.from(householdIncomeMonths)
		.innerJoin(households, householdJoin())
		.where(where)
		.groupBy(sql`grouping sets ((${source}, ${month}, ${township}), (${source}), ())`)
		.orderBy(asc(source), asc(month), asc(township));
	// grouping() sets a bit for each column left out: 0 all three, 3 month and township, 7 none.
	const detail = all.filter((r) => Number(r.level) === 0);
	const perProgram = all.filter((r) => Number(r.level) === 3);
	const total = all.find((r) => Number(r.level) === 7);
	const locale = getLocale();
	const totals = {
		entries: Number(total?.entries ?? 0),
		households: Number(total?.households ?? 0),
		totalFen: toNumber(total?.totalFen ?? 0)
	};
	return {
		kind: 'payments',
		title: m.reports_payments_title(),
		area: scope.area,
		period: { from: scope.from, to: scope.to },
		generatedAt: new Date().toISOString(),
		tables: [
			{
				title: m.reports_payments_by_program(),
				columns: [
					{ key: 'program', label: m.reports_col_program(), format: 'text' },
					{ key: 'entries', label: m.reports_col_entries(), format: 'integer' },
					{ key: 'households', label: m.reports_col_households(), format: 'integer' },
					{ key: 'totalFen', label: m.reports_col_amount(), format: 'fen' }
				],
				rows: perProgram.map((r) => ({
					program: ledgerSourceName(r.source),
					entries: Number(r.entries),
					households: Number(r.households),
					totalFen: toNumber(r.totalFen)
				})),
				totals: { program: m.reports_total(), ...totals }
			},
			{
				title: m.reports_payments_detail(),
				columns: [
					{ key: 'program', label: m.reports_col_program(), format: 'text' },
					{ key: 'month', label: m.reports_col_month(), format: 'text' },
					{ key: 'township', label: m.reports_col_township(), format: 'text' },
					{ key: 'entries', label: m.reports_col_entries(), format: 'integer' },
					{ key: 'households', label: m.reports_col_households(), format: 'integer' },
					{ key: 'totalFen', label: m.reports_col_amount(), format: 'fen' }
				],
				rows: detail.map((r) => ({
					program: ledgerSourceName(r.source),
					month: formatMonth(r.month.slice(0, 7), locale),
					township: scope.names.get(r.township) ?? r.township,
					entries: Number(r.entries),
					households: Number(r.households),
					totalFen: toNumber(r.totalFen)
				})),
				totals: { program: m.reports_total(), month: '', township: '', ...totals }
			}
		],
		definitions: [
			{ term: m.reports_col_amount(), text: m.reports_def_payments_what() },
			{ term: m.reports_col_month(), text: m.reports_def_payments_months() },
			{ term: m.reports_col_entries(), text: m.reports_def_payments_entries() },
			{ term: m.reports_col_households(), text: m.reports_def_payments_households() }
		]
	};
}
