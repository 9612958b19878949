import Papa from 'papaparse';

/**
 * Cells a spreadsheet would run as a formula (OWASP "CSV injection"): those starting with
 * =, +, -, @, a tab or a carriage return. Papa's own `escapeFormulae: true` pattern ends in
 * `.*$`, which misses a cell with a line break after the formula, so this one stops at the
 * first character.
 */
export const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A table as CSV for Excel and WPS on Chinese Windows: UTF-8 with a BOM, CRLF, and every
 * formula-like cell prefixed with ' so it shows as text (the registry import strips it again).
 */
export function toCsv(table: readonly (readonly string[])[]): string {
	return (
		'\ufeff' + Papa.unparse(table as string[][], { newline: '\r\n', escapeFormulae: FORMULA_START })
	);
}
