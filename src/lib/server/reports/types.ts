/**
 * A report as every output reads it: the printable A4 page and the XLSX file render the
 * same value, so the two never disagree. A report function (one per kind, in this folder)
 * returns it; figures come from the same functions as the dashboard.
 */

/** How a column's values are written: money is integer fen, shown as yuan. */
export type ReportColumnFormat = 'text' | 'integer' | 'fen' | 'date' | 'percent' | 'days';

export interface ReportColumn {
	key: string;
	/** In the person's language (the printed reports are read in Chinese). */
	label: string;
	format: ReportColumnFormat;
}

export type ReportCell = string | number | null;

export interface ReportTable {
	title: string;
	columns: ReportColumn[];
	rows: Record<string, ReportCell>[];
	/**
	 * How many rows the table has in all, when `rows` holds only the first of them (a
	 * county's whole household list is too long for a page; the XLSX file has every row).
	 */
	rowCount?: number;
	/** A last row of totals, keyed like the rows; absent where a sum means nothing. */
	totals?: Record<string, ReportCell>;
}

export interface Report {
	/** The report's kind, as in its address: 'program-summary', 'households', … */
	kind: string;
	title: string;
	/** The county's name and, when filtered, the townships. */
	area: string;
	/** Inclusive business dates. */
	period: { from: string; to: string };
	/** ISO timestamp. */
	generatedAt: string;
	tables: ReportTable[];
	/** How each figure was computed, printed under the tables. */
	definitions: { term: string; text: string }[];
}
