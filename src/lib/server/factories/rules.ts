// Pure rules of the micro-factory domain: months, the enterprise credit code, and the
// income-increase method of the county view. No database; the clock only bounds dates.

import { isSaneDate } from '../../input';
import { chinaDate } from '../../planting';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** "2026-11" when it is a real month, otherwise null. */
export function parseMonth(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	const text = value.trim();
	const match = MONTH.exec(text);
	return match && Number(match[1]) >= 2000 ? text : null;
}

/** A real calendar date from 1900 to ten years after today (the one clock read here). */
export function isIsoDate(value: string): boolean {
	return isSaneDate(value, chinaDate());
}

/** Months as numbers (year × 12 + month − 1), so adding months is adding numbers. */
export function monthIndex(month: string): number {
	return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

export function monthFromIndex(index: number): string {
	return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function addMonths(month: string, count: number): string {
	return monthFromIndex(monthIndex(month) + count);
}

/** The month of a date: "2026-11-28" → "2026-11". */
export function monthOf(isoDate: string): string {
	return isoDate.slice(0, 7);
}

/** A month as message parameters: "{year}年{month}月" / "{month}/{year}". */
export function monthParams(month: string): { year: number; month: number } {
	return { year: Number(month.slice(0, 4)), month: Number(month.slice(5, 7)) };
}

export function firstDay(month: string): string {
	return `${month}-01`;
}

export function lastDay(month: string): string {
	const [year, monthNumber] = month.split('-').map(Number);
	const day = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
	return `${month}-${String(day).padStart(2, '0')}`;
}

/** Every month from `from` to `to`, both included, oldest first. */
export function monthsBetween(from: string, to: string): string[] {
	const start = monthIndex(from);
	const end = monthIndex(to);
	return Array.from({ length: Math.max(0, end - start + 1) }, (_, i) => monthFromIndex(start + i));
}

/** A job counts in a month when it started by the month's end and had not ended before it began. */
export function employedInMonth(
	job: { startedOn: string; endedOn: string | null },
	month: string
): boolean {
	return (
		job.startedOn <= lastDay(month) && (job.endedOn === null || job.endedOn >= firstDay(month))
	);
}

/** On the payroll on a day: started, and not yet gone (the last day still counts). */
export function employedOn(
	job: { startedOn: string; endedOn: string | null },
	day: string
): boolean {
	return job.startedOn <= day && (job.endedOn === null || job.endedOn >= day);
}

// 统一社会信用代码 (GB 32100-2015): 18 characters from 31 (no I, O, Z, S, V), the last a
// check character: 31 − (Σ value × weight mod 31), where 31 becomes 0.
const CREDIT_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type CreditCodeProblem = 'format' | 'check_character';

export function checkCreditCode(
	input: string
): { ok: true; value: string } | { ok: false; problem: CreditCodeProblem } {
	const code = input.trim().toUpperCase();
	if (code.length !== 18 || [...code].some((c) => !CREDIT_CHARACTERS.includes(c))) {
		return { ok: false, problem: 'format' };
	}
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += CREDIT_CHARACTERS.indexOf(code[i]) * CREDIT_WEIGHTS[i];
	const check = CREDIT_CHARACTERS[(31 - (sum % 31)) % 31];
	return check === code[17] ? { ok: true, value: code } : { ok: false, problem: 'check_character' };
}

/** The check character for the first 17 characters (for demo data and tests). */
export function creditCheckCharacter(first17: string): string {
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += CREDIT_CHARACTERS.indexOf(first17[i]) * CREDIT_WEIGHTS[i];
	return CREDIT_CHARACTERS[(31 - (sum % 31)) % 31];
}

/**
 * "1,234.50" → 123450 fen; a leading minus is told apart from other typing so the person
 * hears that wages cannot be negative. Empty text is `empty`.
 */
export function readAmount(
	input: string,
	parseYuanToFen: (text: string) => number | null
): { kind: 'empty' } | { kind: 'negative' } | { kind: 'invalid' } | { kind: 'fen'; fen: number } {
	const text = input.trim();
	if (text === '') return { kind: 'empty' };
	if (/^[-−－]/.test(text)) return { kind: 'negative' };
	const fen = parseYuanToFen(text);
	return fen === null ? { kind: 'invalid' } : { kind: 'fen', fen };
}

export interface IncreaseWorker {
	/** The first day this person was ever hired by a micro-factory (any factory). */
	firstHiredOn: string;
	/** Months (YYYY-MM) this person worked at the factory being reported, up to last month. */
	employedMonths: string[];
	/** The month of the household's first ledger entry: no baseline can be older. */
	ledgerStartMonth: string | null;
	/** The household's wage income (kind 'wage', all sources) per month, in fen. */
	wageByMonth: ReadonlyMap<string, number>;
}

export const BASELINE_MONTHS = 12;

/**
 * The average monthly income increase of one worker from a monitored household, in fen,
 * or null when it cannot be measured.
 *
 * Method: the household's wage income per month (its ledger, kind 'wage', every source —
 * factory wages, migrant work, public-welfare jobs — net of reversals) averaged over the
 * months the person was employed at the factory, minus the same average over the baseline:
 * the up to 12 months before the month of the person's first hire at any micro-factory,
 * counted only from the household's first ledger month (months before the ledger began are
 * unknown, not zero; employed months before it are left out too). A worker without a single
 * baseline month, or without an employed month, is left out. Integer fen; averages are truncated toward zero.
 */
export function monthlyIncrease(worker: IncreaseWorker): number | null {
	if (worker.ledgerStartMonth === null) return null;
	const start = worker.ledgerStartMonth;
	const employed = worker.employedMonths.filter((m) => m >= start);
	if (employed.length === 0) return null;
	const hireMonth = monthOf(worker.firstHiredOn);
	const from = Math.max(
		monthIndex(hireMonth) - BASELINE_MONTHS,
		monthIndex(worker.ledgerStartMonth)
	);
	const to = monthIndex(hireMonth) - 1;
	if (to < from) return null;
	let before = 0;
	for (let i = from; i <= to; i++) before += worker.wageByMonth.get(monthFromIndex(i)) ?? 0;
	let during = 0;
	for (const month of employed) during += worker.wageByMonth.get(month) ?? 0;
	return Math.trunc(during / employed.length) - Math.trunc(before / (to - from + 1));
}

/** The mean of measured increases, truncated; null when none was measured. */
export function averageIncrease(increases: (number | null)[]): {
	fen: number | null;
	workers: number;
} {
	const measured = increases.filter((v): v is number => v !== null);
	if (measured.length === 0) return { fen: null, workers: 0 };
	return {
		fen: Math.trunc(measured.reduce((a, b) => a + b, 0) / measured.length),
		workers: measured.length
	};
}
