import { mkdtempSync, rmSync, writeFileSync, mkdirSync, cpSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, inTransaction, type Database } from '../../src/lib/server/db';
import { runMigrations } from '../../src/lib/server/db/migrate';
import { StartupError } from '../../src/lib/server/db/errors';
import { counties } from '../../src/lib/server/divisions/schema';
import { newId } from '../../src/lib/server/db/ids';
import { expectedDriver, freshDatabase } from './helpers';

let database: Database;

beforeAll(async () => {
	database = await freshDatabase();
});
afterAll(async () => {
	await database.close();
});

describe('the database layer', () => {
	it('runs on the expected driver and answers', async () => {
		expect(database.driver).toBe(expectedDriver);
		expect(await database.ping()).toBe(true);
	});

	it('applies every committed migration, and applying them again changes nothing', async () => {
		const tables = await database.db.execute<{ table_name: string }>(
			sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`
		);
		const names = tablesOf(tables);
		expect(names).toEqual(
			expect.arrayContaining(['audit_log', 'counties', 'divisions', 'households', 'members'])
		);
		await runMigrations(database);
		const again = tablesOf(
			await database.db.execute<{ table_name: string }>(
				sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`
			)
		);
		expect(again).toEqual(names);
	});

	it('rolls back every row of a transaction that fails part-way', async () => {
		const code = '990001';
		await expect(
			inTransaction(database.db, async (tx) => {
				await tx
					.insert(counties)
					.values({ id: newId(), code, name: 'A', provinceName: 'P', cityName: 'C' });
				// Same code again violates the unique constraint: the first insert must vanish too.
				await tx
					.insert(counties)
					.values({ id: newId(), code, name: 'B', provinceName: 'P', cityName: 'C' });
			})
		).rejects.toThrow();
		const rows = await database.db.execute(sql`select 1 from counties where code = ${code}`);
		expect(rowsOf(rows)).toHaveLength(0);
	});
});

describe('start-up failures', () => {
	it('names host, database and reason when PostgreSQL cannot be reached', async () => {
		const attempt = openDatabase({
			kind: 'postgres',
			url: 'postgres://levee:secret@127.0.0.1:1/levee_missing'
		});
		await expect(attempt).rejects.toBeInstanceOf(StartupError);
		await expect(attempt).rejects.toThrow(
			/127\.0\.0\.1:1, database "levee_missing".*connection refused/
		);
		await expect(attempt).rejects.not.toThrow(/secret/);
	});

	it('names the data folder when it cannot be written', async () => {
		const parent = mkdtempSync(join(tmpdir(), 'levee-'));
		const file = join(parent, 'not-a-folder');
		writeFileSync(file, 'x');
		await expect(openDatabase({ kind: 'pglite', dataDir: join(file, 'data') })).rejects.toThrow(
			new RegExp(`data folder ${file}/data cannot be created or written`)
		);
		rmSync(parent, { recursive: true, force: true });
	});

	it('leaves the database as it was when a migration fails', async () => {
		const folder = mkdtempSync(join(tmpdir(), 'levee-migrations-'));
		cpSync(join(process.cwd(), 'drizzle'), folder, { recursive: true });
		// A broken migration after a good one: neither may be applied.
		const journalPath = join(folder, 'meta', '_journal.json');
		const journal = JSON.parse((await import('node:fs')).readFileSync(journalPath, 'utf8')) as {
			entries: { idx: number; when: number; tag: string; breakpoints: boolean; version: string }[];
		};
		const last = journal.entries[journal.entries.length - 1];
		journal.entries.push(
			{ ...last, idx: last.idx + 1, when: last.when + 1, tag: '9998_good' },
			{ ...last, idx: last.idx + 2, when: last.when + 2, tag: '9999_broken' }
		);
		writeFileSync(journalPath, JSON.stringify(journal));
		writeFileSync(join(folder, '9998_good.sql'), 'CREATE TABLE "should_not_exist" ("id" integer);');
		writeFileSync(join(folder, '9999_broken.sql'), 'CREATE TABLE "broken" ("id" no_such_type);');
		await expect(runMigrations(database, folder)).rejects.toThrow(
			/migration failed and nothing was changed/
		);
		const found = await database.db.execute(
			sql`select 1 from information_schema.tables where table_name = 'should_not_exist'`
		);
		expect(rowsOf(found)).toHaveLength(0);
		expect(await database.ping()).toBe(true);
		rmSync(folder, { recursive: true, force: true });
	});

	it('reopens an embedded data folder with its data intact', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'levee-data-'));
		mkdirSync(dataDir, { recursive: true });
		const first = await openDatabase({ kind: 'pglite', dataDir });
		await runMigrations(first);
		await first.db
			.insert(counties)
			.values({ id: newId(), code: '990002', name: 'X', provinceName: 'P', cityName: 'C' });
		await first.close();
		const second = await openDatabase({ kind: 'pglite', dataDir });
		const rows = await second.db.execute(sql`select name from counties where code = '990002'`);
		expect(rowsOf(rows)).toEqual([{ name: 'X' }]);
		await second.close();
		chmodSync(dataDir, 0o755);
		rmSync(dataDir, { recursive: true, force: true });
	});
});

/** PGlite answers { rows }, postgres.js an array of rows. */
function rowsOf(result: unknown): Record<string, unknown>[] {
	return Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows;
}

function tablesOf(result: unknown): string[] {
	return rowsOf(result).map((r) => String(r.table_name));
}
