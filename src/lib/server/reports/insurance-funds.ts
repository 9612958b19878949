import { and, asc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { households } from '../households/schema';
import {
	CLAIM_STATUSES,
	insuranceClaims,
	insuranceFundEntries,
	insuranceSchemes
} from '../insurance/schema';
import { translate } from '../../i18n';
import { m } from '../../paraglide/messages';
import { householdsInScope, reportScope, toNumber, type ReportParams } from './scope';
import type { Report, ReportCell } from './types';

// Fund use per insurance scheme: the fund figures are the county's (a fund is not split
// by township); the claims are counted in the report's townships.

export async function insuranceFundsReport(
	db: Db,
	actor: UserActor,
	params: ReportParams
): Promise<Report> {
	const scope = await reportScope(db, actor, params);
	const fromYear = Number(scope.from.slice(0, 4));
	const toYear = Number(scope.to.slice(0, 4));
	const fund = insuranceFundEntries;
	const inPeriod = (kind: string) =>
		sql<string>`coalesce(sum(${fund.amountFen}) filter (where ${fund.kind} = ${kind}
			and ${fund.businessDate} >= ${scope.from} and ${fund.businessDate} <= ${scope.to}), 0)::bigint`;
	const [schemes, claims, allSchemes] = await Promise.all([
		db
			.select({
				id: insuranceSchemes.id,
				year: insuranceSchemes.year,
				kind: insuranceSchemes.kind,
				name: insuranceSchemes.name,
				budgetFen: insuranceSchemes.budgetFen,
				premiums: inPeriod('premium'),
				payouts: inPeriod('payout'),
				topUps: inPeriod('top_up'),
				carriedIn: inPeriod('carry_in'),
				carriedOut: inPeriod('carry_out'),
				balance: sql<string>`coalesce(sum(case when ${fund.kind} in ('premium', 'top_up', 'carry_in')
					then ${fund.amountFen} else -${fund.amountFen} end)
					filter (where ${fund.businessDate} <= ${scope.to}), 0)::bigint`
			})
			.from(insuranceSchemes)
			.leftJoin(
				fund,
				and(eq(fund.countyId, insuranceSchemes.countyId), eq(fund.schemeId, insuranceSchemes.id))
			)
			.where(
				and(
					eq(insuranceSchemes.countyId, actor.countyId),
					gte(insuranceSchemes.year, fromYear),
					lte(insuranceSchemes.year, toYear)
				)
			)
			.groupBy(insuranceSchemes.id, insuranceSchemes.countyId)
			.orderBy(asc(insuranceSchemes.year), asc(insuranceSchemes.kind)),
		db
			.select({
				schemeId: insuranceClaims.schemeId,
				status: insuranceClaims.status,
				claims: sql<number>`count(*)::int`,
				lossFen: sql<string>`coalesce(sum(${insuranceClaims.lossFen}), 0)::bigint`,
				approvedFen: sql<string>`coalesce(sum(${insuranceClaims.approvedAmountFen}), 0)::bigint`,
				paidFen: sql<string>`coalesce(sum(${insuranceClaims.paidAmountFen}), 0)::bigint`
			})
			.from(insuranceClaims)
			.innerJoin(
				households,
				and(
					eq(households.countyId, insuranceClaims.countyId),
					eq(households.id, insuranceClaims.householdId)
				)
			)
			.where(
				and(
					eq(insuranceClaims.countyId, actor.countyId),
					gte(insuranceClaims.reportedOn, scope.from),
					lte(insuranceClaims.reportedOn, scope.to),
					householdsInScope(actor, scope)
				) as SQL
			)
			.groupBy(insuranceClaims.schemeId, insuranceClaims.status),
		// A claim reported in the period may be on a scheme of another year.
		db
			.select({ id: insuranceSchemes.id, year: insuranceSchemes.year, name: insuranceSchemes.name })
			.from(insuranceSchemes)
			.where(eq(insuranceSchemes.countyId, actor.countyId))
	]);
	const schemeName = new Map(allSchemes.map((s) => [s.id, `${s.year} ${s.name}`]));
	const schemeRows = schemes.map((s) => ({
		scheme: s.name,
		year: s.year,
		kind: translate(`insurance_kind_${s.kind}`),
		budgetFen: toNumber(s.budgetFen),
		premiumsFen: toNumber(s.premiums),
		payoutsFen: toNumber(s.payouts),
		topUpsFen: toNumber(s.topUps),
		carriedInFen: toNumber(s.carriedIn),
		carriedOutFen: toNumber(s.carriedOut),
		balanceFen: toNumber(s.balance)
	}));
	const order = (status: string) =>
		CLAIM_STATUSES.indexOf(status as (typeof CLAIM_STATUSES)[number]);
	const claimRows = claims
		.map((c) => ({
			scheme: schemeName.get(c.schemeId) ?? '',
			status: translate(`insurance_status_${c.status}`),
			order: order(c.status),
			claims: Number(c.claims),
			lossFen: toNumber(c.lossFen),
			approvedFen: toNumber(c.approvedFen),
			paidFen: toNumber(c.paidFen)
		}))
		.sort((a, b) => a.scheme.localeCompare(b.scheme) || a.order - b.order)
		.map(({ order: _order, ...row }) => row);
	const sum = <T extends Record<string, ReportCell>>(rows: T[], key: keyof T) =>
		rows.reduce((t, r) => t + Number(r[key] ?? 0), 0);
	return {
		kind: 'insurance-funds',
		title: m.reports_funds_title(),
		area: scope.area,
		period: { from: scope.from, to: scope.to },
		generatedAt: new Date().toISOString(),
		tables: [
			{
				title: m.reports_funds_schemes(),
				columns: [
					{ key: 'scheme', label: m.reports_col_scheme(), format: 'text' },
					{ key: 'year', label: m.reports_col_year(), format: 'text' },
					{ key: 'budgetFen', label: m.reports_col_budget(), format: 'fen' },
					{ key: 'premiumsFen', label: m.reports_col_premiums(), format: 'fen' },
					{ key: 'payoutsFen', label: m.reports_col_payouts(), format: 'fen' },
					{ key: 'topUpsFen', label: m.reports_col_top_ups(), format: 'fen' },
					{ key: 'carriedInFen', label: m.reports_col_carried(), format: 'fen' },
					{ key: 'carriedOutFen', label: m.reports_col_carried_out(), format: 'fen' },
					{ key: 'balanceFen', label: m.reports_col_balance(), format: 'fen' }
				],
				rows: schemeRows.map(({ kind: _kind, ...r }) => ({ ...r, year: String(r.year) })),
				totals: {
					scheme: m.reports_total(),
					year: '',
					budgetFen: sum(schemeRows, 'budgetFen'),
					premiumsFen: sum(schemeRows, 'premiumsFen'),
					payoutsFen: sum(schemeRows, 'payoutsFen'),
					topUpsFen: sum(schemeRows, 'topUpsFen'),
					carriedInFen: sum(schemeRows, 'carriedInFen'),
					carriedOutFen: sum(schemeRows, 'carriedOutFen'),
					balanceFen: sum(schemeRows, 'balanceFen')
				}
			},
			{
				title: m.reports_funds_claims(),
				columns: [
					{ key: 'scheme', label: m.reports_col_scheme(), format: 'text' },
					{ key: 'status', label: m.reports_col_claim_status(), format: 'text' },
					{ key: 'claims', label: m.reports_col_claims(), format: 'integer' },
					{ key: 'lossFen', label: m.reports_col_loss(), format: 'fen' },
					{ key: 'approvedFen', label: m.reports_col_approved(), format: 'fen' },
					{ key: 'paidFen', label: m.reports_col_paid(), format: 'fen' }
				],
				rows: claimRows,
				totals: {
					scheme: m.reports_total(),
					status: '',
					claims: sum(claimRows, 'claims'),
					lossFen: sum(claimRows, 'lossFen'),
					approvedFen: sum(claimRows, 'approvedFen'),
					paidFen: sum(claimRows, 'paidFen')
				}
			}
		],
		definitions: [
			{ term: m.reports_col_scheme(), text: m.reports_def_funds_schemes() },
			{ term: m.reports_col_balance(), text: m.reports_def_funds_balance() },
			{ term: m.reports_funds_claims(), text: m.reports_def_funds_area() }
		]
	};
}
