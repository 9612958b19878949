import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { HEAD_OF_HOUSEHOLD, households, members } from '../households/schema';
import { householdStandings } from '../income/schema';
import { monitoringRecords } from '../monitoring/schema';
import { getCountyOptions } from '../monitoring';
import { monitoringStatusName, optionName } from '../../labels';
import { m } from '../../paraglide/messages';
import { getLocale } from '../../paraglide/runtime';
import {
	householdsInScope,
	reportScope,
	toNumber,
	type ReportParams,
	type ReportScope
} from './scope';
import type { Report, ReportCell, ReportColumn } from './types';

// Monitored households with their income account, read from the stored standings (kept
// with every posting) and the monitoring records: no ledger scan, so it holds at county
// size. The page shows the first rows; the XLSX file reads all of them in chunks.

/** The statuses of a monitored household (监测对象), eliminated risks included. */
const MONITORED = ['monitored', 'eliminated'] as const;
/** Rows read per query when the whole list is written to a file. */
export const HOUSEHOLD_CHUNK = 2000;

type Row = Record<string, ReportCell>;

function listColumns(): ReportColumn[] {
	return [
		{ key: 'township', label: m.reports_col_township(), format: 'text' },
		{ key: 'village', label: m.reports_col_village(), format: 'text' },
		{ key: 'number', label: m.reports_col_household_number(), format: 'text' },
		{ key: 'head', label: m.reports_col_head(), format: 'text' },
		{ key: 'category', label: m.reports_col_category(), format: 'text' },
		{ key: 'status', label: m.reports_col_status(), format: 'text' },
		{ key: 'residents', label: m.reports_col_residents(), format: 'integer' },
		{ key: 'netFen', label: m.reports_col_net(), format: 'fen' },
		{ key: 'perCapitaFen', label: m.reports_col_per_capita(), format: 'fen' },
		{ key: 'lineFen', label: m.reports_col_line(), format: 'fen' },
		{ key: 'gapFen', label: m.reports_col_gap(), format: 'fen' },
		{ key: 'standing', label: m.reports_col_standing(), format: 'text' },
		{ key: 'evaluatedOn', label: m.reports_col_evaluated(), format: 'date' }
	];
}

function monitoredWhere(actor: UserActor, scope: ReportScope): SQL {
	return and(
		householdsInScope(actor, scope),
		inArray(monitoringRecords.status, [...MONITORED])
	) as SQL;
}

function recordJoin() {
	return and(
		eq(monitoringRecords.countyId, households.countyId),
		eq(monitoringRecords.householdId, households.id)
	);
}

/** One chunk of the list, after a household number (keyset paging on the unique number). */
async function listChunk(
	db: Db,
	actor: UserActor,
	scope: ReportScope,
	after: string | null,
	limit: number
) {
	return db
		.select({
			number: households.householdNumber,
			villageCode: households.villageCode,
			head: sql<string | null>`(select ${members.name} from ${members}
				where ${members.countyId} = ${households.countyId} and ${members.householdId} = ${households.id}
				and ${members.relation} = ${HEAD_OF_HOUSEHOLD} and ${members.current}
				order by ${members.createdAt} limit 1)`,
			category: monitoringRecords.category,
			status: monitoringRecords.status,
			residents: householdStandings.residents,
			netFen: householdStandings.netFen,
			perCapitaFen: householdStandings.perCapitaFen,
			lineFen: householdStandings.lineFen,
			belowLine: householdStandings.belowLine,
			nearLine: householdStandings.nearLine,
			evaluatedOn: householdStandings.evaluatedOn
		})
		.from(households)
		.innerJoin(monitoringRecords, recordJoin())
		.leftJoin(
			householdStandings,
			and(
				eq(householdStandings.countyId, households.countyId),
				eq(householdStandings.householdId, households.id)
			)
		)
		.where(
			and(
				monitoredWhere(actor, scope),
				after === null ? undefined : gt(households.householdNumber, after)
			)
		)
		.orderBy(asc(households.householdNumber))
		.limit(limit);
}

type ListRow = Awaited<ReturnType<typeof listChunk>>[number];

function standingWord(r: ListRow): string {
	if (r.belowLine === true) return m.reports_standing_below();
	if (r.belowLine === false)
		return r.nearLine ? m.reports_standing_near() : m.reports_standing_above();
	return m.reports_unknown();
}

function rowFormatter(
	scope: ReportScope,
	categories: { code: string; nameZh: string; nameEn: string }[]
) {
	const locale = getLocale();
	return (r: ListRow): Row => {
		const perCapita = r.perCapitaFen === null ? null : toNumber(r.perCapitaFen);
		const line = r.lineFen === null ? null : toNumber(r.lineFen);
		return {
			township: scope.names.get(r.villageCode.slice(0, 9)) ?? r.villageCode.slice(0, 9),
			village: scope.names.get(r.villageCode) ?? r.villageCode,
			number: r.number,
			head: r.head ?? '',
			category: optionName(categories, r.category, locale),
			status: monitoringStatusName(r.status),
			residents: r.residents ?? null,
			netFen: r.netFen === null ? null : toNumber(r.netFen),
			perCapitaFen: perCapita,
			lineFen: line,
			gapFen: perCapita === null || line === null ? null : perCapita - line,
			standing: standingWord(r),
			evaluatedOn: r.evaluatedOn ?? null
		};
	};
}

/** Every household of the report, in chunks, for the XLSX file (memory stays bounded). */
export async function* monitoredHouseholdChunks(
	db: Db,
	actor: UserActor,
	params: ReportParams,
	chunkSize = HOUSEHOLD_CHUNK
): AsyncGenerator<Row[]> {
	const scope = await reportScope(db, actor, params);
	const format = rowFormatter(scope, (await getCountyOptions(db, actor.countyId)).category);
	let after: string | null = null;
	for (;;) {
		const chunk = await listChunk(db, actor, scope, after, chunkSize);
		if (chunk.length === 0) return;
		yield chunk.map(format);
		if (chunk.length < chunkSize) return;
		after = chunk[chunk.length - 1].number;
	}
}

/**
 * The report with the summary by township and the first `listLimit` households; the
 * list's `rowCount` says how many there are in all.
 */
export async function monitoredHouseholdsReport(
	db: Db,
	actor: UserActor,
	params: ReportParams,
	listLimit = 500
): Promise<Report> {
	const scope = await reportScope(db, actor, params);
	const township = sql<string>`left(${households.villageCode}, 9)`;
	const [summary, list, options] = await Promise.all([
		db
			.select({
				township,
				households: sql<number>`count(*)::int`,
				monitored: sql<number>`(count(*) filter (where ${monitoringRecords.status} = 'monitored'))::int`,
				eliminated: sql<number>`(count(*) filter (where ${monitoringRecords.status} = 'eliminated'))::int`,
				below: sql<number>`(count(*) filter (where ${householdStandings.belowLine} is true))::int`,
				near: sql<number>`(count(*) filter (where ${householdStandings.belowLine} is false and ${householdStandings.nearLine}))::int`,
				unknown: sql<number>`(count(*) filter (where ${householdStandings.belowLine} is null))::int`
			})
			.from(households)
			.innerJoin(monitoringRecords, recordJoin())
			.leftJoin(
				householdStandings,
				and(
					eq(householdStandings.countyId, households.countyId),
					eq(householdStandings.householdId, households.id)
				)
			)
			.where(monitoredWhere(actor, scope))
			.groupBy(township)
			.orderBy(township),
		listChunk(db, actor, scope, null, listLimit),
		getCountyOptions(db, actor.countyId)
	]);
	const format = rowFormatter(scope, options.category);
	const summaryRows = summary.map((s) => ({
		township: scope.names.get(s.township) ?? s.township,
		households: Number(s.households),
		monitored: Number(s.monitored),
		eliminated: Number(s.eliminated),
		below: Number(s.below),
		near: Number(s.near),
		unknown: Number(s.unknown)
	}));
	const sum = (key: keyof (typeof summaryRows)[number]) =>
		summaryRows.reduce((t, r) => t + (r[key] as number), 0);
	const total = sum('households');
	return {
		kind: 'households',
		title: m.reports_households_title(),
		area: scope.area,
		period: { from: scope.from, to: scope.to },
		generatedAt: new Date().toISOString(),
		tables: [
			{
				title: m.reports_households_summary(),
				columns: [
					{ key: 'township', label: m.reports_col_township(), format: 'text' },
					{ key: 'households', label: m.reports_col_households(), format: 'integer' },
					{ key: 'monitored', label: m.reports_col_monitored(), format: 'integer' },
					{ key: 'eliminated', label: m.reports_col_eliminated(), format: 'integer' },
					{ key: 'below', label: m.reports_col_below(), format: 'integer' },
					{ key: 'near', label: m.reports_col_near(), format: 'integer' },
					{ key: 'unknown', label: m.reports_col_unknown_standing(), format: 'integer' }
				],
				rows: summaryRows,
				totals: {
					township: m.reports_total(),
					households: total,
					monitored: sum('monitored'),
					eliminated: sum('eliminated'),
					below: sum('below'),
					near: sum('near'),
					unknown: sum('unknown')
				}
			},
			{
				title: m.reports_households_list(),
				columns: listColumns(),
				rows: list.map(format),
				rowCount: total
			}
		],
		definitions: [
			{ term: m.reports_col_households(), text: m.reports_def_households_who() },
			{ term: m.reports_col_per_capita(), text: m.reports_def_households_income() },
			{ term: m.reports_col_gap(), text: m.reports_def_households_gap() },
			{ term: m.reports_col_near(), text: m.reports_def_households_near() },
			{ term: m.reports_col_evaluated(), text: m.reports_def_households_period() }
		]
	};
}
