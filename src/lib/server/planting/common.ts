import { chinaDate, isIsoDate, type DecimalProblem } from '../../planting';
import { latestDate } from '../../input';
import { textInput } from '../input';

// Small parsing helpers the planting domain's functions share.

/** Trimmed text; NUL, control characters or more than `max` characters are refused. */
export function text(value: unknown, max = 200, field = ''): string {
	return textInput(value, max, field);
}

/** A real calendar date from 1990 (before the program) to ten years after today. */
export function isDate(value: unknown): value is string {
	return isIsoDate(value) && value >= '1990-01-01' && value <= latestDate(chinaDate());
}

/** The message key for a weight or area that could not be read. */
export function decimalKey(prefix: string, problem: DecimalProblem): string {
	return `${prefix}_${problem}`;
}

/** A count such as seedlings per mu: digits only, within bounds. */
export function parseCount(value: unknown, min: number, max: number): number | null {
	const raw = typeof value === 'number' ? String(value) : text(value, 12).replace(/[,，\s]/g, '');
	if (!/^\d{1,9}$/.test(raw)) return null;
	const number = Number(raw);
	return number >= min && number <= max ? number : null;
}
