import { desc, eq, is, sql } from 'drizzle-orm';
import { PgTransaction, getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { PgliteSession } from 'drizzle-orm/pglite';
import type { Database, Db } from './index';
import { newId } from './ids';
import { maintenanceRuns } from './maintenance-schema';
import { log } from '../logger';

// Statistics and vacuum. PostgreSQL has autovacuum; embedded PGlite has none, so without
// this its planner never learns how big the tables are and dead rows are never reclaimed.
// Bulk writes end with ANALYZE (analyzeAfterBulkWrite); on PGlite a small in-process
// scheduler vacuums the tables that changed and, at start-up, everything when the last
// full run is old. Every run is recorded in maintenance_runs, so a restart knows.

/** True on embedded PGlite (one query at a time, no autovacuum, no statement_timeout). */
export function isEmbedded(db: Db): boolean {
	return is(db._.session, PgliteSession);
}

/**
 * True when nothing vacuums the database by itself: PGlite always, and a PostgreSQL
 * server run with autovacuum off (as some are, for tests or by a cautious administrator).
 * There a bulk write vacuums as well as analyzes: the vacuum sets the visibility map, which
 * lets a search read household ids from an index alone instead of visiting every row.
 */
async function needsOwnVacuum(db: Db): Promise<boolean> {
	if (isEmbedded(db)) return true;
	const [row] = rowsOf<{ autovacuum: string }>(
		await db.execute(sql`select current_setting('autovacuum') as autovacuum`)
	);
	return row?.autovacuum !== 'on';
}

function rowsOf<T>(result: unknown): T[] {
	return ((result as { rows?: T[] }).rows ?? result) as T[];
}

type TableRef = PgTable | string;

function tableName(table: TableRef): string {
	const name = typeof table === 'string' ? table : getTableConfig(table).name;
	if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a table name: ${name}`);
	return name;
}

async function record(
	db: Db,
	kind: 'analyze' | 'vacuum',
	reason: string,
	tables: string[],
	startedAt: Date,
	error: string | null
): Promise<void> {
	const finishedAt = new Date();
	await db.insert(maintenanceRuns).values({
		id: newId(),
		kind,
		reason,
		tables,
		startedAt,
		finishedAt,
		durationMs: finishedAt.getTime() - startedAt.getTime(),
		error
	});
}

/**
 * After a bulk write (an import, the demo county, a large payment): fresh statistics for
 * the tables it touched, so the next query is planned for the tables as they are now. On
 * PGlite (and a PostgreSQL without autovacuum), outside a transaction, also a vacuum (it sets the visibility map, which lets
 * searches read household ids from the index alone). Never fails the caller: the rows are
 * written; a failed ANALYZE is logged and recorded.
 */
export async function analyzeAfterBulkWrite(
	db: Db,
	reason: string,
	/** The tables written, or 'all' for the whole database (the demo county). */
	tables: TableRef[] | 'all'
): Promise<void> {
	const names = tables === 'all' ? ['*'] : [...new Set(tables.map(tableName))];
	if (names.length === 0) return;
	const list = sql.raw(tables === 'all' ? '' : names.map((n) => `"${n}"`).join(', '));
	const inTransaction = is(db, PgTransaction);
	const vacuum = !inTransaction && (await needsOwnVacuum(db));
	const startedAt = new Date();
	let error: string | null = null;
	try {
		// Inside a transaction only ANALYZE is allowed (it sees the transaction's own rows).
		await db.execute(vacuum ? sql`vacuum (analyze) ${list}` : sql`analyze ${list}`);
	} catch (caught) {
		if (inTransaction) throw caught;
		error = caught instanceof Error ? caught.message : String(caught);
		log.warn('ANALYZE after a bulk write failed', { reason, tables: names, error });
	}
	await record(db, vacuum ? 'vacuum' : 'analyze', reason, names, startedAt, error);
}

// ---------------------------------------------------------------------------------------
// The maintenance job (PGlite) and its scheduler.

/** A table is vacuumed when this many rows plus this share of its size have changed. */
const CHANGED_ROWS_BASE = 500;
const CHANGED_SHARE = 0.1;
/** A full run at start-up when the last one is older than this. */
const FULL_RUN_AGE_MS = 24 * 60 * 60 * 1000;

export interface MaintenanceOptions {
	/** How often to look for changed tables. */
	intervalMs?: number;
	/** Delay before the start-up check, so the server answers first. */
	startDelayMs?: number;
}

interface TableState {
	name: string;
	changed: number;
	live: number;
	neverAnalyzed: boolean;
}

async function tableStates(db: Db): Promise<TableState[]> {
	const result = await db.execute(sql`
		select s.relname as name,
			(s.n_mod_since_analyze + s.n_dead_tup)::float8 as changed,
			greatest(c.reltuples, s.n_live_tup, 0)::float8 as live,
			(c.reltuples < 0 and c.relpages > 0) as never_analyzed
		from pg_stat_user_tables s
		join pg_class c on c.oid = s.relid
		where s.schemaname = 'public'`);
	const rows = (result as unknown as { rows?: Record<string, unknown>[] }).rows ?? result;
	return (rows as Record<string, unknown>[]).map((r) => ({
		name: String(r.name),
		changed: Number(r.changed),
		live: Number(r.live),
		neverAnalyzed: r.never_analyzed === true
	}));
}

/** Tables worth a vacuum now: enough changed rows, or data never analyzed. */
export async function tablesNeedingMaintenance(db: Db): Promise<string[]> {
	return (await tableStates(db))
		.filter(
			(t) => t.neverAnalyzed || t.changed >= CHANGED_ROWS_BASE + CHANGED_SHARE * Math.max(0, t.live)
		)
		.map((t) => t.name)
		.sort();
}

/** When the last full (start-up) maintenance run finished, or null. */
export async function lastFullRun(db: Db): Promise<Date | null> {
	const [row] = await db
		.select({ finishedAt: maintenanceRuns.finishedAt })
		.from(maintenanceRuns)
		.where(eq(maintenanceRuns.reason, 'start-up'))
		.orderBy(desc(maintenanceRuns.finishedAt))
		.limit(1);
	return row?.finishedAt ?? null;
}

/**
 * One maintenance pass: `VACUUM (ANALYZE)` each table that needs it (all of them when
 * `full`), one table at a time so other requests get the database in between. On
 * PostgreSQL, autovacuum does this; only ANALYZE runs there (unless its autovacuum is off).
 * Returns the tables done.
 */
export async function runMaintenance(
	db: Db,
	reason: 'start-up' | 'changes' | string,
	full = false
): Promise<string[]> {
	const tables = full
		? (await tableStates(db)).map((t) => t.name).sort()
		: await tablesNeedingMaintenance(db);
	if (tables.length === 0) return [];
	const vacuum = await needsOwnVacuum(db);
	const startedAt = new Date();
	const errors: string[] = [];
	for (const name of tables) {
		try {
			await db.execute(
				vacuum ? sql.raw(`vacuum (analyze) "${name}"`) : sql.raw(`analyze "${name}"`)
			);
		} catch (caught) {
			errors.push(`${name}: ${caught instanceof Error ? caught.message : String(caught)}`);
		}
	}
	if (errors.length) log.warn('Database maintenance failed for some tables', { errors });
	await record(
		db,
		vacuum ? 'vacuum' : 'analyze',
		reason,
		tables,
		startedAt,
		errors.length ? errors.join('; ') : null
	);
	return tables;
}

let activeDb: Db | null = null;
const pending = new Map<string, string>();
let pendingTimer: NodeJS.Timeout | null = null;

/**
 * For a bulk write inside a transaction (a large payment batch): ANALYZE the tables a
 * moment later, after the commit, in the server (where the scheduler runs). Elsewhere
 * (scripts, tests) nothing happens: the caller's bulk work ends with its own call.
 */
export function analyzeSoon(reason: string, tables: TableRef[]): void {
	if (!activeDb) return;
	for (const t of tables) pending.set(tableName(t), reason);
	if (pendingTimer) return;
	const db = activeDb;
	pendingTimer = setTimeout(() => {
		pendingTimer = null;
		const reasons = [...new Set(pending.values())].join(',');
		const names = [...pending.keys()];
		pending.clear();
		void analyzeAfterBulkWrite(db, reasons, names).catch((caught) =>
			log.warn('ANALYZE after a bulk write failed', { error: String(caught) })
		);
	}, 2_000);
	pendingTimer.unref();
}

export interface MaintenanceScheduler {
	/** Runs a pass now (after any pass in flight); for tests and after bulk work. */
	runNow(): Promise<void>;
	/** Stops the timers and waits for a pass in flight. */
	stop(): Promise<void>;
}

/**
 * The in-process scheduler of the maintenance job. On the embedded database: a full
 * pass at start-up when the last one is older than a day (or never ran), then a look for
 * changed tables every few minutes. Its timers never keep the process alive, and it
 * stops on shutdown.
 */
export function startMaintenance(
	database: Database,
	options: MaintenanceOptions = {}
): MaintenanceScheduler {
	const intervalMs = options.intervalMs ?? 5 * 60 * 1000;
	const embedded = database.driver === 'pglite';
	activeDb = database.db;
	let stopped = false;
	let timer: NodeJS.Timeout | null = null;
	let running: Promise<void> = Promise.resolve();

	const pass = (full: boolean) => {
		running = running.then(async () => {
			if (stopped) return;
			try {
				const tables = await runMaintenance(database.db, full ? 'start-up' : 'changes', full);
				if (tables.length) log.debug('Database maintenance', { tables });
			} catch (caught) {
				log.warn('Database maintenance could not run', { error: String(caught) });
			}
		});
		return running;
	};
	const schedule = (delay: number, first: boolean) => {
		if (stopped) return;
		timer = setTimeout(async () => {
			if (first) {
				const last = await lastFullRun(database.db).catch(() => null);
				await pass(!last || Date.now() - last.getTime() > FULL_RUN_AGE_MS);
			} else {
				await pass(false);
			}
			schedule(intervalMs, false);
		}, delay);
		timer.unref();
	};
	// PostgreSQL vacuums itself; there only analyzeSoon's ANALYZE runs.
	if (embedded) schedule(options.startDelayMs ?? 5_000, true);

	const scheduler: MaintenanceScheduler = {
		runNow: () => pass(false),
		stop: async () => {
			stopped = true;
			if (timer) clearTimeout(timer);
			if (pendingTimer) clearTimeout(pendingTimer);
			pendingTimer = null;
			pending.clear();
			if (activeDb === database.db) activeDb = null;
			process.off('sveltekit:shutdown', onShutdown);
			await running;
		}
	};
	const onShutdown = () => void scheduler.stop();
	process.on('sveltekit:shutdown', onShutdown);
	return scheduler;
}
