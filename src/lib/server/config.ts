import { resolve } from 'node:path';

/** Settings read from the environment once; README.md lists every variable. */
export interface ServerConfig {
	databaseUrl: string | null;
	dataDir: string;
	production: boolean;
	seedDemo: boolean;
	logLevel: 'debug' | 'info' | 'warn' | 'error';
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
	const databaseUrl = env.DATABASE_URL?.trim() || null;
	const level = (env.LEVEE_LOG_LEVEL ?? 'info') as ServerConfig['logLevel'];
	return {
		databaseUrl,
		dataDir: resolve(env.LEVEE_DATA_DIR?.trim() || './data'),
		production: env.NODE_ENV === 'production',
		// The demo county is only ever loaded into the embedded database.
		seedDemo: !databaseUrl && env.LEVEE_DEMO !== '0',
		logLevel: LOG_LEVELS.includes(level) ? level : 'info'
	};
}
