import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { projectPath } from '../paths';
import type { Database } from './index';
import { StartupError, describeConnectionError } from './errors';

/**
 * Applies the committed migrations in drizzle/. Drizzle runs all pending ones in a single
 * transaction, so a failing migration leaves the database as it was.
 */
export async function runMigrations(
	database: Database,
	folder = projectPath('drizzle')
): Promise<void> {
	const config = { migrationsFolder: folder, migrationsSchema: 'drizzle' };
	try {
		if (database.driver === 'pglite') {
			await migratePglite(database.db as unknown as PgliteDatabase, config);
		} else {
			const db = database.db as unknown as PostgresJsDatabase;
			const run = () => migratePostgres(db, config);
			await (database.whileLocked ? database.whileLocked(MIGRATION_LOCK, run) : run());
		}
	} catch (error) {
		const cause = error instanceof Error && error.cause ? error.cause : error;
		throw new StartupError(
			`A database migration failed and nothing was changed: ${describeConnectionError(cause)}`
		);
	}
}

/*
 * Several app servers may start at once against one PostgreSQL: without a lock each would
 * find the same migrations pending and all but the first would fail half-way ("relation
 * already exists"). The lock lives on a connection of its own; the migrations run on the
 * pool (even a pool of one) and the later servers find nothing left to do.
 */
// Any number; the same in every Levee server, so that they take turns.
const MIGRATION_LOCK = 7_140_434;
