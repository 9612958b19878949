import { translate } from './i18n';
import { formatDate, formatFen, formatGrams, formatMonth, type Locale } from './format';
import { isCalendarDate } from './input';

// A warning's evidence is JSON written by the rule or person that raised it. Its numbers
// are shown by their names' endings: …Fen is money, …Pct a share, …Grams a weight, …Year
// a year; …Id names a record and is not shown.

export interface EvidenceLine {
	key: string;
	label: string;
	value: string;
}

/** The order people read the rules' numbers in (the database keeps JSON keys in its own). */
const ORDER = [
	'onDate',
	'perCapitaFen',
	'lineFen',
	'lineYear',
	'gapFen',
	'aboveLineFen',
	'marginPct',
	'upperFen',
	'earlierFrom',
	'earlierTo',
	'earlierFen',
	'recentFrom',
	'recentTo',
	'recentFen',
	'dropPct',
	'thresholdPct',
	'endedOn',
	'daysWithoutJob',
	'gapDays',
	'expenseOn',
	'eventDate',
	'amountFen',
	'annualNetFen',
	'sharePct',
	'seasonYear',
	'lastSeasonYear',
	'lastSeasonWeighIns',
	'lastSeasonFen',
	'checkedFrom',
	'visitedOn',
	'seen'
];

function rank(key: string): number {
	const at = ORDER.indexOf(key);
	return at === -1 ? ORDER.length : at;
}

export function evidenceLines(evidence: Record<string, unknown>, locale: Locale): EvidenceLine[] {
	const number = new Intl.NumberFormat(locale);
	return (
		Object.entries(evidence)
			.sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
			// Ids point at records (the job, the claim); people read the rest.
			.filter(
				([key, value]) =>
					value !== null && value !== undefined && typeof value !== 'object' && !/Id$/.test(key)
			)
			.map(([key, value]) => {
				const labelKey = `warnings_evidence_${key}`;
				const label = translate(labelKey);
				let text: string;
				if (typeof value === 'number' && /Fen$/.test(key))
					text = formatFen(Math.round(value), locale);
				else if (typeof value === 'number' && /Grams$/.test(key)) text = formatGrams(value, locale);
				else if (typeof value === 'number' && /Pct$/.test(key)) text = `${number.format(value)}%`;
				else if (/Year$/.test(key)) text = String(value);
				else if (typeof value === 'number') text = number.format(value);
				else if (isCalendarDate(value)) text = formatDate(value, locale);
				else if (typeof value === 'string' && /^\d{4}-\d{2}$/.test(value))
					text = formatMonth(value, locale);
				else text = String(value);
				return { key, label: label === labelKey ? key : label, value: text };
			})
	);
}
