// npm run seed:demo — rebuilds the demo county in the embedded database. It refuses to
// touch PostgreSQL: a real county's data is never replaced by demo data.
import { readConfig } from '../src/lib/server/config';
import { openDatabase } from '../src/lib/server/db';
import { runMigrations } from '../src/lib/server/db/migrate';
import { resetDemoData, seedDemoCounty } from '../src/lib/server/demo';
import { seedDemoAccounts } from '../src/lib/server/demo/accounts';
import { exitOnStartupError, printDemoSignIns } from '../src/lib/server/startup';
import { log } from '../src/lib/server/logger';

const config = readConfig();
if (config.databaseUrl) {
	log.error('seed:demo only rebuilds the embedded demo database; unset DATABASE_URL to use it.');
	process.exit(1);
}
try {
	const database = await openDatabase({ kind: 'pglite', dataDir: config.dataDir });
	await runMigrations(database);
	await resetDemoData(database.db);
	const seeded = await seedDemoCounty(database.db);
	const signIns = await seedDemoAccounts(database.db);
	await database.close();
	log.info(`Demo county rebuilt in ${config.dataDir}`, seeded);
	printDemoSignIns(signIns);
} catch (error) {
	exitOnStartupError(error);
}
