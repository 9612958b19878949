import { count } from 'drizzle-orm';
import { readConfig } from './config';
import { openDatabase, type Database } from './db';
import { runMigrations } from './db/migrate';
import { StartupError } from './db/errors';
import { counties } from './divisions/schema';
import { seedDemoCounty } from './demo';
import { log } from './logger';

let current: Promise<Database> | null = null;

/**
 * Opens the configured database, applies migrations and, on an empty embedded database,
 * loads the demo county. Called once from the server's init hook.
 */
export function startDatabase(): Promise<Database> {
	current ??= (async () => {
		const config = readConfig();
		const database = await openDatabase(
			config.databaseUrl
				? { kind: 'postgres', url: config.databaseUrl }
				: { kind: 'pglite', dataDir: config.dataDir }
		);
		await runMigrations(database);
		if (config.seedDemo) {
			const [{ n }] = await database.db.select({ n: count() }).from(counties);
			if (n === 0) {
				const seeded = await seedDemoCounty(database.db);
				log.info('Loaded the demo county (Wei County, 130434)', seeded);
			}
		}
		log.info(
			database.driver === 'pglite'
				? `Database: embedded PGlite in ${config.dataDir}`
				: 'Database: PostgreSQL (DATABASE_URL)'
		);
		return database;
	})();
	return current;
}

/** The open database; routes and hooks run after start-up, so it is always there. */
export function database(): Promise<Database> {
	return startDatabase();
}

/** Prints one line naming the problem and exits: no stack trace for a configuration error. */
export function exitOnStartupError(error: unknown): never {
	const message =
		error instanceof StartupError ? error.message : `Levee could not start: ${String(error)}`;
	log.error(`Levee cannot start. ${message}`);
	process.exit(1);
}
