import { aliasedTable, and, asc, count, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import { isCalendarDate } from '../../input';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { householdScope } from '../auth/scope';
import { users } from '../auth/schema';
import { divisions } from '../divisions/schema';
import { DomainError } from '../errors';
import { HEAD_OF_HOUSEHOLD, households, members } from '../households/schema';
import { getCountyOptions, getMonitoring, type CountyOptions } from '../monitoring';
import { assistanceMeasures, monitoringRecords } from '../monitoring/schema';
import { homeVisits, warnings, warningSteps, WARNING_KINDS, WARNING_STATUSES } from './schema';
import { visitsByOn } from './visits';
import { decidesWarnings, scopedWarning, seesWarnings } from './workflow';

// What people read about warnings: the queue sorted by urgency, the county's counts, one
// warning with its evidence and history, and the few numbers on a grid member's home.

/** The head of household's name, for lists (a correlated lookup by the members index). */
const headName = sql<
	string | null
>`(select ${members.name} from ${members} where ${members.countyId} = ${households.countyId} and ${members.householdId} = ${households.id} order by (${members.relation} <> ${HEAD_OF_HOUSEHOLD}), ${members.createdAt} limit 1)`;

/** Not verified by its due date: marked in every list. */
function overdueSql(today: string): SQL<boolean> {
	return sql<boolean>`(${warnings.status} = 'open' and ${warnings.dueOn} < ${today})`;
}

export interface WarningFilter {
	/** A status, 'overdue' (open past its due date), 'all'; else every warning not closed. */
	status?: string;
	kind?: string;
	township?: string;
	village?: string;
	/** Raised, verified or closed between from and to (inclusive): the dashboard's links. */
	on?: string;
	from?: string;
	to?: string;
	/** A monitoring category code of the household ('ordinary' = not monitored). */
	category?: string;
}

const DATED = {
	raised: warnings.raisedOn,
	verified: warnings.verifiedOn,
	closed: warnings.closedOn
};

export interface WarningListItem {
	id: string;
	kind: string;
	status: string;
	raisedOn: string;
	dueOn: string;
	overdue: boolean;
	householdId: string;
	householdNumber: string;
	headName: string | null;
	villageName: string;
	note: string | null;
}

/** The area's warnings, most urgent first: overdue, then due date, then raised date. */
export async function listWarnings(
	db: Db,
	actor: UserActor,
	filter: WarningFilter,
	today: string,
	limit = 200
): Promise<WarningListItem[]> {
	if (!seesWarnings(actor)) throw DomainError.notFound();
	const conditions: SQL[] = [eq(warnings.countyId, actor.countyId), householdScope(actor)];
	if ((WARNING_STATUSES as readonly string[]).includes(filter.status ?? ''))
		conditions.push(eq(warnings.status, filter.status as 'open'));
	else if (filter.status === 'overdue') conditions.push(overdueSql(today));
	else if (filter.status !== 'all') conditions.push(ne(warnings.status, 'closed'));
	const dated = DATED[filter.on as keyof typeof DATED];
	if (dated && isCalendarDate(filter.from) && isCalendarDate(filter.to))
		conditions.push(sql`${dated} between ${filter.from}::date and ${filter.to}::date`);
	if (filter.category === 'ordinary')
		conditions.push(
			sql`not exists (select 1 from ${monitoringRecords} where ${monitoringRecords.countyId} = ${households.countyId} and ${monitoringRecords.householdId} = ${households.id} and ${monitoringRecords.category} <> 'ordinary')`
		);
	else if (filter.category && /^[a-z_]{1,40}$/.test(filter.category))
		conditions.push(
			sql`exists (select 1 from ${monitoringRecords} where ${monitoringRecords.countyId} = ${households.countyId} and ${monitoringRecords.householdId} = ${households.id} and ${monitoringRecords.category} = ${filter.category})`
		);
	if ((WARNING_KINDS as readonly string[]).includes(filter.kind ?? ''))
		conditions.push(eq(warnings.kind, filter.kind as 'visit'));
	if (filter.village && /^\d{12}$/.test(filter.village))
		conditions.push(eq(households.villageCode, filter.village));
	else if (filter.township && /^\d{9}$/.test(filter.township))
		conditions.push(sql`left(${households.villageCode}, 9) = ${filter.township}`);
	const overdue = overdueSql(today);
	const rows = await db
		.select({
			id: warnings.id,
			kind: warnings.kind,
			status: warnings.status,
			raisedOn: warnings.raisedOn,
			dueOn: warnings.dueOn,
			overdue,
			householdId: households.id,
			householdNumber: households.householdNumber,
			headName,
			villageName: divisions.name,
			note: warnings.note
		})
		.from(warnings)
		.innerJoin(
			households,
			and(eq(households.countyId, warnings.countyId), eq(households.id, warnings.householdId))
		)
		.innerJoin(divisions, eq(divisions.code, households.villageCode))
		.where(and(...conditions))
		.orderBy(desc(overdue), asc(warnings.dueOn), asc(warnings.raisedOn), asc(warnings.id))
		.limit(limit);
	return rows.map((r) => ({ ...r, overdue: Boolean(r.overdue) }));
}

export const AGE_BUCKETS = ['0_2', '3_7', '8_30', 'over_30'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export interface WarningCounts {
	/** Open and verified warnings per township and kind. */
	byTownship: { townshipCode: string; townshipName: string; kind: string; count: number }[];
	/** Open and verified warnings by days since raised. */
	byAge: Record<AgeBucket, number>;
	overdue: number;
	open: number;
}

/** The county's view: counts by township × kind and by age (admins; staff their townships). */
export async function warningCounts(
	db: Db,
	actor: UserActor,
	today: string
): Promise<WarningCounts> {
	if (!seesWarnings(actor)) throw DomainError.notFound();
	const township = sql<string>`left(${households.villageCode}, 9)`;
	const days = sql`(${today}::date - ${warnings.raisedOn})`;
	const bucket = sql<AgeBucket>`case when ${days} <= 2 then '0_2' when ${days} <= 7 then '3_7' when ${days} <= 30 then '8_30' else 'over_30' end`;
	const scope = and(
		eq(warnings.countyId, actor.countyId),
		householdScope(actor),
		ne(warnings.status, 'closed')
	);
	const from = () =>
		db
			.select({ township, kind: warnings.kind, bucket, overdue: overdueSql(today), n: count() })
			.from(warnings)
			.innerJoin(
				households,
				and(eq(households.countyId, warnings.countyId), eq(households.id, warnings.householdId))
			)
			.where(scope)
			// By position: the expressions carry parameters, which GROUP BY cannot match.
			.groupBy(sql`1, 2, 3, 4`);
	const rows = await from();
	const codes = [...new Set(rows.map((r) => r.township))];
	const names = codes.length
		? await db
				.select({ code: divisions.code, name: divisions.name })
				.from(divisions)
				.where(inArray(divisions.code, codes))
		: [];
	const nameOf = new Map(names.map((n) => [n.code, n.name]));
	const byTownship = new Map<string, WarningCounts['byTownship'][number]>();
	const byAge: Record<AgeBucket, number> = { '0_2': 0, '3_7': 0, '8_30': 0, over_30: 0 };
	let overdue = 0;
	let open = 0;
	for (const r of rows) {
		const n = Number(r.n);
		const key = `${r.township}:${r.kind}`;
		const cell = byTownship.get(key) ?? {
			townshipCode: r.township,
			townshipName: nameOf.get(r.township) ?? r.township,
			kind: r.kind,
			count: 0
		};
		cell.count += n;
		byTownship.set(key, cell);
		byAge[r.bucket] += n;
		if (r.overdue) overdue += n;
		open += n;
	}
	return {
		byTownship: [...byTownship.values()].sort(
			(a, b) => a.townshipCode.localeCompare(b.townshipCode) || a.kind.localeCompare(b.kind)
		),
		byAge,
		overdue,
		open
	};
}

export interface WarningDetail {
	id: string;
	kind: string;
	source: string;
	status: string;
	evidence: Record<string, unknown>;
	note: string | null;
	raisedOn: string;
	raisedByName: string | null;
	dueOn: string;
	overdue: boolean;
	verifiedOn: string | null;
	findings: string | null;
	decision: string | null;
	decisionReason: string | null;
	closedOn: string | null;
	household: {
		id: string;
		householdNumber: string;
		headName: string | null;
		villageName: string;
		category: string;
		status: string;
		risks: string[];
	};
	visit: { id: string; visitedOn: string; seen: string; changes: string | null } | null;
	steps: {
		id: string;
		step: string;
		happenedOn: string;
		byLabel: string;
		note: string | null;
		details: Record<string, unknown> | null;
	}[];
	measures: {
		id: string;
		measure: string;
		description: string | null;
		startedOn: string;
		responsibleName: string | null;
		responsiblePhone: string | null;
	}[];
	canVerify: boolean;
	canDecide: boolean;
	options: CountyOptions;
}

/** One warning: the numbers behind it, the household, its history and what may be done. */
export async function warningDetail(
	db: Db,
	actor: UserActor,
	warningId: string,
	today: string
): Promise<WarningDetail> {
	const warning = await scopedWarning(db, actor, warningId);
	const raisedBy = aliasedTable(users, 'raised_by');
	const [[household], [raiser], steps, measures, visits, monitoring, options] = await Promise.all([
		db
			.select({
				id: households.id,
				householdNumber: households.householdNumber,
				headName,
				villageName: divisions.name
			})
			.from(households)
			.innerJoin(divisions, eq(divisions.code, households.villageCode))
			.where(
				and(eq(households.countyId, warning.countyId), eq(households.id, warning.householdId))
			),
		warning.raisedBy
			? db
					.select({ name: raisedBy.displayName })
					.from(raisedBy)
					.where(eq(raisedBy.id, warning.raisedBy))
			: Promise.resolve([]),
		db
			.select()
			.from(warningSteps)
			.where(
				and(eq(warningSteps.countyId, warning.countyId), eq(warningSteps.warningId, warning.id))
			)
			.orderBy(asc(warningSteps.happenedOn), asc(warningSteps.recordedAt)),
		db
			.select()
			.from(assistanceMeasures)
			.where(
				and(
					eq(assistanceMeasures.countyId, warning.countyId),
					eq(assistanceMeasures.warningId, warning.id)
				)
			)
			.orderBy(asc(assistanceMeasures.createdAt)),
		warning.visitId
			? db
					.select()
					.from(homeVisits)
					.where(and(eq(homeVisits.countyId, warning.countyId), eq(homeVisits.id, warning.visitId)))
			: Promise.resolve([]),
		getMonitoring(db, warning.countyId, warning.householdId),
		getCountyOptions(db, warning.countyId)
	]);
	const visit = visits[0];
	return {
		id: warning.id,
		kind: warning.kind,
		source: warning.source,
		status: warning.status,
		evidence: warning.evidence,
		note: warning.note,
		raisedOn: warning.raisedOn,
		raisedByName: raiser?.name ?? null,
		dueOn: warning.dueOn,
		overdue: warning.status === 'open' && warning.dueOn < today,
		verifiedOn: warning.verifiedOn,
		findings: warning.findings,
		decision: warning.decision,
		decisionReason: warning.decisionReason,
		closedOn: warning.closedOn,
		household: {
			...household,
			category: monitoring.category,
			status: monitoring.status,
			risks: monitoring.risks
		},
		visit: visit
			? { id: visit.id, visitedOn: visit.visitedOn, seen: visit.seen, changes: visit.changes }
			: null,
		steps: steps.map((s) => ({
			id: s.id,
			step: s.step,
			happenedOn: s.happenedOn,
			byLabel: s.byLabel,
			note: s.note,
			details: s.details
		})),
		measures: measures.map((m) => ({
			id: m.id,
			measure: m.measure,
			description: m.description,
			startedOn: m.startedOn,
			responsibleName: m.responsibleName,
			responsiblePhone: m.responsiblePhone
		})),
		canVerify: warning.status === 'open',
		canDecide: warning.status === 'verified' && decidesWarnings(actor),
		options
	};
}

export interface HouseholdWarning {
	id: string;
	kind: string;
	status: string;
	raisedOn: string;
	dueOn: string;
	overdue: boolean;
	closedOn: string | null;
	decision: string | null;
}

/** A household's warnings for its page: the open ones first, then the latest closed. */
export async function householdWarnings(
	db: Db,
	countyId: string,
	householdId: string,
	today: string,
	limit = 8
): Promise<HouseholdWarning[]> {
	const overdue = overdueSql(today);
	const rows = await db
		.select({
			id: warnings.id,
			kind: warnings.kind,
			status: warnings.status,
			raisedOn: warnings.raisedOn,
			dueOn: warnings.dueOn,
			overdue,
			closedOn: warnings.closedOn,
			decision: warnings.decision
		})
		.from(warnings)
		.where(and(eq(warnings.countyId, countyId), eq(warnings.householdId, householdId)))
		.orderBy(sql`(${warnings.status} = 'closed')`, desc(warnings.raisedOn), desc(warnings.id))
		.limit(limit);
	return rows.map((r) => ({ ...r, overdue: Boolean(r.overdue) }));
}

export interface GridHome {
	villages: { code: string; name: string }[];
	visitsToday: number;
	open: number;
	overdue: number;
}

/** A grid member's home: today's visits, the open warnings in their villages, the overdue. */
export async function gridHome(db: Db, actor: UserActor, today: string): Promise<GridHome> {
	const [villages, visitsToday, counts] = await Promise.all([
		actor.villageCodes.length
			? db
					.select({ code: divisions.code, name: divisions.name })
					.from(divisions)
					.where(inArray(divisions.code, actor.villageCodes))
					.orderBy(asc(divisions.code))
			: Promise.resolve([]),
		visitsByOn(db, actor, today),
		warningCounts(db, actor, today)
	]);
	return { villages, visitsToday, open: counts.open, overdue: counts.overdue };
}
