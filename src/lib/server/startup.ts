import { count, eq } from 'drizzle-orm';
import { readConfig } from './config';
import { openDatabase, type Database } from './db';
import { runMigrations } from './db/migrate';
import { INTERACTIVE_STATEMENT_TIMEOUT_MS } from './db/long';
import { startMaintenance } from './db/maintenance';
import { startNightly } from './warnings/nightly';
import { deleteExpiredSessions } from './auth/sessions';
import { StartupError } from './db/errors';
import { counties } from './divisions/schema';
import { DEMO_COUNTY_CODE, seedDemoCounty } from './demo';
import { DEMO_ACCOUNTS, seedDemoAccounts, type DemoSignIns } from './demo/accounts';
import { log } from './logger';

// The open database lives on globalThis: when the dev server reloads this module after an
// edit, it keeps using the open database instead of opening the locked data folder twice.
const CURRENT = Symbol.for('levee.database');
const globals = globalThis as { [CURRENT]?: Promise<Database> | null };

/**
 * Opens the configured database, applies migrations and, on an empty embedded database,
 * loads the demo county. Called once from the server's init hook.
 */
export function startDatabase(): Promise<Database> {
	globals[CURRENT] ??= (async () => {
		const config = readConfig();
		const database = await openDatabase(
			config.databaseUrl
				? {
						kind: 'postgres',
						url: config.databaseUrl,
						statementTimeoutMs: INTERACTIVE_STATEMENT_TIMEOUT_MS
					}
				: { kind: 'pglite', dataDir: config.dataDir }
		);
		await runMigrations(database);
		// Expired sessions are refused anyway; clearing them keeps the table small.
		await deleteExpiredSessions(database.db);
		if (config.seedDemo) {
			const [{ n }] = await database.db.select({ n: count() }).from(counties);
			if (n === 0) {
				const seeded = await seedDemoCounty(database.db);
				log.info('Loaded the demo county (Wei County, 130434)', seeded);
			}
			const [demo] = await database.db
				.select({ id: counties.id })
				.from(counties)
				.where(eq(counties.code, DEMO_COUNTY_CODE));
			if (demo) printDemoSignIns(await seedDemoAccounts(database.db));
		}
		// Statistics and vacuum (PGlite has no autovacuum); stops on shutdown.
		startMaintenance(database);
		// The nightly jobs (monitoring rules, …): catches up a missed day; stops on shutdown.
		startNightly(database);
		log.info(
			database.driver === 'pglite'
				? `Database: embedded PGlite in ${config.dataDir}`
				: 'Database: PostgreSQL (DATABASE_URL)'
		);
		return database;
	})();
	return globals[CURRENT];
}

export function printDemoSignIns(signIns: DemoSignIns): void {
	const origin = process.env.ORIGIN ?? `http://localhost:${process.env.PORT ?? 3000}`;
	const lines = [
		'Demo sign-ins (embedded demo database only):',
		`  county admin     ${DEMO_ACCOUNTS.admin.username} / ${DEMO_ACCOUNTS.admin.password}`,
		`  township staff   ${DEMO_ACCOUNTS.staff.username} / ${DEMO_ACCOUNTS.staff.password}`,
		`  factory owner    ${DEMO_ACCOUNTS.factoryOwner.username} / ${DEMO_ACCOUNTS.factoryOwner.password}`,
		`  grid member      ${DEMO_ACCOUNTS.grid.username} / ${DEMO_ACCOUNTS.grid.password}`,
		`  household        phone ${signIns.householdPhone || '(none)'} / PIN ${DEMO_ACCOUNTS.household.pin}`
	];
	if (signIns.householdCardToken) {
		lines.push(`  household card   ${origin}/card/${signIns.householdCardToken}`);
	}
	log.info(lines.join('\n'));
}

/** Tests hand in their own database instead of the configured one. */
export function useDatabase(database: Database): void {
	globals[CURRENT] = Promise.resolve(database);
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
