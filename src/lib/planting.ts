// Honeysuckle arithmetic shared by the weighing-station screen and the server: weights in
// integer grams, areas in integer hundredths of a mu, rates in fen, and never a floating
// point number on the way from what a person typed to what is paid.

import { isCalendarDate, parseDecimal } from './input';

export type DecimalProblem = 'format' | 'zero' | 'negative' | 'precision' | 'comma';
export type Parsed =
	| { ok: true; value: number }
	| {
			ok: false;
			problem: DecimalProblem;
			/** For `comma`: the number with a point. */ hint?: string;
	  };

/**
 * A decimal number of whole units with at most `decimals` places, as an integer count of
 * 1/10^decimals units: "12.5" kg with 3 places is 12500 g. Text only, no floats. The comma
 * rule (and full-width digits) are the shared ones of `parseDecimal` in ./input.ts.
 */
export function parseScaledDecimal(text: string, decimals: number): Parsed {
	const read = parseDecimal(text, { decimals, max: 999_999_999 * 10 ** decimals });
	if (read.ok) return read;
	return read.problem === 'too_large'
		? { ok: false, problem: 'format' }
		: { ok: false, problem: read.problem, hint: read.hint };
}

/** "12.5" (kg) → 12500 grams; at most three decimals (one gram). */
export function parseKilograms(text: string): Parsed {
	return parseScaledDecimal(text, 3);
}

/** Plots bigger than this are a typing mistake (one household's land, in hundredths). */
export const MAX_PLOT_HUNDREDTHS = 50_000;

/** "1.25" (mu) → 125 hundredths of a mu; at most two decimals. */
export function parseMu(text: string): Parsed {
	return parseScaledDecimal(text, 2);
}

/** Integer division rounding half up, for non-negative integers: exact, no floats. */
export function divideRoundHalfUp(numerator: number, denominator: number): number {
	if (!Number.isSafeInteger(numerator) || numerator < 0) {
		throw new Error('divideRoundHalfUp takes a non-negative safe integer');
	}
	const shifted = numerator + Math.floor(denominator / 2);
	return (shifted - (shifted % denominator)) / denominator;
}

/**
 * What a weigh-in pays: grams × fen per kg ÷ 1000, rounded half up to the fen.
 * 12,345 g at 100 fen/kg = 1,234.5 fen → 1,235 fen (¥12.35).
 */
export function pickingAmountFen(grams: number, rateFenPerKg: number): number {
	return divideRoundHalfUp(grams * rateFenPerKg, 1000);
}

/** A plot's subsidy: hundredths of a mu × fen per mu ÷ 100, rounded half up to the fen. */
export function subsidyAmountFen(hundredthsMu: number, rateFenPerMu: number): number {
	return divideRoundHalfUp(hundredthsMu * rateFenPerMu, 100);
}

/** Seedlings handed out for a plot: area × seedlings per mu, rounded half up. */
export function seedlingsFor(hundredthsMu: number, seedlingsPerMu: number): number {
	return divideRoundHalfUp(hundredthsMu * seedlingsPerMu, 100);
}

/** Integer grams as kilograms text for an input field: 12500 → "12.5". */
export function gramsToKgText(grams: number): string {
	const whole = Math.trunc(grams / 1000);
	const part = String(grams % 1000)
		.padStart(3, '0')
		.replace(/0+$/, '');
	return part ? `${whole}.${part}` : String(whole);
}

/** Integer hundredths of a mu as text for an input field: 125 → "1.25". */
export function hundredthsToMuText(hundredths: number): string {
	const whole = Math.trunc(hundredths / 100);
	const part = String(hundredths % 100)
		.padStart(2, '0')
		.replace(/0+$/, '');
	return part ? `${whole}.${part}` : String(whole);
}

/** Fen as a plain yuan amount for inputs and files: 123456 → "1234.56". */
export function fenToYuanText(fen: number): string {
	const negative = fen < 0;
	const abs = Math.abs(fen);
	return `${negative ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * Today in China Standard Time, the cheap way (UTC+8, no daylight saving since 1991): the
 * weighing-station endpoint asks for it on every weigh-in, and building an
 * Intl.DateTimeFormat each time costs more than the rest of the request's own work.
 */
export function chinaDate(now: number = Date.now()): string {
	return new Date(now + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

function utc(isoDate: string): Date {
	return new Date(`${isoDate}T00:00:00Z`);
}

export function addDaysTo(isoDate: string, days: number): string {
	const date = utc(isoDate);
	date.setUTCDate(date.getUTCDate() + days);
	return date.toISOString().slice(0, 10);
}

/** The Monday of the week (Monday to Sunday, as Chinese offices count) holding a date. */
export function weekStart(isoDate: string): string {
	const day = utc(isoDate).getUTCDay();
	return addDaysTo(isoDate, -((day + 6) % 7));
}

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: unknown): value is string {
	return isCalendarDate(value);
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
	const dates: string[] = [];
	for (let d = from; d <= to && dates.length < 400; d = addDaysTo(d, 1)) dates.push(d);
	return dates;
}

export interface DayTotals {
	entries: number;
	grams: number;
	amountFen: number;
	pickers: number;
	unpaidFen: number;
}

/** Totals of a list of weigh-ins (voided ones left out): what the station's screen shows. */
export function dayTotals(
	entries: {
		voided: boolean;
		memberId: string | null;
		pickerName: string;
		maskedIdNumber: string | null;
		weightGrams: number;
		amountFen: number;
		paidOn: string | null;
	}[]
): DayTotals {
	const live = entries.filter((e) => !e.voided);
	const pickers = new Set(
		live.map((e) => e.memberId ?? `outside:${e.pickerName}:${e.maskedIdNumber ?? ''}`)
	);
	return {
		entries: live.length,
		grams: live.reduce((sum, e) => sum + e.weightGrams, 0),
		amountFen: live.reduce((sum, e) => sum + e.amountFen, 0),
		pickers: pickers.size,
		unpaidFen: live.filter((e) => !e.paidOn).reduce((sum, e) => sum + e.amountFen, 0)
	};
}
