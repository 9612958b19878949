import ExcelJS from 'exceljs';
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { toCsv } from '../csv';
import { counties, divisions } from '../divisions/schema';
import { DomainError } from '../errors';
import { perCapitaAt } from '../income/account';
import { getCountyOptions, monitoringRowsOf } from '../monitoring';
import type { monitoringRecords } from '../monitoring/schema';
import { maskIdentityNumber } from '../../identity';
import { exportHouseholdMembers, type HouseholdFilter } from './list';
import LABELS from './registry/export-labels.json';
import {
	columnHeader,
	RISK_FIELDS,
	templateHeaderRow,
	type RegistryField
} from './registry/columns';
import { measureColumn, measureText, registryValues, riskWord } from './registry/words';
import { HEAD_OF_HOUSEHOLD } from './schema';

export type ExportFormat = 'csv' | 'xlsx';

export interface ExportFile {
	body: Uint8Array;
	contentType: string;
	fileName: string;
	rows: number;
}

/** Levee's own columns, beside the registry's: not read back by the import. */
type ExtraColumn = 'computedIncome' | 'address';

/**
 * The national registry's layout (domain.md), in its order; Levee's computed per-capita
 * income stands beside the reported one, and the address (Levee's own) comes last.
 */
export const EXPORT_LAYOUT: readonly (RegistryField | ExtraColumn)[] = [
	'seq',
	'county',
	'township',
	'village',
	'naturalVillage',
	'householdNumber',
	'personNumber',
	'name',
	'idNumber',
	'householdSize',
	'relation',
	'sex',
	'ethnicity',
	'education',
	'schooling',
	'health',
	'labourSkill',
	'workStatus',
	'workPlace',
	'workMonths',
	'seriousIllnessInsurance',
	'householdType',
	'monitoringCategory',
	...RISK_FIELDS,
	'identifiedMonth',
	'riskEliminated',
	'eliminationMethod',
	'eliminatedMonth',
	'netIncomePerCapita',
	'computedIncome',
	'phone',
	'povertyExitType',
	'povertyExitYear',
	'minimumLivingAllowance',
	'extremePovertySupport',
	'fullNoLabourSupport',
	'dangerousHousing',
	'drinkingWaterSafety',
	'measureIndustry',
	'measureEmployment',
	'measurePublicWelfareJob',
	'measureFinance',
	'measureDevelopment',
	'measureDrinkingWater',
	'measureHealth',
	'measureEducation',
	'measureHousing',
	'measureSocialAssistance',
	'measureOther',
	'address'
];

export function exportHeaderRow(): string[] {
	return EXPORT_LAYOUT.map((c) =>
		c === 'computedIncome' || c === 'address' ? LABELS.headers[c] : columnHeader(c)
	);
}

/** Integer fen as yuan the way a registry cell writes it: 8500, 8533.30, -120.05. */
export function fenText(fen: number | null): string {
	if (fen === null) return '';
	const sign = fen < 0 ? '-' : '';
	const abs = Math.abs(fen);
	const yuan = Math.trunc(abs / 100);
	const cents = abs % 100;
	return cents === 0 ? `${sign}${yuan}` : `${sign}${yuan}.${String(cents).padStart(2, '0')}`;
}

function yesNo(value: boolean | null): string {
	return value === null ? '' : value ? '是' : '否';
}

function month(date: string | null): string {
	return date ? date.slice(0, 4) + date.slice(5, 7) : '';
}

async function toFile(
	table: string[][],
	format: ExportFormat,
	baseName: string
): Promise<Omit<ExportFile, 'rows'>> {
	if (format === 'csv') {
		return {
			body: new TextEncoder().encode(toCsv(table)),
			contentType: 'text/csv; charset=utf-8',
			fileName: `${baseName}.csv`
		};
	}
	const workbook = new ExcelJS.Workbook();
	const sheet = workbook.addWorksheet('Sheet1');
	// Every cell is a string, so a value like =HYPERLINK(…) is text, never a formula.
	for (const row of table) sheet.addRow(row.map((cell) => String(cell)));
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
 * The rows of the filtered households in the national registry's layout, header first.
 * Identity numbers are masked unless `reveal`.
 */
export async function registryExportTable(
	db: Db,
	actor: UserActor,
	filter: HouseholdFilter,
	reveal: boolean,
	today: string
): Promise<string[][]> {
	const countyId = actor.countyId;
	const [rows, options, [county]] = await Promise.all([
		exportHouseholdMembers(db, actor, filter),
		getCountyOptions(db, countyId),
		db.select().from(counties).where(eq(counties.id, countyId))
	]);
	const ids = [...new Set(rows.map((r) => r.household.id))];
	const records = new Map<string, typeof monitoringRecords.$inferSelect>();
	const risks = new Map<string, string[]>();
	const measures = new Map<string, Map<RegistryField, string[]>>();
	const {
		records: recordRows,
		risks: riskRows,
		measures: measureRows
	} = await monitoringRowsOf(db, countyId, ids);
	for (const r of recordRows) records.set(r.householdId, r);
	const order = new Map(options.risk.map((o, i) => [o.code, i]));
	riskRows.sort((a, b) => (order.get(a.risk) ?? 99) - (order.get(b.risk) ?? 99));
	for (const r of riskRows) {
		risks.set(r.householdId, [
			...(risks.get(r.householdId) ?? []),
			riskWord(r.risk, r.written, options)
		]);
	}
	measureRows.sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
	for (const m of measureRows) {
		let byColumn = measures.get(m.householdId);
		if (!byColumn) measures.set(m.householdId, (byColumn = new Map()));
		const column = measureColumn(m.measure);
		byColumn.set(column, [
			...(byColumn.get(column) ?? []),
			measureText(m.measure, m.description, options)
		]);
	}
	const [incomes, places] = await Promise.all([
		perCapitaAt(db, countyId, ids, today),
		placeNames(
			db,
			rows.map((r) => r.household.villageCode)
		)
	]);
	const categoryWord = new Map(
		options.category.map((o) => [o.code, o.code === 'ordinary' ? '' : o.nameZh])
	);

	// Row position within the household and its size, for household-level cells.
	const sizes = new Map<string, number>();
	for (const r of rows) sizes.set(r.household.id, (sizes.get(r.household.id) ?? 0) + 1);
	const phonesOf = new Map<string, (string | null)[]>();
	for (const r of rows) {
		if (r.member.relation !== HEAD_OF_HOUSEHOLD)
			phonesOf.set(r.household.id, [...(phonesOf.get(r.household.id) ?? []), r.member.phone]);
	}
	const positions = new Map<string, number>();

	const table: string[][] = [exportHeaderRow()];
	rows.forEach(({ household: h, member: p }, index) => {
		const position = positions.get(h.id) ?? 0;
		positions.set(h.id, position + 1);
		const record = records.get(h.id);
		const monitored = !!record && record.category !== 'ordinary';
		const householdRisks = risks.get(h.id) ?? [];
		const registry = registryValues(p);
		const place = places.get(h.villageCode);
		const isHead = p.relation === HEAD_OF_HOUSEHOLD;
		// The head's phone is the household's, unless another member gave that number.
		const phone =
			p.phone ??
			(isHead && h.phone && !(phonesOf.get(h.id) ?? []).includes(h.phone) ? h.phone : null);
		const measureCell = (column: RegistryField) => {
			const texts = measures.get(h.id)?.get(column) ?? [];
			// One measure per member row, so several of a kind come back as several.
			if (position < sizes.get(h.id)! - 1) return texts[position] ?? '';
			return texts.slice(position).join('；');
		};
		const cells: Record<RegistryField | ExtraColumn, string> = {
			seq: String(index + 1),
			province: county?.provinceName ?? '',
			city: county?.cityName ?? '',
			county: county?.name ?? '',
			township: place?.township ?? '',
			village: place?.village ?? '',
			naturalVillage: h.naturalVillage ?? '',
			householdNumber: h.householdNumber,
			personNumber: p.personNumber ?? '',
			name: p.name,
			idNumber: reveal ? p.idNumber : maskIdentityNumber(p.idNumber),
			householdSize: String(sizes.get(h.id)),
			relation: p.relation,
			sex: LABELS.sex[p.sex],
			ethnicity: p.ethnicity ?? '',
			phone: phone ?? '',
			education: p.education ?? '',
			schooling: registry.schooling ?? '',
			health: registry.healthStatus,
			labourSkill: registry.labourSkill,
			workStatus: registry.workStatus ?? '',
			workPlace: p.workPlace ?? '',
			workMonths: p.workMonths === null ? '' : String(p.workMonths),
			seriousIllnessInsurance: yesNo(p.seriousIllnessInsurance),
			householdType: h.householdType ?? '',
			povertyExitType: h.povertyExitType ?? '',
			povertyExitYear: h.povertyExitYear === null ? '' : String(h.povertyExitYear),
			netIncomePerCapita: fenText(h.reportedIncomePerCapitaFen),
			computedIncome: fenText(incomes.get(h.id) ?? null),
			minimumLivingAllowance: h.minimumLivingAllowance ?? '',
			extremePovertySupport: h.extremePovertySupport ?? '',
			fullNoLabourSupport: yesNo(h.fullNoLabourSupport),
			dangerousHousing: h.dangerousHousing ?? '',
			drinkingWaterSafety: h.drinkingWaterSafety ?? '',
			monitoringCategory: monitored ? (categoryWord.get(record.category) ?? record.category) : '',
			// Five columns; more risks than that share the last one, as the import reads them.
			risk1: monitored ? (householdRisks[0] ?? '') : '',
			risk2: monitored ? (householdRisks[1] ?? '') : '',
			risk3: monitored ? (householdRisks[2] ?? '') : '',
			risk4: monitored ? (householdRisks[3] ?? '') : '',
			risk5: monitored ? householdRisks.slice(4).join('、') : '',
			identifiedMonth: monitored ? month(record.monitoredSince) : '',
			riskEliminated: monitored ? LABELS.status[record.status] : '',
			eliminationMethod: monitored ? (record.eliminationMethod ?? '') : '',
			eliminatedMonth: monitored ? month(record.eliminatedOn) : '',
			measureIndustry: measureCell('measureIndustry'),
			measureEmployment: measureCell('measureEmployment'),
			measurePublicWelfareJob: measureCell('measurePublicWelfareJob'),
			measureFinance: measureCell('measureFinance'),
			measureDevelopment: measureCell('measureDevelopment'),
			measureDrinkingWater: measureCell('measureDrinkingWater'),
			measureHealth: measureCell('measureHealth'),
			measureEducation: measureCell('measureEducation'),
			measureHousing: measureCell('measureHousing'),
			measureSocialAssistance: measureCell('measureSocialAssistance'),
			measureOther: measureCell('measureOther'),
			address: h.address ?? ''
		};
		table.push(EXPORT_LAYOUT.map((c) => cells[c]));
	});
	return table;
}

/** The official township and village names (the registry's spelling) of villages. */
async function placeNames(db: Db, villageCodes: string[]) {
	const codes = [...new Set(villageCodes.flatMap((c) => [c, c.slice(0, 9)]))];
	const names = new Map<string, string>();
	for (let i = 0; i < codes.length; i += 5000) {
		const rows = await db
			.select({ code: divisions.code, name: divisions.name, officialName: divisions.officialName })
			.from(divisions)
			.where(inArray(divisions.code, codes.slice(i, i + 5000)));
		for (const r of rows) names.set(r.code, r.officialName ?? r.name);
	}
	const places = new Map<string, { township: string; village: string }>();
	for (const code of new Set(villageCodes)) {
		places.set(code, {
			township: names.get(code.slice(0, 9)) ?? '',
			village: names.get(code) ?? ''
		});
	}
	return places;
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
	const table = await registryExportTable(db, actor, filter, reveal, today);
	const rows = table.length - 1;
	const file = await toFile(table, format, `households-${today}`);
	await recordAudit(db, actor, {
		countyId: actor.countyId,
		action: 'households.export',
		entity: 'county',
		entityId: actor.countyCode,
		after: { format, rows, revealed: reveal, filter }
	});
	return { ...file, rows };
}

/** An empty file with the national registry's columns, to fill in and import. */
export async function importTemplate(format: ExportFormat): Promise<Omit<ExportFile, 'rows'>> {
	return toFile([templateHeaderRow()], format, 'levee-import-template');
}
