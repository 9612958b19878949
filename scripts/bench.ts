// npm run bench — measures Levee on generated county-size data (not a test: it prints).
//   import: a 100,000-household national-registry CSV (about 300,000 member rows), checked
//           and written in one transaction, on embedded PGlite (and on PostgreSQL when
//           BENCH_DATABASE_URL is set).
//   picking: weigh-ins per second through the real HTTP endpoint (POST /planting/weigh/entries)
//           of the built server, signed in as township staff through the real login form, with
//           BENCH_PICKING_ENTRIES (5,000) entries and BENCH_PICKING_CONCURRENCY (12) in flight,
//           on PostgreSQL (a fresh database made from BENCH_DATABASE_URL, or from
//           postgres://postgres@127.0.0.1:5432/test when that answers) and on embedded PGlite.
//           The server is the one in build/ when present (run `npm run build` first to bench
//           the current code), otherwise it is built; BENCH_BUILD=1 always builds first.
//           Traffic goes to 127.0.0.1 only.
//   search: the household list's search (surname, name start, ID last 4, whole ID, phone,
//           household number, with and without filters) on a generated county imported
//           through the import functions, on embedded PGlite (on disk) and on PostgreSQL:
//           p50/p95 through GET /households of the built server and of the bare SQL (the
//           list's page query), with /healthz asked every 50 ms meanwhile (its longest wait
//           shows whether a search held the embedded database for everyone).
//           BENCH_SEARCH_HOUSEHOLDS (PGlite, default 20000) and BENCH_SEARCH_PG_HOUSEHOLDS
//           (PostgreSQL, default 20000,300000) are comma lists of sizes, each imported on top
//           of the last; BENCH_SEARCH_REPEATS (20) times each search.
//           BENCH_KEEP=1 keeps the PostgreSQL county (database levee_bench_search_kept, or
//           BENCH_KEEP_DATABASE) for the next run, which reuses it and imports only what is
//           missing; BENCH_SEARCH_ON=postgres or pglite measures one of the two.
//   sync: 1,000 offline weigh-ins (BENCH_SYNC_ENTRIES) sent as a phone's outbox sends them —
//           in order, in batches of 50, through POST /api/sync of the built server — on
//           embedded PGlite (on disk): time, then lost and duplicated entries counted in the
//           database. One batch's answer is thrown away on the way (as a dropped network would)
//           and that batch is sent again, and at the end the whole outbox is sent once more.
//   reevaluate: the county-wide re-evaluation of every household's standing after a change
//           of the monitoring line (reevaluateCounty: chunks of 5,000 households, each its own
//           transaction), on PostgreSQL, on a county of BENCH_REEVALUATE_HOUSEHOLDS (300,000)
//           imported like the search's, with a generated ledger of about 15 entries per
//           household over 23 months (generateLedger: a real county's shape — pay from work
//           away or nearby each quarter, 低保 for 2%, pensions, sales, dividends, picking pay,
//           medical bills and ended migrant work for 0.5% each);
//           beside it the same upsert as one bare SQL statement over the whole county, and
//           one household's refresh (what every posting adds to its transaction).
//           BENCH_KEEP=1 keeps the county (levee_bench_reevaluate_kept) for the next run.
// BENCH_HOUSEHOLDS changes the import's size; BENCH_ONLY=import, picking, search, sync or
// reevaluate runs one.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, count, eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { openDatabase, type Database } from '../src/lib/server/db';
import { runMigrations } from '../src/lib/server/db/migrate';
import { systemActor, type UserActor } from '../src/lib/server/auth/actor';
import { listVillages, loadCountyDivisions } from '../src/lib/server/divisions';
import {
	GIVEN,
	SURNAMES,
	generateCountyCsv,
	identityNumber,
	type GeneratedCounty
} from './generate-county';
import { applyImport, previewImport } from '../src/lib/server/households/import';
import { createFirstAdmin } from '../src/lib/server/auth/bootstrap';
import { listHouseholds } from '../src/lib/server/households';
import { householdPageQuery, type HouseholdFilter } from '../src/lib/server/households/list';
import { runMaintenance } from '../src/lib/server/db/maintenance';
import { households, members } from '../src/lib/server/households/schema';
import { createStaffUser } from '../src/lib/server/auth/users';
import { users } from '../src/lib/server/auth/schema';
import { bulkInsert } from '../src/lib/server/db/bulk';
import { newId } from '../src/lib/server/db/ids';
import { createSeason, createStation } from '../src/lib/server/planting';
import { pickingEntries } from '../src/lib/server/planting/schema';
import { todayInChina } from '../src/lib/format';
import { householdStandings, ledgerEntries } from '../src/lib/server/income/schema';
import {
	reevaluateCounty,
	refreshStandings,
	standingsUpsert
} from '../src/lib/server/income/standings';
import { getCountySettings, setMonitoringLine } from '../src/lib/server/settings';
import { longRunning } from '../src/lib/server/db/long';

export const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 100_000);
export const TODAY = '2026-11-29';

export async function benchImport(label: string, database: Database): Promise<void> {
	await runMigrations(database);
	await loadCountyDivisions(database.db, systemActor('bench'), '130434');
	const username = `bench${randomBytes(3).toString('hex')}`;
	const { userId } = await createFirstAdmin(database.db, {
		countyCode: '130434',
		username,
		displayName: 'bench',
		password: 'bench-password-1'
	});
	const county = (await loadCountyDivisions(database.db, systemActor('bench'), '130434')).county;
	const actor: UserActor = {
		userId,
		label: 'bench',
		role: 'county_admin',
		countyId: county.id,
		countyCode: '130434',
		townshipCodes: [],
		villageCodes: [],
		householdId: null,
		factoryIds: []
	};
	const { bytes, rows } = await generateCountyCsv(database.db, 0, HOUSEHOLDS);
	const t0 = performance.now();
	const preview = await previewImport(database.db, actor, bytes, 'bench.csv', TODAY);
	const t1 = performance.now();
	const result = await applyImport(database.db, actor, bytes, 'bench.csv', preview.fileHash, TODAY);
	const t2 = performance.now();
	const search0 = performance.now();
	const found = await listHouseholds(database.db, actor, { query: '王建' }, 1, 25);
	const search1 = performance.now();
	const total = (t2 - t0) / 1000;
	console.log(
		[
			`${label}: ${HOUSEHOLDS.toLocaleString('en')} households, ${rows.toLocaleString('en')} member rows, ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB CSV`,
			`  preview (read + check + lookups): ${((t1 - t0) / 1000).toFixed(1)} s`,
			`  write (one transaction):          ${((t2 - t1) / 1000).toFixed(1)} s`,
			`  total: ${total.toFixed(1)} s = ${Math.round(rows / total).toLocaleString('en')} member rows/s end to end; write alone ${Math.round(rows / ((t2 - t1) / 1000)).toLocaleString('en')} rows/s`,
			`  created ${result.households.created} households, ${result.members.created} members`,
			`  household search by name prefix over the imported county: ${(search1 - search0).toFixed(0)} ms (${found.total} matches)`
		].join('\n')
	);
}

// ---------------------------------------------------------------------------------------
// Picking: weigh-ins through the real HTTP endpoint of the built server.

const PICKING_ENTRIES = Number(process.env.BENCH_PICKING_ENTRIES ?? 5_000);
const PICKING_CONCURRENCY = Number(process.env.BENCH_PICKING_CONCURRENCY ?? 12);
const PICKING_PICKERS = 1_000;
const WARM_UP = 200;
export const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test';
export const STAFF = { username: 'benchstaff', password: 'bench-staff-password-7' };

export interface PickingWorld {
	stationId: string;
	memberIds: string[];
	pickedOn: string;
}

/** A county with a season, a station, a thousand registered pickers and a staff account. */
export async function preparePicking(database: Database): Promise<PickingWorld> {
	await runMigrations(database);
	const db = database.db;
	const { userId } = await createFirstAdmin(db, {
		countyCode: '130434',
		username: `benchadmin${randomBytes(3).toString('hex')}`,
		displayName: 'bench',
		password: 'bench-password-1'
	});
	const county = (await loadCountyDivisions(db, systemActor('bench'), '130434')).county;
	const admin: UserActor = {
		userId,
		label: 'bench',
		role: 'county_admin',
		countyId: county.id,
		countyCode: '130434',
		townshipCodes: [],
		villageCodes: [],
		householdId: null,
		factoryIds: []
	};
	await createStaffUser(db, admin, {
		role: 'township_staff',
		displayName: '过秤员',
		username: STAFF.username,
		phone: '',
		password: STAFF.password,
		townshipCodes: ['130434108']
	});
	const pickedOn = todayInChina();
	const year = pickedOn.slice(0, 4);
	await createSeason(db, admin, {
		year,
		firstYearRate: '900',
		laterYearRate: '0',
		pickingRate: '1',
		seedlingsPerMu: '300',
		startsOn: `${year}-01-01`,
		endsOn: `${year}-12-31`
	});
	const villages = await listVillages(db, '130434', '130434108');
	const stationId = await createStation(db, admin, {
		name: '东代固金银花收购点',
		villageCode: villages[0].code
	});
	const householdRows: (typeof households.$inferInsert)[] = [];
	const memberRows: (typeof members.$inferInsert & { id: string })[] = [];
	for (let h = 0; h < PICKING_PICKERS; h++) {
		const village = villages[h % villages.length];
		const id = newId();
		householdRows.push({
			countyId: county.id,
			id,
			householdNumber: `${village.code}${String(h).padStart(5, '0')}`,
			villageCode: village.code
		});
		const male = h % 2 === 0;
		const idNumber = identityNumber(h, male);
		memberRows.push({
			countyId: county.id,
			id: newId(),
			householdId: id,
			name: SURNAMES[h % SURNAMES.length] + GIVEN[h % GIVEN.length],
			idNumber,
			sex: male ? 'male' : 'female',
			birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
			relation: '户主'
		});
	}
	await bulkInsert(db, households, householdRows);
	await bulkInsert(db, members, memberRows);
	return { stationId, memberIds: memberRows.map((m) => m.id), pickedOn };
}

export async function ensureBuilt(): Promise<void> {
	if (process.env.BENCH_BUILD !== '1' && existsSync('build/index.js')) return;
	console.log('picking: building the server (vite build)…');
	const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], {
		stdio: 'ignore'
	});
	if (built.status !== 0) throw new Error('vite build failed');
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

export async function startServer(
	env: Record<string, string>
): Promise<{ origin: string; pid: number; stop: () => Promise<void> }> {
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	// BENCH_SERVER_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to look inside the server.
	const nodeArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
	const child = spawn(process.execPath, [...nodeArgs, 'build/index.js'], {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: origin,
			NODE_ENV: 'production',
			LEVEE_DEMO: '0',
			LEVEE_LOG_LEVEL: 'warn',
			...env
		},
		stdio: ['ignore', 'ignore', 'inherit']
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	for (let i = 0; ; i++) {
		try {
			if ((await fetch(`${origin}/healthz`)).ok) break;
		} catch {
			// not listening yet
		}
		if (i > 300 || child.exitCode !== null) throw new Error('the server did not start');
		await sleep(100);
	}
	return {
		origin,
		pid: child.pid ?? 0,
		stop: async () => {
			child.kill('SIGTERM');
			await Promise.race([exited, sleep(5_000)]);
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	};
}

/** Signs in through the login form, as a phone would, and returns the session cookie. */
export async function signInCookie(origin: string, account = STAFF): Promise<string> {
	const body = new URLSearchParams({
		identifier: account.username,
		password: account.password,
		next: '/'
	});
	const response = await fetch(`${origin}/login`, {
		method: 'POST',
		body,
		redirect: 'manual',
		headers: { origin, 'content-type': 'application/x-www-form-urlencoded' }
	});
	const cookie = response.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.find((c) => c.startsWith('levee_session='));
	if (!cookie) throw new Error(`sign-in failed (${response.status})`);
	return cookie;
}

export async function postEntries(
	origin: string,
	cookie: string,
	world: PickingWorld,
	total: number,
	concurrency = PICKING_CONCURRENCY
) {
	let next = 0;
	let created = 0;
	let failed = 0;
	const latencies: number[] = [];
	const worker = async () => {
		for (let i = next++; i < total; i = next++) {
			const body = JSON.stringify({
				id: uuidv7(),
				stationId: world.stationId,
				pickedOn: world.pickedOn,
				memberId: world.memberIds[i % world.memberIds.length],
				weightGrams: 1_000 + ((i * 7919) % 29_000)
			});
			const t = performance.now();
			const response = await fetch(`${origin}/planting/weigh/entries`, {
				method: 'POST',
				body,
				headers: { origin, cookie, 'content-type': 'application/json', accept: 'application/json' }
			});
			await response.arrayBuffer();
			latencies.push(performance.now() - t);
			if (response.status === 201) created++;
			else failed++;
		}
	};
	const t0 = performance.now();
	await Promise.all(Array.from({ length: concurrency }, worker));
	const seconds = (performance.now() - t0) / 1000;
	latencies.sort((a, b) => a - b);
	const pct = (p: number) =>
		latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
	return { created, failed, seconds, p50: pct(0.5), p95: pct(0.95) };
}

export async function countEntries(database: Database): Promise<number> {
	const [row] = await database.db.select({ n: count() }).from(pickingEntries);
	return row.n;
}

async function benchPickingOn(
	label: string,
	kind: 'postgres' | 'pglite',
	target: string
): Promise<void> {
	const setup =
		kind === 'postgres'
			? await openDatabase({ kind: 'postgres', url: target })
			: await openDatabase({ kind: 'pglite', dataDir: target });
	const world = await preparePicking(setup);
	// PGlite is one process's database: the server opens the folder once the bench let go.
	if (kind === 'pglite') await setup.close();
	const server = await startServer(
		kind === 'postgres' ? { DATABASE_URL: target } : { DATABASE_URL: '', LEVEE_DATA_DIR: target }
	);
	let result;
	try {
		const cookie = await signInCookie(server.origin);
		// Warm-up, not counted: the first requests open connections and warm the JIT.
		await postEntries(server.origin, cookie, world, WARM_UP);
		result = await postEntries(server.origin, cookie, world, PICKING_ENTRIES);
	} finally {
		await server.stop();
	}
	const check =
		kind === 'postgres' ? setup : await openDatabase({ kind: 'pglite', dataDir: target });
	const stored = await countEntries(check);
	await check.close();
	console.log(
		[
			`picking, ${label}: ${result.created.toLocaleString('en')} weigh-ins in ${result.seconds.toFixed(1)} s = ${Math.round(result.created / result.seconds).toLocaleString('en')} entries/s through POST /planting/weigh/entries`,
			`  ${PICKING_CONCURRENCY} in flight; latency p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms; refused ${result.failed}; ${stored.toLocaleString('en')} rows stored (${WARM_UP} of them from the warm-up)`
		].join('\n')
	);
}

export async function reachable(url: string): Promise<boolean> {
	const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 3 });
	try {
		await client`select 1`;
		return true;
	} catch {
		return false;
	} finally {
		await client.end({ timeout: 1 }).catch(() => {});
	}
}

export async function benchPicking(): Promise<void> {
	await ensureBuilt();
	const url = process.env.BENCH_DATABASE_URL ?? ((await reachable(DEFAULT_PG)) ? DEFAULT_PG : null);
	if (url) {
		const name = `levee_bench_picking_${randomBytes(4).toString('hex')}`;
		const admin = postgres(url, { max: 1, onnotice: () => {} });
		await admin.unsafe(`create database ${name}`);
		const target = new URL(url);
		target.pathname = `/${name}`;
		try {
			await benchPickingOn('PostgreSQL', 'postgres', target.toString());
		} finally {
			await admin.unsafe(`drop database if exists ${name} with (force)`);
			await admin.end();
		}
	} else {
		console.log(
			'picking, PostgreSQL: skipped (no BENCH_DATABASE_URL and nothing on 127.0.0.1:5432)'
		);
	}
	const dir = mkdtempSync(join(tmpdir(), 'levee-bench-'));
	try {
		await benchPickingOn('PGlite (embedded, on disk)', 'pglite', dir);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------
// Search: the household list's search on a generated county, through the real page
// (GET /households?q=…) of the built server and as bare SQL, with /healthz asked every
// 50 ms meanwhile (PGlite answers one query at a time: a slow search makes everyone wait).

/** Household counts to measure at, ascending; each size is imported on top of the last. */
function sizes(value: string | undefined, fallback: number[]): number[] {
	const list = value
		? value
				.split(',')
				.map((v) => Number(v.replace(/_/g, '')))
				.filter((n) => n > 0)
		: fallback;
	return [...new Set(list)].sort((a, b) => a - b);
}
const SEARCH_PGLITE_SIZES = sizes(process.env.BENCH_SEARCH_HOUSEHOLDS, [20_000]);
const SEARCH_PG_SIZES = sizes(process.env.BENCH_SEARCH_PG_HOUSEHOLDS, [20_000, 300_000]);
const SEARCH_REPEATS = Number(process.env.BENCH_SEARCH_REPEATS ?? 20);
const IMPORT_CHUNK = 50_000;
export const SEARCH_ADMIN = { username: 'benchcounty', password: 'bench-county-password-9' };

interface SearchKind {
	label: string;
	filter: HouseholdFilter;
}

export function searchKinds(samples: GeneratedCounty['samples']): SearchKind[] {
	return [
		{ label: 'surname 李 (one character)', filter: { query: '李' } },
		{ label: 'name start 李红', filter: { query: '李红' } },
		{ label: 'name 王建国', filter: { query: '王建国' } },
		{ label: 'last 4 of an ID', filter: { query: samples.idNumber.slice(-4) } },
		{ label: 'whole ID', filter: { query: samples.idNumber } },
		{ label: 'phone, first 7 digits', filter: { query: samples.phone.slice(0, 7) } },
		{ label: 'household number', filter: { query: samples.householdNumber } },
		{ label: '李 in one township', filter: { query: '李', townshipCode: '130434108' } },
		{ label: 'no search (first page)', filter: {} },
		{ label: 'monitored, no search', filter: { status: 'monitored' } }
	];
}

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

export const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`.padStart(9);

export interface SearchWorld {
	actor: UserActor;
	samples: GeneratedCounty['samples'];
	imported: number;
	people: number;
	importSeconds: number;
}

export function searchActor(userId: string, countyId: string): UserActor {
	return {
		userId,
		label: 'bench',
		role: 'county_admin',
		countyId,
		countyCode: '130434',
		townshipCodes: [],
		villageCodes: [],
		householdId: null,
		factoryIds: []
	};
}

/** A county with its first admin; households are added by importSearchCounty. */
export async function prepareSearch(database: Database): Promise<SearchWorld> {
	await runMigrations(database);
	// A county kept from an earlier run (BENCH_KEEP=1): its admin and households are reused.
	const [kept] = await database.db
		.select({ id: users.id })
		.from(users)
		.where(eq(users.username, SEARCH_ADMIN.username));
	const userId = kept
		? kept.id
		: (
				await createFirstAdmin(database.db, {
					countyCode: '130434',
					username: SEARCH_ADMIN.username,
					displayName: 'bench',
					password: SEARCH_ADMIN.password
				})
			).userId;
	const county = (await loadCountyDivisions(database.db, systemActor('bench'), '130434')).county;
	if (kept) {
		const [{ n }] = await database.db.select({ n: count() }).from(households);
		const [{ p }] = await database.db.select({ p: count() }).from(members);
		return {
			actor: searchActor(userId, county.id),
			// The generator is deterministic: the first household gives the same samples.
			samples: (await generateCountyCsv(database.db, 0, 1)).samples,
			imported: n,
			people: p,
			importSeconds: 0
		};
	}
	return {
		actor: searchActor(userId, county.id),
		samples: { householdNumber: '', phone: '', idNumber: '', name: '' },
		imported: 0,
		people: 0,
		importSeconds: 0
	};
}

/** Imports households up to `size` through the import functions, in files of 50,000. */
export async function importSearchCounty(database: Database, world: SearchWorld, size: number) {
	for (let from = world.imported; from < size; from += IMPORT_CHUNK) {
		const to = Math.min(size, from + IMPORT_CHUNK);
		const file = await generateCountyCsv(database.db, from, to);
		if (from === 0) world.samples = file.samples;
		const t0 = performance.now();
		const preview = await previewImport(database.db, world.actor, file.bytes, 'county.csv', TODAY);
		await applyImport(database.db, world.actor, file.bytes, 'county.csv', preview.fileHash, TODAY);
		world.importSeconds += (performance.now() - t0) / 1000;
		world.people += file.rows;
		world.imported = to;
	}
}

/** Each kind of search as bare SQL (the list's page query) and through the domain function. */
async function searchSql(database: Database, world: SearchWorld) {
	const results = new Map<string, { sql: number[]; matches: string }>();
	for (const kind of searchKinds(world.samples)) {
		const times: number[] = [];
		// The statement the list runs for the page (for a search: lookups, bound and count too).
		const query = householdPageQuery(database.db, world.actor, kind.filter);
		await database.db.execute(query); // warm-up: plan caches, pages in memory
		for (let i = 0; i < SEARCH_REPEATS; i++) {
			const t = performance.now();
			await database.db.execute(query);
			times.push(performance.now() - t);
		}
		const page = await listHouseholds(database.db, world.actor, kind.filter);
		const matches = page.notice
			? page.notice
			: `${page.total.toLocaleString('en')}${page.capped ? '+' : ''}`;
		results.set(kind.label, { sql: times, matches });
	}
	return results;
}

/** Each kind of search through GET /households, with /healthz asked every 50 ms meanwhile. */
async function searchHttp(origin: string, world: SearchWorld) {
	const cookie = await signInCookie(origin, SEARCH_ADMIN);
	const url = (filter: HouseholdFilter) => {
		const params = new URLSearchParams();
		if (filter.query) params.set('q', filter.query);
		if (filter.townshipCode) params.set('township', filter.townshipCode);
		if (filter.status) params.set('status', filter.status);
		return `${origin}/households?${params}`;
	};
	const get = async (filter: HouseholdFilter) => {
		const response = await fetch(url(filter), { headers: { cookie } });
		await response.arrayBuffer();
		if (response.status !== 200) throw new Error(`GET ${url(filter)}: ${response.status}`);
	};
	const kinds = searchKinds(world.samples);
	for (const kind of kinds) await get(kind.filter); // warm-up, not counted
	let searching = true;
	const health: number[] = [];
	const prober = (async () => {
		while (searching) {
			const t = performance.now();
			const response = await fetch(`${origin}/healthz`);
			await response.arrayBuffer();
			health.push(performance.now() - t);
			await sleep(50);
		}
	})();
	const results = new Map<string, number[]>();
	try {
		for (let i = 0; i < SEARCH_REPEATS; i++) {
			for (const kind of kinds) {
				const t = performance.now();
				await get(kind.filter);
				const list = results.get(kind.label) ?? [];
				list.push(performance.now() - t);
				results.set(kind.label, list);
			}
		}
	} finally {
		searching = false;
		await prober;
	}
	return { results, health };
}

async function benchSearchOn(label: string, kind: 'postgres' | 'pglite', target: string) {
	const open = () =>
		kind === 'postgres'
			? openDatabase({ kind: 'postgres', url: target })
			: openDatabase({ kind: 'pglite', dataDir: target });
	let database = await open();
	const world = await prepareSearch(database);
	for (const size of kind === 'postgres' ? SEARCH_PG_SIZES : SEARCH_PGLITE_SIZES) {
		await importSearchCounty(database, world, size);
		// What a server started earlier would have done by now (its start-up pass).
		await runMaintenance(database.db, 'start-up', true);
		const bare = await searchSql(database, world);
		if (kind === 'pglite') await database.close();
		const server = await startServer(
			kind === 'postgres' ? { DATABASE_URL: target } : { DATABASE_URL: '', LEVEE_DATA_DIR: target }
		);
		let http;
		try {
			http = await searchHttp(server.origin, world);
		} finally {
			await server.stop();
		}
		if (kind === 'pglite') database = await open();
		const lines = [
			`search, ${label}: ${world.imported.toLocaleString('en')} households, ${world.people.toLocaleString('en')} people (imported in ${world.importSeconds.toFixed(0)} s so far); ${SEARCH_REPEATS} of each`,
			`  ${'search'.padEnd(28)}${'matches'.padStart(18)}  GET /households p50 / p95   bare SQL p50 / p95`
		];
		for (const [name, { sql: times, matches }] of bare) {
			const web = http.results.get(name) ?? [];
			// A search the list refuses (its bound) stops after its bounded lookup: the bare
			// SQL is that same statement, which reads at most the bound and no page.
			const refused = matches.startsWith('search_') ? '  (refused at its bound)' : '';
			lines.push(
				`  ${name.padEnd(28)}${matches.padStart(18)}  ${ms(percentile(web, 0.5))} / ${ms(percentile(web, 0.95))}   ${ms(percentile(times, 0.5))} / ${ms(percentile(times, 0.95))}${refused}`
			);
		}
		lines.push(
			`  machine load average (1 min) at the end: ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`
		);
		lines.push(
			`  /healthz during the searches: longest wait ${ms(Math.max(...http.health)).trim()}, p95 ${ms(percentile(http.health, 0.95)).trim()} (${http.health.length} asked)`
		);
		console.log(lines.join('\n'));
	}
	await database.close();
}

export async function benchSearch(): Promise<void> {
	await ensureBuilt();
	const on = process.env.BENCH_SEARCH_ON;
	if (on !== 'postgres') {
		const dir = mkdtempSync(join(tmpdir(), 'levee-bench-search-'));
		try {
			await benchSearchOn('PGlite (embedded, on disk)', 'pglite', dir);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}
	if (on === 'pglite') return;
	const url = process.env.BENCH_DATABASE_URL ?? ((await reachable(DEFAULT_PG)) ? DEFAULT_PG : null);
	if (!url) {
		console.log(
			'search, PostgreSQL: skipped (no BENCH_DATABASE_URL and nothing on 127.0.0.1:5432)'
		);
		return;
	}
	const keep = process.env.BENCH_KEEP === '1';
	const name = keep
		? (process.env.BENCH_KEEP_DATABASE ?? 'levee_bench_search_kept')
		: `levee_bench_search_${randomBytes(4).toString('hex')}`;
	if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`BENCH_KEEP_DATABASE: ${name}`);
	const admin = postgres(url, { max: 1, onnotice: () => {} });
	const exists = await admin`select 1 from pg_database where datname = ${name}`;
	if (exists.length === 0) await admin.unsafe(`create database ${name}`);
	const target = new URL(url);
	target.pathname = `/${name}`;
	try {
		await benchSearchOn(
			keep ? `PostgreSQL (kept as ${name})` : 'PostgreSQL',
			'postgres',
			target.toString()
		);
	} finally {
		if (!keep) await admin.unsafe(`drop database if exists ${name} with (force)`);
		await admin.end();
	}
}

// ---------------------------------------------------------------------------------------
// Sync: a phone's outbox of offline weigh-ins through the one sync endpoint.

const SYNC_ENTRIES = Number(process.env.BENCH_SYNC_ENTRIES ?? 1_000);
const SYNC_BATCH = 50;

export async function benchSync(): Promise<void> {
	await ensureBuilt();
	const dir = mkdtempSync(join(tmpdir(), 'levee-bench-sync-'));
	try {
		const setup = await openDatabase({ kind: 'pglite', dataDir: dir });
		const world = await preparePicking(setup);
		await setup.close();
		const server = await startServer({ DATABASE_URL: '', LEVEE_DATA_DIR: dir });
		const outbox = Array.from({ length: SYNC_ENTRIES }, (_, i) => ({
			id: uuidv7(),
			kind: 'picking',
			payload: {
				stationId: world.stationId,
				pickedOn: world.pickedOn,
				memberId: world.memberIds[i % world.memberIds.length],
				weightGrams: 1_000 + ((i * 7919) % 29_000)
			}
		}));
		const statuses = new Map<string, number>();
		let requests = 0;
		let seconds = 0;
		try {
			const cookie = await signInCookie(server.origin);
			const send = async (entries: typeof outbox) => {
				requests++;
				const response = await fetch(`${server.origin}/api/sync`, {
					method: 'POST',
					body: JSON.stringify({ entries }),
					headers: { origin: server.origin, cookie, 'content-type': 'application/json' }
				});
				if (!response.ok) throw new Error(`sync answered ${response.status}`);
				return ((await response.json()) as { answers: { status: string }[] }).answers;
			};
			const lostAnswerAt = Math.floor(SYNC_ENTRIES / SYNC_BATCH / 2) * SYNC_BATCH;
			const t0 = performance.now();
			for (let at = 0; at < outbox.length; at += SYNC_BATCH) {
				const batch = outbox.slice(at, at + SYNC_BATCH);
				// Halfway, the network drops after the server applied a batch: sent again.
				if (at === lostAnswerAt) await send(batch);
				for (const answer of await send(batch))
					statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
			}
			seconds = (performance.now() - t0) / 1000;
			// The phone lost its answers and sends everything again: nothing new may be written.
			for (let at = 0; at < outbox.length; at += SYNC_BATCH) {
				for (const answer of await send(outbox.slice(at, at + SYNC_BATCH)))
					statuses.set(`again ${answer.status}`, (statuses.get(`again ${answer.status}`) ?? 0) + 1);
			}
		} finally {
			await server.stop();
		}
		const check = await openDatabase({ kind: 'pglite', dataDir: dir });
		const ids = new Set(outbox.map((e) => e.id));
		const rows = await check.db.select({ id: pickingEntries.id }).from(pickingEntries);
		await check.close();
		const stored = rows.filter((r) => ids.has(r.id)).length;
		const lost = SYNC_ENTRIES - new Set(rows.map((r) => r.id).filter((id) => ids.has(id))).size;
		const duplicated = rows.length - SYNC_ENTRIES;
		console.log(
			[
				`sync, PGlite (embedded, on disk): ${SYNC_ENTRIES.toLocaleString('en')} outbox entries in ${seconds.toFixed(1)} s (${Math.round(SYNC_ENTRIES / seconds)} entries/s) through POST /api/sync, batches of ${SYNC_BATCH}, ${requests} requests in all`,
				`  answers: ${[...statuses].map(([k, v]) => `${k} ${v}`).join(', ')}`,
				`  ${stored.toLocaleString('en')} stored, ${lost} lost, ${duplicated} duplicated`
			].join('\n')
		);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------
// Re-evaluation: every household's standing after a line change.

const REEVALUATE_HOUSEHOLDS = Number(process.env.BENCH_REEVALUATE_HOUSEHOLDS ?? 300_000);

/**
 * A UUIDv7 made in SQL, as newId() makes them: time-ordered, so a bulk INSERT … SELECT appends
 * to the primary key's last pages instead of touching a random page of it for every row
 * (gen_random_uuid() made the county's 4.5 M ledger rows the slowest part of its generation).
 */
export const NEW_ID = sql.raw(
	`(lpad(to_hex((extract(epoch from clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3) || to_hex(8 + floor(random() * 4)::int) || substr(md5(random()::text), 1, 15))::uuid`
);

/**
 * The ledger of every household from January last year to November this year, about 15
 * entries each, deterministic per household (a hash of its id picks its profile) and shaped
 * like a real county's, so that the rules raise what a county sees, not a flood:
 *   - most households (80%) have members working away, who send money home each quarter;
 *     a fifth of the rest work locally (temporary jobs, paid by the quarter); income grows
 *     with the household's size (more hands), so about 2% are below the line, a few near it;
 *   - 2% live on 低保 (dibao, per person and month): the households below the line;
 *   - pensions, a crop sale in October, a PV dividend in December, picking in the summer;
 *   - 0.5% have a medical bill in July (large expense); 0.5% saw their migrant work end in
 *     July (an income drop from the autumn on).
 * Quarterly pay keeps every two adjacent three-month windows alike, so the income-drop rule
 * fires for the households whose income really fell. `maintenance: false` leaves the
 * statistics to the caller (the county generation refreshes them once, at its end).
 */
export async function generateLedger(
	database: Database,
	countyId: string,
	{ maintenance = true }: { maintenance?: boolean } = {}
): Promise<number> {
	const [{ n }] = await database.db
		.select({ n: count() })
		.from(ledgerEntries)
		.where(eq(ledgerEntries.countyId, countyId));
	if (n > 0) return n;
	// One statement for the 23 months (January 2025 to November 2026), each kind of income
	// a join of only the households and months it applies to (a household's r picks its
	// profile; a month is y, m and ym 'YYYY-MM', compared as text).
	await database.db.execute(sql`
with h as materialized (
	select h.county_id, h.id, abs(hashtext(h.id::text)) as r, s.size
	from households h
	join (select household_id, count(*)::int as size from members
		where county_id = ${countyId} group by 1) s on s.household_id = h.id
	where h.county_id = ${countyId}),
mo as materialized (
	select extract(year from d)::int as y, extract(month from d)::int as m, to_char(d, 'YYYY-MM') as ym
	from generate_series(date '2025-01-01', date '2026-11-01', interval '1 month') d)
insert into ledger_entries (county_id, id, household_id, business_date, amount_fen, kind,
	subtype, source, source_version)
select e.county_id, ${NEW_ID}, e.id, make_date(e.y, e.m, e.day), e.amount, e.kind, e.subtype,
	'manual', 1
from (
	select h.county_id, h.id, mo.y, mo.m, 15 as day, 47000 * h.size as amount,
		'transfer' as kind, 'dibao' as subtype
	from h cross join mo where h.r % 100 < 2
	union all
	select h.county_id, h.id, mo.y, mo.m, 20, 45000, 'transfer', 'pension'
	from h join mo on mo.m % 3 = 0 where h.r % 100 between 30 and 59
	union all
	select h.county_id, h.id, mo.y, mo.m, 28, (120000 + (h.r % 1000) * 100) * 3 * h.size,
		'wage', 'migrant_work'
	from h join mo on mo.m % 3 = 0
	where h.r % 100 >= 20 and not (h.r % 200 = 57 and mo.ym >= '2026-07')
	union all
	select h.county_id, h.id, mo.y, mo.m, 25, (66000 + (h.r % 500) * 100) * 3 * h.size,
		'wage', 'temporary_job'
	from h join mo on mo.m % 3 = 1 where h.r % 100 between 2 and 19
	union all
	select h.county_id, h.id, mo.y, mo.m, 10, 300000 + (h.r % 700) * 1000, 'operating', 'crop_sale'
	from h join mo on mo.m = 10 where h.r % 3 = 0
	union all
	select h.county_id, h.id, mo.y, mo.m, 30, 300000, 'property', 'pv_dividend'
	from h join mo on mo.m = 12 where h.r % 10 < 3
	union all
	select h.county_id, h.id, mo.y, mo.m, 5, 50000 + (h.r % 200) * 1000, 'wage', 'picking'
	from h join mo on mo.m in (6, 7, 8) where h.r % 6 = 0
	union all
	select h.county_id, h.id, mo.y, mo.m, 12, 1000000 + (h.r % 5000) * 1000, 'large_expense',
		'medical'
	from h join mo on mo.ym = '2026-07' where h.r % 200 = 0
) e`);
	if (maintenance) await runMaintenance(database.db, 'bench', true);
	const [{ total }] = await database.db
		.select({ total: count() })
		.from(ledgerEntries)
		.where(eq(ledgerEntries.countyId, countyId));
	return total;
}

async function benchReevaluateOn(label: string, target: string) {
	const database = await openDatabase({ kind: 'postgres', url: target });
	try {
		const world = await prepareSearch(database);
		await importSearchCounty(database, world, REEVALUATE_HOUSEHOLDS);
		const t0 = performance.now();
		const entries = await generateLedger(database, world.actor.countyId);
		const ledgerSeconds = (performance.now() - t0) / 1000;
		const countyId = world.actor.countyId;
		await setMonitoringLine(database.db, countyId, 2026, 750000);
		await reevaluateCounty(database.db, world.actor, countyId, 'line_change', TODAY); // warm-up
		// The line changes: every household is evaluated again.
		await setMonitoringLine(database.db, countyId, 2026, 800000);
		const run = await reevaluateCounty(database.db, world.actor, countyId, 'line_change', TODAY);
		const { nearLineMarginPct } = await getCountySettings(database.db, countyId);
		const b0 = performance.now();
		await longRunning(database.db, (tx) =>
			tx.execute(
				standingsUpsert(countyId, TODAY, nearLineMarginPct, 'line_change', () => sql`true`)
			)
		);
		const bare = performance.now() - b0;
		const [below] = await database.db
			.select({ below: count() })
			.from(householdStandings)
			.where(
				and(eq(householdStandings.countyId, countyId), eq(householdStandings.belowLine, true))
			);
		const [sample] = await database.db.select({ id: households.id }).from(households).limit(1);
		const single: number[] = [];
		for (let i = 0; i < 50; i++) {
			const t = performance.now();
			await refreshStandings(database.db, countyId, [sample.id], 'posting', TODAY);
			single.push(performance.now() - t);
		}
		console.log(
			[
				`reevaluate, ${label}: ${world.imported.toLocaleString('en')} households, ${world.people.toLocaleString('en')} people, ${entries.toLocaleString('en')} ledger entries (ledger generated in ${ledgerSeconds.toFixed(0)} s)`,
				`  reevaluateCounty after a line change: ${(run.ms / 1000).toFixed(1)} s for ${run.households.toLocaleString('en')} households (${Math.round(run.households / (run.ms / 1000)).toLocaleString('en')}/s), ${below.below.toLocaleString('en')} below the line`,
				`  the same upsert as one bare SQL statement: ${(bare / 1000).toFixed(1)} s; ratio ${(run.ms / bare).toFixed(2)}`,
				`  one household's refresh (added to each posting): p50 ${ms(percentile(single, 0.5)).trim()}, p95 ${ms(percentile(single, 0.95)).trim()}`,
				`  machine load average (1 min) at the end: ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`
			].join('\n')
		);
	} finally {
		await database.close();
	}
}

export async function benchReevaluate(): Promise<void> {
	const url = process.env.BENCH_DATABASE_URL ?? ((await reachable(DEFAULT_PG)) ? DEFAULT_PG : null);
	if (!url) {
		console.log('reevaluate: skipped (no BENCH_DATABASE_URL and nothing on 127.0.0.1:5432)');
		return;
	}
	const keep = process.env.BENCH_KEEP === '1';
	const name = keep
		? (process.env.BENCH_KEEP_DATABASE ?? 'levee_bench_reevaluate_kept')
		: `levee_bench_reevaluate_${randomBytes(4).toString('hex')}`;
	if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`BENCH_KEEP_DATABASE: ${name}`);
	const admin = postgres(url, { max: 1, onnotice: () => {} });
	const exists = await admin`select 1 from pg_database where datname = ${name}`;
	if (exists.length === 0) await admin.unsafe(`create database ${name}`);
	const target = new URL(url);
	target.pathname = `/${name}`;
	try {
		await benchReevaluateOn(
			keep ? `PostgreSQL (kept as ${name})` : 'PostgreSQL',
			target.toString()
		);
	} finally {
		if (!keep) await admin.unsafe(`drop database if exists ${name} with (force)`);
		await admin.end();
	}
}

/** The import bench: PGlite in memory, and PostgreSQL when BENCH_DATABASE_URL is set. */
export async function benchImports(): Promise<void> {
	const pglite = await openDatabase({ kind: 'memory' });
	await benchImport('PGlite (embedded, in memory)', pglite);
	await pglite.close();

	const url = process.env.BENCH_DATABASE_URL;
	if (url) {
		const name = `levee_bench_${randomBytes(4).toString('hex')}`;
		const admin = postgres(url, { max: 1, onnotice: () => {} });
		await admin.unsafe(`create database ${name}`);
		const target = new URL(url);
		target.pathname = `/${name}`;
		const pg = await openDatabase({ kind: 'postgres', url: target.toString() });
		try {
			await benchImport('PostgreSQL', pg);
		} finally {
			await pg.close();
			await admin.unsafe(`drop database ${name} with (force)`);
			await admin.end();
		}
	}
}
