import { and, asc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { households } from '../households/schema';
import { warnings } from '../warnings/schema';
import { todayInChina } from '../../format';
import { warningDecisionName, warningKindName, warningStatusName } from '../../labels';
import { m } from '../../paraglide/messages';
import { householdsInScope, reportScope, type ReportParams } from './scope';
import type { Report } from './types';

// Warnings raised in the period and how fast they were handled: by kind and township, and
// the list. Days are calendar days between the business dates the steps recorded.

function raisedInPeriod(actor: UserActor, from: string, to: string): SQL {
	return and(
		eq(warnings.countyId, actor.countyId),
		gte(warnings.raisedOn, from),
		lte(warnings.raisedOn, to)
	) as SQL;
}

/** Verified after its due date, or still unverified and past it today. */
function overdue(today: string): SQL {
	return sql`(${warnings.verifiedOn} > ${warnings.dueOn}
		or (${warnings.verifiedOn} is null and ${warnings.dueOn} < ${today}))`;
}

const round1 = (value: unknown): number | null =>
	value === null || value === undefined ? null : Math.round(Number(value) * 10) / 10;

export async function warningsReport(
	db: Db,
	actor: UserActor,
	params: ReportParams,
	listLimit = 500
): Promise<Report> {
	const scope = await reportScope(db, actor, params);
	const today = todayInChina();
	const where = and(
		raisedInPeriod(actor, scope.from, scope.to),
		householdsInScope(actor, scope)
	) as SQL;
	const join = and(
		eq(households.countyId, warnings.countyId),
		eq(households.id, warnings.householdId)
	);
	const township = sql<string>`left(${households.villageCode}, 9)`;
	const daysToVerify = sql`(${warnings.verifiedOn} - ${warnings.raisedOn})`;
	const daysToClose = sql`(${warnings.closedOn} - ${warnings.raisedOn})`;
	const figures = {
		raised: sql<number>`count(*)::int`,
		verified: sql<number>`count(${warnings.verifiedOn})::int`,
		closed: sql<number>`count(${warnings.closedOn})::int`,
		verifyDays: sql<string | null>`avg(${daysToVerify})`,
		closeDays: sql<string | null>`avg(${daysToClose})`,
		overdue: sql<number>`(count(*) filter (where ${overdue(today)}))::int`
	};
	const [summary, [all], list] = await Promise.all([
		db
			.select({ kind: warnings.kind, township, ...figures })
			.from(warnings)
			.innerJoin(households, join)
			.where(where)
			.groupBy(warnings.kind, township)
			.orderBy(asc(warnings.kind), asc(township)),
		db.select(figures).from(warnings).innerJoin(households, join).where(where),
		db
			.select({
				villageCode: households.villageCode,
				number: households.householdNumber,
				kind: warnings.kind,
				raisedOn: warnings.raisedOn,
				dueOn: warnings.dueOn,
				verifiedOn: warnings.verifiedOn,
				closedOn: warnings.closedOn,
				status: warnings.status,
				decision: warnings.decision,
				overdue: sql<boolean>`${overdue(today)}`
			})
			.from(warnings)
			.innerJoin(households, join)
			.where(where)
			.orderBy(asc(warnings.raisedOn), asc(households.householdNumber), asc(warnings.id))
			.limit(listLimit)
	]);
	const daysBetween = (a: string | null, b: string) =>
		a === null ? null : Math.round((Date.parse(a) - Date.parse(b)) / 86_400_000);
	const yesNo = (v: boolean) => (v ? m.reports_yes() : m.reports_no());
	return {
		kind: 'warnings',
		title: m.reports_warnings_title(),
		area: scope.area,
		period: { from: scope.from, to: scope.to },
		generatedAt: new Date().toISOString(),
		tables: [
			{
				title: m.reports_warnings_summary(),
				columns: [
					{ key: 'kind', label: m.reports_col_kind(), format: 'text' },
					{ key: 'township', label: m.reports_col_township(), format: 'text' },
					{ key: 'raised', label: m.reports_col_raised(), format: 'integer' },
					{ key: 'verified', label: m.reports_col_verified(), format: 'integer' },
					{ key: 'closed', label: m.reports_col_closed(), format: 'integer' },
					{ key: 'verifyDays', label: m.reports_col_days_verify(), format: 'days' },
					{ key: 'closeDays', label: m.reports_col_days_close(), format: 'days' },
					{ key: 'overdue', label: m.reports_col_overdue(), format: 'integer' }
				],
				rows: summary.map((r) => ({
					kind: warningKindName(r.kind),
					township: scope.names.get(r.township) ?? r.township,
					raised: Number(r.raised),
					verified: Number(r.verified),
					closed: Number(r.closed),
					verifyDays: round1(r.verifyDays),
					closeDays: round1(r.closeDays),
					overdue: Number(r.overdue)
				})),
				totals: {
					kind: m.reports_total(),
					township: '',
					raised: Number(all?.raised ?? 0),
					verified: Number(all?.verified ?? 0),
					closed: Number(all?.closed ?? 0),
					verifyDays: round1(all?.verifyDays),
					closeDays: round1(all?.closeDays),
					overdue: Number(all?.overdue ?? 0)
				}
			},
			{
				title: m.reports_warnings_list(),
				columns: [
					{ key: 'township', label: m.reports_col_township(), format: 'text' },
					{ key: 'village', label: m.reports_col_village(), format: 'text' },
					{ key: 'number', label: m.reports_col_household_number(), format: 'text' },
					{ key: 'kind', label: m.reports_col_kind(), format: 'text' },
					{ key: 'raisedOn', label: m.reports_col_raised_on(), format: 'date' },
					{ key: 'dueOn', label: m.reports_col_due_on(), format: 'date' },
					{ key: 'verifiedOn', label: m.reports_col_verified_on(), format: 'date' },
					{ key: 'closedOn', label: m.reports_col_closed_on(), format: 'date' },
					{ key: 'verifyDays', label: m.reports_col_verify_days(), format: 'days' },
					{ key: 'closeDays', label: m.reports_col_close_days(), format: 'days' },
					{ key: 'overdue', label: m.reports_col_overdue(), format: 'text' },
					{ key: 'status', label: m.reports_col_warning_status(), format: 'text' },
					{ key: 'decision', label: m.reports_col_decision(), format: 'text' }
				],
				rows: list.map((w) => ({
					township: scope.names.get(w.villageCode.slice(0, 9)) ?? w.villageCode.slice(0, 9),
					village: scope.names.get(w.villageCode) ?? w.villageCode,
					number: w.number,
					kind: warningKindName(w.kind),
					raisedOn: w.raisedOn,
					dueOn: w.dueOn,
					verifiedOn: w.verifiedOn,
					closedOn: w.closedOn,
					verifyDays: daysBetween(w.verifiedOn, w.raisedOn),
					closeDays: daysBetween(w.closedOn, w.raisedOn),
					overdue: yesNo(Boolean(w.overdue)),
					status: warningStatusName(w.status),
					decision: w.decision ? warningDecisionName(w.decision) : ''
				})),
				rowCount: Number(all?.raised ?? 0)
			}
		],
		definitions: [
			{ term: m.reports_col_raised(), text: m.reports_def_warnings_who() },
			{ term: m.reports_col_days_verify(), text: m.reports_def_warnings_days() },
			{ term: m.reports_col_overdue(), text: m.reports_def_warnings_overdue() }
		]
	};
}
