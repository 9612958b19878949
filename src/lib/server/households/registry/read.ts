// Reads a national-registry export (XLSX, or CSV in UTF-8/GBK/UTF-16) into raw string cells
// keyed by field. Pure: bytes in, rows out; validate.ts decides what the cells mean.
import { open, readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
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

/**
 * The current row of either format. One reader is reused for every row, and cells are read
 * only for the columns the header names: a county file has ~300,000 rows of ~60 cells.
 */
interface RowReader {
	rowNumber: number;
	columnCount: number;
	/** Text of a 1-based column, formatted for the field it belongs to. */
	text(column: number, field: RegistryField | null): string;
	/** Whether the cell held a number too large to be exact. */
	imprecise(column: number): boolean;
}

export async function readRegistryFile(
	bytes: Uint8Array,
	fileName: string,
	options: ReadOptions = {}
): Promise<RawSheet> {
	const limitBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
	if (bytes.byteLength > limitBytes) throw new RegistryFileError({ kind: 'too_large', limitBytes });
	if (bytes.byteLength === 0) throw new RegistryFileError({ kind: 'empty' });

	if (startsWith(bytes, ZIP)) return readXlsx(bytes);
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
	return readCsv(text, fileName);
}

/** A file already on disk (an upload streamed to a temporary file): its first bytes and size. */
export interface RegistryFileOnDisk {
	path: string;
	size: number;
	/** The first bytes of the file (64 KiB or the whole file). */
	head: Uint8Array;
}

/**
 * A registry file's header and a way to read its data rows, a batch at a time, as often as
 * needed: a CSV on disk is parsed anew on each read and never held whole (a county file has
 * 300,000 rows); bytes in memory and XLSX files (small, see their limit) are read once.
 */
export interface RegistryRows extends Omit<RawSheet, 'rows'> {
	/** The data rows in file order, as RawSheet.rows holds them. */
	batches(): AsyncIterable<readonly RawRow[]>;
}

/**
 * readRegistryFile for bytes in memory or a file on disk (an upload), with the rows read on
 * demand: the same answers and the same problems.
 */
export async function openRegistryFile(
	file: Uint8Array | RegistryFileOnDisk,
	fileName: string,
	options: ReadOptions = {}
): Promise<RegistryRows> {
	if (file instanceof Uint8Array)
		return rowsOfSheet(await readRegistryFile(file, fileName, options));
	const limitBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
	if (file.size > limitBytes) throw new RegistryFileError({ kind: 'too_large', limitBytes });
	if (file.size === 0) throw new RegistryFileError({ kind: 'empty' });
	const head = file.head;
	if (startsWith(head, ZIP))
		return rowsOfSheet(await readXlsx(new Uint8Array(await readFile(file.path))));
	if (startsWith(head, OLE2)) throw new RegistryFileError({ kind: 'unsupported_excel' });
	if (BINARY_SIGNATURES.some((s) => startsWith(head, s))) {
		throw new RegistryFileError({ kind: 'not_spreadsheet' });
	}
	for (const encoding of textEncodings(file.head)) {
		if (!(await decodesAs(file, encoding))) continue;
		const { path } = file;
		// The header, from the first rows; the data rows are read when asked for.
		const builder = new SheetBuilder('csv');
		for await (const batch of csvRowBatches(path, encoding, fileName, builder)) {
			if (batch.length > 0) break;
		}
		const { rows: _, ...sheet } = builder.finish();
		return {
			...sheet,
			batches: () => csvRowBatches(path, encoding, fileName, new SheetBuilder('csv'))
		};
	}
	throw new RegistryFileError({ kind: 'not_spreadsheet' });
}

function rowsOfSheet(sheet: RawSheet): RegistryRows {
	const { rows, ...rest } = sheet;
	return {
		...rest,
		async *batches() {
			yield rows;
		}
	};
}

function textEncodings(head: Uint8Array): string[] {
	return startsWith(head, [0xff, 0xfe])
		? ['utf-16le']
		: startsWith(head, [0xfe, 0xff])
			? ['utf-16be']
			: ['utf-8', 'gbk'];
}

/**
 * Whether the whole file decodes in this encoding, checked before any row is handed on (a
 * fast pass without parsing), and its start is text rather than binary or HTML.
 */
async function decodesAs(file: RegistryFileOnDisk, encoding: string): Promise<boolean> {
	try {
		const start = new TextDecoder(encoding, { fatal: isFatal(encoding) }).decode(file.head, {
			stream: true
		});
		if (hasBinaryControls(start)) throw new RegistryFileError({ kind: 'not_spreadsheet' });
		if (/^\s*<(?:!doctype|html|\?xml|table)/i.test(start)) {
			throw new RegistryFileError({ kind: 'unsupported_excel' });
		}
		for await (const text of decodedChunks(file.path, encoding)) void text;
		return true;
	} catch (caught) {
		if (caught instanceof RegistryFileError) throw caught;
		if (caught instanceof TypeError || isInvalidEncoding(caught)) return false;
		throw caught;
	}
}

function isInvalidEncoding(caught: unknown): boolean {
	return (caught as { code?: unknown }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA';
}

/** UTF-16 is taken when the BOM says so, as readRegistryFile does; UTF-8 and GBK must decode. */
function isFatal(encoding: string): boolean {
	return !encoding.startsWith('utf-16');
}

/** The file's text, 256 KiB at a time; a byte sequence the encoding lacks throws TypeError. */
async function* decodedChunks(path: string, encoding: string): AsyncGenerator<string> {
	const handle = await open(path, 'r');
	try {
		const decoder = new TextDecoder(encoding, { fatal: isFatal(encoding) });
		const buffer = new Uint8Array(256 * 1024);
		for (;;) {
			const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
			if (bytesRead === 0) break;
			const text = decoder.decode(buffer.subarray(0, bytesRead), { stream: true });
			if (text !== '') yield text;
		}
		const rest = decoder.decode();
		if (rest !== '') yield rest;
	} finally {
		await handle.close();
	}
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

function readCsv(text: string, fileName: string): RawSheet {
	const builder = new SheetBuilder('csv');
	let record: string[] = [];
	const reader: RowReader = {
		rowNumber: 0,
		columnCount: 0,
		text: (column) => cleanText(record[column - 1] ?? ''),
		imprecise: () => false
	};
	// Excel's "text (tab delimited)" and "Unicode text" are .txt files separated by tabs.
	const tabbed = /\.(txt|tsv)$/i.test(fileName);
	// Row by row (synchronous for a string), so a parsed record is garbage as soon as it is read.
	Papa.parse<string[]>(text, {
		skipEmptyLines: false,
		...(tabbed ? { delimiter: '\t' } : { delimitersToGuess: [',', '\t', ';', '|'] }),
		step: (result, parser) => {
			record = result.data;
			// Records, not lines: a quoted cell with a line break is still one row in Excel.
			reader.rowNumber++;
			reader.columnCount = record.length;
			if (!builder.add(reader)) parser.abort();
		}
	});
	return builder.finish();
}

/** Rows parsed ahead of the reader at most (plus 256 KiB of text): the file is not read further until it catches up. */
const ROWS_AHEAD = 2_000;

/**
 * The CSV's data rows as the reader asks for them: Papa Parse parses each piece of text (256 KiB)
 * as it arrives, and the next piece is read only when fewer than ROWS_AHEAD parsed rows
 * wait, so a slow reader (the import writing a chunk) keeps memory flat.
 */
async function* csvRowBatches(
	path: string,
	encoding: string,
	fileName: string,
	builder: SheetBuilder
): AsyncGenerator<RawRow[]> {
	let queue: RawRow[] = [];
	let done = false;
	let stopped = false;
	let failure: unknown = null;
	let wakeReader: (() => void) | null = null;
	let wakeFile: (() => void) | null = null;
	const wake = (which: 'reader' | 'file') => {
		const w = which === 'reader' ? wakeReader : wakeFile;
		if (which === 'reader') wakeReader = null;
		else wakeFile = null;
		w?.();
	};
	builder.sink = (row) => queue.push(row);
	async function* gatedText(): AsyncGenerator<string> {
		for await (const text of decodedChunks(path, encoding)) {
			while (queue.length >= ROWS_AHEAD && !stopped) {
				await new Promise<void>((resolve) => (wakeFile = resolve));
			}
			if (stopped) return;
			yield text;
		}
	}
	const source = Readable.from(gatedText(), { objectMode: true, highWaterMark: 1 });
	let record: string[] = [];
	const reader: RowReader = {
		rowNumber: 0,
		columnCount: 0,
		text: (column) => cleanText(record[column - 1] ?? ''),
		imprecise: () => false
	};
	const tabbed = /\.(txt|tsv)$/i.test(fileName);
	Papa.parse<string[]>(source as unknown as File, {
		skipEmptyLines: false,
		...(tabbed ? { delimiter: '\t' } : { delimitersToGuess: [',', '\t', ';', '|'] }),
		step: (result, parser) => {
			if (done) return;
			record = result.data;
			reader.rowNumber++;
			reader.columnCount = record.length;
			if (!builder.add(reader)) {
				parser.abort();
				done = true;
			}
			wake('reader');
		},
		complete: () => {
			done = true;
			wake('reader');
		},
		error: (caught: unknown) => {
			failure = caught;
			done = true;
			wake('reader');
		}
	});
	try {
		for (;;) {
			if (queue.length > 0) {
				const batch = queue;
				queue = [];
				wake('file');
				yield batch;
				continue;
			}
			if (failure !== null) throw failure;
			if (done) return;
			await new Promise<void>((resolve) => (wakeReader = resolve));
		}
	} finally {
		stopped = true;
		wake('file');
		source.destroy();
	}
}

// --- XLSX ---

async function readXlsx(bytes: Uint8Array): Promise<RawSheet> {
	const workbook = new ExcelJS.Workbook();
	try {
		const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
	} catch {
		// A ZIP that is not a workbook (a .docx, a photo archive) or a damaged file.
		throw new RegistryFileError({ kind: 'not_spreadsheet' });
	}
	if (workbook.worksheets.length === 0) throw new RegistryFileError({ kind: 'not_spreadsheet' });
	// The first sheet that has a header: some files put notes or instructions first.
	for (const sheet of workbook.worksheets) {
		const builder = new SheetBuilder('xlsx');
		let values: ExcelJS.CellValue[] = [];
		const reader: RowReader = {
			rowNumber: 0,
			columnCount: 0,
			text: (column, field) => excelCellText(values[column], field),
			imprecise: (column) => {
				let value = values[column];
				if (value !== null && typeof value === 'object' && 'result' in value) value = value.result;
				return typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value);
			}
		};
		let reading = true;
		sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
			if (!reading) return;
			// row.values is a sparse array indexed by column (1-based).
			values = row.values as ExcelJS.CellValue[];
			reader.rowNumber = rowNumber;
			reader.columnCount = values.length - 1;
			reading = builder.add(reader);
		});
		if (builder.hasHeader) return builder.finish();
	}
	throw new RegistryFileError({ kind: 'header_not_found' });
}

function excelCellText(value: ExcelJS.CellValue, field: RegistryField | null): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return cleanText(value);
	if (typeof value === 'number')
		return numberText(value, field !== null && MONTH_FIELDS.has(field));
	if (typeof value === 'boolean') return value ? '是' : '否';
	if (value instanceof Date) return dateText(value, field !== null && MONTH_FIELDS.has(field));
	if ('richText' in value) return cleanText(value.richText.map((r) => r.text).join(''));
	if ('hyperlink' in value) return excelCellText(value.text as ExcelJS.CellValue, field);
	if ('formula' in value || 'sharedFormula' in value) {
		return excelCellText(value.result as ExcelJS.CellValue, field);
	}
	// Error values (#N/A, #REF!, …) carry no data.
	return '';
}

function numberText(value: number, month: boolean): string {
	if (!Number.isFinite(value)) return '';
	// A month column holding a bare Excel date serial (1954–2119) rather than 202301.
	if (month && Number.isInteger(value) && value >= 20000 && value < 80000) {
		return dateText(new Date(Date.UTC(1899, 11, 30) + value * 86400000), true);
	}
	// BigInt prints every digit (no 1.30434e+17); beyond 2^53 those digits are a guess, which
	// RowReader.imprecise reports.
	if (Number.isInteger(value)) return BigInt(value).toString();
	// 15 significant digits is what Excel shows; it hides binary noise like 8500.499999999.
	return String(Number(value.toPrecision(15)));
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
	// A leading apostrophe also neutralises a formula-like cell (=, +, -, @, tab, CR) in
	// Levee's own CSV exports; the value is what follows it.
	if (text.startsWith("'") && /^'[\d=+\-@\t\r]/.test(text)) return text.slice(1).trim();
	return text;
}

interface Header {
	rowNumber: number;
	headers: SheetHeader[];
	columns: { column: number; field: RegistryField }[];
	nameColumn: number | null;
	/**
	 * Every field of the header, empty. Rows start as a copy: V8 keeps such an object in fast
	 * mode, while ~60 properties added one by one through cells[field] would turn it into a
	 * hash table, which costs several seconds of garbage collection on a county file.
	 */
	blankCells: RawCells;
}

/** Finds the header among the first rows, then turns each later row into RawCells. */
class SheetBuilder {
	private header: Header | null = null;
	private readonly rows: RawRow[] = [];
	/** Where data rows go; by default they are kept for finish(). */
	sink: (row: RawRow) => void = (row) => this.rows.push(row);

	constructor(private readonly format: RawSheet['format']) {}

	get hasHeader(): boolean {
		return this.header !== null;
	}

	/** false once it is clear the header will not come: the caller may stop reading. */
	add(row: RowReader): boolean {
		const header = this.header;
		if (header === null) {
			if (row.rowNumber > HEADER_SEARCH_ROWS) return false;
			this.header = matchHeader(row);
			return true;
		}
		// Exports split into pages repeat the header row.
		if (
			header.nameColumn !== null &&
			fieldForHeader(row.text(header.nameColumn, 'name')) === 'name'
		) {
			return true;
		}
		const cells: RawCells = { ...header.blankCells };
		let imprecise: RegistryField[] | undefined;
		let blank = true;
		for (const { column, field } of header.columns) {
			const text = row.text(column, field);
			cells[field] = text;
			if (text !== '') blank = false;
			if (row.imprecise(column)) (imprecise ??= []).push(field);
		}
		if (!blank) {
			this.sink(
				imprecise
					? { rowNumber: row.rowNumber, cells, imprecise }
					: { rowNumber: row.rowNumber, cells }
			);
		}
		return true;
	}

	finish(): RawSheet {
		const header = this.header;
		if (header === null) throw new RegistryFileError({ kind: 'header_not_found' });
		const present = new Set(header.columns.map((c) => c.field));
		return {
			format: this.format,
			headerRowNumber: header.rowNumber,
			headers: header.headers,
			rows: this.rows,
			missingRequired: REQUIRED_FIELDS.filter((f) => !present.has(f))
		};
	}
}

/** The row as a header, when it names at least HEADER_MIN_FIELDS known columns. */
function matchHeader(row: RowReader): Header | null {
	const headers: SheetHeader[] = [];
	const columns: Header['columns'] = [];
	const seen = new Set<RegistryField>();
	for (let column = 1; column <= row.columnCount; column++) {
		const text = row.text(column, null);
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
	if (seen.size < HEADER_MIN_FIELDS) return null;
	const nameColumn = columns.find((c) => c.field === 'name')?.column ?? null;
	const blankCells: RawCells = Object.fromEntries(columns.map((c) => [c.field, '']));
	return { rowNumber: row.rowNumber, headers, columns, nameColumn, blankCells };
}
