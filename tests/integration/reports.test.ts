import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { systemActor, type UserActor } from '../../src/lib/server/auth/actor';
import { newId } from '../../src/lib/server/db/ids';
import { auditLog } from '../../src/lib/server/audit/schema';
import { postLedgerEntry, type Posting } from '../../src/lib/server/income';
import { householdIncomeMonths, householdStandings } from '../../src/lib/server/income/schema';
import { monitoringRecords } from '../../src/lib/server/monitoring/schema';
import { warnings } from '../../src/lib/server/warnings/schema';
import { insuranceFundEntries } from '../../src/lib/server/insurance/schema';
import { setMonitoringLine } from '../../src/lib/server/settings';
import { DomainError } from '../../src/lib/server/errors';
import {
	REPORT_KINDS,
	buildReport,
	exportReport,
	reportToXlsx,
	type Report,
	type ReportCell
} from '../../src/lib/server/reports';
import { monitoredHouseholdChunks } from '../../src/lib/server/reports/households';
import { xlsxValue } from '../../src/lib/server/reports/xlsx';
import { actorFor, addInsuranceWorld, buildWorld, type World } from './fixtures';
import { freshDatabase } from './helpers';
import { todayInChina } from '../../src/lib/format';

// Each report against the records it sums, in each person's scope, and its XLSX file
// against the page's rows.

const PERIOD = { from: '2026-01-01', to: '2026-11-30' };
let database: Database;
let world: World;
let admin: UserActor;
let staffIn: UserActor;
let staffOut: UserActor;
let grid: UserActor;

function posting(
	householdId: string,
	amountFen: number,
	businessDate: string,
	over: Partial<Posting> = {}
): Posting {
	return {
		countyId: world.countyA.id,
		householdId,
		businessDate,
		amountFen,
		kind: 'transfer',
		subtype: 'dibao',
		source: 'manual',
		...over
	};
}

beforeAll(async () => {
	database = await freshDatabase();
	const db = database.db;
	world = await buildWorld(db);
	admin = (await actorFor(db, world.userIds.admin)).user;
	staffIn = (await actorFor(db, world.userIds.staffIn)).user;
	staffOut = (await actorFor(db, world.userIds.staffOut)).user;
	grid = (await actorFor(db, world.userIds.gridIn)).user;
	await setMonitoringLine(db, world.countyA.id, 2026, 750000);
	await setMonitoringLine(db, world.countyA.id, 2025, 720000);
	const h = world.households;
	const records: [string, string, 'monitored' | 'eliminated' | 'not_monitored'][] = [
		[world.countyA.id, h.inScope, 'monitored'],
		[world.countyA.id, h.inScope2, 'eliminated'],
		[world.countyA.id, h.outOfScope, 'monitored'],
		[world.countyB.id, h.otherCounty, 'monitored']
	];
	for (const [countyId, householdId, status] of records)
		await db
			.insert(monitoringRecords)
			.values({ countyId, householdId, status, category: 'marginal', monitoredSince: '2025-03-01' })
			.onConflictDoUpdate({
				target: [monitoringRecords.countyId, monitoringRecords.householdId],
				set: { status }
			});
	const system = systemActor('test');
	const postings: Posting[] = [
		posting(h.inScope, 300000, '2026-02-10'),
		posting(h.inScope, 120000, '2026-03-05', { kind: 'wage', subtype: 'public_welfare_job' }),
		posting(h.inScope, 50000, '2026-03-06', { kind: 'production_cost', subtype: 'seed' }),
		posting(h.inScope2, 900000, '2026-04-01', { kind: 'property', subtype: 'pv_dividend' }),
		posting(h.outOfScope, 200000, '2026-05-20'),
		// Before the period: in the standing, not in the period's payments.
		posting(h.inScope, 70000, '2025-12-20')
	];
	for (const p of postings) await postLedgerEntry(db, system, p);
	await postLedgerEntry(db, system, {
		countyId: world.countyB.id,
		householdId: h.otherCounty,
		businessDate: '2026-02-01',
		amountFen: 500000,
		kind: 'transfer',
		subtype: 'dibao',
		source: 'manual'
	});
	// Warnings: one verified in 3 days and closed in 10; one verified late; one open past due.
	const warning = (householdId: string, over: Partial<typeof warnings.$inferInsert>) => ({
		countyId: world.countyA.id,
		id: newId(),
		householdId,
		kind: 'visit' as const,
		source: 'person' as const,
		raisedOn: '2026-06-01',
		dueOn: '2026-06-08',
		...over
	});
	await db.insert(warnings).values([
		warning(h.inScope, {
			status: 'closed',
			verifiedOn: '2026-06-04',
			closedOn: '2026-06-11',
			decision: 'assist'
		}),
		warning(h.inScope2, {
			kind: 'income_below_line',
			source: 'rule',
			status: 'verified',
			verifiedOn: '2026-06-12'
		}),
		warning(h.outOfScope, { raisedOn: '2026-07-01', dueOn: '2026-07-08' }),
		// Outside the period.
		warning(h.outOfScope, { kind: 'staff', raisedOn: '2025-07-01', dueOn: '2025-07-08' })
	]);
	await addInsuranceWorld(db, world);
});
afterAll(async () => {
	await database.close();
});

const table = (report: Report, index: number) => report.tables[index];
const column = (report: Report, index: number, key: string) =>
	table(report, index).rows.map((r) => r[key]);
const total = (rows: Record<string, ReportCell>[], key: string) =>
	rows.reduce((t, r) => t + Number(r[key] ?? 0), 0);

describe('the monitored households report', () => {
	it('lists the monitored and eliminated households of the county with their stored standing', async () => {
		const report = await buildReport(database.db, admin, 'households', PERIOD);
		const list = table(report, 1);
		expect(list.rows).toHaveLength(3);
		expect(list.rowCount).toBe(3);
		const standings = await database.db
			.select()
			.from(householdStandings)
			.where(eq(householdStandings.countyId, world.countyA.id));
		for (const row of list.rows) {
			expect(row.status).toMatch(/监测中|风险已消除/);
			const [household] = await database.db.query.households.findMany({
				where: (t, { eq: equals }) => equals(t.householdNumber, String(row.number))
			});
			const standing = standings.find((s) => s.householdId === household.id);
			expect(row.netFen).toBe(standing?.netFen ?? null);
			expect(row.perCapitaFen).toBe(standing?.perCapitaFen ?? null);
			expect(row.lineFen).toBe(standing?.lineFen ?? null);
			if (standing?.perCapitaFen != null && standing.lineFen != null)
				expect(row.gapFen).toBe(standing.perCapitaFen - standing.lineFen);
		}
		const summary = table(report, 0);
		expect(summary.totals?.households).toBe(3);
		expect(summary.totals?.monitored).toBe(2);
		expect(summary.totals?.eliminated).toBe(1);
		expect(total(summary.rows, 'below') + total(summary.rows, 'near')).toBeLessThanOrEqual(3);
		expect(Number(summary.totals?.below) + Number(summary.totals?.unknown)).toBeLessThanOrEqual(3);
	});

	it('shows township staff their townships only, and refuses a township outside them', async () => {
		const report = await buildReport(database.db, staffIn, 'households', PERIOD);
		expect(table(report, 1).rows).toHaveLength(2);
		expect(column(report, 0, 'township')).toEqual(['东代固镇']);
		await expect(
			buildReport(database.db, staffIn, 'households', {
				...PERIOD,
				townshipCodes: [world.townshipOut]
			})
		).rejects.toMatchObject({ code: 'not_found' });
		const filtered = await buildReport(database.db, admin, 'households', {
			...PERIOD,
			townshipCodes: [world.townshipOut]
		});
		expect(table(filtered, 1).rows).toHaveLength(1);
		expect(filtered.area).toContain('前大磨乡');
	});

	it('caps the page and reads the whole list in chunks for the file', async () => {
		const { monitoredHouseholdsReport } = await import('../../src/lib/server/reports/households');
		const capped = await monitoredHouseholdsReport(database.db, admin, PERIOD, 2);
		expect(table(capped, 1).rows).toHaveLength(2);
		expect(table(capped, 1).rowCount).toBe(3);
		const chunks: number[] = [];
		const numbers: ReportCell[] = [];
		for await (const chunk of monitoredHouseholdChunks(database.db, admin, PERIOD, 2)) {
			chunks.push(chunk.length);
			numbers.push(...chunk.map((r) => r.number));
		}
		expect(chunks).toEqual([2, 1]);
		const full = await buildReport(database.db, admin, 'households', PERIOD);
		expect(numbers).toEqual(column(full, 1, 'number'));
	});
});

describe('the payments report', () => {
	it('sums the monthly income summary per program, month and township, income only', async () => {
		const report = await buildReport(database.db, admin, 'payments', PERIOD);
		const summary = await database.db
			.select()
			.from(householdIncomeMonths)
			.where(eq(householdIncomeMonths.countyId, world.countyA.id));
		const expected = summary
			.filter(
				(r) =>
					r.month >= '2026-01-01' &&
					r.month <= '2026-11-01' &&
					['wage', 'operating', 'property', 'transfer'].includes(r.kind)
			)
			.reduce((t, r) => t + r.amountFen, 0);
		expect(expected).toBe(300000 + 120000 + 900000 + 200000);
		expect(table(report, 0).totals?.totalFen).toBe(expected);
		expect(table(report, 1).totals?.totalFen).toBe(expected);
		expect(total(table(report, 1).rows, 'totalFen')).toBe(expected);
		expect(table(report, 0).totals?.households).toBe(3);
		expect(table(report, 0).totals?.entries).toBe(4);
	});

	it('leaves out the households of other townships for township staff', async () => {
		const report = await buildReport(database.db, staffIn, 'payments', PERIOD);
		expect(table(report, 0).totals?.totalFen).toBe(300000 + 120000 + 900000);
		expect(column(report, 1, 'township').every((t) => t === '东代固镇')).toBe(true);
		const out = await buildReport(database.db, staffOut, 'payments', PERIOD);
		expect(table(out, 0).totals?.totalFen).toBe(200000);
	});
});

describe('the warnings report', () => {
	/** The county's warnings raised in the period, straight from the table. */
	async function warningRecords(townships: string[] | null) {
		const rows = await database.db.query.warnings.findMany({
			where: (t, { and: all, eq: equals, gte, lte }) =>
				all(
					equals(t.countyId, world.countyA.id),
					gte(t.raisedOn, PERIOD.from),
					lte(t.raisedOn, PERIOD.to)
				)
		});
		const townshipOf = new Map(
			(await database.db.query.households.findMany()).map((h) => [h.id, h.villageCode.slice(0, 9)])
		);
		return rows.filter(
			(w) => townships === null || townships.includes(townshipOf.get(w.householdId)!)
		);
	}
	const days = (a: string, b: string) => (Date.parse(a) - Date.parse(b)) / 86_400_000;
	const average = (values: number[]) =>
		values.length === 0
			? null
			: Math.round((values.reduce((t, v) => t + v, 0) / values.length) * 10) / 10;

	it('counts raised, verified, closed and overdue warnings of the period with the days taken', async () => {
		const report = await buildReport(database.db, admin, 'warnings', PERIOD);
		const records = await warningRecords(null);
		const today = todayInChina();
		const totals = table(report, 0).totals!;
		expect(totals.raised).toBe(records.length);
		expect(totals.verified).toBe(records.filter((w) => w.verifiedOn).length);
		expect(totals.closed).toBe(records.filter((w) => w.closedOn).length);
		expect(totals.verifyDays).toBe(
			average(records.filter((w) => w.verifiedOn).map((w) => days(w.verifiedOn!, w.raisedOn)))
		);
		expect(totals.closeDays).toBe(
			average(records.filter((w) => w.closedOn).map((w) => days(w.closedOn!, w.raisedOn)))
		);
		expect(totals.overdue).toBe(
			records.filter((w) => (w.verifiedOn ? w.verifiedOn > w.dueOn : w.dueOn < today)).length
		);
		expect(total(table(report, 0).rows, 'raised')).toBe(records.length);
		expect(table(report, 1).rows).toHaveLength(records.length);
		// The visit warning verified in 3 days and closed in 10 is in the list as such.
		const closed = table(report, 1).rows.find((r) => r.closedOn === '2026-06-11');
		expect(closed).toMatchObject({
			verifyDays: 3,
			closeDays: 10,
			overdue: '否',
			decision: '落实帮扶'
		});
		// The one raised before the period is not.
		expect(table(report, 1).rows.some((r) => r.raisedOn === '2025-07-01')).toBe(false);
	});

	it('shows township staff the warnings of their townships only', async () => {
		const report = await buildReport(database.db, staffIn, 'warnings', PERIOD);
		expect(table(report, 0).totals?.raised).toBe((await warningRecords([world.townshipIn])).length);
		expect(table(report, 1).rows.length).toBeGreaterThan(0);
		expect(column(report, 1, 'township').every((t) => t === '东代固镇')).toBe(true);
	});
});

describe('the insurance fund report', () => {
	it('equals the fund entries of each scheme and counts claims in the area', async () => {
		const report = await buildReport(database.db, admin, 'insurance-funds', PERIOD);
		const entries = await database.db
			.select()
			.from(insuranceFundEntries)
			.where(eq(insuranceFundEntries.countyId, world.countyA.id));
		const premiums = entries
			.filter((e) => e.kind === 'premium')
			.reduce((t, e) => t + e.amountFen, 0);
		expect(premiums).toBeGreaterThan(0);
		const [scheme] = table(report, 0).rows;
		expect(scheme.premiumsFen).toBe(premiums);
		expect(scheme.budgetFen).toBe(100000000);
		expect(scheme.balanceFen).toBe(premiums);
		expect(table(report, 1).totals?.claims).toBe(1);
		expect(table(report, 1).rows[0].lossFen).toBe(800000);
		const out = await buildReport(database.db, staffOut, 'insurance-funds', PERIOD);
		expect(table(out, 1).rows).toHaveLength(0);
	});
});

describe('the program summary', () => {
	it('gives the same income per program as the payments report', async () => {
		// Program money of its own (the fixture's postings are typed in by staff).
		const system = systemActor('test');
		const h = world.households;
		for (const [householdId, source, kind, amountFen] of [
			[h.inScope, 'factory_wage', 'wage', 260000],
			[h.inScope2, 'factory_wage', 'wage', 310000],
			[h.inScope, 'insurance', 'transfer', 800000]
		] as const)
			await postLedgerEntry(
				database.db,
				system,
				posting(householdId, amountFen, '2026-06-15', { kind, source, subtype: source })
			);
		const summary = await buildReport(database.db, admin, 'program-summary', PERIOD);
		const payments = await buildReport(database.db, admin, 'payments', PERIOD);
		// The summary's programs (the dashboard's) are the payments report's program rows.
		const paid = new Map(table(payments, 0).rows.map((r) => [r.program, r]));
		const programs = table(summary, 1).rows.filter((r) => Number(r.incomeFen) > 0);
		expect(programs.length).toBeGreaterThan(0);
		for (const row of programs) {
			expect(row.incomeFen).toBe(paid.get(row.program)?.totalFen);
			expect(row.households).toBe(paid.get(row.program)?.households);
		}
	});
});

describe('who may read reports and what they may ask', () => {
	it('answers not found to other roles, unknown kinds and other counties\u2019 townships', async () => {
		await expect(buildReport(database.db, grid, 'households', PERIOD)).rejects.toMatchObject({
			code: 'not_found'
		});
		await expect(buildReport(database.db, admin, 'no-such', PERIOD)).rejects.toMatchObject({
			code: 'not_found'
		});
		await expect(
			buildReport(database.db, admin, 'payments', { ...PERIOD, townshipCodes: ['130529100'] })
		).rejects.toMatchObject({ code: 'not_found' });
		await expect(
			buildReport(database.db, admin, 'payments', { ...PERIOD, townshipCodes: ["1' or 1=1"] })
		).rejects.toMatchObject({ code: 'not_found' });
	});

	it('refuses bad dates and a start after the end with a message', async () => {
		for (const params of [
			{ from: '2026-02-30', to: '2026-03-01' },
			{ from: 'yesterday', to: '2026-03-01' },
			{ from: '2026-05-01', to: '2026-03-01' },
			{ from: '2010-01-01', to: '2026-03-01' }
		]) {
			const caught = await buildReport(database.db, admin, 'warnings', params).catch((e) => e);
			expect(caught).toBeInstanceOf(DomainError);
			expect((caught as DomainError).code).toBe('invalid');
		}
	});
});

/** The data rows of a sheet: below the five heading rows, above the totals. */
async function sheetRows(body: Uint8Array) {
	const workbook = new ExcelJS.Workbook();
	await workbook.xlsx.load(body.buffer as ArrayBuffer);
	return workbook;
}

describe('the XLSX file', () => {
	it.each(REPORT_KINDS.map((k) => k.kind))(
		'holds the rows and totals of the %s page',
		async (kind) => {
			const report = await buildReport(database.db, admin, kind, PERIOD);
			const file = await exportReport(database.db, admin, kind, PERIOD);
			const workbook = await sheetRows(file.body);
			expect(workbook.worksheets).toHaveLength(report.tables.length + 1);
			report.tables.forEach((t, i) => {
				const sheet = workbook.worksheets[i];
				expect(String(sheet.getCell('A1').value)).toContain(report.title);
				expect(String(sheet.getCell('A2').value)).toContain(report.area);
				expect(sheet.getRow(5).values).toEqual([undefined, ...t.columns.map((c) => c.label)]);
				const expectRow = (rowNumber: number, row: Record<string, ReportCell>) =>
					t.columns.forEach((c, ci) => {
						const cell = sheet.getRow(rowNumber).getCell(ci + 1);
						const want = xlsxValue(row[c.key] ?? null, c.format);
						if (want instanceof Date)
							expect((cell.value as Date).toISOString()).toBe(want.toISOString());
						else expect(cell.value ?? null).toEqual(want);
						if (c.format === 'fen') expect(cell.numFmt).toContain('¥');
					});
				t.rows.forEach((row, r) => expectRow(6 + r, row));
				if (t.totals) expectRow(6 + t.rows.length, t.totals);
			});
			const definitions = workbook.worksheets[report.tables.length];
			expect(definitions.rowCount).toBe(report.definitions.length + 1);
			const [audit] = await database.db
				.select()
				.from(auditLog)
				.where(and(eq(auditLog.action, 'reports.export'), eq(auditLog.entityId, kind)));
			expect(audit.after).toMatchObject({ format: 'xlsx', from: PERIOD.from, to: PERIOD.to });
		}
	);

	it('writes money as yuan, dates as dates, and formula-like text as text', async () => {
		const report: Report = {
			kind: 'test',
			title: '测试',
			area: '魏县',
			period: PERIOD,
			generatedAt: new Date().toISOString(),
			tables: [
				{
					title: '表',
					columns: [
						{ key: 'name', label: '名称', format: 'text' },
						{ key: 'money', label: '金额', format: 'fen' },
						{ key: 'on', label: '日期', format: 'date' }
					],
					rows: [{ name: '=HYPERLINK("http://x")', money: 1234567, on: '2026-03-05' }]
				}
			],
			definitions: []
		};
		const workbook = await sheetRows(await reportToXlsx(report));
		const row = workbook.worksheets[0].getRow(6);
		expect(row.getCell(1).value).toBe('\'=HYPERLINK("http://x")');
		expect(row.getCell(2).value).toBe(12345.67);
		expect((row.getCell(3).value as Date).toISOString().slice(0, 10)).toBe('2026-03-05');
	});
});
