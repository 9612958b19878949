import { asc, sql } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { households } from '../households/schema';
import { householdIncomeMonths } from '../income/schema';
import { ledgerSourceName } from '../../labels';
import { m } from '../../paraglide/messages';
import { householdJoin, incomeMonthsWhere } from './payments';
import { reportScope, toNumber, type ReportParams } from './scope';
import type { Report } from './types';

// A minimal program summary: the income each program brought in the period, from the
// monthly per-household summary. The dashboard's fuller version replaces this file.

export async function programSummaryReport(
	db: Db,
	actor: UserActor,
	filters: ReportParams
): Promise<Report> {
	const scope = await reportScope(db, actor, filters);
	const where = incomeMonthsWhere(actor, scope);
	const figures = {
		households: sql<number>`count(distinct ${householdIncomeMonths.householdId})::int`,
		entries: sql<number>`coalesce(sum(${householdIncomeMonths.entries}), 0)::int`,
		totalFen: sql<string>`coalesce(sum(${householdIncomeMonths.amountFen}), 0)::bigint`
	};
	const [rows, [all]] = await Promise.all([
		db
			.select({ source: householdIncomeMonths.source, ...figures })
			.from(householdIncomeMonths)
			.innerJoin(households, householdJoin())
			.where(where)
			.groupBy(householdIncomeMonths.source)
			.orderBy(asc(householdIncomeMonths.source)),
		db
			.select(figures)
			.from(householdIncomeMonths)
			.innerJoin(households, householdJoin())
			.where(where)
	]);
	return {
		kind: 'program-summary',
		title: m.reports_summary_title(),
		area: scope.area,
		period: { from: scope.from, to: scope.to },
		generatedAt: new Date().toISOString(),
		tables: [
			{
				title: m.reports_summary_programs(),
				columns: [
					{ key: 'program', label: m.reports_col_program(), format: 'text' },
					{ key: 'households', label: m.reports_col_households(), format: 'integer' },
					{ key: 'entries', label: m.reports_col_entries(), format: 'integer' },
					{ key: 'totalFen', label: m.reports_col_amount(), format: 'fen' }
				],
				rows: rows.map((r) => ({
					program: ledgerSourceName(r.source),
					households: Number(r.households),
					entries: Number(r.entries),
					totalFen: toNumber(r.totalFen)
				})),
				totals: {
					program: m.reports_total(),
					households: Number(all?.households ?? 0),
					entries: Number(all?.entries ?? 0),
					totalFen: toNumber(all?.totalFen ?? 0)
				}
			}
		],
		definitions: [
			{ term: m.reports_col_amount(), text: m.reports_def_summary_what() },
			{ term: m.reports_col_month(), text: m.reports_def_payments_months() },
			{ term: m.reports_col_households(), text: m.reports_def_payments_households() }
		]
	};
}
