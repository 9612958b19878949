import { m } from './paraglide/messages.js';

type MessageFunction = (params?: Record<string, string | number>) => string;
const messages = m as unknown as Record<string, MessageFunction | undefined>;

/** A message by its key, for keys that travel as data (domain errors, field issues). */
export function translate(key: string, params?: Record<string, string | number>): string {
	const message = messages[key];
	return message ? message(params ?? {}) : key;
}
