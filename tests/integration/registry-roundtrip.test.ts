// A county's own export, imported back into the same county, must change nothing: the
// demo county (households, members, monitoring, measures, ledger) goes out in the national
// layout and comes back with 0 rejected rows and 0 changes. Then the figures the issue asks
// for: a 600-person export with seven bad rows.
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { seedDemoCounty } from '../../src/lib/server/demo';
import { DomainError } from '../../src/lib/server/errors';
import { exportHouseholds, registryExportTable } from '../../src/lib/server/households/export';
import { applyImport, previewImport } from '../../src/lib/server/households/import';
import { households, members, membershipEvents } from '../../src/lib/server/households/schema';
import { FORMULA_START } from '../../src/lib/server/csv';
import { incomeStanding, perCapitaNetIncomes } from '../../src/lib/server/income';
import { identityCheckCharacter } from '../../src/lib/identity';
import { actorFor, createUser } from './fixtures';
import { freshDatabase } from './helpers';

const TODAY = '2026-11-29';
let database: Database;
let admin: UserActor;
let countyId: string;

beforeAll(async () => {
	database = await freshDatabase();
	countyId = (await seedDemoCounty(database.db)).countyId;
	admin = (
		await actorFor(
			database.db,
			await createUser(database.db, countyId, 'county_admin', { username: 'roundtrip' })
		)
	).user;
}, 120_000);
afterAll(async () => {
	await database.close();
});

function csv(table: string[][]): Uint8Array {
	return new TextEncoder().encode(
		'\ufeff' + Papa.unparse(table, { newline: '\r\n', escapeFormulae: FORMULA_START })
	);
}

async function fileIssue(work: Promise<unknown>): Promise<string> {
	try {
		await work;
	} catch (caught) {
		if (caught instanceof DomainError) return `${caught.issues[0].field}:${caught.issues[0].key}`;
		throw caught;
	}
	throw new Error('expected a DomainError');
}

describe('export → re-import of the same county', () => {
	it('gives 0 rejected rows and 0 changes from a full-number CSV, and writes nothing', async () => {
		const file = await exportHouseholds(database.db, admin, {}, 'csv', true, TODAY);
		const [{ n: people }] = await database.db
			.select({ n: count() })
			.from(members)
			.where(and(eq(members.countyId, countyId), eq(members.current, true)));
		expect(file.rows).toBe(people);
		expect(people).toBeGreaterThan(500);

		const preview = await previewImport(database.db, admin, file.body, file.fileName, TODAY);
		expect(preview.problems).toEqual([]);
		expect(preview.households.rejected).toBe(0);
		expect(preview.households.new).toBe(0);
		expect(preview.updatedPeople).toEqual([]);
		expect(preview.updatedHouseholds).toEqual([]);
		expect(preview.households.updated).toBe(0);
		expect(preview.households.unchanged).toBe(preview.households.valid);
		expect(preview.members).toEqual({ valid: people, new: 0, updated: 0, unchanged: people });

		const before = await database.db.select().from(members).where(eq(members.countyId, countyId));
		const result = await applyImport(
			database.db,
			admin,
			file.body,
			file.fileName,
			preview.fileHash,
			TODAY
		);
		expect(result.households.updated).toBe(0);
		expect(result.members).toEqual({ created: 0, updated: 0, unchanged: people });
		const after = await database.db.select().from(members).where(eq(members.countyId, countyId));
		expect(after).toEqual(before);
	}, 120_000);

	it('gives 0 changes from an XLSX export too, and the next export is the same table', async () => {
		const first = await registryExportTable(database.db, admin, {}, true, TODAY);
		const file = await exportHouseholds(database.db, admin, {}, 'xlsx', true, TODAY);
		const preview = await previewImport(database.db, admin, file.body, file.fileName, TODAY);
		expect(preview.problems).toEqual([]);
		expect(preview.households.updated).toBe(0);
		expect(preview.members.updated).toBe(0);
		await applyImport(database.db, admin, file.body, file.fileName, preview.fileHash, TODAY);
		expect(await registryExportTable(database.db, admin, {}, true, TODAY)).toEqual(first);
	}, 120_000);

	it('says in one line that a masked export cannot be imported', async () => {
		const file = await exportHouseholds(database.db, admin, {}, 'csv', false, TODAY);
		expect(await fileIssue(previewImport(database.db, admin, file.body, 'masked.csv', TODAY))).toBe(
			'file:registry_file_masked_ids'
		);
	}, 60_000);

	it('says an empty file is empty, and a sheet with only its header has no rows', async () => {
		expect(
			await fileIssue(previewImport(database.db, admin, new Uint8Array(), 'x.csv', TODAY))
		).toBe('file:import_file_empty');
		const [header] = await registryExportTable(database.db, admin, {}, true, TODAY);
		expect(await fileIssue(previewImport(database.db, admin, csv([header]), 'x.csv', TODAY))).toBe(
			'file:registry_file_no_rows'
		);
	});

	it('neutralises formula cells in the CSV and keeps them text in the XLSX, and both come back unchanged', async () => {
		const [household] = await database.db
			.select()
			.from(households)
			.where(eq(households.countyId, countyId))
			.limit(1);
		const [person] = await database.db
			.select()
			.from(members)
			.where(and(eq(members.countyId, countyId), eq(members.householdId, household.id)))
			.limit(1);
		const hostile = '=HYPERLINK("http://evil.example","点我")';
		await database.db
			.update(members)
			.set({ name: hostile, personNumber: '@SUM(1+1)', ethnicity: '+汉族', education: '-1' })
			.where(eq(members.id, person.id));
		const filter = { query: household.householdNumber };

		const text = new TextDecoder().decode(
			(await exportHouseholds(database.db, admin, {}, 'csv', true, TODAY)).body
		);
		const cells = Papa.parse<string[]>(text.replace(/^\ufeff/, '')).data.flat();
		expect(cells.filter((c) => FORMULA_START.test(c))).toEqual([]);
		expect(cells).toContain(`'${hostile}`);
		expect(cells).toContain("'@SUM(1+1)");
		expect(cells).toContain("'+汉族");
		expect(cells).toContain("'-1");

		const xlsx = await exportHouseholds(database.db, admin, filter, 'xlsx', true, TODAY);
		const workbook = new ExcelJS.Workbook();
		await workbook.xlsx.load(Buffer.from(xlsx.body) as unknown as ExcelJS.Buffer);
		const found: ExcelJS.Cell[] = [];
		workbook.worksheets[0].eachRow((row) =>
			row.eachCell((cell) => {
				if (cell.text === hostile) found.push(cell);
				expect(cell.formula).toBeUndefined();
			})
		);
		expect(found).toHaveLength(1);
		expect(found[0].type).toBe(ExcelJS.ValueType.String);

		const full = await exportHouseholds(database.db, admin, {}, 'csv', true, TODAY);
		const preview = await previewImport(database.db, admin, full.body, full.fileName, TODAY);
		expect(preview.members.updated).toBe(0);
		expect(preview.households.updated).toBe(0);
	}, 120_000);

	it('registers a person first seen in an import with a membership event dated that day', async () => {
		const [header, first] = await registryExportTable(database.db, admin, {}, true, TODAY);
		const col = (name: string) => header.indexOf(name);
		const row = [...first];
		row[col('户编号')] = '1304341089999001';
		row[col('证件号码')] = '13043419900307001' + identityCheckCharacter('13043419900307001');
		row[col('与户主关系')] = '户主';
		row[col('性别')] = '男';
		row[col('姓名')] = '新来人';
		const file = csv([header, row]);
		const preview = await previewImport(database.db, admin, file, 'new.csv', '2026-11-30');
		expect(preview.problems).toEqual([]);
		await applyImport(database.db, admin, file, 'new.csv', preview.fileHash, '2026-11-30');
		const [person] = await database.db
			.select()
			.from(members)
			.where(and(eq(members.countyId, countyId), eq(members.name, '新来人')));
		const events = await database.db
			.select()
			.from(membershipEvents)
			.where(eq(membershipEvents.memberId, person.id));
		expect(events.map((e) => [e.kind, e.happenedOn])).toEqual([['registered', '2026-11-30']]);
	}, 60_000);
});

describe('a 600-person export with seven bad rows', () => {
	it('accepts every household but the ones with a bad row, and names each bad row', async () => {
		const [header, ...all] = await registryExportTable(database.db, admin, {}, true, TODAY);
		const col = (name: string) => header.indexOf(name);
		// Whole households, up to 600 people.
		const rows: string[][] = [];
		for (const row of all) {
			if (rows.length >= 600) {
				if (row[col('户编号')] !== rows[rows.length - 1][col('户编号')]) break;
			}
			rows.push([...row]);
		}
		const totalHouseholds = new Set(rows.map((r) => r[col('户编号')])).size;
		// Seven rows in seven different households, each wrong in its own way.
		const householdStarts = rows
			.map((r, i) => ({ r, i }))
			.filter(({ r }, i) => i === 0 || r[col('户编号')] !== rows[i - 1][col('户编号')]);
		const pick = (n: number) => householdStarts[n * 10].r;
		const id = pick(0)[col('证件号码')];
		pick(0)[col('证件号码')] = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
		pick(1)[col('姓名')] = '';
		pick(2)[col('性别')] = '未知';
		pick(3)[col('行政村')] = '不存在村';
		pick(4)[col('劳动技能')] = '全劳力';
		pick(5)[col('务工时间（月）')] = '13';
		pick(6)[col('联系电话')] = '12345';

		const preview = await previewImport(
			database.db,
			admin,
			csv([header, ...rows]),
			'bad.csv',
			TODAY
		);
		const peopleIn = (numbers: Set<string>) =>
			rows.filter((r) => numbers.has(r[col('户编号')])).length;
		const rejected = new Set([0, 1, 2, 3, 4, 5, 6].map((n) => pick(n)[col('户编号')]));
		expect(preview.problems).toHaveLength(7);
		expect(preview.households.rejected).toBe(7);
		expect(preview.households.valid).toBe(totalHouseholds - 7);
		expect(preview.members.valid).toBe(rows.length - peopleIn(rejected));
		// The figures for the closing note.
		console.log(
			`600-person file: ${rows.length} rows, ${totalHouseholds} households; accepted ${preview.households.valid} households / ${preview.members.valid} persons; rejected ${preview.households.rejected} households (${peopleIn(rejected)} persons); problems ${preview.problems.map((p) => `${p.rowNumber}:${p.key}`).join(', ')}`
		);
	}, 120_000);
});

describe('Levee’s per-capita net income in the export', () => {
	it('is, for every household, the figure the household page shows', async () => {
		const ids = (
			await database.db
				.select({ id: households.id })
				.from(households)
				.where(eq(households.countyId, countyId))
		).map((h) => h.id);
		const bulk = await perCapitaNetIncomes(database.db, countyId, ids, TODAY);
		expect(bulk.size).toBe(ids.length);
		let withIncome = 0;
		for (const id of ids) {
			const one = await incomeStanding(database.db, countyId, id, TODAY);
			expect(bulk.get(id), id).toBe(one.perCapitaFen);
			if (one.perCapitaFen) withIncome++;
		}
		// The demo county has a ledger: the comparison is not of empty accounts only.
		expect(withIncome).toBeGreaterThan(50);
	});
});
