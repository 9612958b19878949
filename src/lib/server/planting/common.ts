import { chinaDate, isIsoDate, type DecimalProblem } from '../../planting';
import { latestDate, parseDecimal } from '../../input';
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

/**
 * A count such as seedlings per mu: whole digits within bounds, by the shared comma rule
 * ("1,500" is 1500; "12,5" is refused, not read as 125).
 */
export function parseCount(value: unknown, min: number, max: number): number | null {
	const raw = typeof value === 'number' ? String(value) : text(value, 20);
	const read = parseDecimal(raw, { decimals: 0, allowZero: true });
	if (!read.ok) return null;
	return read.value >= min && read.value <= max ? read.value : null;
}
