import { readConfig } from './config';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Anything that looks like a resident identity number is masked before it is written,
// also when it is glued to letters or other text ("ID130434199001013133"): 18 characters
// (17 digits and a check digit or X) anywhere, and the old 15-digit numbers standing alone
// among digits (area, YYMMDD birth date, sequence).
const IDENTITY_NUMBER = /(\d{6})\d{8}(\d{3}[\dXx])/g;
const OLD_IDENTITY_NUMBER = /(?<!\d)(\d{6})\d{6}(\d{3})(?!\d)/g;
// A failed query's parameters (names, notes, numbers) never reach the log, even if an
// error's text slips through unformatted: "params: …" up to the end of its line.
const QUERY_PARAMS = /^(params: )[^\n]*/gm;

export function redact(text: string): string {
	return text
		.replace(QUERY_PARAMS, '$1[not logged]')
		.replace(IDENTITY_NUMBER, (_m, head: string, tail: string) => `${head}********${tail}`)
		.replace(OLD_IDENTITY_NUMBER, (_m, head: string, tail: string) => `${head}******${tail}`);
}

function write(level: Level, message: string, fields?: object): void {
	if (ORDER[level] < ORDER[readConfig().logLevel]) return;
	// Strings are cleaned before they are quoted, where their line breaks are still real.
	const extra = fields
		? ' ' +
			JSON.stringify(fields, (_key, value) => (typeof value === 'string' ? redact(value) : value))
		: '';
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
