import { m } from './paraglide/messages.js';

// Money is integer fen, weight integer grams, area integer hundredths of a mu: these
// helpers only turn them into text for people, never back into numbers for sums.

export type Locale = 'zh-CN' | 'en';

function fixed2(value: number | bigint, divisor: bigint): string {
	const big = BigInt(value);
	const negative = big < 0n;
	const abs = negative ? -big : big;
	const whole = abs / divisor;
	const part = ((abs % divisor) * 100n) / divisor;
	const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
	return `${negative ? '-' : ''}${grouped}.${part.toString().padStart(2, '0')}`;
}

/** 5759350 fen → "¥57,593.50" (zh-CN) or "CNY 57,593.50" (en). */
export function formatFen(fen: number | bigint, locale: Locale): string {
	const negative = BigInt(fen) < 0n;
	const text = fixed2(negative ? -BigInt(fen) : fen, 100n);
	return (negative ? '-' : '') + (locale === 'en' ? `CNY ${text}` : `¥${text}`);
}

/** 12500 g → "12.5 公斤" / "12.5 kg"; trailing zeros dropped. */
export function formatGrams(grams: number, locale: Locale): string {
	const value = fixed2(grams, 1000n).replace(/\.?0+$/, '');
	return m.unit_kg({ value }, { locale });
}

/** 325 hundredths → "3.25 亩" / "3.25 mu". */
export function formatMu(hundredths: number, locale: Locale): string {
	return m.unit_mu({ value: fixed2(hundredths, 100n) }, { locale });
}

// Intl formatters are made once per kind and language, on first use: making one costs far
// more than formatting with it, and a household page formats a few hundred dates.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(
	kind: string,
	locale: Locale,
	options: (locale: Locale) => Intl.DateTimeFormatOptions
): Intl.DateTimeFormat {
	const key = `${kind}:${locale}`;
	let made = formatters.get(key);
	if (!made) {
		made = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-CN', options(locale));
		formatters.set(key, made);
	}
	return made;
}

const monthStyle = (locale: Locale) => (locale === 'en' ? 'short' : 'long');

/** "2026-11-29" → "2026年11月29日" / "29 Nov 2026". */
export function formatDate(isoDate: string, locale: Locale): string {
	const [year, month, day] = isoDate.slice(0, 10).split('-').map(Number);
	return formatter('date', locale, (l) => ({
		timeZone: 'UTC',
		year: 'numeric',
		month: monthStyle(l),
		day: 'numeric'
	})).format(new Date(Date.UTC(year, month - 1, day)));
}

/** Today's business date in China Standard Time, as YYYY-MM-DD. */
// Made once: building an Intl formatter costs more than using it, and this runs per request.
const CHINA_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' });

export function todayInChina(now: Date = new Date()): string {
	return CHINA_DATE.format(now);
}

/** A moment, in China Standard Time: "2026年11月29日 14:05" / "29 Nov 2026, 14:05". */
export function formatDateTime(iso: string | Date, locale: Locale): string {
	const date = typeof iso === 'string' ? new Date(iso) : iso;
	return formatter('dateTime', locale, (l) => ({
		timeZone: 'Asia/Shanghai',
		year: 'numeric',
		month: monthStyle(l),
		day: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		hour12: false
	})).format(date);
}

/** Whole years from a birth date to a business date. */
export function ageOn(birthDate: string, today: string): number {
	const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
	return today.slice(5, 10) < birthDate.slice(5, 10) ? years - 1 : years;
}

/** "2026-11" → "2026年11月" / "Nov 2026". */
export function formatMonth(month: string, locale: Locale): string {
	const [year, monthNumber] = month.split('-').map(Number);
	return formatter('month', locale, (l) => ({
		timeZone: 'UTC',
		year: 'numeric',
		month: monthStyle(l)
	})).format(new Date(Date.UTC(year, monthNumber - 1, 1)));
}

/** A month as a chart's bar label: "3月", "Mar". */
export function shortMonth(month: string, locale: Locale): string {
	return locale === 'en' ? formatMonth(month, 'en').slice(0, 3) : `${Number(month.slice(5, 7))}月`;
}

/** The `count` months up to and including today's, oldest first, as "YYYY-MM". */
export function recentMonths(today: string, count = 12): string[] {
	const year = Number(today.slice(0, 4));
	const month = Number(today.slice(5, 7));
	return Array.from({ length: count }, (_, i) => {
		const index = year * 12 + (month - 1) - (count - 1 - i);
		return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
	});
}
