/** A problem that stops the server from starting, told in one line without a stack trace. */
export class StartupError extends Error {
	override name = 'StartupError';
}

/** "at host:port, database "x"" — never the password. */
export function describePostgresTarget(url: string): string {
	try {
		const parsed = new URL(url);
		const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || parsed.username;
		return `at ${parsed.hostname || 'localhost'}:${parsed.port || '5432'}, database "${database}"`;
	} catch {
		return '(DATABASE_URL is not a valid postgres:// address)';
	}
}

const REASONS: Record<string, string> = {
	ECONNREFUSED: 'connection refused (is the server running and listening on that port?)',
	ENOTFOUND: 'host name not found',
	EAI_AGAIN: 'host name could not be resolved',
	ETIMEDOUT: 'connection timed out',
	CONNECT_TIMEOUT: 'connection timed out',
	EACCES: 'permission denied',
	EROFS: 'the file system is read-only',
	ENOTDIR: 'a part of the path is not a folder',
	'28P01': 'password authentication failed',
	'28000': 'this user may not connect',
	'3D000': 'the database does not exist'
};

/** Turns driver and file-system errors into a short reason a person can act on. */
export function describeConnectionError(error: unknown): string {
	if (error && typeof error === 'object') {
		const code = 'code' in error ? String((error as { code: unknown }).code) : '';
		if (REASONS[code]) return REASONS[code];
		if (error instanceof AggregateError && error.errors.length > 0) {
			return describeConnectionError(error.errors[0]);
		}
		if ('message' in error) return String((error as { message: unknown }).message).split('\n')[0];
	}
	return String(error);
}

/**
 * An unexpected error as log text: its message (or, for a failed query, the SQL and the
 * database's reason) and its stack frames, but never the query's parameters — they hold
 * names, phone numbers and notes. A value the database quotes back in its reason
 * (`invalid input syntax for type date: "…"`) is left out too.
 */
export function describeError(error: unknown): string {
	if (!(error instanceof Error)) return String(error);
	const frames = (error.stack ?? '')
		.split('\n')
		.filter((line) => /^\s+at /.test(line))
		.join('\n');
	let text: string;
	if ('query' in error && 'params' in error && typeof error.query === 'string') {
		text = `Failed query: ${error.query}`;
		if (error.cause !== undefined) text += `\ncaused by: ${describeCause(error.cause)}`;
	} else {
		text = `${error.name}: ${error.message}`;
	}
	return frames ? `${text}\n${frames}` : text;
}

function describeCause(cause: unknown): string {
	if (!cause || typeof cause !== 'object') return String(cause);
	const code = 'code' in cause && cause.code ? `[${String(cause.code)}] ` : '';
	const message = 'message' in cause ? String(cause.message).split('\n')[0] : String(cause);
	return code + message.replace(/: ".*"$/, ': "…"');
}
