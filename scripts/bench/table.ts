// The county-size bench (`npm run bench`): one table of Levee's features at the size of a
// real county (scripts/bench/county.ts), each beside the bare SQL it runs and the targets of
// issue 15:
//
//   | feature | figure | bare SQL | ratio | target | met? |
//
// Figures are server times to the full response of the built server (build/index.js, signed
// in as the county's admin through the login form), or in-process times of the domain
// function where the row says so. Bare SQL: see scripts/bench/capture.ts — the statements
// the feature ran, captured with their parameters and replayed in order on one raw
// connection. BENCH_ROWS=page,search,dashboard,reports,picking,import,sync,reevaluate
// selects rows; BENCH_EXPLAIN=1 prints EXPLAIN (ANALYZE, BUFFERS) summaries of the
// dashboard's and reports' statements (seq scans named, so a view reading the whole ledger
// shows); `--save` writes bench/results/<date>.md.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase } from '../../src/lib/server/db';
import { longRunning } from '../../src/lib/server/db/long';
import { reevaluateCounty, standingsUpsert } from '../../src/lib/server/income/standings';
import {
	getCountySettings,
	monitoringLineFor,
	setMonitoringLine
} from '../../src/lib/server/settings';
import { dueBusinessDate, runDueNightlyJobs } from '../../src/lib/server/warnings/nightly';
import type { UserActor } from '../../src/lib/server/auth/actor';
import type { Db } from '../../src/lib/server/db';
import {
	SEARCH_ADMIN,
	TODAY,
	ensureBuilt,
	percentile,
	postEntries,
	preparePicking,
	prepareSearch,
	reachable,
	searchKinds,
	signInCookie,
	startServer
} from '../bench';
import {
	CaptureFile,
	capturingDb,
	replay,
	replayClient,
	type ReplayClient,
	type Statement
} from './capture';
import { COUNTY_HOUSEHOLDS, countyDatabase, rowsOf, type County } from './county';
import { fmtMs, int, missBy, ratioCheck, timeTarget } from './wording';

const PAGE_SAMPLES = Number(process.env.BENCH_PAGE_SAMPLES ?? 200);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 10);
/** Searches are fast: enough requests that their p95 is not simply the slowest of ten. */
const SEARCH_REPEATS = Number(process.env.BENCH_SEARCH_REPEATS ?? 30);
/** About how long one slow feature may take (its calls and their replays). */
const REPEAT_BUDGET_MS = Number(process.env.BENCH_REPEAT_BUDGET_S ?? 30) * 1000;

/**
 * How many times to measure a feature whose warm-up took `ms`: REPEATS, fewer (never below
 * 3) when that would pass REPEAT_BUDGET_MS — a 6 s view measured ten times and replayed ten
 * times took two minutes, and its p50 moved less than the machine's noise.
 */
function repeatsFor(ms: number): number {
	return Math.max(3, Math.min(REPEATS, Math.floor(REPEAT_BUDGET_MS / (2 * Math.max(ms, 1)))));
}
const PICKING_TOTAL = Number(process.env.BENCH_PICKING_ENTRIES ?? 5_000);
const PICKING_CLIENTS = 20;
const IMPORT_HOUSEHOLDS = Number(process.env.BENCH_IMPORT_HOUSEHOLDS ?? 100_000);
const SYNC_ENTRIES = Number(process.env.BENCH_SYNC_ENTRIES ?? 1_000);
const SYNC_BATCH = 50;
const REPORT_FALLBACK_KINDS = ['program-summary', 'households', 'payments', 'warnings', 'funds'];
const PERIOD = { from: '2026-01-01', to: TODAY };

/** One line of the table. Times in ms; a rate row says so. Null prints "—". */
interface Row {
	feature: string;
	figure: string;
	bare: string;
	ratio: number | null;
	target: string;
	/** Null: no target; otherwise whether met and, when missed, by how much. */
	met: { ok: boolean; by?: string } | null;
}

const rows: Row[] = [];
const notes: string[] = [];
const explains: string[] = [];
/** How long each part of the run took (printed under the table: where the minutes go). */
const phases: { name: string; seconds: number }[] = [];

async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
	const t = performance.now();
	try {
		return await work();
	} finally {
		phases.push({ name, seconds: (performance.now() - t) / 1000 });
	}
}

/** Both: a time target and the 3× ratio. */
function both(a: { ok: boolean; by?: string }, ratio: number | null) {
	const r = ratioCheck(ratio);
	if (!r) return a;
	const misses = [a.ok ? null : a.by, r.ok ? null : `ratio ${r.by}`].filter(Boolean);
	return misses.length ? { ok: false, by: misses.join('; ') } : { ok: true };
}

interface Server {
	origin: string;
	pid: number;
	cookie: string;
	capture: CaptureFile;
	stop(): Promise<void>;
}

async function countyServer(url: string, dir: string): Promise<Server> {
	const capture = new CaptureFile(join(dir, `sql-${randomBytes(3).toString('hex')}.jsonl`));
	const server = await startServer({ DATABASE_URL: url, LEVEE_BENCH_SQL_CAPTURE: capture.path });
	try {
		await quiet(capture);
		const cookie = await signInCookie(server.origin, SEARCH_ADMIN);
		return { ...server, cookie, capture };
	} catch (error) {
		await server.stop();
		throw error;
	}
}

/**
 * Waits until the server's start-up work (its maintenance pass: ANALYZE of every table) is
 * done — no statement for a second — so it neither slows the first pages nor lands in their
 * captured SQL.
 */
async function quiet(capture: CaptureFile) {
	let last = -1;
	for (let i = 0; i < 120; i++) {
		const now = capture.offset;
		if (now === last) return;
		last = now;
		await sleep(1_000);
	}
}

/** GETs `path`; the time to the last byte and the statements the request ran. */
async function timedGet(server: Server, path: string) {
	const from = server.capture.offset;
	const t = performance.now();
	const response = await fetch(`${server.origin}${path}`, {
		headers: { cookie: server.cookie },
		redirect: 'manual'
	});
	await response.arrayBuffer();
	const ms = performance.now() - t;
	return {
		ms,
		status: response.status,
		statements: server.capture.between(from, server.capture.offset)
	};
}

/** HTTP p50/p95 of `paths` (each asked once after one warm-up) and their bare SQL's. */
async function httpFeature(
	server: Server,
	replayer: ReplayClient,
	paths: string[],
	{ warm = true }: { warm?: boolean } = {}
) {
	// Warm-up: each distinct path once (at most 20), not every repeat of the same one.
	if (warm) for (const p of [...new Set(paths)].slice(0, 20)) await timedGet(server, p);
	const web: number[] = [];
	const bare: number[] = [];
	const byStatement = new Map<string, { times: number[]; slowest: Statement; ms: number }>();
	let failed = 0;
	let status = 200;
	let statements = 0;
	for (const p of paths) {
		const got = await timedGet(server, p);
		if (got.status !== 200) status = got.status;
		web.push(got.ms);
		const r = await replay(replayer, got.statements);
		bare.push(r.ms);
		failed += r.failed;
		statements += got.statements.length;
		got.statements.forEach((s, i) => {
			const seen = byStatement.get(s.query) ?? { times: [], slowest: s, ms: 0 };
			seen.times.push(r.each[i]);
			if (r.each[i] >= seen.ms) Object.assign(seen, { slowest: s, ms: r.each[i] });
			byStatement.set(s.query, seen);
		});
	}
	return { web, bare, failed, status, statements: statements / paths.length, byStatement };
}

/**
 * BENCH_EXPLAIN=1: a page's statements by their share of its bare SQL (each distinct
 * statement: how often, p50/p95, total), the slowest few explained on their slowest run.
 */
async function explainSlowest(
	replayer: ReplayClient,
	label: string,
	got: Awaited<ReturnType<typeof httpFeature>>
) {
	if (process.env.BENCH_EXPLAIN !== '1') return;
	const total = got.bare.reduce((a, b) => a + b, 0);
	const ranked = [...got.byStatement.values()]
		.map((s) => ({ ...s, sum: s.times.reduce((a, b) => a + b, 0) }))
		.sort((a, b) => b.sum - a.sum);
	explains.push(
		`${label}: ${got.statements.toFixed(1)} statements a request; the statements by their share of the bare SQL`
	);
	for (const s of ranked.slice(0, 12))
		explains.push(
			`  ${((100 * s.sum) / total).toFixed(0)}% ×${s.times.length} p50 ${fmtMs(percentile(s.times, 0.5))} p95 ${fmtMs(percentile(s.times, 0.95))}: ${s.slowest.query.slice(0, 200).replace(/\s+/g, ' ')}`
		);
	await explain(
		replayer,
		`${label}, the 5 heaviest statements on their slowest run`,
		ranked.slice(0, 5).map((s) => s.slowest)
	);
}

function pctPair(values: number[]) {
	return `${fmtMs(percentile(values, 0.5))} / ${fmtMs(percentile(values, 0.95))}`;
}

/** A domain function in-process: p50 of its calls, and of as many replays of its SQL. */
async function inProcessFeature<T>(
	capturing: ReturnType<typeof capturingDb>,
	replayer: ReplayClient,
	work: (db: Db) => Promise<T>
) {
	const t0 = performance.now();
	const { statements } = await capturing.capture(work); // also the warm-up
	const repeats = repeatsFor(performance.now() - t0);
	const times: number[] = [];
	for (let i = 0; i < repeats; i++) {
		const t = performance.now();
		await work(capturing.db);
		times.push(performance.now() - t);
	}
	const bare: number[] = [];
	let failed = 0;
	for (let i = 0; i < repeats; i++) {
		const r = await replay(replayer, statements);
		bare.push(r.ms);
		failed = r.failed;
	}
	return { times, bare, statements, failed };
}

// ---------------------------------------------------------------------------------------

async function pagesAndSearch(county: County, dir: string, which: Set<string>) {
	const database = await openDatabase({ kind: 'postgres', url: county.url, maxConnections: 2 });
	const sample = rowsOf<{ id: string }>(
		await database.db.execute(
			sql`select id from households order by hashtext(id::text) limit ${PAGE_SAMPLES}`
		)
	);
	await database.close();
	const replayer = replayClient(county.url);
	const server = await phase('server start for the HTTP rows', () => countyServer(county.url, dir));
	try {
		if (which.has('page'))
			await phase('household page', async () => {
				const got = await httpFeature(
					server,
					replayer,
					sample.map((r) => `/households/${r.id}`)
				);
				const p95 = percentile(got.web, 0.95);
				const ratio = p95 / percentile(got.bare, 0.95);
				rows.push({
					feature: `household page (GET /households/<id>, ${sample.length} random), p50 / p95`,
					figure: pctPair(got.web),
					bare: pctPair(got.bare),
					ratio,
					target: 'p95 < 50 ms, ≤ 3× bare',
					met: both(timeTarget(p95, 50), ratio)
				});
				if (got.failed) notes.push(`household page: ${got.failed} replayed statements failed`);
				await explainSlowest(replayer, 'household page', got);
			});
		if (which.has('search'))
			await phase('household search', async () => {
				const kinds = searchKinds(county.world.samples).filter((k) => k.filter.query);
				for (const kind of kinds) {
					const params = new URLSearchParams({ q: kind.filter.query! });
					if (kind.filter.townshipCode) params.set('township', kind.filter.townshipCode);
					const got = await httpFeature(
						server,
						replayer,
						Array.from({ length: SEARCH_REPEATS }, () => `/households?${params}`)
					);
					const p95 = percentile(got.web, 0.95);
					const ratio = p95 / percentile(got.bare, 0.95);
					rows.push({
						feature: `household search: ${kind.label}, p50 / p95`,
						figure: pctPair(got.web),
						bare: pctPair(got.bare),
						ratio,
						target: '≤ 3× bare',
						met: ratioCheck(ratio)
					});
					await explainSlowest(replayer, `household search: ${kind.label}`, got);
				}
			});
		if (which.has('dashboard'))
			await phase('home page over HTTP', async () => {
				const probe = await timedGet(server, '/'); // the warm-up
				const got = await httpFeature(
					server,
					replayer,
					Array.from({ length: repeatsFor(probe.ms) }, () => '/'),
					{ warm: false }
				);
				const p50 = percentile(got.web, 0.5);
				const ratio = p50 / percentile(got.bare, 0.5);
				rows.push({
					feature: "county admin's home (GET /), p50 / p95",
					figure: pctPair(got.web),
					bare: pctPair(got.bare),
					ratio,
					target: '< 300 ms, ≤ 3× bare',
					met: both(timeTarget(p50, 300), ratio)
				});
			});
		if (which.has('reports'))
			await phase('reports over HTTP', async () => {
				const kinds = (await reportModule())?.kinds ?? REPORT_FALLBACK_KINDS;
				for (const kind of kinds) {
					const path = `/reports/${kind}?from=${PERIOD.from}&to=${PERIOD.to}`;
					const probe = await timedGet(server, path);
					if (probe.status !== 200) {
						rows.push({
							feature: `report ${kind} (GET /reports/${kind})`,
							figure: `— (${probe.status})`,
							bare: '—',
							ratio: null,
							target: '≤ 3× bare',
							met: null
						});
						continue;
					}
					const got = await httpFeature(
						server,
						replayer,
						Array.from({ length: repeatsFor(probe.ms) }, () => path),
						{ warm: false }
					);
					const ratio = percentile(got.web, 0.5) / percentile(got.bare, 0.5);
					rows.push({
						feature: `report ${kind} (GET /reports/${kind}), p50 / p95`,
						figure: pctPair(got.web),
						bare: pctPair(got.bare),
						ratio,
						target: '≤ 3× bare',
						met: ratioCheck(ratio)
					});
				}
			});
	} finally {
		await server.stop();
		await replayer.end();
	}
}

/** The other helpers' modules, when they are there: absent prints "—". */
async function dashboardModule(): Promise<{
	countyDashboard: (db: Db, actor: UserActor, filters: object) => Promise<unknown>;
} | null> {
	try {
		// A variable path: the bench must still compile where the module is not written yet.
		const path = '../../src/lib/server/dashboard/index';
		return (await import(/* @vite-ignore */ path)) as never;
	} catch {
		return null;
	}
}

async function reportModule(): Promise<{
	kinds: string[];
	build: (db: Db, actor: UserActor, kind: string, params: object) => Promise<unknown>;
} | null> {
	try {
		const path = '../../src/lib/server/reports/index';
		const mod = (await import(/* @vite-ignore */ path)) as {
			REPORT_KINDS: unknown;
			buildReport: (db: Db, actor: UserActor, kind: string, params: object) => Promise<unknown>;
		};
		const registry = mod.REPORT_KINDS;
		const kinds = Array.isArray(registry)
			? registry.map((k) => (typeof k === 'string' ? k : (k as { kind: string }).kind))
			: Object.keys(registry as object);
		return { kinds, build: mod.buildReport };
	} catch {
		return null;
	}
}

async function inProcessDashboardAndReports(county: County, which: Set<string>) {
	const capturing = capturingDb(county.url);
	const replayer = replayClient(county.url);
	const actor = county.world.actor;
	try {
		if (which.has('dashboard'))
			await phase('dashboard in-process', async () => {
				const dashboard = await dashboardModule();
				if (!dashboard) {
					rows.push({
						feature: 'countyDashboard (in-process)',
						figure: '— (module absent)',
						bare: '—',
						ratio: null,
						target: '< 300 ms, ≤ 3× bare',
						met: null
					});
				} else {
					const got = await inProcessFeature(capturing, replayer, (db) =>
						dashboard.countyDashboard(db, actor, {})
					);
					const p50 = percentile(got.times, 0.5);
					const ratio = p50 / percentile(got.bare, 0.5);
					rows.push({
						feature: `countyDashboard (in-process, ${got.statements.length} statements), p50 / p95`,
						figure: pctPair(got.times),
						bare: pctPair(got.bare),
						ratio,
						target: '< 300 ms, ≤ 3× bare',
						met: both(timeTarget(p50, 300), ratio)
					});
					if (process.env.BENCH_EXPLAIN === '1')
						await explain(replayer, 'countyDashboard', got.statements);
				}
			});
		// The reports' figures are their HTTP rows (the page a person opens); in-process they
		// run only for BENCH_EXPLAIN's plans, once each (measuring them twice took 80 s).
		if (which.has('reports') && process.env.BENCH_EXPLAIN === '1')
			await phase('reports in-process (plans only)', async () => {
				const reports = await reportModule();
				if (!reports) return;
				for (const kind of reports.kinds) {
					const { statements } = await capturing.capture((db) =>
						reports.build(db, actor, kind, { ...PERIOD })
					);
					await explain(replayer, `report ${kind}`, statements);
				}
			});
	} finally {
		await capturing.close();
		await replayer.end();
	}
}

interface PlanNode {
	'Node Type': string;
	'Relation Name'?: string;
	'Index Name'?: string;
	'Actual Rows'?: number;
	'Actual Loops'?: number;
	'Shared Hit Blocks'?: number;
	'Shared Read Blocks'?: number;
	Plans?: PlanNode[];
}

/** EXPLAIN (ANALYZE, BUFFERS) of each statement, summarised: time, buffers, scans by table. */
async function explain(client: ReplayClient, label: string, statements: Statement[]) {
	explains.push(`EXPLAIN (ANALYZE, BUFFERS) of ${label}: ${statements.length} statements`);
	for (const [i, s] of statements.entries()) {
		if (!/^\s*(select|with)/i.test(s.query)) continue;
		try {
			const [row] = await client.unsafe(
				`explain (analyze, buffers, format json) ${s.query}`,
				s.params as never[],
				{ prepare: false }
			);
			const plan = (row['QUERY PLAN'] as { Plan: PlanNode; 'Execution Time': number }[])[0];
			const scans: string[] = [];
			const walk = (node: PlanNode) => {
				if (node['Relation Name']) {
					const how = node['Node Type'].includes('Seq') ? 'SEQ SCAN' : node['Node Type'];
					scans.push(
						`${how} ${node['Relation Name']}${node['Index Name'] ? ` (${node['Index Name']})` : ''} rows ${int((node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1))}`
					);
				}
				for (const child of node.Plans ?? []) walk(child);
			};
			walk(plan.Plan);
			const buffers =
				(plan.Plan['Shared Hit Blocks'] ?? 0) + (plan.Plan['Shared Read Blocks'] ?? 0);
			explains.push(
				`  #${i + 1} ${plan['Execution Time'].toFixed(1)} ms, ${int(buffers)} buffers: ${scans.join('; ') || 'no table'}`
			);
			const whole = scans.find((x) => x.startsWith('SEQ SCAN ledger_entries'));
			if (whole)
				explains.push(
					`    ^ reads the whole ledger: ${s.query.slice(0, 160).replace(/\s+/g, ' ')}`
				);
		} catch (error) {
			explains.push(`  #${i + 1} could not be explained: ${String(error).slice(0, 120)}`);
		}
	}
}

// ---------------------------------------------------------------------------------------
// Writes: picking and sync on a fresh database with a thousand pickers (their speed does not
// depend on the county's size: each entry reads its picker and season by key); the bare SQL
// is replayed on a copy of the database taken just before the feature ran.

async function freshDatabase(serverUrl: string, name: string) {
	const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	const target = new URL(serverUrl);
	target.pathname = `/${name}`;
	return {
		url: target.toString(),
		/** A copy of the database as it is now (nothing may be connected to it). */
		async copy(copyName: string) {
			await admin.unsafe(`create database ${copyName} template ${name}`);
			const t = new URL(serverUrl);
			t.pathname = `/${copyName}`;
			return t.toString();
		},
		async drop(...names: string[]) {
			for (const n of [name, ...names])
				await admin.unsafe(`drop database if exists ${n} with (force)`);
			await admin.end();
		}
	};
}

async function pickingAndSync(serverUrl: string, dir: string, which: Set<string>) {
	const tag = randomBytes(3).toString('hex');
	const names = {
		main: `levee_bench_writes_${tag}`,
		pickingCopy: `levee_bench_writes_${tag}_p`,
		syncCopy: `levee_bench_writes_${tag}_s`
	};
	const fresh = await freshDatabase(serverUrl, names.main);
	try {
		const setup = await openDatabase({ kind: 'postgres', url: fresh.url, maxConnections: 2 });
		const world = await preparePicking(setup);
		await setup.close();
		if (which.has('picking'))
			await phase('picking', async () => {
				const copyUrl = await fresh.copy(names.pickingCopy);
				const capture = new CaptureFile(join(dir, `picking-${tag}.jsonl`));
				const server = await startServer({
					DATABASE_URL: fresh.url,
					LEVEE_BENCH_SQL_CAPTURE: capture.path
				});
				let result;
				let statements: Statement[];
				let warmUp = 0;
				try {
					await quiet(capture);
					const from = capture.offset;
					const cookie = await signInCookie(server.origin);
					warmUp = 200;
					await postEntries(server.origin, cookie, world, warmUp, PICKING_CLIENTS);
					result = await postEntries(server.origin, cookie, world, PICKING_TOTAL, PICKING_CLIENTS);
					statements = capture.between(from, capture.offset);
				} finally {
					await server.stop();
				}
				const replayer = replayClient(copyUrl);
				const bare = await replay(replayer, statements);
				await replayer.end();
				const rate = result.created / result.seconds;
				const bareRate = (warmUp + PICKING_TOTAL) / (bare.ms / 1000);
				rows.push({
					feature: `picking: weigh-ins through POST /planting/weigh/entries, ${PICKING_CLIENTS} clients (${int(result.created)} entries; p95 ${fmtMs(result.p95)})`,
					figure: `${int(rate)} entries/s`,
					bare: `${int(bareRate)} entries/s (one connection)`,
					ratio: bareRate / rate,
					target: '≥ 500 entries/s, ≤ 3× bare',
					met: both(
						rate >= 500 ? { ok: true } : { ok: false, by: `${missBy(500 - rate)} entries/s short` },
						bareRate / rate
					)
				});
				if (result.failed) notes.push(`picking: ${result.failed} entries refused`);
				if (bare.failed)
					notes.push(`picking: ${bare.failed} of ${statements.length} replayed statements failed`);
			});
		if (which.has('sync'))
			await phase('sync', async () => {
				const copyUrl = await fresh.copy(names.syncCopy);
				const capture = new CaptureFile(join(dir, `sync-${tag}.jsonl`));
				const server = await startServer({
					DATABASE_URL: fresh.url,
					LEVEE_BENCH_SQL_CAPTURE: capture.path
				});
				let seconds = 0;
				let statements: Statement[] = [];
				let stored = 0;
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
				try {
					await quiet(capture);
					const cookie = await signInCookie(server.origin);
					const from = capture.offset;
					const t0 = performance.now();
					for (let at = 0; at < outbox.length; at += SYNC_BATCH) {
						const response = await fetch(`${server.origin}/api/sync`, {
							method: 'POST',
							body: JSON.stringify({ entries: outbox.slice(at, at + SYNC_BATCH) }),
							headers: { origin: server.origin, cookie, 'content-type': 'application/json' }
						});
						if (!response.ok) throw new Error(`sync answered ${response.status}`);
						const answers = ((await response.json()) as { answers: { status: string }[] }).answers;
						stored += answers.filter((a) => a.status !== 'rejected').length;
					}
					seconds = (performance.now() - t0) / 1000;
					statements = capture.between(from, capture.offset);
				} finally {
					await server.stop();
				}
				const replayer = replayClient(copyUrl);
				const bare = await replay(replayer, statements);
				await replayer.end();
				rows.push({
					feature: `outbox sync: ${int(SYNC_ENTRIES)} weigh-ins through POST /api/sync, batches of ${SYNC_BATCH} (${int(stored)} accepted)`,
					figure: fmtMs(seconds * 1000),
					bare: fmtMs(bare.ms),
					ratio: (seconds * 1000) / bare.ms,
					target: '≤ 3× bare',
					met: ratioCheck((seconds * 1000) / bare.ms)
				});
				if (bare.failed)
					notes.push(`sync: ${bare.failed} of ${statements.length} replayed statements failed`);
			});
	} finally {
		await fresh.drop(names.pickingCopy, names.syncCopy);
	}
}

interface ImportModule {
	benchImportHttp: (
		origin: string,
		cookie: string,
		households: number,
		options: { pid: number; databaseUrl: string }
	) => Promise<{
		rows: number;
		seconds: number;
		rowsPerSecond: number;
		peakRssMb: number;
		bareSqlSeconds: number;
	}>;
}

async function importRow(serverUrl: string) {
	let mod: ImportModule | null = null;
	try {
		const path = './import';
		mod = (await import(/* @vite-ignore */ path)) as ImportModule;
	} catch {
		mod = null;
	}
	const feature = `registry import over HTTP: ${int(IMPORT_HOUSEHOLDS)} households (preview + apply)`;
	if (!mod?.benchImportHttp) {
		rows.push({
			feature,
			figure: '— (scripts/bench/import.ts absent)',
			bare: '—',
			ratio: null,
			target: '≥ 10,000 rows/s, < 500 MB',
			met: null
		});
		return;
	}
	const name = `levee_bench_import_${randomBytes(3).toString('hex')}`;
	const fresh = await freshDatabase(serverUrl, name);
	try {
		const setup = await openDatabase({ kind: 'postgres', url: fresh.url, maxConnections: 2 });
		await prepareSearch(setup);
		await setup.close();
		const server = await startServer({ DATABASE_URL: fresh.url });
		try {
			const cookie = await signInCookie(server.origin, SEARCH_ADMIN);
			const got = await mod.benchImportHttp(server.origin, cookie, IMPORT_HOUSEHOLDS, {
				pid: server.pid,
				databaseUrl: fresh.url
			});
			const ratio = got.seconds / got.bareSqlSeconds;
			const misses: string[] = [];
			if (got.rowsPerSecond < 10_000)
				misses.push(`${missBy(10_000 - got.rowsPerSecond)} rows/s short`);
			if (got.peakRssMb >= 500) misses.push(`${missBy(got.peakRssMb - 500)} MB over 500 MB`);
			const ratioMiss = ratioCheck(ratio);
			if (ratioMiss && !ratioMiss.ok) misses.push(`ratio ${ratioMiss.by}`);
			rows.push({
				feature: `${feature}: ${int(got.rows)} member rows in ${got.seconds.toFixed(1)} s, server peak memory`,
				figure: `${int(got.rowsPerSecond)} rows/s, ${int(got.peakRssMb)} MB`,
				bare: `${got.bareSqlSeconds.toFixed(1)} s (multi-row INSERTs)`,
				ratio,
				target: '≥ 10,000 rows/s, < 500 MB, ≤ 3× bare',
				met: misses.length ? { ok: false, by: misses.join('; ') } : { ok: true }
			});
		} finally {
			await server.stop();
		}
	} finally {
		await fresh.drop();
	}
}

async function reevaluateRow(county: County) {
	const database = await openDatabase({ kind: 'postgres', url: county.url });
	try {
		const countyId = county.world.actor.countyId;
		// A line change either way (a kept county alternates), then every household again.
		const line = await monitoringLineFor(database.db, countyId, 2026);
		await setMonitoringLine(database.db, countyId, 2026, line === 800000 ? 750000 : 800000);
		const run = await reevaluateCounty(
			database.db,
			county.world.actor,
			countyId,
			'line_change',
			TODAY
		);
		const { nearLineMarginPct } = await getCountySettings(database.db, countyId);
		const b0 = performance.now();
		await longRunning(database.db, (tx) =>
			tx.execute(
				standingsUpsert(countyId, TODAY, nearLineMarginPct, 'line_change', () => sql`true`)
			)
		);
		const bare = performance.now() - b0;
		const ratio = run.ms / bare;
		rows.push({
			feature: `re-evaluation after a line change (reevaluateCounty, ${int(run.households)} households)`,
			figure: fmtMs(run.ms),
			bare: `${fmtMs(bare)} (the upsert as one statement)`,
			ratio,
			target: '< 60 s, ≤ 3× bare',
			met: both(timeTarget(run.ms, 60_000), ratio)
		});
	} finally {
		await database.close();
	}
}

/** Today's nightly rules, run before the server starts so no pass runs during the bench. */
async function nightlyFirst(county: County) {
	const database = await openDatabase({ kind: 'postgres', url: county.url });
	try {
		const t0 = performance.now();
		const passStarted = new Date();
		const results = await runDueNightlyJobs(database.db);
		const ran = results.filter((r) => r.result === 'ran').length;
		if (ran) {
			// Each job's own time from the scheduled_runs rows of this pass (a job the generation
			// ran already is not in it): the jobs of a pass share their started_at, so a job took
			// from the one before it finished to its own finish.
			const jobs = rowsOf<{ job: string; ms: number }>(
				await database.db.execute(sql`
select job, extract(epoch from finished_at
	- coalesce(lag(finished_at) over (order by finished_at), started_at)) * 1000 as ms
from scheduled_runs
where business_date = ${dueBusinessDate(new Date())} and finished_at is not null
	and started_at >= ${passStarted.toISOString()}::timestamptz
order by finished_at`)
			);
			notes.push(
				`the day's nightly rules ran before the bench: ${ran} jobs in ${fmtMs(performance.now() - t0)} (${jobs.map((j) => `${j.job} ${fmtMs(Number(j.ms))}`).join(', ')})`
			);
		}
	} finally {
		await database.close();
	}
}

// ---------------------------------------------------------------------------------------

function table(): string {
	const head = '| feature | figure | bare SQL | ratio | target | met? |';
	const lines = [head, '|---|---|---|---|---|---|'];
	for (const r of rows) {
		const met = r.met === null ? '—' : r.met.ok ? 'yes' : `no: ${r.met.by}`;
		lines.push(
			`| ${r.feature} | ${r.figure} | ${r.bare} | ${r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${met} |`
		);
	}
	return lines.join('\n');
}

async function machine(url: string): Promise<string> {
	const client = postgres(url, { max: 1, onnotice: () => {} });
	const [{ server_version }] = await client`show server_version`;
	await client.end();
	return `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GB memory, Node ${process.version}, PostgreSQL ${server_version}`;
}

export async function benchCountyTable(): Promise<void> {
	const started = performance.now();
	const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
	if (!(await reachable(serverUrl))) {
		console.log(`county bench: PostgreSQL at ${serverUrl} does not answer; nothing measured.`);
		return;
	}
	const which = new Set(
		(process.env.BENCH_ROWS ?? 'page,search,dashboard,reports,picking,import,sync,reevaluate')
			.split(',')
			.map((s) => s.trim())
	);
	await phase('server build (when missing)', ensureBuilt);
	const dir = mkdtempSync(join(tmpdir(), 'levee-bench-county-'));
	console.log(`county bench: ${int(COUNTY_HOUSEHOLDS)} households on PostgreSQL…`);
	const county = await phase('county database (generated, or found kept)', () =>
		countyDatabase(serverUrl)
	);
	try {
		console.log(
			county.reused
				? `  county: reused ${county.name}`
				: `  county: generated in ${county.generationSeconds.toFixed(0)} s`
		);
		await phase("the day's nightly rules", () => nightlyFirst(county));
		if (['page', 'search', 'dashboard', 'reports'].some((w) => which.has(w)))
			await pagesAndSearch(county, dir, which);
		if (which.has('dashboard') || which.has('reports'))
			await inProcessDashboardAndReports(county, which);
		if (which.has('picking') || which.has('sync')) await pickingAndSync(serverUrl, dir, which);
		if (which.has('import')) await phase('import', () => importRow(serverUrl));
		if (which.has('reevaluate')) await phase('re-evaluation', () => reevaluateRow(county));
	} finally {
		await county.drop();
		// The capture files hold statement parameters (identity numbers among them): removed.
		rmSync(dir, { recursive: true, force: true });
	}
	const totalSeconds = (performance.now() - started) / 1000;
	const sizes = county.sizes;
	const header = [
		`County-size bench, PostgreSQL (${county.reused ? `kept database ${county.name}, reused` : `generated in ${county.generationSeconds.toFixed(0)} s`}); whole run ${(totalSeconds / 60).toFixed(1)} min`,
		`Machine: ${await machine(serverUrl)}`,
		`Data: ${int(sizes.households)} households (${int(sizes.monitored)} monitored), ${int(sizes.members)} people, ${int(sizes.factories)} factories with ${int(sizes.factory_jobs)} workers and ${int(sizes.factory_wages)} monthly wages, ${int(sizes.picking_entries)} weigh-ins, ${int(sizes.insurance_claims)} insurance claims, ${int(sizes.warnings)} warnings, ${int(sizes.ledger_entries)} ledger entries, ${int(sizes.household_income_months)} income-month rows, ${int(sizes.household_standings)} standings`,
		`Figures: server time to the full response of the built server (admin session), or in-process where the row says so. Bare SQL: the statements the feature ran, captured and replayed in order on one connection (scripts/bench/capture.ts). Ratio: figure ÷ bare.`
	];
	const out = [
		...header,
		'',
		table(),
		...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
		'',
		`Where the ${(totalSeconds / 60).toFixed(1)} min went: ${phases.map((p) => `${p.name} ${p.seconds.toFixed(0)} s`).join('; ')}`
	].join('\n');
	console.log(`\n${out}`);
	if (explains.length) console.log(`\n${explains.join('\n')}`);
	if (process.argv.includes('--save')) {
		mkdirSync('bench/results', { recursive: true });
		const file = `bench/results/${new Date().toISOString().slice(0, 10)}.md`;
		const markdown = `# npm run bench — ${new Date().toISOString()}\n\n${out}\n${explains.length ? `\n\`\`\`\n${explains.join('\n')}\n\`\`\`\n` : ''}`;
		// Formatted as the repository's lint expects, so the file can be committed as it is.
		writeFileSync(
			file,
			await format(markdown, { ...(await resolveConfig(file)), parser: 'markdown' })
		);
		console.log(`\nsaved ${file}`);
	}
}
