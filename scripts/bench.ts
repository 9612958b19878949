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
// BENCH_HOUSEHOLDS changes the import's size; BENCH_ONLY=import or BENCH_ONLY=picking runs one.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { count } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { identityCheckCharacter } from '../src/lib/identity';
import { openDatabase, type Database } from '../src/lib/server/db';
import { runMigrations } from '../src/lib/server/db/migrate';
import { systemActor, type UserActor } from '../src/lib/server/auth/actor';
import { listTownships, listVillages, loadCountyDivisions } from '../src/lib/server/divisions';
import { applyImport, previewImport } from '../src/lib/server/households/import';
import { createFirstAdmin } from '../src/lib/server/auth/bootstrap';
import { listHouseholds } from '../src/lib/server/households';
import { households, members } from '../src/lib/server/households/schema';
import { createStaffUser } from '../src/lib/server/auth/users';
import { bulkInsert } from '../src/lib/server/db/bulk';
import { newId } from '../src/lib/server/db/ids';
import { createSeason, createStation } from '../src/lib/server/planting';
import { pickingEntries } from '../src/lib/server/planting/schema';
import { todayInChina } from '../src/lib/format';

const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 100_000);
const TODAY = '2026-11-29';
const SURNAMES = ['王', '李', '张', '刘', '赵', '杨', '陈', '郭', '马', '孙'];
const GIVEN = [
	'建国',
	'秀英',
	'桂兰',
	'国强',
	'海涛',
	'丽娜',
	'浩然',
	'欣怡',
	'子涵',
	'宇轩',
	'志刚',
	'玉梅'
];

/** Deterministic: the n-th person gets a unique valid number (birth date × sequence). */
function identityNumber(n: number, male: boolean): string {
	const day = new Date(Date.UTC(1940, 0, 1) + (n % 25000) * 86_400_000);
	const birth = day.toISOString().slice(0, 10).replace(/-/g, '');
	const sequence = (Math.floor(n / 25000) * 2 + (male ? 1 : 0)) % 1000;
	const first17 = `130434${birth}${String(sequence).padStart(3, '0')}`;
	return first17 + identityCheckCharacter(first17);
}

async function generateCsv(database: Database): Promise<{ bytes: Uint8Array; rows: number }> {
	const townships = await listTownships(database.db, '130434');
	const villages: { township: string; village: string; code: string }[] = [];
	for (const t of townships) {
		for (const v of await listVillages(database.db, '130434', t.code)) {
			villages.push({ township: t.officialName ?? t.name, village: v.name, code: v.code });
		}
	}
	const lines = [
		'乡(镇),行政村,户编号,姓名,证件号码,与户主关系,性别,健康状况,劳动技能,监测对象类别,致贫/返贫风险1,识别监测时间,风险是否已消除'
	];
	let person = 0;
	for (let h = 0; h < HOUSEHOLDS; h++) {
		const place = villages[h % villages.length];
		const number = `${place.code}${String(h).padStart(6, '0')}`;
		const monitored = h % 5 === 0;
		const size = 1 + (h % 5);
		for (let m = 0; m < size; m++) {
			const male = m % 2 === 0;
			const name = SURNAMES[h % SURNAMES.length] + GIVEN[(h + m) % GIVEN.length];
			const relation = m === 0 ? '户主' : m === 1 ? '配偶' : male ? '之子' : '之女';
			lines.push(
				[
					place.township,
					place.village,
					number,
					name,
					identityNumber(person++, male),
					relation,
					male ? '男' : '女',
					'健康',
					'普通劳动力',
					monitored && m === 0 ? '边缘易致贫户' : '',
					monitored && m === 0 ? '因病' : '',
					monitored && m === 0 ? '202403' : '',
					monitored && m === 0 ? '否' : ''
				].join(',')
			);
		}
	}
	return { bytes: new TextEncoder().encode(lines.join('\n')), rows: person };
}

async function benchImport(label: string, database: Database): Promise<void> {
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
		householdId: null,
		factoryIds: []
	};
	const { bytes, rows } = await generateCsv(database);
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
const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test';
const STAFF = { username: 'benchstaff', password: 'bench-staff-password-7' };

interface PickingWorld {
	stationId: string;
	memberIds: string[];
	pickedOn: string;
}

/** A county with a season, a station, a thousand registered pickers and a staff account. */
async function preparePicking(database: Database): Promise<PickingWorld> {
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

async function ensureBuilt(): Promise<void> {
	if (process.env.BENCH_BUILD !== '1' && existsSync('build/index.js')) return;
	console.log('picking: building the server (vite build)…');
	const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], {
		stdio: 'ignore'
	});
	if (built.status !== 0) throw new Error('vite build failed');
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

async function startServer(
	env: Record<string, string>
): Promise<{ origin: string; stop: () => Promise<void> }> {
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
		stop: async () => {
			child.kill('SIGTERM');
			await Promise.race([exited, sleep(5_000)]);
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	};
}

/** Signs in through the login form, as a phone would, and returns the session cookie. */
async function signInCookie(origin: string): Promise<string> {
	const body = new URLSearchParams({
		identifier: STAFF.username,
		password: STAFF.password,
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

async function postEntries(origin: string, cookie: string, world: PickingWorld, total: number) {
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
	await Promise.all(Array.from({ length: PICKING_CONCURRENCY }, worker));
	const seconds = (performance.now() - t0) / 1000;
	latencies.sort((a, b) => a - b);
	const pct = (p: number) =>
		latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
	return { created, failed, seconds, p50: pct(0.5), p95: pct(0.95) };
}

async function countEntries(database: Database): Promise<number> {
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

async function reachable(url: string): Promise<boolean> {
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

async function benchPicking(): Promise<void> {
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

const only = process.env.BENCH_ONLY;
if (only !== 'picking') {
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

if (only !== 'import') await benchPicking();
