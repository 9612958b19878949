import { and, asc, desc, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Database, Db } from '../db';
import { inTransaction } from '../db';
import { newId } from '../db/ids';
import { counties } from '../divisions/schema';
import { households } from '../households/schema';
import { todayInChina } from '../../format';
import { log } from '../logger';
import { evaluateRules } from './evaluate';
import { scheduledRuns } from './nightly-schema';
import { LEDGER_RULES, TIME_RULES, type RuleKind } from './rules';

// The nightly jobs: once per China business day per county, recorded in scheduled_runs so
// that a restart catches up the day it missed and never runs a job twice for one day (the
// unique index decides, also between two servers on one database). Days missed in a row are
// not replayed one by one: each job looks at the whole picture on the day it runs, so the
// latest day's run covers the days before it.

export interface NightlyJob {
	/** Unique, short: 'rules', 'quality', 'proposals'. */
	name: string;
	/**
	 * Does the job for a county on a business date, committing as it goes (in batches, so
	 * the server answers in between), and returns what it did, counted. Stops between
	 * batches when `signal` is aborted (the server is shutting down): then the run is
	 * withdrawn and the next start does the day again, so a job must be safe to repeat.
	 */
	run(
		db: Db,
		countyId: string,
		businessDate: string,
		signal?: AbortSignal
	): Promise<Record<string, number>>;
}

/** Every rule the nightly run checks (an insurance claim raises its warning when recorded). */
export const NIGHTLY_RULES: readonly RuleKind[] = [...LEDGER_RULES, ...TIME_RULES];

const RULES_BATCH = 2000;

export class NightlyStopped extends Error {
	constructor() {
		super('stopped before finishing');
	}
}

/** Lets requests in between batches on the embedded database (one query at a time). */
function breathe(): Promise<void> {
	return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The monitoring rules over every household of the county, in batches of 2,000, each in its
 * own transaction: all rules, the time-based ones (a job gap, a season without picking, an
 * income drop when nothing was posted) included.
 */
export async function runRulesForCounty(
	db: Db,
	countyId: string,
	businessDate: string,
	signal?: AbortSignal,
	batchSize = RULES_BATCH
): Promise<Record<string, number>> {
	const counts: Record<string, number> = { households: 0, raised: 0 };
	let after: string | null = null;
	for (;;) {
		if (signal?.aborted) throw new NightlyStopped();
		const batch: { id: string }[] = await db
			.select({ id: households.id })
			.from(households)
			.where(
				after
					? and(eq(households.countyId, countyId), gt(households.id, after))
					: eq(households.countyId, countyId)
			)
			.orderBy(asc(households.id))
			.limit(batchSize);
		if (batch.length === 0) break;
		const ids = batch.map((h) => h.id);
		const outcome = await inTransaction(db, (tx) =>
			evaluateRules(tx, countyId, ids, businessDate, { kinds: NIGHTLY_RULES, trigger: 'nightly' })
		);
		counts.households += outcome.evaluated;
		counts.raised += outcome.raised;
		for (const [kind, n] of Object.entries(outcome.byKind)) counts[kind] = (counts[kind] ?? 0) + n;
		after = ids[ids.length - 1];
		await breathe();
	}
	return counts;
}

export const rulesJob: NightlyJob = { name: 'rules', run: runRulesForCounty };

/**
 * The jobs run every night, in this order. Other domains add theirs here (data-quality
 * checks, proposal candidates): `{ name, run(db, countyId, businessDate, signal) }`.
 */
export const NIGHTLY_JOBS: NightlyJob[] = [rulesJob];

/** The night's run of a business day starts at 02:00 China time. */
export const NIGHTLY_HOUR = 2;
/** A run that started and never finished (the process died) is taken over after this. */
const STALE_RUN_MS = 3 * 60 * 60 * 1000;

/** The business day whose nightly run is due at `now`: today from 02:00, yesterday before. */
export function dueBusinessDate(now: Date): string {
	return todayInChina(new Date(now.getTime() - NIGHTLY_HOUR * 60 * 60 * 1000));
}

export type NightlyResult = 'ran' | 'failed' | 'already' | 'stopped';

/**
 * Runs one job for one county and business day, unless a run of it for that day is
 * recorded (finished, or started less than three hours ago by this or another server).
 */
export async function runNightlyJob(
	db: Db,
	job: NightlyJob,
	countyId: string,
	businessDate: string,
	options: { now?: Date; signal?: AbortSignal } = {}
): Promise<NightlyResult> {
	const now = options.now ?? new Date();
	const [claimed] = await db
		.insert(scheduledRuns)
		.values({ countyId, id: newId(), job: job.name, businessDate, startedAt: now })
		.onConflictDoNothing()
		.returning({ id: scheduledRuns.id });
	let runId = claimed?.id;
	if (!runId) {
		const [taken] = await db
			.update(scheduledRuns)
			.set({ startedAt: now, error: null })
			.where(
				and(
					eq(scheduledRuns.countyId, countyId),
					eq(scheduledRuns.job, job.name),
					eq(scheduledRuns.businessDate, businessDate),
					isNull(scheduledRuns.finishedAt),
					lt(scheduledRuns.startedAt, new Date(now.getTime() - STALE_RUN_MS))
				)
			)
			.returning({ id: scheduledRuns.id });
		if (!taken) return 'already';
		runId = taken.id;
	}
	const thisRun = and(eq(scheduledRuns.countyId, countyId), eq(scheduledRuns.id, runId));
	try {
		const counts = await job.run(db, countyId, businessDate, options.signal);
		await db
			.update(scheduledRuns)
			.set({ finishedAt: new Date(), counts, error: null })
			.where(thisRun);
		log.info('Nightly job done', { job: job.name, businessDate, counts });
		return 'ran';
	} catch (caught) {
		if (caught instanceof NightlyStopped) {
			// Withdrawn, so the next start does the day again.
			await db.delete(scheduledRuns).where(thisRun);
			return 'stopped';
		}
		const error = caught instanceof Error ? caught.message : String(caught);
		log.warn('Nightly job failed', { job: job.name, businessDate, error });
		await db
			.update(scheduledRuns)
			.set({ finishedAt: new Date(), error: error.slice(0, 2000) })
			.where(thisRun);
		return 'failed';
	}
}

/** Every job due at `now`, for every county, one after the other. */
export async function runDueNightlyJobs(
	db: Db,
	options: { now?: Date; jobs?: NightlyJob[]; signal?: AbortSignal } = {}
): Promise<{ county: string; job: string; result: NightlyResult }[]> {
	const now = options.now ?? new Date();
	const businessDate = dueBusinessDate(now);
	const results: { county: string; job: string; result: NightlyResult }[] = [];
	const all = await db.select({ id: counties.id }).from(counties).orderBy(asc(counties.id));
	for (const county of all) {
		for (const job of options.jobs ?? NIGHTLY_JOBS) {
			if (options.signal?.aborted) return results;
			const result = await runNightlyJob(db, job, county.id, businessDate, {
				now,
				signal: options.signal
			});
			results.push({ county: county.id, job: job.name, result });
		}
	}
	return results;
}

export type ScheduledRun = typeof scheduledRuns.$inferSelect;

/** The latest run of each nightly job for a county (for "规则上次运行" on the admin's page). */
export async function lastNightlyRuns(db: Db, countyId: string): Promise<ScheduledRun[]> {
	const rows = await db
		.select()
		.from(scheduledRuns)
		.where(eq(scheduledRuns.countyId, countyId))
		.orderBy(desc(scheduledRuns.businessDate), desc(scheduledRuns.startedAt))
		.limit(50);
	const latest = new Map<string, ScheduledRun>();
	for (const row of rows) if (!latest.has(row.job)) latest.set(row.job, row);
	return [...latest.values()];
}

export interface NightlyOptions {
	/** How often to look whether a day's run is due. */
	intervalMs?: number;
	/** Delay before the start-up look, so the server answers first. */
	startDelayMs?: number;
	/** The clock (tests). */
	now?: () => Date;
	jobs?: NightlyJob[];
}

export interface NightlyScheduler {
	/** Runs what is due now (after any pass in flight). */
	runNow(): Promise<void>;
	/** Stops the timers, asks a job in flight to stop between batches, and waits for it. */
	stop(): Promise<void>;
}

/**
 * The in-process scheduler of the nightly jobs: a look at start-up (catching up a day
 * missed while the server was down), then every ten minutes. Its timers never keep the
 * process alive, and it stops on shutdown.
 */
export function startNightly(database: Database, options: NightlyOptions = {}): NightlyScheduler {
	const intervalMs = options.intervalMs ?? 10 * 60 * 1000;
	const clock = options.now ?? (() => new Date());
	const abort = new AbortController();
	let stopped = false;
	let timer: NodeJS.Timeout | null = null;
	let running: Promise<void> = Promise.resolve();

	const pass = () => {
		running = running.then(async () => {
			if (stopped) return;
			try {
				await runDueNightlyJobs(database.db, {
					now: clock(),
					jobs: options.jobs,
					signal: abort.signal
				});
			} catch (caught) {
				log.warn('Nightly jobs could not run', { error: String(caught) });
			}
		});
		return running;
	};
	const schedule = (delay: number) => {
		if (stopped) return;
		timer = setTimeout(async () => {
			await pass();
			schedule(intervalMs);
		}, delay);
		timer.unref();
	};
	schedule(options.startDelayMs ?? 30_000);

	const scheduler: NightlyScheduler = {
		runNow: () => pass(),
		stop: async () => {
			stopped = true;
			abort.abort();
			if (timer) clearTimeout(timer);
			process.off('sveltekit:shutdown', onShutdown);
			await running;
		}
	};
	const onShutdown = () => void scheduler.stop();
	process.on('sveltekit:shutdown', onShutdown);
	return scheduler;
}
