import { formatFen, type Locale } from '$lib/format';
import { m } from '$lib/paraglide/messages';

/**
 * An amount for a tile: from 10,000 yuan up, Chinese reads it in 万元 ("543.56万元") and the
 * exact amount is one tap away; below that, or in English, the exact amount (it wraps).
 */
export function tileMoney(
	fen: number,
	locale: Locale
): { value: string; unit: string | null; text: string; exact: string | null } {
	const exact = formatFen(fen, locale);
	if (locale !== 'zh-CN' || Math.abs(fen) < 1_000_000)
		return { value: exact, unit: null, text: exact, exact: null };
	// Hundredths of 万元, rounded half away from zero: display only, never summed.
	const hundredths = Math.round(Math.abs(fen) / 10_000) * Math.sign(fen);
	const text = (hundredths / 100).toLocaleString('en', {
		minimumFractionDigits: 2,
		maximumFractionDigits: 2
	});
	return {
		value: text,
		unit: m.dashboard_wan_unit({}, { locale }),
		text: m.dashboard_wan({ value: text }, { locale }),
		exact
	};
}
