// The one place where typed input becomes a value: decimal numbers (money, weight, area),
// calendar dates and free text. Pure and without a clock or a database, so the phone's
// screens and the server read a value the same way.

// ---------------------------------------------------------------------------------------
// Numbers

export type NumberProblem = 'format' | 'comma' | 'negative' | 'zero' | 'precision' | 'too_large';
export type NumberResult =
	| { ok: true; value: number }
	| {
			ok: false;
			problem: NumberProblem;
			/** For `comma`: how to write it, e.g. "12.5". */ hint?: string;
	  };

const FULL_WIDTH_DIGIT = /[０-９]/g;

/**
 * What a phone in Chinese input mode types, in plain ASCII: full-width digits, 。 or ． for
 * the point, ， for the comma, －/− for minus, ¥/￥ and spaces dropped.
 */
export function normaliseNumberText(text: string): string {
	return text
		.replace(FULL_WIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
		.replace(/[。．｡]/g, '.')
		.replace(/[，､、]/g, ',')
		.replace(/[－−﹣]/g, '-')
		.replace(/[¥￥\s\u3000]/g, '')
		.replace(/^\+/, '');
}

/** "1,234.50", "12,345": groups of exactly three digits after a 1–3 digit head. */
const GROUPED = /^-?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

export interface DecimalOptions {
	/** Places after the point the unit allows: 2 for yuan and mu, 3 for kilograms. */
	decimals: number;
	/** Zero is a value (a rate, an amount that may be nothing); default false. */
	allowZero?: boolean;
	/** Negative values are allowed (never for what people type today); default false. */
	allowNegative?: boolean;
	/** The largest scaled value (fen, grams, hundredths); default 10^12 − 1. */
	max?: number;
}

/**
 * The one rule for decimal text. A comma is a thousands separator only when every group
 * after it has exactly three digits and the point (if any) comes after them ("1,234.50",
 * "12,345"); any other comma ("12,5", "1,23", "1,2345") is refused with `comma` and a hint
 * showing the number with a point. The result is an integer count of 1/10^decimals units:
 * "12.5" kg with 3 decimals is 12500 g. Text only, never a float.
 */
export function parseDecimal(input: string, options: DecimalOptions): NumberResult {
	const { decimals, allowZero = false, allowNegative = false, max = 999_999_999_999 } = options;
	let value = normaliseNumberText(input);
	if (value.includes(',')) {
		if (!GROUPED.test(value)) {
			const commas = value.split(',').length - 1;
			const hint =
				commas === 1 && !value.includes('.') && /^-?\d+,\d+$/.test(value)
					? value.replace(',', '.')
					: undefined;
			return { ok: false, problem: 'comma', hint };
		}
		value = value.replace(/,/g, '');
	}
	const negative = value.startsWith('-');
	if (negative) value = value.slice(1);
	const match = /^(\d*)(?:\.(\d*))?$/.exec(value);
	if (!match || (!match[1] && !match[2])) return { ok: false, problem: 'format' };
	if (negative && !allowNegative) return { ok: false, problem: 'negative' };
	const whole = match[1].replace(/^0+(?=\d)/, '');
	const fraction = (match[2] ?? '').replace(/0+$/, '');
	if (fraction.length > decimals) return { ok: false, problem: 'precision' };
	if (whole.length > 15) return { ok: false, problem: 'too_large' };
	const scaled =
		Number(whole || '0') * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0');
	if (!Number.isSafeInteger(scaled) || scaled > max) return { ok: false, problem: 'too_large' };
	if (scaled === 0 && !allowZero) return { ok: false, problem: 'zero' };
	return { ok: true, value: negative && scaled !== 0 ? -scaled : scaled };
}

/**
 * The message for a number that could not be read: the shared one for an ambiguous comma
 * ("请用小数点：12.5"), otherwise `key` (the field's own message).
 */
export function numberMessage(
	result: { ok: false; problem: string; hint?: string },
	key: string
): { key: string; params?: Record<string, string> } {
	if (result.problem !== 'comma') return { key };
	return result.hint
		? { key: 'input_error_comma', params: { example: result.hint } }
		: { key: 'input_error_comma_unclear' };
}

/** Yuan as typed → integer fen: "1,234.50" → 123450. */
export function parseYuan(
	text: string,
	options: Omit<DecimalOptions, 'decimals'> = {}
): NumberResult {
	return parseDecimal(text, { ...options, decimals: 2 });
}

/** Kilograms as typed → integer grams: "12.5" → 12500. */
export function parseKg(
	text: string,
	options: Omit<DecimalOptions, 'decimals'> = {}
): NumberResult {
	return parseDecimal(text, { ...options, decimals: 3 });
}

/** Mu as typed → integer hundredths of a mu: "1.25" → 125. */
export function parseMuText(
	text: string,
	options: Omit<DecimalOptions, 'decimals'> = {}
): NumberResult {
	return parseDecimal(text, { ...options, decimals: 2 });
}

// ---------------------------------------------------------------------------------------
// Dates

/** The earliest business date anyone types: births of the oldest members. */
export const EARLIEST_DATE = '1900-01-01';
/** How far ahead a date may lie where the future makes sense (a lease, a season). */
export const YEARS_AHEAD = 10;

export type DateProblem = 'format' | 'range' | 'future';

/** A real calendar date written YYYY-MM-DD (no 2026-02-30, no year 0000). */
export function isCalendarDate(value: unknown): value is string {
	if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const [year, month, day] = value.split('-').map(Number);
	if (year < 1 || month < 1 || month > 12 || day < 1) return false;
	const last = new Date(Date.UTC(2000, month, 0)).getUTCDate();
	const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
	return day <= (month === 2 ? (leap ? 29 : 28) : last);
}

export interface DateRange {
	/** Today (YYYY-MM-DD): the latest date allowed is `YEARS_AHEAD` years after it. */
	today: string;
	/** No date after today (a birth, a payment, something that happened). */
	notFuture?: boolean;
	/** Earliest date; default 1900-01-01. */
	earliest?: string;
	/** Latest date; default `YEARS_AHEAD` years after today. */
	latest?: string;
}

/** The latest date a field allows when the future makes sense. */
export function latestDate(today: string, years = YEARS_AHEAD): string {
	return `${String(Number(today.slice(0, 4)) + years).padStart(4, '0')}-12-31`;
}

/** Null for a good date, otherwise what is wrong with it. */
export function dateProblem(value: unknown, range: DateRange): DateProblem | null {
	if (!isCalendarDate(value)) return 'format';
	if (value < (range.earliest ?? EARLIEST_DATE)) return 'range';
	if (range.notFuture && value > range.today) return 'future';
	if (value > (range.latest ?? latestDate(range.today))) return 'range';
	return null;
}

/** A date in a sane range (1900 to ten years after today). */
export function isSaneDate(value: unknown, today: string): value is string {
	return dateProblem(value, { today }) === null;
}

// ---------------------------------------------------------------------------------------
// Text

export type TextProblem = 'control' | 'too_long';

/** NUL and other control characters (tab, newline and carriage return aside). */
const CONTROL = new RegExp(
	// eslint-disable-next-line no-control-regex -- finding control characters is the point
	'[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u2028\\u2029\\ufeff\\ufffe\\uffff]'
);
const LINE_BREAKS = /[\t\n\r]/;
/** Half of a surrogate pair on its own: not text (a JSON body can carry one; PostgreSQL refuses it). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface TextOptions {
	/** Most characters kept (after trimming). */
	max: number;
	/** Notes may hold newlines and tabs; one-line fields may not. */
	multiline?: boolean;
}

/**
 * Trimmed text, refused when it holds NUL or another control character (PostgreSQL refuses
 * NUL in text) or is longer than `max` characters. Non-strings read as ''.
 */
export function checkText(
	value: unknown,
	options: TextOptions
): { ok: true; value: string } | { ok: false; problem: TextProblem } {
	const text = typeof value === 'string' ? value.trim() : '';
	if (
		CONTROL.test(text) ||
		LONE_SURROGATE.test(text) ||
		(!options.multiline && LINE_BREAKS.test(text))
	) {
		return { ok: false, problem: 'control' };
	}
	if ([...text].length > options.max) return { ok: false, problem: 'too_long' };
	return { ok: true, value: text };
}

/** What a search box sends, without control characters and at most `max` characters. */
export function searchText(value: unknown, max = 100): string {
	if (typeof value !== 'string') return '';
	// eslint-disable-next-line no-control-regex
	return [...value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g, ' ').trim()]
		.slice(0, max)
		.join('');
}
