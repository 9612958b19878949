import ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';
import { FORMULA_START } from '../csv';
import { formatDate, formatDateTime } from '../../format';
import { isCalendarDate } from '../../input';
import { m } from '../../paraglide/messages';
import { getLocale } from '../../paraglide/runtime';
import type { Report, ReportCell, ReportColumn, ReportColumnFormat, ReportTable } from './types';

// A report as an XLSX workbook: one sheet per table (title, period and area, header,
// rows, totals) and a sheet of definitions. Written with exceljs's streaming writer, so a
// county's whole household list passes through in chunks and only the zipped file is held.

type Row = Record<string, ReportCell>;

/** The rows of one table, read in chunks instead of from the report (the long lists). */
export interface LongTable {
	table: number;
	chunks: AsyncIterable<Row[]>;
}

const NUMBER_FORMAT: Partial<Record<ReportColumnFormat, string>> = {
	fen: '"¥"#,##0.00',
	integer: '#,##0',
	date: 'yyyy-mm-dd',
	days: '0.0',
	percent: '0.0%'
};

/** Text a spreadsheet could run as a formula is kept as text, as the CSV exports do. */
function safeText(text: string): string {
	return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A cell as the spreadsheet holds it: yuan and dates as numbers a clerk can sum and sort. */
export function xlsxValue(value: ReportCell, format: ReportColumnFormat): ExcelJS.CellValue {
	if (value === null || value === '') return null;
	if (typeof value === 'number') {
		if (format === 'fen') return value / 100;
		if (format === 'percent') return value / 100;
		return value;
	}
	if (format === 'date' && isCalendarDate(value)) {
		const [y, mo, d] = value.split('-').map(Number);
		return new Date(Date.UTC(y, mo - 1, d));
	}
	return safeText(value);
}

/** Excel refuses []:*?/\ in a sheet name, more than 31 characters, and duplicates. */
function sheetName(title: string, used: Set<string>): string {
	const base = title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 28) || 'Sheet';
	let name = base;
	for (let i = 2; used.has(name); i++) name = `${base}${i}`;
	used.add(name);
	return name;
}

function headingLines(report: Report): string[] {
	const locale = getLocale();
	return [
		report.title,
		`${m.reports_period({ from: formatDate(report.period.from, locale), to: formatDate(report.period.to, locale) })}  ${m.reports_area({ area: report.area })}`,
		m.reports_generated({ at: formatDateTime(report.generatedAt, locale) })
	];
}

async function writeTable(
	workbook: ExcelJS.stream.xlsx.WorkbookWriter,
	report: Report,
	table: ReportTable,
	name: string,
	chunks: AsyncIterable<Row[]> | null
): Promise<number> {
	const columns: ReportColumn[] = table.columns;
	const sheet = workbook.addWorksheet(name, {
		views: [{ state: 'frozen', ySplit: 5 }],
		pageSetup: {
			paperSize: 9,
			orientation: columns.length > 7 ? 'landscape' : 'portrait',
			fitToPage: true,
			fitToWidth: 1,
			fitToHeight: 0,
			printTitlesRow: '5:5'
		}
	});
	sheet.columns = columns.map((c) => ({
		key: c.key,
		width: c.format === 'text' ? 16 : 14,
		style: NUMBER_FORMAT[c.format] ? { numFmt: NUMBER_FORMAT[c.format] } : {}
	}));
	const [title, period, generated] = headingLines(report);
	const titleRow = sheet.addRow([`${title} · ${table.title}`]);
	titleRow.font = { bold: true, size: 14 };
	titleRow.commit();
	sheet.addRow([period]).commit();
	sheet.addRow([generated]).commit();
	sheet.addRow([]).commit();
	const header = sheet.addRow(columns.map((c) => c.label));
	header.font = { bold: true };
	header.commit();
	const toCells = (row: Row) => columns.map((c) => xlsxValue(row[c.key] ?? null, c.format));
	let written = 0;
	const write = (rows: Row[]) => {
		for (const row of rows) sheet.addRow(toCells(row)).commit();
		written += rows.length;
	};
	if (chunks) for await (const rows of chunks) write(rows);
	else write(table.rows);
	if (table.totals) {
		const totals = sheet.addRow(toCells(table.totals));
		totals.font = { bold: true };
		totals.commit();
	}
	if (!chunks && table.rowCount !== undefined && table.rowCount > table.rows.length)
		sheet.addRow([m.reports_capped({ total: table.rowCount, shown: table.rows.length })]).commit();
	sheet.commit();
	return written;
}

/** The workbook's bytes and how many data rows it holds (totals and headings not counted). */
export async function writeReportXlsx(
	report: Report,
	long?: LongTable
): Promise<{ body: Uint8Array; rows: number }> {
	const stream = new PassThrough();
	const parts: Buffer[] = [];
	stream.on('data', (part: Buffer) => parts.push(part));
	const ended = new Promise<void>((resolve, reject) => {
		stream.on('end', resolve);
		stream.on('error', reject);
	});
	const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
		stream,
		useStyles: true,
		useSharedStrings: false
	});
	workbook.creator = 'Levee';
	const used = new Set<string>();
	let rows = 0;
	for (const [index, table] of report.tables.entries()) {
		const chunks = long?.table === index ? long.chunks : null;
		rows += await writeTable(workbook, report, table, sheetName(table.title, used), chunks);
	}
	const definitions = workbook.addWorksheet(sheetName(m.reports_sheet_definitions(), used));
	definitions.columns = [{ width: 20 }, { width: 80, style: { alignment: { wrapText: true } } }];
	const header = definitions.addRow([m.reports_column_term(), m.reports_column_text()]);
	header.font = { bold: true };
	header.commit();
	for (const d of report.definitions)
		definitions.addRow([safeText(d.term), safeText(d.text)]).commit();
	definitions.commit();
	await workbook.commit();
	await ended;
	return { body: new Uint8Array(Buffer.concat(parts)), rows };
}
