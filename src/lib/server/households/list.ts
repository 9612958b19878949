import { and, asc, count, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { isCalendarDate } from '../../input';
import type { Db } from '../db';
import { isEmbedded } from '../db/maintenance';
import type { UserActor } from '../auth/actor';
import { householdScope } from '../auth/scope';
import { divisions } from '../divisions/schema';
import {
	householdIdsInStanding,
	isStandingFilter,
	storedStandingsOf,
	type StandingFilter
} from '../income/standing-read';
import { householdStandings } from '../income/schema';
import { assistanceMeasures, monitoringRecords, monitoringRisks } from '../monitoring/schema';
import { HEAD_OF_HOUSEHOLD, households, members } from './schema';

export interface HouseholdFilter {
	/** A name (or its start), a phone, a household number, or the last digits of an ID. */
	query?: string;
	townshipCode?: string;
	villageCode?: string;
	category?: string;
	risk?: string;
	status?: string;
	/** 'below' the line, 'near' it, or 'unknown' (income cannot be computed): stored standings. */
	standing?: string;
	/** With assistedTo: households given an assistance measure starting in these dates (the dashboard's link). */
	assistedFrom?: string;
	assistedTo?: string;
}

export interface HouseholdListItem {
	id: string;
	householdNumber: string;
	villageCode: string;
	villageName: string;
	headName: string | null;
	memberCount: number;
	phone: string | null;
	category: string;
	status: string;
	/** The stored standing, when it is one the list marks. */
	standing: StandingFilter | null;
}

/** Longer than any name, phone, household number or identity number. */
export const MAX_QUERY_LENGTH = 40;
/** Counting stops here: "1,000 户以上" instead of counting a whole county's list. */
export const COUNT_CAP = 1000;
/**
 * How many rows one way of finding (e.g. a surname) may match before the search is too
 * broad to answer quickly. Embedded PGlite answers one query at a time for everyone, so
 * its bound is tighter; PostgreSQL has statement_timeout behind it.
 */
const BRANCH_CAP = { embedded: 12_000, server: 30_000 };

/** Why a search gave no list: a message key for the person who typed it. */
export type SearchNotice = 'search_too_broad' | 'search_too_long' | 'search_too_short_digits';

function escapeLike(text: string): string {
	return text.replace(/[%_\\]/g, (c) => `\\${c}`);
}

/**
 * What the person typed, made safe: control characters (a NUL byte would be refused by
 * the database) and spaces (names have none; phones are typed with them) are dropped.
 */
export function normalizeQuery(raw: string | undefined): string {
	// eslint-disable-next-line no-control-regex
	return (raw ?? '').replace(/[\u0000-\u001f\u007f\s\u3000]/g, '');
}

interface SearchPlan {
	/** One index-friendly query per way of finding a household, each giving household ids. */
	branches: SQL[];
	notice: SearchNotice | null;
}

/**
 * The ways of finding a household for what was typed: the start of any member's name;
 * the start of a household number or phone; the last 4 characters of an identity number;
 * a whole identity number. Each reads one index and returns household ids; the list
 * combines them with UNION (never an OR of correlated subqueries, whose plan depends on
 * fresh statistics and can walk every member once per household).
 */
function searchPlan(countyId: string, query: string, place: SQL | null): SearchPlan {
	if (query.length > MAX_QUERY_LENGTH) return { branches: [], notice: 'search_too_long' };
	const upper = query.toUpperCase();
	const prefix = `${escapeLike(query)}%`;
	// A chosen township or village narrows each lookup itself, so that choosing one is what
	// makes a too-broad search (a surname across a large county) answerable.
	const byMember = (condition: SQL) =>
		place
			? sql`select ${members.householdId} as id from ${members} join ${households} on ${households.countyId} = ${members.countyId} and ${households.id} = ${members.householdId} where ${members.countyId} = ${countyId} and ${condition} and ${place}`
			: sql`select ${members.householdId} as id from ${members} where ${members.countyId} = ${countyId} and ${condition}`;
	const byHousehold = (condition: SQL) =>
		sql`select ${households.id} as id from ${households} where ${households.countyId} = ${countyId} and ${condition}${place ? sql` and ${place}` : sql``}`;
	const branches: SQL[] = [];
	if (/^[\d-]+[Xx]?$/.test(query)) {
		// Digits: an ID's last 4, a whole ID, or the start of a phone or household number.
		// Up to 3 digits mean nothing yet (every number of the county starts alike).
		if (/^\d{3}[\dXx]$/.test(query)) branches.push(byMember(sql`${members.idLast4} = ${upper}`));
		if (/^\d{17}[\dXx]$/.test(query)) branches.push(byMember(sql`${members.idNumber} = ${upper}`));
		if (query.length >= 5 && /^[\d-]+$/.test(query)) {
			branches.push(byHousehold(sql`${households.householdNumber} like ${prefix}`));
			branches.push(byHousehold(sql`${households.phone} like ${prefix}`));
		}
		if (branches.length === 0) return { branches, notice: 'search_too_short_digits' };
	} else {
		// A name or its start: one character (a surname) is a common search.
		branches.push(byMember(sql`${members.name} like ${prefix}`));
	}
	return { branches, notice: null };
}

/** The village or township chosen, as a range on the village code (an index range). */
function placeCondition(filter: HouseholdFilter): SQL | null {
	if (filter.villageCode && /^\d{12}$/.test(filter.villageCode))
		return eq(households.villageCode, filter.villageCode);
	if (filter.townshipCode && /^\d{9}$/.test(filter.townshipCode))
		return sql`${households.villageCode} between ${filter.townshipCode + '000'} and ${filter.townshipCode + '999'}`;
	return null;
}

/**
 * The WHERE of the household list and its export: scope first, then what the person
 * typed (household ids from a UNION of index lookups) and chose.
 */
function conditions(actor: UserActor, filter: HouseholdFilter, found?: SQL): SQL[] {
	const where: SQL[] = [householdScope(actor)];
	// The same scope as village-code ranges, which an index can read (the scope's own
	// condition compares the first 9 digits and can only filter).
	const ranges = (actor.role === 'township_staff' ? actor.townshipCodes : [])
		.map((code) => placeCondition({ townshipCode: code }))
		.filter((range): range is SQL => range !== null);
	if (ranges.length > 0) where.push(or(...ranges)!);
	const place = placeCondition(filter);
	const query = normalizeQuery(filter.query);
	if (found) {
		// The ids the page query's lookups found (see searchPageSql).
		where.push(found);
	} else if (query) {
		const plan = searchPlan(actor.countyId, query, place);
		where.push(
			plan.branches.length
				? // ARRAY(…) is an InitPlan: the lookups run once, never once per household (an
					// IN (…) could be turned into a loop over households with the join pushed
					// into each lookup). The ids then meet households' primary key.
					sql`${households.id} = any(array(${sql.join(plan.branches, sql` union `)}))`
				: sql`false`
		);
	}
	if (place) where.push(place);
	const record = (condition: SQL) =>
		sql`exists (select 1 from ${monitoringRecords} where ${monitoringRecords.countyId} = ${households.countyId} and ${monitoringRecords.householdId} = ${households.id} and ${condition})`;
	if (filter.category) {
		where.push(
			filter.category === 'ordinary'
				? sql`not ${record(sql`${monitoringRecords.category} <> 'ordinary'`)}`
				: record(sql`${monitoringRecords.category} = ${filter.category}`)
		);
	}
	if (filter.status) {
		where.push(
			filter.status === 'not_monitored'
				? sql`not ${record(sql`${monitoringRecords.status} <> 'not_monitored'`)}`
				: record(sql`${monitoringRecords.status} = ${filter.status}`)
		);
	}
	if (isStandingFilter(filter.standing)) {
		// The standings kept current by the income domain: read by their index, never recomputed.
		where.push(
			sql`${households.id} = any(array(${householdIdsInStanding(actor.countyId, filter.standing)}))`
		);
	}
	if (filter.standing === 'above') {
		// Above the line and not near it: the dashboard's "above" figure.
		where.push(
			sql`${households.id} = any(array(select ${householdStandings.householdId} from ${householdStandings} where ${householdStandings.countyId} = ${actor.countyId} and ${householdStandings.belowLine} = false and not ${householdStandings.nearLine}))`
		);
	}
	if (isCalendarDate(filter.assistedFrom) && isCalendarDate(filter.assistedTo)) {
		where.push(
			sql`exists (select 1 from ${assistanceMeasures} where ${assistanceMeasures.countyId} = ${households.countyId} and ${assistanceMeasures.householdId} = ${households.id} and ${assistanceMeasures.startedOn} between ${filter.assistedFrom}::date and ${filter.assistedTo}::date)`
		);
	}
	if (filter.risk) {
		where.push(
			sql`exists (select 1 from ${monitoringRisks} where ${monitoringRisks.countyId} = ${households.countyId} and ${monitoringRisks.householdId} = ${households.id} and ${monitoringRisks.risk} = ${filter.risk})`
		);
	}
	return where;
}

export interface HouseholdPage {
	items: HouseholdListItem[];
	/** Households matching; at most COUNT_CAP when `capped`. */
	total: number;
	/** True when there are more than `total` (counting stopped). */
	capped: boolean;
	page: number;
	pageSize: number;
	/** Set when the search was not run: what to tell the person. */
	notice: SearchNotice | null;
}

/** A whole number written into the SQL (a LIMIT the planner should know). */
function literal(n: number): SQL {
	return sql.raw(String(Math.max(0, Math.trunc(n))));
}

/** How many rows one way of finding may match on this database. */
function branchCapFor(db: Db, branchCap?: number): number {
	return branchCap ?? (isEmbedded(db) ? BRANCH_CAP.embedded : BRANCH_CAP.server);
}

/**
 * A search's page in one statement: each way of finding reads at most `cap` index entries
 * once (a materialized CTE); if one reaches the cap the search is too broad and nothing
 * more is read; otherwise the ids found meet households' primary key (ARRAY(…) is an
 * InitPlan, run once, never once per household), and one page is cut from them with the
 * count of all matches (they are all read to be sorted anyway). Always one row at least:
 * `broad`, and the page's columns (null when the page is empty).
 */
function searchPageSql(
	actor: UserActor,
	filter: HouseholdFilter,
	branches: SQL[],
	cap: number,
	page: number,
	pageSize: number
): SQL {
	const name = (i: number) => sql.raw(`branch_${i}`);
	const lookups = branches.map(
		(branch, i) => sql`${name(i)} as materialized (${branch} limit ${literal(cap)})`
	);
	const widest = sql.join(
		branches.map((_, i) => sql`(select count(*) from ${name(i)})`),
		sql`, `
	);
	const ids = sql.join(
		branches.map((_, i) => sql`select id from ${name(i)}`),
		sql` union `
	);
	const found = sql`${households.id} = any(array(select id from (${ids}) as found where not (select broad from hit)))`;
	return sql`with ${sql.join(lookups, sql`, `)}, hit as materialized (select greatest(${widest}) >= ${literal(cap)} as broad)
select hit.broad, page.* from hit left join (
	select ${households.id} as id, ${households.householdNumber} as "householdNumber",
		${households.villageCode} as "villageCode", ${households.phone} as phone,
		count(*) over () as total
	from ${households}
	where ${and(...conditions(actor, filter, found))}
	order by ${households.householdNumber}
	limit ${literal(pageSize)} offset ${literal((page - 1) * pageSize)}
) as page on true`;
}

/** One page of the whole list (no search): the households' own columns. */
function listPageQuery(
	db: Db,
	actor: UserActor,
	filter: HouseholdFilter,
	page: number,
	pageSize: number
) {
	return db
		.select({
			id: households.id,
			householdNumber: households.householdNumber,
			villageCode: households.villageCode,
			phone: households.phone
		})
		.from(households)
		.where(and(...conditions(actor, filter)))
		.orderBy(asc(households.householdNumber))
		.limit(pageSize)
		.offset((page - 1) * pageSize);
}

/**
 * The query of one page of the list, exactly as listHouseholds runs it (for a search: the
 * lookups, the bound check, the page and its count in one statement). Exported so that
 * tests and the bench can EXPLAIN and time it.
 */
export function householdPageQuery(
	db: Db,
	actor: UserActor,
	filter: HouseholdFilter,
	{
		page = 1,
		pageSize = 25,
		branchCap
	}: { page?: number; pageSize?: number; branchCap?: number } = {}
): SQL {
	const query = normalizeQuery(filter.query);
	const plan = query ? searchPlan(actor.countyId, query, placeCondition(filter)) : null;
	if (plan && plan.branches.length > 0)
		return searchPageSql(actor, filter, plan.branches, branchCapFor(db, branchCap), page, pageSize);
	return listPageQuery(db, actor, filter, page, pageSize).getSQL();
}

function rowsOf<T>(result: unknown): T[] {
	return ((result as { rows?: T[] }).rows ?? result) as T[];
}

/** PostgreSQL's statement_timeout (57014: query_canceled) ended the query. */
function isCanceled(error: unknown): boolean {
	for (let e = error; e; e = (e as { cause?: unknown }).cause) {
		if ((e as { code?: unknown }).code === '57014') return true;
		if (!(e instanceof Error)) break;
	}
	return false;
}

/**
 * One page of the households an actor may see, filtered on the server. Sorted by
 * household number, which follows village codes, so a village's households stay together.
 * Every query it runs is bounded: a search reads index entries for what was typed (and
 * says so when that is too much), and the whole list is counted only up to COUNT_CAP.
 */
export async function listHouseholds(
	db: Db,
	actor: UserActor,
	filter: HouseholdFilter,
	page = 1,
	pageSize = 25,
	/** For tests: a lower bound on what one way of finding may match. */
	limits: { branchCap?: number } = {}
): Promise<HouseholdPage> {
	const empty = (notice: SearchNotice | null): HouseholdPage => ({
		items: [],
		total: 0,
		capped: false,
		page,
		pageSize,
		notice
	});
	const query = normalizeQuery(filter.query);
	const plan = query ? searchPlan(actor.countyId, query, placeCondition(filter)) : null;
	if (plan?.notice) return empty(plan.notice);
	const where = and(...conditions(actor, filter));
	const cappedCount = async () => {
		const [{ n }] = await db.select({ n: count() }).from(
			db
				.select({ one: sql`1`.as('one') })
				.from(households)
				.where(where)
				.limit(COUNT_CAP + 1)
				.as('matching')
		);
		return n;
	};
	try {
		type Row = { id: string; householdNumber: string; villageCode: string; phone: string | null };
		let rows: Row[];
		let counted: number;
		let capped = false;
		if (plan) {
			const cap = branchCapFor(db, limits.branchCap);
			const result = rowsOf<Row & { broad: boolean; total: number | string | null }>(
				await db.execute(searchPageSql(actor, filter, plan.branches, cap, page, pageSize))
			);
			if (result[0]?.broad) return empty('search_too_broad');
			const found = result.filter((r) => r.id !== null);
			rows = found.map(({ id, householdNumber, villageCode, phone }) => ({
				id,
				householdNumber,
				villageCode,
				phone
			}));
			// A page past the search's end knows no count: counted (bounded) on its own.
			if (found.length > 0) counted = Number(found[0].total);
			else if (page === 1) counted = 0;
			else {
				const n = await cappedCount();
				capped = n > COUNT_CAP;
				counted = capped ? COUNT_CAP : n;
			}
		} else {
			// The whole list: counted up to the cap.
			const [pageRows, n] = await Promise.all([
				listPageQuery(db, actor, filter, page, pageSize),
				cappedCount()
			]);
			rows = pageRows;
			capped = n > COUNT_CAP;
			counted = capped ? COUNT_CAP : n;
		}
		return {
			...(await describe(db, actor, rows)),
			total: counted,
			capped,
			page,
			pageSize,
			notice: null
		};
	} catch (error) {
		if (isCanceled(error)) return empty('search_too_broad');
		throw error;
	}
}

/** Names, village names and monitoring records for one page of households. */
async function describe(
	db: Db,
	actor: UserActor,
	rows: { id: string; householdNumber: string; villageCode: string; phone: string | null }[]
): Promise<{ items: HouseholdListItem[] }> {
	const ids = rows.map((r) => r.id);
	if (ids.length === 0) return { items: [] };
	const villageCodes = [...new Set(rows.map((r) => r.villageCode))];
	const [people, records, villages, standings] = await Promise.all([
		db
			.select({
				householdId: members.householdId,
				name: members.name,
				relation: members.relation
			})
			.from(members)
			.where(
				and(
					eq(members.countyId, actor.countyId),
					inArray(members.householdId, ids),
					eq(members.current, true)
				)
			),
		db
			.select()
			.from(monitoringRecords)
			.where(
				and(
					eq(monitoringRecords.countyId, actor.countyId),
					inArray(monitoringRecords.householdId, ids)
				)
			),
		db
			.select({ code: divisions.code, name: divisions.name })
			.from(divisions)
			.where(inArray(divisions.code, villageCodes)),
		storedStandingsOf(db, actor.countyId, ids)
	]);
	const villageName = new Map(villages.map((v) => [v.code, v.name]));
	return {
		items: rows.map((r) => {
			const own = people.filter((p) => p.householdId === r.id);
			const record = records.find((m) => m.householdId === r.id);
			return {
				...r,
				villageName: villageName.get(r.villageCode) ?? '',
				headName: own.find((p) => p.relation === HEAD_OF_HOUSEHOLD)?.name ?? own[0]?.name ?? null,
				memberCount: own.length,
				category: record?.category ?? 'ordinary',
				status: record?.status ?? 'not_monitored',
				standing: standings.get(r.id)?.mark ?? null
			};
		})
	};
}

/**
 * Every current member of the filtered households, the head first: the rows of an export
 * (export.ts lays them out). Identity numbers are full here; the export masks them.
 */
export async function exportHouseholdMembers(
	db: Db,
	actor: UserActor,
	filter: HouseholdFilter
): Promise<{ household: typeof households.$inferSelect; member: typeof members.$inferSelect }[]> {
	const where = and(...conditions(actor, filter), eq(members.current, true));
	return db
		.select({ household: households, member: members })
		.from(households)
		.innerJoin(
			members,
			and(eq(members.countyId, households.countyId), eq(members.householdId, households.id))
		)
		.where(where)
		.orderBy(
			asc(households.householdNumber),
			sql`${members.relation} <> ${HEAD_OF_HOUSEHOLD}`,
			asc(members.birthDate)
		);
}
