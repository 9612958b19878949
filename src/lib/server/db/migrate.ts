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
			await migratePostgres(database.db as unknown as PostgresJsDatabase, config);
		}
	} catch (error) {
		const cause = error instanceof Error && error.cause ? error.cause : error;
		throw new StartupError(
			`A database migration failed and nothing was changed: ${describeConnectionError(cause)}`
		);
	}
}
