import { readConfig } from './config';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Anything that looks like a resident identity number is masked before it is written.
const IDENTITY_NUMBER = /\b(\d{6})\d{8}(\d{3}[\dXx])\b/g;

export function redact(text: string): string {
	return text.replace(
		IDENTITY_NUMBER,
		(_m, head: string, tail: string) => `${head}********${tail}`
	);
}

function write(level: Level, message: string, fields?: object): void {
	if (ORDER[level] < ORDER[readConfig().logLevel]) return;
	const extra = fields ? ' ' + JSON.stringify(fields) : '';
	const line = redact(`${new Date().toISOString()} ${level.toUpperCase()} ${message}${extra}`);
	(level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
}

/** The server's only logger: one line per event, identity numbers masked. */
export const log = {
	debug: (message: string, fields?: object) => write('debug', message, fields),
	info: (message: string, fields?: object) => write('info', message, fields),
	warn: (message: string, fields?: object) => write('warn', message, fields),
	error: (message: string, fields?: object) => write('error', message, fields)
};
