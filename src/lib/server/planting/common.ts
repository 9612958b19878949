import { isIsoDate, type DecimalProblem } from '../../planting';

// Small parsing helpers the planting domain's functions share.

export function text(value: unknown, max = 200): string {
	return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

export function isDate(value: unknown): value is string {
	return isIsoDate(value) && value >= '1990-01-01' && value <= '2100-12-31';
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
