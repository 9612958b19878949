// Bare SQL, measured the same way for every feature of the county-size bench:
//   1. capture the statements a feature runs, with their parameters — in the server through
//      LEVEE_BENCH_SQL_CAPTURE (src/lib/server/db/index.ts appends each statement drizzle
//      sends as one JSON line; the bench reads the lines one request added), or in-process
//      through a drizzle logger on the bench's own connection (capturingDb);
//   2. replay exactly those statements, in order, on one raw postgres.js connection and time
//      them (statement text + parameters as captured, unprepared, nothing else between them).
// The feature's figure divided by the replay's time is the table's ratio: what Levee's own
// work (HTTP, sessions, Svelte rendering, drizzle mapping, JS logic, parallelism lost or won)
// adds to the database's. A page that runs its queries in parallel (Promise.all) can beat its
// sequential replay (ratio below 1). Writes are replayed on a copy of the database taken
// before the feature ran (CREATE DATABASE … TEMPLATE), so they find the rows they found.
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '../../src/lib/server/db/schema';
import type { Db } from '../../src/lib/server/db';

export interface Statement {
	query: string;
	params: unknown[];
}

/** The capture file the server appends to; offsets mark where one request's lines start. */
export class CaptureFile {
	constructor(readonly path: string) {
		appendFileSync(path, '');
	}
	get offset(): number {
		return existsSync(this.path) ? statSync(this.path).size : 0;
	}
	/** The statements written between two offsets. */
	between(from: number, to: number): Statement[] {
		const text = readFileSync(this.path).subarray(from, to).toString('utf8');
		return text
			.split('\n')
			.filter(Boolean)
			.map((line) => JSON.parse(line) as Statement);
	}
}

/** A raw postgres.js connection for replays (one connection, dates as the app sends them). */
export function replayClient(url: string) {
	return postgres(url, {
		max: 1,
		onnotice: () => {},
		types: {
			date: { to: 1082, from: [1082], serialize: (v: string) => v, parse: (v: string) => v }
		}
	});
}

export type ReplayClient = ReturnType<typeof replayClient>;

/**
 * Replays the statements in order and returns the milliseconds they took, the failures and
 * each statement's own time (in the order given).
 */
export async function replay(
	client: ReplayClient,
	statements: readonly Statement[]
): Promise<{ ms: number; failed: number; each: number[] }> {
	let failed = 0;
	const each: number[] = [];
	const t0 = performance.now();
	for (const s of statements) {
		const t = performance.now();
		try {
			await client.unsafe(s.query, s.params as never[], { prepare: false });
		} catch {
			failed++;
		}
		each.push(performance.now() - t);
	}
	return { ms: performance.now() - t0, failed, each };
}

/** A drizzle handle on its own connection pool that records every statement it sends. */
export function capturingDb(url: string): {
	db: Db;
	capture<T>(work: (db: Db) => Promise<T>): Promise<{ result: T; statements: Statement[] }>;
	close(): Promise<void>;
} {
	let recording: Statement[] | null = null;
	const client = postgres(url, {
		max: 10,
		onnotice: () => {},
		types: {
			date: { to: 1082, from: [1082], serialize: (v: string) => v, parse: (v: string) => v }
		}
	});
	const db = drizzle({
		client,
		schema,
		casing: 'snake_case',
		logger: {
			logQuery(query: string, params: unknown[]) {
				recording?.push({ query, params: JSON.parse(JSON.stringify(params)) });
			}
		}
	}) as unknown as Db;
	return {
		db,
		async capture(work) {
			recording = [];
			try {
				const result = await work(db);
				return { result, statements: recording };
			} finally {
				recording = null;
			}
		},
		close: () => client.end({ timeout: 5 })
	};
}
