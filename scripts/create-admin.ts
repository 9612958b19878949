// npm run create-admin — the first county admin of a county, on DATABASE_URL (or the
// embedded database). Flags, or questions asked one by one when a flag is missing:
//   npm run create-admin -- --county 130434 --username zhangsan --name 张三 [--phone 13800000000]
// The password is always asked (never a flag, so it stays out of shell history), unless
// LEVEE_ADMIN_PASSWORD is set for automation.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { translate } from '../src/lib/i18n';
import { readConfig } from '../src/lib/server/config';
import { openDatabase } from '../src/lib/server/db';
import { runMigrations } from '../src/lib/server/db/migrate';
import { createFirstAdmin } from '../src/lib/server/auth/bootstrap';
import { DomainError } from '../src/lib/server/errors';
import { exitOnStartupError } from '../src/lib/server/startup';

const { values } = parseArgs({
	options: {
		county: { type: 'string' },
		username: { type: 'string' },
		name: { type: 'string' },
		phone: { type: 'string' }
	}
});

const prompt = createInterface({ input: process.stdin, output: process.stdout });
async function ask(question: string, given?: string): Promise<string> {
	if (given) return given;
	if (!process.stdin.isTTY) throw new Error(`missing ${question}`);
	return (await prompt.question(`${question}: `)).trim();
}

const config = readConfig();
try {
	const countyCode = await ask('County code (6 digits, e.g. 130434)', values.county);
	const username = await ask('Username', values.username);
	const displayName = await ask('Name', values.name);
	const password = await ask('Password (at least 8 characters)', process.env.LEVEE_ADMIN_PASSWORD);
	prompt.close();
	const database = await openDatabase(
		config.databaseUrl
			? { kind: 'postgres', url: config.databaseUrl }
			: { kind: 'pglite', dataDir: config.dataDir }
	);
	await runMigrations(database);
	try {
		const { countyName } = await createFirstAdmin(database.db, {
			countyCode,
			username,
			displayName,
			password,
			phone: values.phone
		});
		console.log(`Created county admin "${username}" for ${countyName} (${countyCode}).`);
	} catch (error) {
		if (!(error instanceof DomainError)) throw error;
		for (const issue of error.issues) {
			console.error(`${issue.field || 'error'}: ${translate(issue.key, issue.params)}`);
		}
		process.exitCode = 1;
	} finally {
		await database.close();
	}
} catch (error) {
	prompt.close();
	exitOnStartupError(error);
}
