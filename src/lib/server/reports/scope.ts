import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { canSeeTownship } from '../auth/scope';
import { divisions } from '../divisions/schema';
import { findCountyByCode } from '../divisions';
import { households } from '../households/schema';
import { DomainError } from '../errors';
import { isCalendarDate } from '../../input';
import { m } from '../../paraglide/messages';

/** What a person asks a report for: inclusive business dates and, optionally, townships. */
export interface ReportParams {
	from: string;
	to: string;
	townshipCodes?: string[];
}

/** The checked request: the period, the townships it covers and how the heading names them. */
export interface ReportScope {
	from: string;
	to: string;
	/** Null: the whole county (admins only). An empty list covers nothing. */
	townshipCodes: string[] | null;
	/** The county's name and, when filtered, the townships, for the heading. */
	area: string;
	countyName: string;
	/** Township and village names by code, for the rows. */
	names: Map<string, string>;
}

const EARLIEST = '2000-01-01';
const MAX_YEARS = 5;

/** Who may read the county's reports: its admins, and township staff for their townships. */
export function readsReports(actor: UserActor): boolean {
	return actor.role === 'county_admin' || actor.role === 'township_staff';
}

/**
 * Checks the period and the townships against the actor's scope. A township outside it
 * (or not in the county) answers as missing, like any record out of scope.
 */
export async function reportScope(
	db: Db,
	actor: UserActor,
	params: ReportParams
): Promise<ReportScope> {
	if (!readsReports(actor)) throw DomainError.notFound();
	const { from, to } = params;
	if (!isCalendarDate(from) || from < EARLIEST)
		throw DomainError.invalid('from', 'reports_error_date');
	if (!isCalendarDate(to) || to < EARLIEST) throw DomainError.invalid('to', 'reports_error_date');
	if (from > to) throw DomainError.invalid('from', 'reports_error_order');
	if (Number(to.slice(0, 4)) - Number(from.slice(0, 4)) > MAX_YEARS)
		throw DomainError.invalid('from', 'reports_error_span');

	const [county, rows] = await Promise.all([
		findCountyByCode(db, actor.countyCode),
		db
			.select({ code: divisions.code, name: divisions.name, level: divisions.level })
			.from(divisions)
			.where(
				and(
					eq(divisions.countyCode, actor.countyCode),
					inArray(divisions.level, ['township', 'village'])
				)
			)
	]);
	const names = new Map(rows.map((r) => [r.code, r.name]));
	const townships = new Set(rows.filter((r) => r.level === 'township').map((r) => r.code));
	const asked = [...new Set(params.townshipCodes ?? [])];
	for (const code of asked) {
		if (!/^\d{9}$/.test(code) || !townships.has(code) || !canSeeTownship(actor, code))
			throw DomainError.notFound();
	}
	const countyName = county?.name ?? actor.countyCode;
	let townshipCodes: string[] | null;
	if (asked.length > 0) townshipCodes = asked.sort();
	else if (actor.role === 'county_admin') townshipCodes = null;
	else townshipCodes = [...actor.townshipCodes].sort();
	const area =
		townshipCodes === null
			? `${countyName}${m.reports_whole_county()}`
			: `${countyName} ${townshipCodes.map((c) => names.get(c) ?? c).join('、')}`;
	return { from, to, townshipCodes, area, countyName, names };
}

/** The households of the scope's townships, as a WHERE condition on `households`. */
export function householdsInScope(actor: UserActor, scope: ReportScope): SQL {
	const county = eq(households.countyId, actor.countyId);
	if (scope.townshipCodes === null) return county;
	if (scope.townshipCodes.length === 0) return sql`false`;
	return and(county, inArray(sql`left(${households.villageCode}, 9)`, scope.townshipCodes)) as SQL;
}

/** Fen sums come back from the database as text or bigint; the report carries numbers. */
export const toNumber = (value: unknown): number => (value === null ? 0 : Number(value));
