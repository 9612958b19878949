import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db';
import { runMigrations } from '../../src/lib/server/db/migrate';

// Several app servers against one PostgreSQL (README, "Running several app servers"): they
// may all start at the same moment on a database that has never been migrated.

const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)('several app servers on one PostgreSQL', () => {
	it('start together on an empty database: one migrates, the others wait and find it done', async () => {
		const name = `levee_test_${randomBytes(6).toString('hex')}`;
		const admin = postgres(url!, { max: 1, onnotice: () => {} });
		await admin.unsafe(`create database ${name}`);
		const target = new URL(url!);
		target.pathname = `/${name}`;
		const servers = await Promise.all(
			[1, 2, 3].map(() =>
				openDatabase({ kind: 'postgres', url: target.toString(), maxConnections: 3 })
			)
		);
		try {
			const outcomes = await Promise.allSettled(servers.map((s) => runMigrations(s)));
			expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
			const check = postgres(target.toString(), { max: 1, onnotice: () => {} });
			const [{ n }] = await check<{ n: number }[]>`
				select count(*)::int as n from drizzle.__drizzle_migrations`;
			const [{ held }] = await check<{ held: number }[]>`
				select count(*)::int as held from pg_locks where locktype = 'advisory'
					and database = (select oid from pg_database where datname = current_database())`;
			await check.end();
			expect(n).toBeGreaterThan(10);
			expect(held).toBe(0);
		} finally {
			await Promise.all(servers.map((s) => s.close()));
			await admin.unsafe(`drop database if exists ${name} with (force)`);
			await admin.end();
		}
	});

	it('migrates with a pool of one connection (the bench generation uses one)', async () => {
		const name = `levee_test_${randomBytes(6).toString('hex')}`;
		const admin = postgres(url!, { max: 1, onnotice: () => {} });
		await admin.unsafe(`create database ${name}`);
		const target = new URL(url!);
		target.pathname = `/${name}`;
		const server = await openDatabase({
			kind: 'postgres',
			url: target.toString(),
			maxConnections: 1
		});
		try {
			// Before the fix the lock took the pool's only connection and this never finished.
			await runMigrations(server);
			const check = postgres(target.toString(), { max: 1, onnotice: () => {} });
			const [{ n }] = await check<{ n: number }[]>`
				select count(*)::int as n from drizzle.__drizzle_migrations`;
			await check.end();
			expect(n).toBeGreaterThan(10);
		} finally {
			await server.close();
			await admin.unsafe(`drop database if exists ${name} with (force)`);
			await admin.end();
		}
	}, 60_000);
});
