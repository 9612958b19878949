// Reads a national-registry export (XLSX, or CSV in UTF-8/GBK/UTF-16) into raw string cells
// keyed by field. Pure: bytes in, rows out; validate.ts decides what the cells mean.
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { fieldForHeader, MONTH_FIELDS, REQUIRED_FIELDS, type RegistryField } from './columns';

export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** How many rows from the top may hold titles and notes before the header row. */
const HEADER_SEARCH_ROWS = 10;
/** A row is the header when it names at least this many known columns. */
const HEADER_MIN_FIELDS = 3;

export type RegistryFileProblem =
	| { kind: 'too_large'; limitBytes: number }
	| { kind: 'empty' }
	| { kind: 'not_spreadsheet' }
	// Old binary .xls, an encrypted workbook, or HTML/XML saved as .xls: Excel can resave
	// them as .xlsx, this reader cannot open them.
	| { kind: 'unsupported_excel' }
	| { kind: 'header_not_found' };

/** Thrown by readRegistryFile when the file as a whole cannot be read. */
export class RegistryFileError extends Error {
	override name = 'RegistryFileError';
	constructor(readonly problem: RegistryFileProblem) {
		super(`registry file: ${problem.kind}`);
	}

	get kind(): RegistryFileProblem['kind'] {
		return this.problem.kind;
	}
}

export type RawCells = Partial<Record<RegistryField, string>>;

export interface RawRow {
	/** 1-based row number as Excel shows it, so a clerk can find the row. */
	rowNumber: number;
	/** Trimmed cell text for every recognised column ('' when blank). */
	cells: RawCells;
	/**
	 * Fields whose cell held a number too large for Excel to store exactly (more than 15–16
	 * digits): the digits shown may not be the ones typed.
	 */
	imprecise?: RegistryField[];
}

export interface SheetHeader {
	/** 1-based column. */
	column: number;
	text: string;
	/** null for a column the import does not use (or a second column for the same field). */
	field: RegistryField | null;
}

export interface RawSheet {
	format: 'xlsx' | 'csv';
	headerRowNumber: number;
	headers: SheetHeader[];
	rows: RawRow[];
	/** Required fields with no column in the file; see REQUIRED_FIELDS. */
	missingRequired: RegistryField[];
}

export interface ReadOptions {
	maxBytes?: number;
}

/** One row of cells from either format, before the header is known. */
interface SourceRow {
	rowNumber: number;
	/** Text of a 1-based column, formatted for the field it belongs to. */
	text(column: number, field: RegistryField | null): CellText;
	columnCount: number;
}

interface CellText {
	text: string;
	imprecise: boolean;
}

export async function readRegistryFile(
	bytes: Uint8Array,
	fileName: string,
	options: ReadOptions = {}
): Promise<RawSheet> {
	const limitBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
	if (bytes.byteLength > limitBytes) throw new RegistryFileError({ kind: 'too_large', limitBytes });
	if (bytes.byteLength === 0) throw new RegistryFileError({ kind: 'empty' });

	if (startsWith(bytes, ZIP)) return buildSheet('xlsx', await xlsxRows(bytes));
	if (startsWith(bytes, OLE2)) throw new RegistryFileError({ kind: 'unsupported_excel' });
	if (BINARY_SIGNATURES.some((s) => startsWith(bytes, s))) {
		throw new RegistryFileError({ kind: 'not_spreadsheet' });
	}
	const text = decodeText(bytes);
	if (text === null || hasBinaryControls(text)) {
		throw new RegistryFileError({ kind: 'not_spreadsheet' });
	}
	if (/^\s*<(?:!doctype|html|\?xml|table)/i.test(text)) {
		throw new RegistryFileError({ kind: 'unsupported_excel' });
	}
	return buildSheet('csv', csvRows(text, fileName));
}

// --- format detection and decoding ---

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const BINARY_SIGNATURES = [
	[0x25, 0x50, 0x44, 0x46], // %PDF
	[0x89, 0x50, 0x4e, 0x47], // PNG
	[0xff, 0xd8, 0xff], // JPEG
	[0x47, 0x49, 0x46, 0x38], // GIF8
	[0x52, 0x49, 0x46, 0x46], // RIFF (WebP, WAV, AVI)
	[0x1f, 0x8b], // gzip
	[0x52, 0x61, 0x72, 0x21], // Rar!
	[0x37, 0x7a, 0xbc, 0xaf], // 7z
	[0x50, 0x4b, 0x05, 0x06] // empty ZIP
];

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
	if (bytes.length < signature.length) return false;
	return signature.every((b, i) => bytes[i] === b);
}

/**
 * UTF-16 when it says so with a BOM (Excel's "Unicode text"), UTF-8 when the bytes are
 * valid UTF-8 (BOM or not), else GBK, which Excel on Chinese Windows writes for "CSV".
 * null when none of them decodes.
 */
function decodeText(bytes: Uint8Array): string | null {
	if (startsWith(bytes, [0xff, 0xfe])) return new TextDecoder('utf-16le').decode(bytes);
	if (startsWith(bytes, [0xfe, 0xff])) return new TextDecoder('utf-16be').decode(bytes);
	for (const encoding of ['utf-8', 'gbk']) {
		try {
			return new TextDecoder(encoding, { fatal: true }).decode(bytes);
		} catch {
			// Not this encoding; try the next.
		}
	}
	return null;
}

/** NUL and other C0 controls never occur in a text table; they do in binary files. */
function hasBinaryControls(text: string): boolean {
	const end = Math.min(text.length, 65536);
	for (let i = 0; i < end; i++) {
		const c = text.charCodeAt(i);
		// Tab, line feed, vertical tab, form feed, carriage return and Ctrl-Z (old DOS ends) pass.
		if (c < 0x20 && (c < 0x09 || c > 0x0d) && c !== 0x1a) return true;
	}
	return false;
}

// --- CSV ---

function csvRows(text: string, fileName: string): SourceRow[] {
	// Excel's "text (tab delimited)" and "Unicode text" are .txt files separated by tabs.
	const tabbed = /\.(txt|tsv)$/i.test(fileName);
	const parsed = Papa.parse<string[]>(text, {
		skipEmptyLines: false,
		...(tabbed ? { delimiter: '\t' } : { delimitersToGuess: [',', '\t', ';', '|'] })
	});
	// Records, not lines: a quoted cell with a line break is still one row in Excel.
	return parsed.data.map((record, i) => ({
		rowNumber: i + 1,
		columnCount: record.length,
		text: (column) => ({ text: cleanText(record[column - 1] ?? ''), imprecise: false })
	}));
}

// --- XLSX ---

async function xlsxRows(bytes: Uint8Array): Promise<SourceRow[][]> {
	const workbook = new ExcelJS.Workbook();
	try {
		const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
	} catch {
		// A ZIP that is not a workbook (a .docx, a photo archive) or a damaged file.
		throw new RegistryFileError({ kind: 'not_spreadsheet' });
	}
	if (workbook.worksheets.length === 0) throw new RegistryFileError({ kind: 'not_spreadsheet' });
	return workbook.worksheets.map((sheet) => {
		const rows: SourceRow[] = [];
		sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
			// row.values is a sparse array indexed by column (1-based).
			const values = row.values as ExcelJS.CellValue[];
			rows.push({
				rowNumber,
				columnCount: values.length - 1,
				text: (column, field) => excelCellText(values[column], field)
			});
		});
		return rows;
	});
}

function excelCellText(value: ExcelJS.CellValue, field: RegistryField | null): CellText {
	const month = field !== null && MONTH_FIELDS.has(field);
	if (value === null || value === undefined) return { text: '', imprecise: false };
	if (typeof value === 'string') return { text: cleanText(value), imprecise: false };
	if (typeof value === 'number') return numberText(value, month);
	if (typeof value === 'boolean') return { text: value ? '是' : '否', imprecise: false };
	if (value instanceof Date) return { text: dateText(value, month), imprecise: false };
	if ('richText' in value) {
		return { text: cleanText(value.richText.map((r) => r.text).join('')), imprecise: false };
	}
	if ('hyperlink' in value) return excelCellText(value.text as ExcelJS.CellValue, field);
	if ('formula' in value || 'sharedFormula' in value) {
		return excelCellText(value.result as ExcelJS.CellValue, field);
	}
	// Error values (#N/A, #REF!, …) carry no data.
	return { text: '', imprecise: false };
}

function numberText(value: number, month: boolean): CellText {
	if (!Number.isFinite(value)) return { text: '', imprecise: false };
	// A month column holding a bare Excel date serial (1954–2119) rather than 202301.
	if (month && Number.isInteger(value) && value >= 20000 && value < 80000) {
		return {
			text: dateText(new Date(Date.UTC(1899, 11, 30) + value * 86400000), true),
			imprecise: false
		};
	}
	if (Number.isInteger(value)) {
		// BigInt prints every digit (no 1.30434e+17); beyond 2^53 those digits are a guess.
		return { text: BigInt(value).toString(), imprecise: !Number.isSafeInteger(value) };
	}
	// 15 significant digits is what Excel shows; it hides binary noise like 8500.499999999.
	return { text: String(Number(value.toPrecision(15))), imprecise: false };
}

/** Excel dates arrive as UTC midnight of the calendar day in the cell. */
function dateText(date: Date, month: boolean): string {
	const y = String(date.getUTCFullYear()).padStart(4, '0');
	const m = String(date.getUTCMonth() + 1).padStart(2, '0');
	if (month) return `${y}${m}`;
	return `${y}-${m}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

// --- shared ---

/**
 * Trims, and undoes the two tricks people use to keep Excel from turning long numbers into
 * 1.30434E+17: the formula ="130434…" in a CSV, and a leading apostrophe.
 */
function cleanText(raw: string): string {
	const text = raw.trim();
	if (text.length >= 3 && text.startsWith('="') && text.endsWith('"')) {
		return text.slice(2, -1).trim();
	}
	if (text.startsWith("'") && /^'\d/.test(text)) return text.slice(1);
	return text;
}

interface HeaderMatch {
	index: number;
	headers: SheetHeader[];
	columns: { column: number; field: RegistryField }[];
}

function findHeader(rows: SourceRow[]): HeaderMatch | null {
	for (let index = 0; index < rows.length; index++) {
		const row = rows[index];
		if (row.rowNumber > HEADER_SEARCH_ROWS) break;
		const headers: SheetHeader[] = [];
		const columns: HeaderMatch['columns'] = [];
		const seen = new Set<RegistryField>();
		for (let column = 1; column <= row.columnCount; column++) {
			const text = row.text(column, null).text;
			if (text === '') continue;
			let field = fieldForHeader(text);
			// The first column for a field wins; a repeat would overwrite it row by row.
			if (field !== null && seen.has(field)) field = null;
			if (field !== null) {
				seen.add(field);
				columns.push({ column, field });
			}
			headers.push({ column, text, field });
		}
		if (seen.size >= HEADER_MIN_FIELDS) return { index, headers, columns };
	}
	return null;
}

function buildSheet(format: RawSheet['format'], source: SourceRow[] | SourceRow[][]): RawSheet {
	// For a workbook, the first sheet that has a header: some files put notes first.
	const sheets = format === 'xlsx' ? (source as SourceRow[][]) : [source as SourceRow[]];
	let rows: SourceRow[] = [];
	let header: HeaderMatch | null = null;
	for (const sheet of sheets) {
		header = findHeader(sheet);
		if (header !== null) {
			rows = sheet;
			break;
		}
	}
	if (header === null) throw new RegistryFileError({ kind: 'header_not_found' });

	const { columns } = header;
	const nameColumn = columns.find((c) => c.field === 'name');
	const out: RawRow[] = [];
	for (let i = header.index + 1; i < rows.length; i++) {
		const row = rows[i];
		// Exports split into pages repeat the header row.
		if (nameColumn && fieldForHeader(row.text(nameColumn.column, 'name').text) === 'name') {
			continue;
		}
		const cells: RawCells = {};
		let imprecise: RegistryField[] | undefined;
		let blank = true;
		for (const { column, field } of columns) {
			const cell = row.text(column, field);
			cells[field] = cell.text;
			if (cell.text !== '') blank = false;
			if (cell.imprecise) (imprecise ??= []).push(field);
		}
		if (blank) continue;
		out.push(
			imprecise
				? { rowNumber: row.rowNumber, cells, imprecise }
				: { rowNumber: row.rowNumber, cells }
		);
	}
	const present = new Set(columns.map((c) => c.field));
	return {
		format,
		headerRowNumber: rows[header.index].rowNumber,
		headers: header.headers,
		rows: out,
		missingRequired: REQUIRED_FIELDS.filter((f) => !present.has(f))
	};
}
