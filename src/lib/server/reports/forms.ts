import type { ReportParams } from './scope';

/** Anything with the reading side of URLSearchParams or FormData. */
interface Fields {
	get(name: string): unknown;
	getAll(name: string): unknown[];
}

/**
 * The report's request from a query string or a form: missing dates default to this year
 * so far; townships come as repeated `township` fields ('' is all of the actor's).
 */
export function readReportParams(fields: Fields, today: string): ReportParams {
	const text = (value: unknown) => (typeof value === 'string' ? value.trim().slice(0, 20) : '');
	const from = text(fields.get('from')) || `${today.slice(0, 4)}-01-01`;
	const to = text(fields.get('to')) || today;
	const townshipCodes = fields
		.getAll('township')
		.map(text)
		.filter((code) => code !== '')
		.slice(0, 100);
	return { from, to, townshipCodes };
}
