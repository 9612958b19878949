import { mkdirSync, accessSync, constants, openSync, writeSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';
import { StartupError, describeConnectionError, describePostgresTarget } from './errors';
import { lockDataFolder, type DataFolderLock } from './lock';

export type Schema = typeof schema;
/** The typed database handle every domain function takes; a transaction is one too. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Driver = 'pglite' | 'postgres';

export interface Database {
	db: Db;
	driver: Driver;
	/**
	 * PostgreSQL only: runs `work` while this process holds a session-level advisory lock,
	 * taken on a connection of its own (outside the pool, so a pool of one connection can
	 * still do the work).
	 */
	whileLocked?: (key: number, work: () => Promise<void>) => Promise<void>;
	/** True when the database answers a trivial query. */
	ping(): Promise<boolean>;
	close(): Promise<void>;
}

export type DatabaseTarget =
	| {
			kind: 'postgres';
			url: string;
			maxConnections?: number;
			/** Ends any statement running longer (the server's interactive requests). */
			statementTimeoutMs?: number;
	  }
	| { kind: 'pglite'; dataDir: string }
	| { kind: 'memory' };

const DRIZZLE_OPTIONS = { schema, casing: 'snake_case' } as const;

/** Opens PGlite or PostgreSQL and proves it answers; failures become one clear StartupError. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
	if (target.kind === 'postgres')
		return openPostgres(target.url, target.maxConnections ?? 10, target.statementTimeoutMs);
	return openPglite(target.kind === 'pglite' ? target.dataDir : null);
}

async function openPostgres(
	url: string,
	max: number,
	statementTimeoutMs?: number
): Promise<Database> {
	const client = postgres(url, {
		max,
		...(statementTimeoutMs ? { connection: { statement_timeout: statementTimeoutMs } } : {}),
		onnotice: () => {},
		connect_timeout: 10,
		// Dates stay 'YYYY-MM-DD' strings, as on PGlite; business dates have no time zone.
		types: {
			date: { to: 1082, from: [1082], serialize: (v: string) => v, parse: (v: string) => v }
		}
	});
	try {
		await client`select 1`;
	} catch (error) {
		await client.end({ timeout: 1 }).catch(() => {});
		throw new StartupError(
			`PostgreSQL ${describePostgresTarget(url)} is not reachable: ${describeConnectionError(error)}`
		);
	}
	const db = drizzlePostgres({
		client,
		...DRIZZLE_OPTIONS,
		logger: sqlCaptureLogger(process.env.LEVEE_BENCH_SQL_CAPTURE)
	}) as unknown as Db;
	return {
		db,
		driver: 'postgres',
		whileLocked: async (key, work) => {
			const lockClient = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
			try {
				await lockClient`select pg_advisory_lock(${key})`;
				try {
					await work();
				} finally {
					await lockClient`select pg_advisory_unlock(${key})`;
				}
			} finally {
				await lockClient.end({ timeout: 5 });
			}
		},
		ping: () => pingDb(db),
		close: () => client.end({ timeout: 5 })
	};
}

/**
 * The bench's window into the server (npm run bench, scripts/bench/capture.ts): with
 * LEVEE_BENCH_SQL_CAPTURE set to a file, every statement and its parameters are appended
 * to it as one JSON line, so the bench can replay exactly the SQL a page ran and time it
 * bare. Off (no logger) unless the variable is set; never set in production.
 */
function sqlCaptureLogger(file: string | undefined) {
	if (!file) return undefined;
	// Opened once: an append (open, write, close) per statement added milliseconds of CPU to
	// each household page, which the bench then counted as the page's own.
	const fd = openSync(file, 'a');
	return {
		logQuery(query: string, params: unknown[]) {
			writeSync(fd, JSON.stringify({ query, params }) + '\n');
		}
	};
}

async function openPglite(dataDir: string | null): Promise<Database> {
	if (dataDir) {
		try {
			mkdirSync(dataDir, { recursive: true });
			accessSync(dataDir, constants.W_OK);
		} catch (error) {
			throw new StartupError(
				`The data folder ${dataDir} cannot be created or written: ${describeConnectionError(error)}`
			);
		}
	}
	// One process per data folder (./lock.ts); released when the database is closed.
	const lock: DataFolderLock | null = dataDir ? lockDataFolder(dataDir) : null;
	let client: PGlite;
	try {
		client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
		await client.query('select 1');
	} catch (error) {
		lock?.release();
		throw new StartupError(
			`The data folder ${dataDir} does not hold a readable Levee database (corrupted, or written by another PGlite version): ${describeConnectionError(error)}`
		);
	}
	const db = drizzlePglite({ client, ...DRIZZLE_OPTIONS }) as unknown as Db;
	return {
		db,
		driver: 'pglite',
		ping: () => pingDb(db),
		close: async () => {
			try {
				await client.close();
			} finally {
				lock?.release();
			}
		}
	};
}

async function pingDb(db: Db): Promise<boolean> {
	try {
		await db.execute(sql`select 1`);
		return true;
	} catch {
		return false;
	}
}

/**
 * Runs `work` in one transaction: it all lands or none of it does. Domain functions
 * use this for every change that touches more than one row.
 */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
	return db.transaction(async (tx) => {
		const hooks: (() => Promise<void>)[] = [];
		beforeCommitHooks.set(tx, hooks);
		const result = await work(tx);
		// A hook may add another; each runs once, in order, on the transaction's final rows.
		for (let i = 0; i < hooks.length; i += 1) await hooks[i]();
		beforeCommitHooks.delete(tx);
		return result;
	});
}

const beforeCommitHooks = new WeakMap<object, (() => Promise<void>)[]>();

/**
 * Runs `hook` at the end of the inTransaction that `tx` belongs to, after its work and
 * before it commits (so inside it): work that must see a whole change, not its halves (the
 * monitoring rules after a reversal and its re-posting). False, and nothing registered,
 * when `tx` is not such a transaction: the caller does the work at once.
 */
export function onBeforeCommit(tx: Db, hook: () => Promise<void>): boolean {
	const hooks = beforeCommitHooks.get(tx);
	if (!hooks) return false;
	hooks.push(hook);
	return true;
}
