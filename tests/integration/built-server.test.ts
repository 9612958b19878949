import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { openDatabase, type DatabaseTarget } from '../../src/lib/server/db';
import { runMigrations } from '../../src/lib/server/db/migrate';
import { LOCK_FILE } from '../../src/lib/server/db/lock';
import { createFirstAdmin } from '../../src/lib/server/auth/bootstrap';
import { REGISTRY_COLUMNS } from '../../src/lib/server/households/registry/columns';
import { translate } from '../../src/lib/i18n';
import {
	ensureBuilt,
	exitWithin,
	kill,
	startServer,
	waitUntilServing,
	type RunningServer
} from './built-server';

// The built server as a deployment runs it (`node build`, or `node scripts/start.js` as
// `npm start` does), started as a child process on a data folder of its own.

const ADMIN = { username: 'lockadmin', password: 'levee-lock-2026' };
const STOP_WITHIN_MS = 10_000;
/** Each test starts a server or two; on a busy machine a start takes tens of seconds. */
const SLOW = 180_000;

// The embedded data folder is tested in the default run; with TEST_DATABASE_URL, the stop
// on PostgreSQL instead.
const postgresUrl = process.env.TEST_DATABASE_URL;

let template: string;
const running: RunningServer[] = [];
const folders: string[] = [];

beforeAll(async () => {
	ensureBuilt();
	// One migrated data folder with a county admin, copied for each test: starting on it
	// takes seconds, not the half minute of a first start with the demo county.
	template = mkdtempSync(join(tmpdir(), 'levee-built-template-'));
	if (!postgresUrl) await prepare({ kind: 'pglite', dataDir: template });
}, 300_000);

async function prepare(target: DatabaseTarget): Promise<void> {
	const database = await openDatabase(target);
	await runMigrations(database);
	await createFirstAdmin(database.db, {
		countyCode: '130434',
		username: ADMIN.username,
		displayName: '锁测试',
		password: ADMIN.password
	});
	await database.close();
}

afterEach(async () => {
	for (const server of running.splice(0)) await kill(server);
});

afterAll(() => {
	for (const folder of [template, ...folders]) rmSync(folder, { recursive: true, force: true });
});

function dataFolder(): string {
	const folder = mkdtempSync(join(tmpdir(), 'levee-built-'));
	folders.push(folder);
	cpSync(template, folder, { recursive: true });
	return folder;
}

async function start(...args: Parameters<typeof startServer>): Promise<RunningServer> {
	const server = await startServer(...args);
	running.push(server);
	return server;
}

async function serving(dataDir: string, entry?: string[]): Promise<RunningServer> {
	const server = await start({ dataDir, entry });
	await waitUntilServing(server);
	return server;
}

/** Signs in as the county admin; answers the session cookie. */
async function signIn(server: RunningServer): Promise<string> {
	const response = await fetch(`${server.origin}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin: server.origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: new URLSearchParams({ identifier: ADMIN.username, password: ADMIN.password, next: '/' })
	});
	expect(response.status).toBe(303);
	const cookie = response.headers.getSetCookie().find((c) => c.startsWith('levee_session='));
	expect(cookie).toBeDefined();
	return cookie!.split(';')[0];
}

/** Whether the cookie's session is signed in (the account page answers instead of sending to sign-in). */
async function signedIn(server: RunningServer, cookie: string): Promise<boolean> {
	const response = await fetch(`${server.origin}/account`, {
		redirect: 'manual',
		headers: { cookie }
	});
	return response.status === 200;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A process id that certainly does not run any more. */
async function deadPid(): Promise<number> {
	const child = spawn(process.execPath, ['-e', '']);
	await new Promise((resolve) => child.once('exit', resolve));
	return child.pid!;
}

describe.skipIf(postgresUrl)('one server per data folder', { timeout: SLOW }, () => {
	it('refuses a second server on the same folder with one line and exit code 1; the first keeps serving', async () => {
		const dataDir = dataFolder();
		const first = await serving(dataDir);
		const cookie = await signIn(first);
		const lock = readFileSync(join(dataDir, LOCK_FILE), 'utf8');
		expect(lock.split('\n')[0]).toBe(String(first.child.pid));

		const second = await start({ dataDir });
		const exit = await exitWithin(second, 60_000);
		expect(exit).toEqual({ code: 1, signal: null });
		const lines = second.output().trim().split('\n');
		expect(lines).toHaveLength(1);
		expect(lines[0]).toContain(
			`The data folder ${dataDir} is in use by another Levee process (pid ${first.child.pid}).`
		);
		expect(second.output()).not.toMatch(/Listening on|\n\s+at /);

		// The first server is untouched: it still answers, its session still holds, its lock stays.
		expect(await signedIn(first, cookie)).toBe(true);
		expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).toBe(lock);
	});

	it('refuses the maintenance scripts on a folder a server is using', async () => {
		const dataDir = dataFolder();
		const server = await serving(dataDir);
		const migrate = await start({ dataDir, entry: ['--import', 'tsx', 'scripts/migrate.ts'] });
		expect(await exitWithin(migrate, 60_000)).toEqual({ code: 1, signal: null });
		expect(migrate.stderr()).toContain(
			`is in use by another Levee process (pid ${server.child.pid})`
		);
		expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
	});

	it('takes over a lock left by a process that no longer exists', async () => {
		const dataDir = dataFolder();
		const stale = await deadPid();
		writeFileSync(join(dataDir, LOCK_FILE), `${stale}\n`);
		const server = await serving(dataDir);
		expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8').split('\n')[0]).toBe(
			String(server.child.pid)
		);
	});

	it('is free again once the server has stopped', async () => {
		const dataDir = dataFolder();
		const first = await serving(dataDir);
		first.child.kill('SIGTERM');
		expect(await exitWithin(first, STOP_WITHIN_MS)).toEqual({ code: 0, signal: null });
		expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
		await serving(dataDir);
	});
});

describe.skipIf(postgresUrl)('stopping the server', { timeout: SLOW }, () => {
	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		it(`${signal}: exits 0 within 10 s, and what was written is there after a restart`, async () => {
			const dataDir = dataFolder();
			const server = await serving(dataDir, ['scripts/start.js']);
			const cookie = await signIn(server);

			const sent = Date.now();
			server.child.kill(signal);
			const exit = await exitWithin(server, STOP_WITHIN_MS);
			expect(exit).toEqual({ code: 0, signal: null });
			expect(Date.now() - sent).toBeLessThan(STOP_WITHIN_MS);
			expect(server.output()).toContain('the database is closed');

			const again = await serving(dataDir, ['scripts/start.js']);
			expect(await signedIn(again, cookie)).toBe(true);
		});
	}

	it('stops cleanly on Ctrl+C during a first start, once the database is ready', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'levee-built-empty-'));
		folders.push(dataDir);
		const server = await start({ dataDir });
		// The lock is taken in the same step that installs the signal handlers.
		const lockFile = join(dataDir, LOCK_FILE);
		while (!existsSync(lockFile) && server.child.exitCode === null) await pause(50);
		server.child.kill('SIGINT');
		expect(await exitWithin(server, 90_000)).toEqual({ code: 0, signal: null });
		expect(server.output()).toContain('stopping as soon as start-up has finished');
		expect(existsSync(lockFile)).toBe(false);
		// The folder was left whole: the next start opens it.
		await serving(dataDir);
	});

	it('lets a request in flight finish before it stops', async () => {
		const dataDir = dataFolder();
		const server = await serving(dataDir);
		const body = new URLSearchParams({
			identifier: ADMIN.username,
			password: ADMIN.password,
			next: '/'
		}).toString();
		// A sign-in whose body is still on its way when the signal comes.
		let req!: ReturnType<typeof request>;
		const answer = new Promise<{ status: number; cookie: string }>((resolve, reject) => {
			req = request(
				`${server.origin}/login`,
				{
					method: 'POST',
					headers: {
						origin: server.origin,
						accept: 'text/html',
						'content-type': 'application/x-www-form-urlencoded',
						'content-length': Buffer.byteLength(body)
					}
				},
				(res) => {
					res.resume();
					const cookie = (res.headers['set-cookie'] ?? []).find((c) =>
						c.startsWith('levee_session=')
					);
					resolve({ status: res.statusCode ?? 0, cookie: cookie?.split(';')[0] ?? '' });
				}
			);
			req.on('error', reject);
		});
		req.write(body.slice(0, 10));
		await pause(300);
		server.child.kill('SIGTERM');
		await pause(300);
		// No new request is taken once the signal has come…
		await expect(fetch(`${server.origin}/healthz`)).rejects.toThrow();
		expect(server.child.exitCode).toBeNull();
		// …but the one in flight is answered.
		req.end(body.slice(10));
		const { status, cookie } = await answer;
		expect(status).toBe(303);
		expect(await exitWithin(server, STOP_WITHIN_MS)).toEqual({ code: 0, signal: null });

		const again = await serving(dataDir);
		expect(await signedIn(again, cookie)).toBe(true);
	});
});

describe.skipIf(postgresUrl)(
	'the request size limit of the built server',
	{ timeout: SLOW },
	() => {
		/** A registry CSV of about `bytes` bytes: every header, rows the check will refuse. */
		function registryCsv(bytes: number): string {
			const header = REGISTRY_COLUMNS.map((c) => c.header).join(',');
			const row = REGISTRY_COLUMNS.map((_, i) => `值${i}`).join(',');
			const rows = Math.ceil(bytes / Buffer.byteLength(row + '\n'));
			return [header, ...Array.from({ length: rows }, () => row)].join('\n');
		}

		async function preview(server: RunningServer, cookie: string, file: Blob, name: string) {
			const form = new FormData();
			form.set('file', file, name);
			return fetch(`${server.origin}/households/import?/preview`, {
				method: 'POST',
				headers: { origin: server.origin, cookie, accept: 'text/html' },
				body: form
			});
		}

		it('takes a 600 KB import with `node build` alone, no settings given', async () => {
			const server = await serving(dataFolder());
			const cookie = await signIn(server);
			const csv = registryCsv(600 * 1024);
			expect(Buffer.byteLength(csv)).toBeGreaterThan(600 * 1024);
			const response = await preview(server, cookie, new Blob([csv]), 'big.csv');
			expect(response.status).toBe(200);
			expect(await response.text()).toContain(
				translate('import_preview_heading', { file: 'big.csv' })
			);
		});

		it('answers an upload over the limit with the import page’s own message', async () => {
			const server = await serving(dataFolder());
			const cookie = await signIn(server);
			const response = await preview(
				server,
				cookie,
				new Blob([new Uint8Array(46 * 1024 * 1024)]),
				'huge.csv'
			);
			expect(response.status).toBe(400);
			const page = await response.text();
			expect(page).toContain(translate('import_file_too_large', { limitMb: 40 }));
			expect(server.output()).not.toMatch(/Unhandled error|\n\s+at /);
		});
	}
);

describe.runIf(postgresUrl)('stopping the server on PostgreSQL', { timeout: SLOW }, () => {
	const name = `levee_test_stop_${process.pid}`;
	let admin: postgres.Sql;
	let url: string;

	beforeAll(async () => {
		admin = postgres(postgresUrl!, { max: 1, onnotice: () => {} });
		await admin.unsafe(`create database ${name}`);
		const target = new URL(postgresUrl!);
		target.pathname = `/${name}`;
		url = target.toString();
		await prepare({ kind: 'postgres', url, maxConnections: 2 });
	});

	afterAll(async () => {
		await admin.unsafe(`drop database if exists ${name} with (force)`);
		await admin.end();
	});

	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		it(`${signal}: ends its connections and exits 0 within 10 s`, async () => {
			const options = { dataDir: template, env: { DATABASE_URL: url } };
			const server = await start(options);
			await waitUntilServing(server);
			const cookie = await signIn(server);
			server.child.kill(signal);
			expect(await exitWithin(server, STOP_WITHIN_MS)).toEqual({ code: 0, signal: null });
			const again = await start(options);
			await waitUntilServing(again);
			expect(await signedIn(again, cookie)).toBe(true);
		});
	}
});
