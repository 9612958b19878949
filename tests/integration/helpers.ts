import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/lib/server/db';
import { runMigrations } from '../../src/lib/server/db/migrate';

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new
 * PostgreSQL database (dropped by `close`) when TEST_DATABASE_URL is set.
 */
export async function freshDatabase(): Promise<Database> {
	const url = process.env.TEST_DATABASE_URL;
	if (!url) {
		const database = await openDatabase({ kind: 'memory' });
		await runMigrations(database);
		return database;
	}
	const name = `levee_test_${randomBytes(6).toString('hex')}`;
	const admin = postgres(url, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	const target = new URL(url);
	target.pathname = `/${name}`;
	const database = await openDatabase({
		kind: 'postgres',
		url: target.toString(),
		maxConnections: 4
	});
	await runMigrations(database);
	return {
		...database,
		close: async () => {
			await database.close();
			await admin.unsafe(`drop database if exists ${name} with (force)`);
			await admin.end();
		}
	};
}

export const expectedDriver = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
