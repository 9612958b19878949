import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { findCountyByCode } from '../divisions';
import { countyDashboard, type DashboardFilters } from '../dashboard';
import { m } from '../../paraglide/messages.js';
import { ledgerSourceName } from '../../labels';
import type { Report, ReportCell, ReportTable } from './types';

type Locale = 'zh-CN' | 'en';

/**
 * The program summary for a period (the kind of figures the county reports to the
 * province): the dashboard's own figures, so the printed report and the screen agree.
 */
export async function programSummaryReport(
	db: Db,
	actor: UserActor,
	filters: DashboardFilters,
	locale: Locale = 'zh-CN'
): Promise<Report> {
	const d = await countyDashboard(db, actor, filters);
	const t = (key: keyof typeof m, params: Record<string, unknown> = {}) =>
		(m[key] as (p: Record<string, unknown>, o: { locale: Locale }) => string)(params, { locale });
	const county = await findCountyByCode(db, actor.countyCode);
	const area =
		(county?.name ?? '') +
		(d.townshipFilter.length > 0 || actor.role === 'township_staff'
			? ` · ${d.townships.map((x) => x.name).join('、')}`
			: ` · ${t('report_program_summary_county')}`);
	const figure = (key: string, value: number, unit: string): Record<string, ReportCell> => ({
		key,
		figure: t(key as keyof typeof m),
		value,
		unit
	});
	const households = t('report_unit_households');
	const items = t('report_unit_items');
	const figures: ReportTable = {
		title: t('report_figures'),
		columns: [
			{ key: 'figure', label: t('report_col_figure'), format: 'text' },
			{ key: 'value', label: t('report_col_value'), format: 'integer' },
			{ key: 'unit', label: t('report_col_unit'), format: 'text' }
		],
		rows: [
			figure('dashboard_households_total', d.households.total, households),
			figure('dashboard_monitored', d.households.monitored, households),
			figure('dashboard_below', d.households.below, households),
			figure('dashboard_near', d.households.near, households),
			figure('dashboard_above', d.households.above, households),
			figure('dashboard_warnings_raised', d.warnings.raised, items),
			figure('dashboard_warnings_verified', d.warnings.verified, items),
			figure('dashboard_warnings_overdue', d.warnings.overdue, items),
			figure('dashboard_warnings_closed', d.warnings.closed, items),
			figure('dashboard_people_assisted', d.assistance.people, t('report_unit_people')),
			figure('dashboard_jobs_created', d.factories.jobsCreated, t('report_unit_people')),
			figure('dashboard_people_employed', d.factories.peopleEmployed, t('report_unit_people')),
			figure('dashboard_quality_open', d.qualityOpen, items),
			// Money in fen, like every amount Levee keeps; the renderer shows it as yuan.
			{ key: 'aid_paid', figure: t('dashboard_aid_paid'), value: d.aid.totalFen, unit: 'fen' }
		]
	};
	const programs: ReportTable = {
		title: t('report_programs'),
		columns: [
			{ key: 'program', label: t('report_col_program'), format: 'text' },
			{ key: 'incomeFen', label: t('report_col_program_income'), format: 'fen' },
			{ key: 'households', label: t('report_col_program_households'), format: 'integer' },
			{ key: 'lifted', label: t('report_col_program_lifted'), format: 'integer' }
		],
		rows: d.programs.map((p) => ({
			program: ledgerSourceName(p.program),
			incomeFen: p.incomeFen,
			households: p.households,
			lifted: p.lifted
		})),
		totals: {
			program: t('report_total'),
			incomeFen: d.programs.reduce((a, p) => a + p.incomeFen, 0),
			// A household reached by two programs is one household: no total.
			households: null,
			lifted: d.programs.reduce((a, p) => a + p.lifted, 0)
		}
	};
	const townships: ReportTable = {
		title: t('report_townships'),
		columns: [
			{ key: 'township', label: t('dashboard_col_township'), format: 'text' },
			{ key: 'households', label: t('dashboard_col_households'), format: 'integer' },
			{ key: 'monitored', label: t('dashboard_col_monitored'), format: 'integer' },
			{ key: 'below', label: t('dashboard_col_below'), format: 'integer' },
			{ key: 'warnings', label: t('dashboard_col_warnings'), format: 'integer' },
			{ key: 'incomeFen', label: t('dashboard_col_income'), format: 'fen' }
		],
		rows: d.byTownship.map((x) => ({
			township: x.name,
			households: x.households,
			monitored: x.monitored,
			below: x.below,
			warnings: x.warningsRaised,
			incomeFen: x.programIncomeFen
		})),
		totals: {
			township: t('report_total'),
			households: d.byTownship.reduce((a, x) => a + x.households, 0),
			monitored: d.byTownship.reduce((a, x) => a + x.monitored, 0),
			below: d.byTownship.reduce((a, x) => a + x.below, 0),
			warnings: d.byTownship.reduce((a, x) => a + x.warningsRaised, 0),
			incomeFen: d.byTownship.reduce((a, x) => a + x.programIncomeFen, 0)
		}
	};
	const months: ReportTable = {
		title: t('report_months'),
		columns: [
			{ key: 'month', label: t('report_col_month'), format: 'text' },
			...d.programs.map((p) => ({
				key: p.program,
				label: ledgerSourceName(p.program),
				format: 'fen' as const
			}))
		],
		rows: d.trend.map((row) => ({ month: row.month, ...row.incomeFen }))
	};
	const definition = (term: string, text: string) => ({
		term: t(term as keyof typeof m),
		text: t(text as keyof typeof m)
	});
	return {
		kind: 'program-summary',
		title: t('report_program_summary_title'),
		area,
		period: { from: d.period.from, to: d.period.to },
		generatedAt: new Date().toISOString(),
		tables: [figures, programs, townships, months],
		definitions: [
			definition('dashboard_households_total', 'dashboard_households_total_def'),
			definition('dashboard_monitored', 'dashboard_monitored_def'),
			definition('dashboard_below', 'dashboard_below_def'),
			definition('dashboard_near', 'dashboard_near_def'),
			definition('dashboard_warnings_raised', 'dashboard_warnings_raised_def'),
			definition('dashboard_warnings_verified', 'dashboard_warnings_verified_def'),
			definition('dashboard_warnings_overdue', 'dashboard_warnings_overdue_def'),
			definition('dashboard_warnings_closed', 'dashboard_warnings_closed_def'),
			definition('dashboard_people_assisted', 'dashboard_people_assisted_def'),
			definition('dashboard_aid_paid', 'dashboard_aid_paid_def'),
			definition('dashboard_program_income', 'dashboard_program_income_def'),
			definition('dashboard_program_households', 'dashboard_program_households_def'),
			definition('dashboard_program_lifted', 'dashboard_program_lifted_def'),
			definition('dashboard_jobs_created', 'dashboard_jobs_created_def'),
			definition('dashboard_people_employed', 'dashboard_people_employed_def'),
			definition('dashboard_quality_open', 'dashboard_quality_open_def')
		]
	};
}
