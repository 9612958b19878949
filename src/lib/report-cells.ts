import { formatDate, formatFen, type Locale } from './format';

/** A report cell as the printed page shows it (the XLSX file keeps the numbers). */
export function formatReportCell(
	value: string | number | null,
	format: 'text' | 'integer' | 'fen' | 'date' | 'percent' | 'days',
	locale: Locale
): string {
	if (value === null || value === '') return '';
	if (typeof value === 'string') return format === 'date' ? formatDate(value, locale) : value;
	switch (format) {
		case 'fen':
			return formatFen(value, locale);
		case 'days':
			return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value);
		case 'percent':
			return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value)}%`;
		default:
			return new Intl.NumberFormat(locale).format(value);
	}
}
