import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import type { Db } from '../db';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { DomainError } from '../errors';
import { getCountyOptions } from '../monitoring';
import { exportHouseholdRows, type HouseholdFilter } from './list';
import LABELS from './registry/export-labels.json';
import { templateHeaderRow } from './registry/columns';

export type ExportFormat = 'csv' | 'xlsx';

export interface ExportFile {
	body: Uint8Array;
	contentType: string;
	fileName: string;
	rows: number;
}

const COLUMNS = Object.keys(LABELS.headers) as (keyof typeof LABELS.headers)[];

function label(map: Record<string, string>, value: string): string {
	return map[value] ?? value;
}

async function toFile(
	table: string[][],
	format: ExportFormat,
	baseName: string
): Promise<Omit<ExportFile, 'rows'>> {
	if (format === 'csv') {
		// A BOM, so that Excel on Chinese Windows opens the UTF-8 file correctly.
		const text = '\ufeff' + Papa.unparse(table, { newline: '\r\n' });
		return {
			body: new TextEncoder().encode(text),
			contentType: 'text/csv; charset=utf-8',
			fileName: `${baseName}.csv`
		};
	}
	const workbook = new ExcelJS.Workbook();
	const sheet = workbook.addWorksheet('Sheet1');
	for (const row of table) sheet.addRow(row);
	sheet.getRow(1).font = { bold: true };
	// Identity numbers and household numbers stay text: Excel would round them as numbers.
	sheet.columns.forEach((column) => {
		column.numFmt = '@';
		column.width = 16;
	});
	const buffer = await workbook.xlsx.writeBuffer();
	return {
		body: new Uint8Array(buffer as ArrayBuffer),
		contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		fileName: `${baseName}.xlsx`
	};
}

/**
 * The filtered household list as a file in the national registry's layout, one row per
 * person. Full identity numbers only for county admins who ask; every export is audited.
 */
export async function exportHouseholds(
	db: Db,
	actor: UserActor,
	filter: HouseholdFilter,
	format: ExportFormat,
	revealRequested: boolean,
	today: string
): Promise<ExportFile> {
	if (actor.role !== 'county_admin' && actor.role !== 'township_staff')
		throw DomainError.notFound();
	const reveal = revealRequested && actor.role === 'county_admin';
	const [rows, options] = await Promise.all([
		exportHouseholdRows(db, actor, filter, reveal),
		getCountyOptions(db, actor.countyId)
	]);
	const category = Object.fromEntries(
		options.category.map((o) => [o.code, o.code === 'ordinary' ? '' : o.nameZh])
	);
	const risk = Object.fromEntries(options.risk.map((o) => [o.code, o.nameZh]));
	const table = [
		COLUMNS.map((c) => LABELS.headers[c]),
		...rows.map((r) => [
			r.householdNumber,
			r.townshipName,
			r.villageName,
			r.address ?? '',
			r.phone ?? '',
			r.name,
			r.idNumber,
			r.relation,
			label(LABELS.sex, r.sex),
			r.birthDate,
			label(LABELS.labourCapacity, r.labourCapacity),
			label(LABELS.health, r.health),
			category[r.category] ?? r.category,
			label(LABELS.status, r.status),
			r.risks.map((code) => risk[code] ?? code).join('、')
		])
	];
	const file = await toFile(table, format, `households-${today}`);
	await recordAudit(db, actor, {
		countyId: actor.countyId,
		action: 'households.export',
		entity: 'county',
		entityId: actor.countyCode,
		after: { format, rows: rows.length, revealed: reveal, filter }
	});
	return { ...file, rows: rows.length };
}

/** An empty file with the national registry's columns, to fill in and import. */
export async function importTemplate(format: ExportFormat): Promise<Omit<ExportFile, 'rows'>> {
	return toFile([templateHeaderRow()], format, 'levee-import-template');
}
