// The registry import at county size through the real HTTP path of the built server:
// a generated CSV of `households` households posted to /households/import?/preview and
// then ?/apply as the page posts it, timed end to end, with the server process's resident
// memory sampled every 100 ms, and beside it the bare SQL the import needs (the same
// households, members and membership events in plain multi-row INSERTs, one transaction,
// rolled back) measured in the same run.
//
// benchImportHttp is what the county-size bench calls. Run alone, this file makes its own
// PostgreSQL database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres),
// starts build/index.js on it, signs in as the county's admin and prints one line:
//   npx vite build && BENCH_HOUSEHOLDS=100000 npx tsx scripts/bench/import.ts
// Into a county that already holds households (a copy of the county bench's database, made
// with CREATE DATABASE … TEMPLATE; the file continues the county's generated households):
//   BENCH_COUNTY_TEMPLATE=levee_bench_county_300000 BENCH_HOUSEHOLDS=100000 npx tsx scripts/bench/import.ts
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase } from '../../src/lib/server/db';
import { runMigrations } from '../../src/lib/server/db/migrate';
import { systemActor } from '../../src/lib/server/auth/actor';
import { loadCountyDivisions } from '../../src/lib/server/divisions';
import { createFirstAdmin } from '../../src/lib/server/auth/bootstrap';
import { generateCountyCsv } from '../generate-county';
import { SEARCH_ADMIN } from '../bench';

const TODAY = '2026-11-29';

export interface ImportHttpResult {
	/** Member rows in the file. */
	rows: number;
	/** Preview and apply, end to end over HTTP. */
	seconds: number;
	previewSeconds: number;
	applySeconds: number;
	rowsPerSecond: number;
	/** Highest resident set of the server process seen during the import (sampled every 100 ms). */
	peakRssMb: number;
	/** The server's resident set just before the upload. */
	startRssMb: number;
	/** The same households, members and membership events by plain multi-row INSERTs. */
	bareSqlSeconds: number;
	fileMb: number;
}

export interface ImportHttpOptions {
	/** The server process, whose memory is sampled (the bench's startServer child's pid). */
	pid: number;
	/** The server's database, for the generated county's villages and the bare SQL. */
	databaseUrl: string;
	/** The first household's index: a county already holding 0 … n-1 imports n … n+households-1. */
	firstHousehold?: number;
	/** Prints each step's time as it ends. */
	progress?: boolean;
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
		return match ? Number(match[1]) / 1024 : 0;
	} catch {
		return 0;
	}
}

/** A SvelteKit form action posted as the page's enhanced form posts it: the answer as JSON. */
async function postAction(
	origin: string,
	cookie: string,
	action: 'preview' | 'apply',
	body: FormData
): Promise<{ type: string; status?: number; data?: string; location?: string }> {
	// node:http, not fetch: fetch gives up waiting for an answer after 300 s.
	const encoded = new Response(body);
	const url = new URL(`/households/import?/${action}`, origin);
	const { status, text } = await new Promise<{ status: number; text: string }>(
		(resolve, reject) => {
			const request = httpRequest(
				url,
				{
					method: 'POST',
					headers: {
						origin,
						cookie,
						accept: 'application/json',
						'x-sveltekit-action': 'true',
						'content-type': encoded.headers.get('content-type')!
					}
				},
				(response) => {
					const chunks: Buffer[] = [];
					response.on('data', (chunk: Buffer) => chunks.push(chunk));
					response.on('end', () =>
						resolve({
							status: response.statusCode ?? 0,
							text: Buffer.concat(chunks).toString('utf8')
						})
					);
					response.on('error', reject);
				}
			);
			request.on('error', reject);
			Readable.fromWeb(encoded.body! as never).pipe(request);
		}
	);
	try {
		return JSON.parse(text);
	} catch {
		throw new Error(`import ${action}: ${status} ${text.slice(0, 300)}`);
	}
}

export async function benchImportHttp(
	origin: string,
	cookie: string,
	households: number,
	options: ImportHttpOptions
): Promise<ImportHttpResult> {
	const first = options.firstHousehold ?? 0;
	const database = await openDatabase({ kind: 'postgres', url: options.databaseUrl });
	let county;
	try {
		county = await generateCountyCsv(database.db, first, first + households);
	} finally {
		await database.close();
	}
	const bareSqlSeconds = await bareSql(options.databaseUrl, county.bytes);
	if (options.progress) console.log(`  bare SQL: ${bareSqlSeconds.toFixed(1)} s`);
	const file = new Blob([county.bytes as Uint8Array<ArrayBuffer>], { type: 'text/csv' });
	county.bytes = new Uint8Array(0);

	const startRssMb = rssMb(options.pid);
	let peakRssMb = startRssMb;
	let sampling = true;
	const sampler = (async () => {
		while (sampling) {
			peakRssMb = Math.max(peakRssMb, rssMb(options.pid));
			await sleep(100);
		}
	})();
	try {
		const t0 = performance.now();
		const previewBody = new FormData();
		previewBody.set('file', file, 'bench.csv');
		const preview = await postAction(origin, cookie, 'preview', previewBody);
		if (preview.type !== 'success' || !preview.data)
			throw new Error(`preview: ${JSON.stringify(preview).slice(0, 300)}`);
		const fileHash = /[0-9a-f]{64}/.exec(preview.data)?.[0];
		if (!fileHash) throw new Error('preview: no file hash');
		const t1 = performance.now();
		if (options.progress)
			console.log(
				`  preview: ${((t1 - t0) / 1000).toFixed(1)} s, server peak so far ${Math.max(peakRssMb, rssMb(options.pid)).toFixed(0)} MB`
			);
		const applyBody = new FormData();
		applyBody.set('fileHash', fileHash);
		applyBody.set('file', file, 'bench.csv');
		const applied = await postAction(origin, cookie, 'apply', applyBody);
		if (applied.type !== 'redirect' || !applied.location)
			throw new Error(`apply: ${JSON.stringify(applied).slice(0, 300)}`);
		const t2 = performance.now();
		const created = new URL(applied.location, origin).searchParams.get('created');
		if (Number(created) !== households)
			throw new Error(`apply created ${created} households, not ${households}`);
		const seconds = (t2 - t0) / 1000;
		return {
			rows: county.rows,
			seconds,
			previewSeconds: (t1 - t0) / 1000,
			applySeconds: (t2 - t1) / 1000,
			rowsPerSecond: county.rows / seconds,
			peakRssMb: Math.max(peakRssMb, rssMb(options.pid)),
			startRssMb,
			bareSqlSeconds,
			fileMb: file.size / 1024 / 1024
		};
	} finally {
		sampling = false;
		await sampler;
	}
}

/**
 * The rows the import writes for a generated file, written by plain multi-row INSERTs
 * (unnest of one array per column, 5,000 rows a statement) in one transaction that is
 * rolled back: what the database itself needs, without Levee's reading, checks and plan.
 */
async function bareSql(databaseUrl: string, bytes: Uint8Array): Promise<number> {
	const sqlClient = postgres(databaseUrl, { max: 1, onnotice: () => {} });
	try {
		const [{ id: countyId }] = await sqlClient`select id from counties where code = '130434'`;
		const [{ id: userId }] = await sqlClient`select id from users limit 1`;
		// The generated file's columns: 2 household number, 3 name, 4 identity number,
		// 5 relation, 6 sex, 7 phone, 8 health, 9 labour skill.
		const lines = new TextDecoder().decode(bytes).split('\n').slice(1);
		const householdRows: string[][] = [];
		const memberRows: string[][] = [];
		const eventRows: string[][] = [];
		const ids = new Map<string, string>();
		for (const line of lines) {
			const cells = line.split(',');
			const number = cells[2];
			let householdId = ids.get(number);
			if (!householdId) {
				householdId = uuidv7();
				ids.set(number, householdId);
				householdRows.push([householdId, number, number.slice(0, 12), cells[7]]);
			}
			const memberId = uuidv7();
			const id = cells[4];
			const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
			memberRows.push([
				memberId,
				householdId,
				cells[3],
				id,
				cells[6] === '男' ? 'male' : 'female',
				birth,
				cells[5],
				cells[8],
				cells[9]
			]);
			eventRows.push([uuidv7(), householdId, memberId]);
		}
		const column = (rows: string[][], i: number) => rows.map((r) => r[i] || null);
		const BATCH = 5000;
		const t0 = performance.now();
		await sqlClient
			.begin(async (tx) => {
				for (let i = 0; i < householdRows.length; i += BATCH) {
					const rows = householdRows.slice(i, i + BATCH);
					await tx`insert into households (county_id, id, household_number, village_code, phone)
						select ${countyId}, * from unnest(${column(rows, 0)}::uuid[], ${column(rows, 1)}::text[],
							${column(rows, 2)}::text[], ${column(rows, 3)}::text[])`;
				}
				for (let i = 0; i < memberRows.length; i += BATCH) {
					const rows = memberRows.slice(i, i + BATCH);
					await tx`insert into members (county_id, id, household_id, name, id_number, sex, birth_date,
							relation, health_status, labour_skill)
						select ${countyId}, * from unnest(${column(rows, 0)}::uuid[], ${column(rows, 1)}::uuid[],
							${column(rows, 2)}::text[], ${column(rows, 3)}::text[], ${column(rows, 4)}::text[],
							${column(rows, 5)}::date[], ${column(rows, 6)}::text[], ${column(rows, 7)}::text[],
							${column(rows, 8)}::text[])`;
				}
				for (let i = 0; i < eventRows.length; i += BATCH) {
					const rows = eventRows.slice(i, i + BATCH);
					await tx`insert into membership_events (county_id, id, household_id, member_id, kind,
							happened_on, recorded_by)
						select ${countyId}, x.id, x.household_id, x.member_id, 'registered', ${TODAY}, ${userId}
						from unnest(${column(rows, 0)}::uuid[], ${column(rows, 1)}::uuid[], ${column(rows, 2)}::uuid[])
							as x(id, household_id, member_id)`;
				}
				throw new RolledBack();
			})
			.catch((caught) => {
				if (!(caught instanceof RolledBack)) throw caught;
			});
		return (performance.now() - t0) / 1000;
	} finally {
		await sqlClient.end();
	}
}

class RolledBack extends Error {}

// --- run alone ---------------------------------------------------------------------------

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

async function main(): Promise<void> {
	const households = Number(process.env.BENCH_HOUSEHOLDS ?? 100_000);
	const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
	const name =
		process.env.BENCH_DATABASE_NAME ?? `levee_import_bench_${randomBytes(3).toString('hex')}`;
	const template = process.env.BENCH_COUNTY_TEMPLATE;
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`);
	const target = new URL(adminUrl);
	target.pathname = `/${name}`;
	const databaseUrl = target.toString();
	let stop = async () => {};
	try {
		const database = await openDatabase({ kind: 'postgres', url: databaseUrl });
		let signIn = { username: 'benchadmin', password: 'bench-password-1' };
		let firstHousehold = 0;
		if (template) {
			signIn = SEARCH_ADMIN;
			const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
			const [{ n }] = await client`select count(*)::int as n from households`;
			await client.end();
			firstHousehold = n;
		} else {
			await runMigrations(database);
			await loadCountyDivisions(database.db, systemActor('bench'), '130434');
			await createFirstAdmin(database.db, {
				countyCode: '130434',
				username: signIn.username,
				displayName: 'bench',
				password: signIn.password
			});
		}
		await database.close();

		const port = await freePort();
		const origin = `http://127.0.0.1:${port}`;
		const nodeArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
		// BENCH_SERVER_ENTRY: another build to compare with (a copy of build/ made before a change).
		const entry = process.env.BENCH_SERVER_ENTRY ?? 'build/index.js';
		const child = spawn(process.execPath, [...nodeArgs, entry], {
			env: {
				...process.env,
				PORT: String(port),
				HOST: '127.0.0.1',
				ORIGIN: origin,
				NODE_ENV: 'production',
				LEVEE_DEMO: '0',
				LEVEE_LOG_LEVEL: 'warn',
				DATABASE_URL: databaseUrl
			},
			stdio: ['ignore', 'ignore', 'inherit']
		});
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		stop = async () => {
			child.kill('SIGTERM');
			await Promise.race([exited, sleep(5_000)]);
			if (child.exitCode === null) child.kill('SIGKILL');
		};
		for (let i = 0; ; i++) {
			try {
				if ((await fetch(`${origin}/healthz`)).ok) break;
			} catch {
				// not listening yet
			}
			if (i > 300 || child.exitCode !== null) throw new Error('the server did not start');
			await sleep(100);
		}
		const login = await fetch(`${origin}/login`, {
			method: 'POST',
			body: new URLSearchParams({
				identifier: signIn.username,
				password: signIn.password,
				next: '/'
			}),
			redirect: 'manual',
			headers: { origin, 'content-type': 'application/x-www-form-urlencoded' }
		});
		const cookie = login.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.find((c) => c.startsWith('levee_session='));
		if (!cookie) throw new Error(`sign-in failed (${login.status})`);

		const r = await benchImportHttp(origin, cookie, households, {
			pid: child.pid!,
			databaseUrl,
			firstHousehold,
			progress: true
		});
		console.log(
			[
				`import over HTTP, PostgreSQL${template ? `, into ${firstHousehold.toLocaleString('en')} households` : ''}: ${households.toLocaleString('en')} households, ${r.rows.toLocaleString('en')} member rows, ${r.fileMb.toFixed(1)} MB CSV`,
				`  preview ${r.previewSeconds.toFixed(1)} s + apply ${r.applySeconds.toFixed(1)} s = ${r.seconds.toFixed(1)} s: ${Math.round(r.rowsPerSecond).toLocaleString('en')} member rows/s`,
				`  server RSS ${r.startRssMb.toFixed(0)} MB before, peak ${r.peakRssMb.toFixed(0)} MB (VmHWM ${rssMb(child.pid!, 'VmHWM').toFixed(0)} MB)`,
				`  bare SQL (households, members, membership events; multi-row INSERTs): ${r.bareSqlSeconds.toFixed(1)} s; ratio ${(r.seconds / r.bareSqlSeconds).toFixed(1)}×`
			].join('\n')
		);
	} finally {
		await stop();
		if (process.env.BENCH_KEEP !== '1')
			await admin.unsafe(`drop database if exists ${name} with (force)`);
		await admin.end();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	await main();
	process.exit(0);
}
