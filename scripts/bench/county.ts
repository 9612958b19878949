// The county-size database of `npm run bench` (domain.md, scale): 300,000 households and
// about 900,000 people imported through the app's own registry import (bulk, 50,000 households
// a file), then everything else in set-based SQL (INSERT … SELECT generate_series, one
// statement per table, never a row at a time), keeping the invariants the app relies on:
//   - 156 factories, 6,100 workers (factory_jobs linked to members), 12 months of wages, each
//     wage posted to the ledger (source factory_wage, source_id = the wage, its version);
//   - a 2026 honeysuckle season, 20 stations, 48,000 pickers × 30 weigh-ins, paid monthly
//     (picking_payments), each paid weigh-in posted (source picking, source_id = the entry);
//   - an insurance scheme (created by the app), a policy for each claiming household, 5,000
//     claims in every state, the paid ones posted (source insurance, source_id = the claim);
//   - the rest of the ledger as the reevaluate bench generates it (about 11 entries a household);
//   - warnings in every state (some thousands), monitoring records (2% monitored);
//   - household_income_months filled from the ledger (INCOME_MONTHS_FROM_LEDGER) and
//     household_standings by the nightly standings job (reevaluateCounty), as the app keeps them.
// The database is made with synchronous_commit off; BENCH_KEEP=1 keeps it (levee_bench_county)
// and the next run finds the finished marker table and reuses it.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/lib/server/db';
import {
	INCOME_MONTHS_FROM_LEDGER,
	PROGRAM_YEARS_FROM_MONTHS,
	VILLAGE_INCOME_MONTHS_FROM_HOUSEHOLDS
} from '../../src/lib/server/income/months';
import { standingsJob } from '../../src/lib/server/income/standings';
import { runDueNightlyJobs } from '../../src/lib/server/warnings/nightly';
import { setMonitoringLine } from '../../src/lib/server/settings';
import { createScheme } from '../../src/lib/server/insurance/schemes';
import { runMaintenance } from '../../src/lib/server/db/maintenance';
import { HEAD_OF_HOUSEHOLD } from '../../src/lib/server/households/schema';
import { GIVEN, SURNAMES, generateCountyCsv } from '../generate-county';
import { NEW_ID, TODAY, generateLedger, prepareSearch, type SearchWorld } from '../bench';

export const COUNTY_HOUSEHOLDS = Number(process.env.BENCH_COUNTY_HOUSEHOLDS ?? 300_000);
const FACTORIES = 156;
const WORKERS = Math.min(6_100, Math.floor(COUNTY_HOUSEHOLDS / 10));
const PICKERS = Math.min(48_000, Math.floor(COUNTY_HOUSEHOLDS / 4));
const WEIGH_INS = 30;
const CLAIMS = Math.min(5_000, Math.floor(COUNTY_HOUSEHOLDS / 20));
const WARNINGS = Math.min(6_000, Math.floor(COUNTY_HOUSEHOLDS / 20));

export interface County {
	url: string;
	name: string;
	world: SearchWorld;
	sizes: Record<string, number>;
	generationSeconds: number;
	reused: boolean;
	drop(): Promise<void>;
}

/** The county database: reused when kept and complete, otherwise generated. */
export async function countyDatabase(serverUrl: string): Promise<County> {
	const keep = process.env.BENCH_KEEP === '1';
	const name = keep
		? (process.env.BENCH_KEEP_DATABASE ?? `levee_bench_county_${COUNTY_HOUSEHOLDS}`)
		: `levee_bench_county_${randomBytes(4).toString('hex')}`;
	if (!/^levee_bench_[a-z0-9_]*$/.test(name)) throw new Error(`BENCH_KEEP_DATABASE: ${name}`);
	const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
	const target = new URL(serverUrl);
	target.pathname = `/${name}`;
	const url = target.toString();
	const drop = async () => {
		if (!keep) await admin.unsafe(`drop database if exists ${name} with (force)`);
		await admin.end();
	};
	const exists = (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
	if (exists) {
		const probe = postgres(url, { max: 1, onnotice: () => {} });
		const [ready] =
			await probe`select to_regclass('bench_county_ready') is not null as ready`.catch(() => [
				{ ready: false }
			]);
		const sizes = ready.ready
			? ((await probe`select sizes from bench_county_ready`)[0].sizes as Record<string, number>)
			: null;
		await probe.end();
		if (sizes) {
			const database = await openDatabase({ kind: 'postgres', url });
			const world = await prepareSearch(database);
			await database.close();
			return { url, name, world, sizes, generationSeconds: 0, reused: true, drop };
		}
		// An unfinished generation (stopped half-way): start again.
		await admin.unsafe(`drop database ${name} with (force)`);
	}
	await admin.unsafe(`create database ${name}`);
	// Generation only: a crash loses the database, which is made again anyway.
	await admin.unsafe(`alter database ${name} set synchronous_commit = off`);
	const t0 = performance.now();
	// One connection: the generation's temporary tables live in its session.
	const database = await openDatabase({ kind: 'postgres', url, maxConnections: 1 });
	let world: SearchWorld;
	let sizes: Record<string, number>;
	try {
		world = await prepareSearch(database);
		// Bulk load: the foreign keys' per-row checks off (the rows below keep them by
		// construction), and memory to build the indexes again in one sort each.
		await database.db.execute(sql`set session_replication_role = replica`);
		await database.db.execute(sql`set maintenance_work_mem = '256MB'`);
		const secondary = await dropSecondaryIndexes(database);
		await generateHouseholds(database, world, COUNTY_HOUSEHOLDS);
		log(`households (${world.imported} households, ${world.people} people)`, t0);
		// First: generateLedger writes only into an empty ledger.
		await generateLedger(database, world.actor.countyId, { maintenance: false });
		log('ledger', t0);
		await generatePrograms(database, world);
		log('factories, picking, insurance, warnings', t0);
		// In the primary key's order, so the index is written front to back.
		await database.db.execute(sql`delete from household_income_months`);
		await database.db.execute(
			sql`insert into household_income_months (county_id, household_id, month, kind, source, amount_fen, entries)
				select * from (${INCOME_MONTHS_FROM_LEDGER}) m order by 1, 2, 3, 4, 5`
		);
		await database.db.execute(sql`delete from household_program_years`);
		await database.db.execute(
			sql`insert into household_program_years (county_id, source, year, household_id, amount_fen) ${PROGRAM_YEARS_FROM_MONTHS}`
		);
		await database.db.execute(sql`delete from village_income_months`);
		await database.db.execute(
			sql`insert into village_income_months (county_id, village_code, month, kind, source, amount_fen, entries) ${VILLAGE_INCOME_MONTHS_FROM_HOUSEHOLDS}`
		);
		log('income months', t0);
		// The households per village as the households' trigger counts them (triggers are off
		// during the load); the standings' counts come with the standings job below.
		await database.db.execute(sql`delete from village_counts`);
		await database.db.execute(
			sql`insert into village_counts (county_id, village_code, households)
				select county_id, village_code, count(*) from households group by 1, 2`
		);
		await database.db.execute(sql`set session_replication_role = origin`);
		for (const definition of secondary) await database.db.execute(sql.raw(definition));
		log(`${secondary.length} indexes made again after the load`, t0);
		await setMonitoringLine(database.db, world.actor.countyId, 2026, 750000);
		// The standings as the night's first job makes them, through the scheduler, which
		// records the run: the day's nightly pass before the bench does not make them again.
		await runDueNightlyJobs(database.db, { jobs: [standingsJob] });
		log('standings (the nightly standings job)', t0);
		await runMaintenance(database.db, 'bench', true);
		log('statistics', t0);
		sizes = await countSizes(database);
		await database.db.execute(
			sql`create table bench_county_ready as select ${JSON.stringify(sizes)}::jsonb as sizes`
		);
	} catch (error) {
		await database.close();
		await admin.unsafe(`drop database if exists ${name} with (force)`);
		await admin.end();
		throw error;
	}
	await database.close();
	await admin.unsafe(`alter database ${name} reset synchronous_commit`);
	return {
		url,
		name,
		world,
		sizes,
		generationSeconds: (performance.now() - t0) / 1000,
		reused: false,
		drop
	};
}

/** The rows of db.execute on either driver (postgres.js: an array; PGlite: { rows }). */
export function rowsOf<T>(result: unknown): T[] {
	return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

let lastLog = 0;
function log(step: string, t0: number) {
	const now = performance.now();
	const step_s = (now - Math.max(lastLog, t0)) / 1000;
	lastLog = now;
	console.log(
		`  county: ${step} (${step_s.toFixed(0)} s, ${((now - t0) / 1000).toFixed(0)} s in all)`
	);
}

async function countSizes(database: Database): Promise<Record<string, number>> {
	const tables = [
		'households',
		'members',
		'monitoring_records',
		'factories',
		'factory_jobs',
		'factory_wages',
		'picking_entries',
		'insurance_claims',
		'warnings',
		'ledger_entries',
		'household_income_months',
		'household_standings'
	];
	const sizes: Record<string, number> = {};
	for (const table of tables) {
		const rows = await database.db.execute<{ n: number }>(
			sql.raw(`select count(*)::int as n from ${table}`)
		);
		sizes[table] = Number(rowsOf<{ n: number }>(rows)[0].n);
	}
	const monitored = await database.db.execute<{ n: number }>(
		sql`select count(*)::int as n from monitoring_records where status = 'monitored'`
	);
	sizes.monitored = Number(rowsOf<{ n: number }>(monitored)[0].n);
	return sizes;
}

const textArray = (values: readonly string[]) =>
	sql.raw(`array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]`);

/**
 * Households and people as the registry import writes them for the generated county file
 * (scripts/generate-county.ts: the same numbers, phones, names and identity numbers, so
 * the search's samples are found), in set-based SQL: households, members, their
 * 'registered' membership events, a monitoring record for each household (2% monitored
 * since 2024-03, marginal, at risk of illness: 6,000 of 300,000, as Julu's 1,742 monitored
 * households of about 100,000 in domain.md) and the monitored ones' history.
 */
async function generateHouseholds(database: Database, world: SearchWorld, size: number) {
	const db = database.db;
	const countyId = world.actor.countyId;
	const userId = world.actor.userId;
	// Households keep random ids (300,000 rows: cheap): the picks below that go "in the
	// order of id" (warnings, policies, workers) rely on that order being unrelated to h.
	await db.execute(sql`
create temporary table bench_households as
select h, gen_random_uuid() as id, v.code as village_code
from generate_series(0, ${size - 1}) h
join (select code, (row_number() over (order by code) - 1)::int as n from divisions
	where level = 'village' and code like '130434%') v
	on v.n = h % (select count(*) from divisions where level = 'village' and code like '130434%')`);
	await db.execute(sql`
insert into households (county_id, id, household_number, village_code, phone)
select ${countyId}, id, village_code || lpad(h::text, 6, '0'), village_code,
	'1' || (3 + h % 7) || lpad(((h::bigint * 7919) % 1000000000)::text, 9, '0')
from bench_households`);
	// Person p of the file (households of 1–5 people in turn: 15 people every 5 households);
	// its identity number as identityNumber(p, male) makes it, check character included.
	await db.execute(sql`
insert into members (county_id, id, household_id, name, id_number, sex, birth_date, relation, phone)
select ${countyId}, ${NEW_ID}, hh.id,
	(${textArray(SURNAMES)})[1 + hh.h % ${SURNAMES.length}] || (${textArray(GIVEN)})[1 + (hh.h + m) % ${GIVEN.length}],
	f.first17 || substr('10X98765432', (select sum(substr(f.first17, i, 1)::int
		* (array[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])[i])
		from generate_series(1, 17) i)::int % 11 + 1, 1),
	case when m % 2 = 0 then 'male' else 'female' end, f.birth,
	case when m = 0 then ${HEAD_OF_HOUSEHOLD} when m = 1 then '配偶' when m % 2 = 0 then '之子' else '之女' end,
	case when m = 0 then '1' || (3 + hh.h % 7) || lpad(((hh.h::bigint * 7919) % 1000000000)::text, 9, '0') end
from bench_households hh
cross join generate_series(0, 4) m
cross join lateral (select 15 * (hh.h / 5) + (hh.h % 5) * (hh.h % 5 + 1) / 2 + m as p) pn
cross join lateral (select (date '1940-01-01' + (pn.p % 25000))::date as birth) b
cross join lateral (select '130434' || to_char(b.birth, 'YYYYMMDD')
	|| lpad((((pn.p / 25000) * 2 + case when m % 2 = 0 then 1 else 0 end) % 1000)::text, 3, '0') as first17,
	b.birth) f
where m < 1 + hh.h % 5`);
	await db.execute(sql`
insert into membership_events (county_id, id, household_id, member_id, kind, happened_on, recorded_by)
select county_id, ${NEW_ID}, household_id, id, 'registered', ${TODAY}, ${userId}
from members where county_id = ${countyId}`);
	// Monitored: picked by a hash of the id, not by h (whose remainder sets the size).
	await db.execute(sql`alter table bench_households add column monitored boolean`);
	await db.execute(sql`update bench_households set monitored = abs(hashtext(id::text)) % 50 = 0`);
	await db.execute(sql`
insert into monitoring_records (county_id, household_id, category, status, monitored_since)
select ${countyId}, id, case when monitored then 'marginal' else 'ordinary' end,
	case when monitored then 'monitored' else 'not_monitored' end,
	case when monitored then date '2024-03-01' end
from bench_households`);
	await db.execute(sql`
insert into monitoring_history (county_id, id, household_id, happened_on, status, category, recorded_by)
select ${countyId}, ${NEW_ID}, id, '2024-03-01', 'monitored', 'marginal', ${userId}
from bench_households where monitored`);
	await db.execute(sql`
insert into monitoring_risks (county_id, household_id, risk, written)
select ${countyId}, id, 'illness', '因病' from bench_households where monitored`);
	await db.execute(sql`analyze households; analyze members`);
	const [people] = rowsOf<{ n: number }>(
		await db.execute(sql`select count(*)::int as n from members where county_id = ${countyId}`)
	);
	world.imported = size;
	world.people = Number(people.n);
	world.samples = (await generateCountyCsv(db, 0, 1)).samples;
}

/** Tables the generation fills by the hundred thousand: their plain indexes are made after. */
const BULK_TABLES = [
	'members',
	'membership_events',
	'ledger_entries',
	'picking_entries',
	'factory_wages',
	'monitoring_history',
	'household_income_months'
];

/**
 * Drops the bulk tables' secondary indexes (not primary keys, not unique constraints, which
 * the load must respect) and returns their definitions, to be run again after the load.
 */
async function dropSecondaryIndexes(database: Database): Promise<string[]> {
	const indexes = rowsOf<{ name: string; definition: string }>(
		await database.db.execute(sql`
select i.indexname as name, i.indexdef as definition from pg_indexes i
where i.schemaname = 'public' and i.tablename in ${sql.raw(`(${BULK_TABLES.map((t) => `'${t}'`).join(', ')})`)}
	and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`)
	);
	for (const index of indexes) await database.db.execute(sql.raw(`drop index "${index.name}"`));
	return indexes.map((index) => index.definition);
}

/** Factories, picking, insurance and warnings, one set-based statement each. */
async function generatePrograms(database: Database, world: SearchWorld) {
	const db = database.db;
	const countyId = world.actor.countyId;
	const run = async (statement: ReturnType<typeof sql>) => {
		const t = performance.now();
		await db.execute(statement);
		if (process.env.BENCH_COUNTY_VERBOSE === '1')
			console.log(
				`    ${((performance.now() - t) / 1000).toFixed(1)} s: ${statement.queryChunks
					.map((c) =>
						typeof c === 'object' && c && 'value' in c ? (c.value as string[]).join('') : '?'
					)
					.join('')
					.trim()
					.slice(0, 70)
					.replace(/\s+/g, ' ')}`
			);
	};
	const villages = sql`(select code, row_number() over (order by code) - 1 as n from divisions
		where level = 'village' and code like '130434%')`;

	// Factories and their workers: people of households spread over the county.
	await run(sql`
insert into factories (county_id, id, name, village_code, floor_area_m_2, enterprise_name, status, opened_on)
select ${countyId}, ${NEW_ID}, 'bench factory ' || g, v.code, 600 + g * 10,
	'bench enterprise ' || g, 'operating', date '2024-03-01' + g
from generate_series(0, ${FACTORIES - 1}) g
join ${villages} v on v.n = g * 3 % (select count(*) from ${villages} x)`);
	await run(sql`
insert into factory_jobs (county_id, id, factory_id, member_id, household_id, worker_name,
	worker_id_number, job_title, pay_basis, started_on)
select m.county_id, ${NEW_ID}, f.id, m.id, m.household_id, m.name, m.id_number,
	'worker', case when w.g % 4 = 0 then 'piece_rate' else 'monthly' end, date '2025-11-01'
from (select g, (g * 37)::bigint % ${world.people} as pick from generate_series(0, ${WORKERS - 1}) g) w
join (select id, row_number() over (order by id) - 1 as n from factories where county_id = ${countyId}) f
	on f.n = w.g % ${FACTORIES}
join (select county_id, id, household_id, name, id_number,
		row_number() over (order by household_id, id) - 1 as n
	from members where county_id = ${countyId} and relation <> ${HEAD_OF_HOUSEHOLD}) m on m.n = w.pick`);
	await run(sql`
insert into factory_wages (county_id, id, job_id, month, amount_fen)
select j.county_id, ${NEW_ID}, j.id, (date '2025-12-01' + make_interval(months => k))::date,
	250000 + abs(hashtext(j.id::text || k)) % 150000
from factory_jobs j cross join generate_series(0, 11) k where j.county_id = ${countyId}`);
	await run(sql`
insert into ledger_entries (county_id, id, household_id, member_id, business_date, amount_fen,
	kind, subtype, source, source_id, source_version, note)
select w.county_id, ${NEW_ID}, j.household_id, j.member_id,
	least((date_trunc('month', w.month) + interval '1 month - 1 day')::date, ${TODAY}::date),
	w.amount_fen, 'wage', 'factory_wage', 'factory_wage', w.id, w.version, 'bench'
from factory_wages w join factory_jobs j on j.county_id = w.county_id and j.id = w.job_id
where w.county_id = ${countyId}`);

	// Honeysuckle: a season, 20 stations, pickers weighed in June to September, paid monthly.
	const seasonRows = await db.execute<{ id: string }>(sql`
insert into planting_seasons (county_id, id, year, first_year_subsidy_fen_per_mu,
	later_year_subsidy_fen_per_mu, picking_rate_fen_per_kg, seedlings_per_mu, starts_on, ends_on)
values (${countyId}, ${NEW_ID}, 2026, 90000, 0, 100, 300, '2026-01-01', '2026-12-31')
on conflict do nothing returning id`);
	const seasonId = rowsOf<{ id: string }>(seasonRows)[0]?.id;
	if (!seasonId) throw new Error('a 2026 season already exists in the bench county');
	await run(sql`
insert into weighing_stations (county_id, id, name, village_code)
select ${countyId}, ${NEW_ID}, 'bench station ' || g, v.code
from generate_series(0, 19) g join ${villages} v on v.n = g * 13`);
	await run(sql`
create temporary table bench_pickers as
select m.county_id, m.id as member_id, m.household_id, m.name, m.id_number, p.g,
	s.id as station_id
from (select g, (g * 17 + 5)::bigint % ${world.people} as pick from generate_series(0, ${PICKERS - 1}) g) p
join (select county_id, id, household_id, name, id_number,
		row_number() over (order by id) - 1 as n from members where county_id = ${countyId}) m
	on m.n = p.pick
join (select id, row_number() over (order by id) - 1 as n from weighing_stations
	where county_id = ${countyId}) s on s.n = p.g % 20`);
	await run(sql`
insert into picking_payments (county_id, id, station_id, from_date, to_date, paid_on, total_fen, entries)
select ${countyId}, ${NEW_ID}, s.id, make_date(2026, mo, 1),
	(make_date(2026, mo, 1) + interval '1 month - 1 day')::date,
	(make_date(2026, mo, 1) + interval '1 month - 1 day')::date, 0, 0
from weighing_stations s cross join generate_series(6, 9) mo where s.county_id = ${countyId}`);
	await run(sql`
insert into picking_entries (county_id, id, season_id, station_id, picked_on, member_id,
	household_id, picker_name, picker_id_number, weight_grams, rate_fen_per_kg, amount_fen, payment_id)
select p.county_id, ${NEW_ID}, ${seasonId}, p.station_id, d.day, p.member_id,
	p.household_id, p.name, p.id_number, w.grams, 100, w.grams / 10, pay.id
from bench_pickers p
cross join generate_series(0, ${WEIGH_INS - 1}) k
cross join lateral (select (date '2026-06-01' + ((p.g + k * 4) % 110))::date as day) d
cross join lateral (select 2000 + abs(hashtext(p.member_id::text || k)) % 28000 as grams) w
join picking_payments pay on pay.county_id = p.county_id and pay.station_id = p.station_id
	and d.day between pay.from_date and pay.to_date`);
	await run(sql`
update picking_payments pay set total_fen = t.total, entries = t.n
from (select payment_id, sum(amount_fen) as total, count(*) as n from picking_entries
	where county_id = ${countyId} group by payment_id) t
where pay.county_id = ${countyId} and pay.id = t.payment_id`);
	await run(sql`
insert into ledger_entries (county_id, id, household_id, member_id, business_date, amount_fen,
	kind, subtype, source, source_id, source_version, note)
select e.county_id, ${NEW_ID}, e.household_id, e.member_id, pay.paid_on, e.amount_fen,
	'wage', 'picking', 'picking', e.id, e.version, 'bench'
from picking_entries e join picking_payments pay on pay.county_id = e.county_id and pay.id = e.payment_id
where e.county_id = ${countyId}`);

	// Insurance: the app makes the scheme (its rule is validated there), SQL the rest.
	const scheme = await createScheme(
		db,
		world.actor,
		{
			year: '2026',
			kind: 'anti_poverty',
			name: 'bench scheme',
			insurer: 'bench insurer',
			coverage: 'named',
			premium: '100',
			budget: '5000000',
			events: ['natural_disaster', 'fire', 'accident'],
			deductible: '500',
			maximum: '50000',
			bands: '5000:60, 15000:70'
		},
		TODAY
	);
	await run(sql`
insert into insurance_policies (county_id, id, scheme_id, household_id, object_kind, object_label,
	object_key, cover_from, cover_to, premium_fen)
select h.county_id, ${NEW_ID}, ${scheme.id}, h.id, 'household', h.household_number,
	'household:' || h.id, '2026-01-01', '2026-12-31', 10000
from (select county_id, id, household_number, row_number() over (order by id) - 1 as n
	from households where county_id = ${countyId}) h
where h.n % ${Math.floor(COUNTY_HOUSEHOLDS / CLAIMS)} = 0 limit ${CLAIMS}`);
	await run(sql`
insert into insurance_claims (county_id, id, scheme_id, policy_id, household_id, event_type,
	event_date, loss_fen, status, reported_on, approved_amount_fen, decided_on, paid_on, paid_amount_fen)
select p.county_id, ${NEW_ID}, p.scheme_id, p.id, p.household_id,
	(array['natural_disaster', 'fire', 'accident'])[1 + c.n % 3], d.day, c.loss,
	(array['reported', 'investigated', 'approved', 'rejected', 'paid', 'paid', 'paid', 'paid'])[1 + c.n % 8],
	d.day + 2,
	case when c.n % 8 in (2, 4, 5, 6, 7) then c.loss * 6 / 10 end,
	case when c.n % 8 >= 2 then d.day + 10 end,
	case when c.n % 8 >= 4 then d.day + 20 end,
	case when c.n % 8 >= 4 then c.loss * 6 / 10 end
from (select *, row_number() over (order by id) - 1 as n2 from insurance_policies
	where county_id = ${countyId}) p
cross join lateral (select p.n2 as n, 100000 + (p.n2 * 7919) % 2000000 as loss) c
cross join lateral (select (date '2026-01-05' + (c.n % 300)::int) as day) d`);
	await run(sql`
with posted as (
	insert into ledger_entries (county_id, id, household_id, business_date, amount_fen, kind,
		subtype, source, source_id, source_version, note)
	select county_id, ${NEW_ID}, household_id, paid_on, paid_amount_fen, 'transfer',
		'insurance_payout', 'insurance', id, 1, 'bench'
	from insurance_claims where county_id = ${countyId} and status = 'paid'
	returning id, source_id)
update insurance_claims c set ledger_entry_id = posted.id
from posted where c.county_id = ${countyId} and c.id = posted.source_id`);

	// Warnings in every state, on households spread over the county (one of a kind each).
	await run(sql`
insert into warnings (county_id, id, household_id, village_code, kind, source, raised_on, due_on,
	status, verified_on, closed_on, decision, rule_key)
select h.county_id, ${NEW_ID}, h.id, h.village_code, k.kind, 'rule', r.day, r.day + 7,
	s.status,
	case when s.status <> 'open' then r.day + 3 end,
	case when s.status = 'closed' then r.day + 6 end,
	case when s.status = 'closed' then (array['identify', 'assist', 'dismiss'])[1 + h.n % 3] end,
	k.kind || ':bench'
from (select county_id, id, village_code, row_number() over (order by id) - 1 as n from households
	where county_id = ${countyId}) h
cross join lateral (select (array['income_below_line', 'income_drop', 'large_expense', 'job_ended',
	'picking_stopped'])[1 + h.n % 5] as kind) k
cross join lateral (select (date '2026-01-03' + (h.n % 320)::int) as day) r
cross join lateral (select case when r.day > ${TODAY}::date - 20 then 'open'
	else (array['open', 'verified', 'closed', 'closed'])[1 + h.n / 7 % 4] end as status) s
where h.n % ${Math.floor(COUNTY_HOUSEHOLDS / WARNINGS)} = 3 limit ${WARNINGS}`);
	await run(sql`
insert into warning_steps (county_id, id, warning_id, step, happened_on, by_label)
select w.county_id, ${NEW_ID}, w.id, s.step, s.day, 'bench'
from warnings w cross join lateral (values ('raised', w.raised_on, true),
	('verified', w.verified_on, w.verified_on is not null),
	(case w.decision when 'identify' then 'identified' when 'assist' then 'assisted'
		else 'dismissed' end, w.closed_on, w.closed_on is not null)) s(step, day, applies)
where w.county_id = ${countyId} and s.applies`);
}
