// npm run db:migrate — applies the committed migrations to DATABASE_URL, or to the
// embedded database in LEVEE_DATA_DIR (./data) when DATABASE_URL is not set.
import { readConfig } from '../src/lib/server/config';
import { openDatabase } from '../src/lib/server/db';
import { runMigrations } from '../src/lib/server/db/migrate';
import { exitOnStartupError } from '../src/lib/server/startup';
import { log } from '../src/lib/server/logger';

const config = readConfig();
try {
	const database = await openDatabase(
		config.databaseUrl
			? { kind: 'postgres', url: config.databaseUrl }
			: { kind: 'pglite', dataDir: config.dataDir }
	);
	await runMigrations(database);
	await database.close();
	log.info(`Migrations applied (${database.driver}).`);
} catch (error) {
	exitOnStartupError(error);
}
