import ExcelJS from 'exceljs';
import { and, asc, desc, eq, gte, inArray, isNull, lte, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId } from '../db/ids';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { divisions } from '../divisions/schema';
import { DomainError } from '../errors';
import { households } from '../households/schema';
import { postLedgerEntries } from '../income';
import { maskIdentityNumber } from '../../identity';
import { addDaysTo, fenToYuanText, gramsToKgText, weekStart } from '../../planting';
import { canReachVillage, requireProgramStaff, villageScope } from './access';
import { isDate, text } from './common';
import { getStation } from './stations';
import { pickingEntries, pickingPayments, weighingStations } from './schema';
import LABELS from './sheet-labels.json';

export type SheetTarget = { stationId: string } | { villageCode: string };
export type Period = 'day' | 'week';

export interface SheetRequest {
	stationId?: unknown;
	villageCode?: unknown;
	period?: unknown;
	date?: unknown;
}

export interface SheetRow {
	key: string;
	memberId: string | null;
	householdId: string | null;
	name: string;
	maskedIdNumber: string | null;
	villageName: string | null;
	entries: number;
	grams: number;
	amountFen: number;
	unpaidEntries: number;
	unpaidFen: number;
}

export interface SheetTotals {
	pickers: number;
	entries: number;
	grams: number;
	amountFen: number;
	unpaidEntries: number;
	unpaidFen: number;
	paidFen: number;
}

export interface PaymentSheet {
	target: { kind: 'station' | 'village'; id: string; name: string; placeName: string };
	period: Period;
	from: string;
	to: string;
	rows: SheetRow[];
	totals: SheetTotals;
	payments: PaymentView[];
}

export interface PaymentView {
	id: string;
	stationId: string;
	stationName: string;
	fromDate: string;
	toDate: string;
	paidOn: string;
	totalFen: number;
	entries: number;
	createdAt: string;
}

interface ResolvedSheet {
	target: PaymentSheet['target'];
	condition: SQL;
	period: Period;
	from: string;
	to: string;
}

/** Which station or village, which days; out-of-scope places are not found. */
async function resolveSheet(
	db: Db,
	actor: UserActor,
	request: SheetRequest
): Promise<ResolvedSheet> {
	requireProgramStaff(actor);
	// The place first: a place out of scope is not found, whatever the dates say.
	const villageCode = text(request.villageCode, 12);
	let target: PaymentSheet['target'];
	let place: SQL;
	if (!request.stationId && villageCode) {
		if (!/^\d{12}$/.test(villageCode) || !canReachVillage(actor, villageCode)) {
			throw DomainError.notFound();
		}
		const [village] = await db
			.select({ name: divisions.name, township: divisions.parentCode })
			.from(divisions)
			.where(and(eq(divisions.code, villageCode), eq(divisions.level, 'village')));
		if (!village) throw DomainError.notFound();
		const [township] = await db
			.select({ name: divisions.name })
			.from(divisions)
			.where(eq(divisions.code, village.township ?? ''));
		target = {
			kind: 'village',
			id: villageCode,
			name: village.name,
			placeName: township?.name ?? ''
		};
		// Pickers from the village, weighed at any station the actor works at.
		place = and(
			eq(households.villageCode, villageCode),
			villageScope(actor, weighingStations.villageCode)
		)!;
	} else {
		const station = await getStation(db, actor, request.stationId);
		const [village] = await db
			.select({ name: divisions.name })
			.from(divisions)
			.where(eq(divisions.code, station.villageCode));
		target = {
			kind: 'station',
			id: station.id,
			name: station.name,
			placeName: village?.name ?? ''
		};
		place = eq(pickingEntries.stationId, station.id);
	}
	const period: Period = request.period === 'week' ? 'week' : 'day';
	const date = text(request.date, 10);
	if (!isDate(date)) throw DomainError.invalid('date', 'picking_error_date');
	const from = period === 'week' ? weekStart(date) : date;
	const to = period === 'week' ? addDaysTo(from, 6) : date;
	return {
		target,
		condition: and(place, gte(pickingEntries.pickedOn, from), lte(pickingEntries.pickedOn, to))!,
		period,
		from,
		to
	};
}

function sheetQuery(db: Db, actor: UserActor, condition: SQL) {
	return db
		.select({
			id: pickingEntries.id,
			stationId: pickingEntries.stationId,
			memberId: pickingEntries.memberId,
			householdId: pickingEntries.householdId,
			pickerName: pickingEntries.pickerName,
			pickerIdNumber: pickingEntries.pickerIdNumber,
			villageCode: households.villageCode,
			villageName: divisions.name,
			weightGrams: pickingEntries.weightGrams,
			amountFen: pickingEntries.amountFen,
			version: pickingEntries.version,
			paymentId: pickingEntries.paymentId,
			pickedOn: pickingEntries.pickedOn
		})
		.from(pickingEntries)
		.innerJoin(
			weighingStations,
			and(
				eq(weighingStations.countyId, pickingEntries.countyId),
				eq(weighingStations.id, pickingEntries.stationId)
			)
		)
		.leftJoin(
			households,
			and(
				eq(households.countyId, pickingEntries.countyId),
				eq(households.id, pickingEntries.householdId)
			)
		)
		.leftJoin(divisions, eq(divisions.code, households.villageCode))
		.where(
			and(eq(pickingEntries.countyId, actor.countyId), eq(pickingEntries.voided, false), condition)
		)
		.orderBy(
			asc(households.villageCode),
			asc(pickingEntries.pickerName),
			asc(pickingEntries.pickedOn)
		);
}

type SheetEntry = Awaited<ReturnType<typeof sheetQuery>>[number];

function pickerKey(e: {
	memberId: string | null;
	pickerName: string;
	pickerIdNumber: string | null;
}) {
	return e.memberId ?? `outside:${e.pickerName}:${e.pickerIdNumber ?? ''}`;
}

function groupRows(entries: SheetEntry[]): (SheetRow & { idNumber: string | null })[] {
	const rows = new Map<string, SheetRow & { idNumber: string | null }>();
	for (const e of entries) {
		const key = pickerKey(e);
		let row = rows.get(key);
		if (!row) {
			row = {
				key,
				memberId: e.memberId,
				householdId: e.householdId,
				name: e.pickerName,
				idNumber: e.pickerIdNumber,
				maskedIdNumber: e.pickerIdNumber ? maskIdentityNumber(e.pickerIdNumber) : null,
				villageName: e.villageName,
				entries: 0,
				grams: 0,
				amountFen: 0,
				unpaidEntries: 0,
				unpaidFen: 0
			};
			rows.set(key, row);
		}
		row.entries += 1;
		row.grams += e.weightGrams;
		row.amountFen += e.amountFen;
		if (!e.paymentId) {
			row.unpaidEntries += 1;
			row.unpaidFen += e.amountFen;
		}
	}
	return [...rows.values()];
}

function totalsOf(rows: SheetRow[]): SheetTotals {
	const totals: SheetTotals = {
		pickers: rows.length,
		entries: 0,
		grams: 0,
		amountFen: 0,
		unpaidEntries: 0,
		unpaidFen: 0,
		paidFen: 0
	};
	for (const row of rows) {
		totals.entries += row.entries;
		totals.grams += row.grams;
		totals.amountFen += row.amountFen;
		totals.unpaidEntries += row.unpaidEntries;
		totals.unpaidFen += row.unpaidFen;
	}
	totals.paidFen = totals.amountFen - totals.unpaidFen;
	return totals;
}

/**
 * A payment sheet: each picker of a station (or from a village) over a day or a week, with
 * kilograms and money, what is still to pay, and the payments already made.
 */
export async function paymentSheet(
	db: Db,
	actor: UserActor,
	request: SheetRequest
): Promise<PaymentSheet> {
	const sheet = await resolveSheet(db, actor, request);
	const entries = await sheetQuery(db, actor, sheet.condition);
	const rows = groupRows(entries).map(({ idNumber: _hidden, ...row }) => {
		void _hidden;
		return row;
	});
	const paymentIds = [
		...new Set(entries.map((e) => e.paymentId).filter((id): id is string => !!id))
	];
	return {
		target: sheet.target,
		period: sheet.period,
		from: sheet.from,
		to: sheet.to,
		rows,
		totals: totalsOf(rows),
		payments: await paymentsByIds(db, actor.countyId, paymentIds)
	};
}

async function paymentsByIds(db: Db, countyId: string, ids: string[]): Promise<PaymentView[]> {
	if (ids.length === 0) return [];
	const rows = await db
		.select({ payment: pickingPayments, stationName: weighingStations.name })
		.from(pickingPayments)
		.innerJoin(
			weighingStations,
			and(
				eq(weighingStations.countyId, pickingPayments.countyId),
				eq(weighingStations.id, pickingPayments.stationId)
			)
		)
		.where(and(eq(pickingPayments.countyId, countyId), inArray(pickingPayments.id, ids)))
		.orderBy(desc(pickingPayments.createdAt));
	return rows.map((r) => paymentView(r.payment, r.stationName));
}

function paymentView(
	payment: typeof pickingPayments.$inferSelect,
	stationName: string
): PaymentView {
	return {
		id: payment.id,
		stationId: payment.stationId,
		stationName,
		fromDate: payment.fromDate,
		toDate: payment.toDate,
		paidOn: payment.paidOn,
		totalFen: payment.totalFen,
		entries: payment.entries,
		createdAt: new Date(payment.createdAt).toISOString()
	};
}

/**
 * The latest payments at the actor's stations: by the day paid, newest first (a payment
 * entered today for last week comes after one paid yesterday), then by when it was entered.
 */
export async function recentPayments(db: Db, actor: UserActor, limit = 20): Promise<PaymentView[]> {
	requireProgramStaff(actor);
	const rows = await db
		.select({ payment: pickingPayments, stationName: weighingStations.name })
		.from(pickingPayments)
		.innerJoin(
			weighingStations,
			and(
				eq(weighingStations.countyId, pickingPayments.countyId),
				eq(weighingStations.id, pickingPayments.stationId)
			)
		)
		.where(
			and(
				eq(pickingPayments.countyId, actor.countyId),
				villageScope(actor, weighingStations.villageCode)
			)
		)
		.orderBy(
			desc(pickingPayments.paidOn),
			desc(pickingPayments.createdAt),
			desc(pickingPayments.id)
		)
		.limit(limit);
	return rows.map((r) => paymentView(r.payment, r.stationName));
}

export interface PayInput extends SheetRequest {
	paidOn: unknown;
	/** What the person saw: if the sheet has changed since, nothing is paid. */
	expectedEntries?: unknown;
	expectedFen?: unknown;
}

export interface PayOutcome {
	payments: number;
	entries: number;
	totalFen: number;
	/** Ledger entries written: pickers from outside the registry have no household. */
	posted: number;
}

/**
 * Pays a sheet: every unpaid weigh-in on it becomes part of one payment per station, and
 * each registered picker's money is posted as wage income to their household, all in one
 * transaction. The entries are locked and only unpaid ones are taken, so a second
 * "mark paid" (or two people at once) pays nothing twice.
 */
export async function paySheet(
	db: Db,
	actor: UserActor,
	input: PayInput,
	today: string
): Promise<PayOutcome> {
	const sheet = await resolveSheet(db, actor, input);
	const paidOn = text(input.paidOn, 10, 'paidOn');
	if (!isDate(paidOn)) throw DomainError.invalid('paidOn', 'picking_error_paid_on');
	if (paidOn > today) throw DomainError.invalid('paidOn', 'picking_error_paid_on_future');
	if (paidOn < sheet.from) throw DomainError.invalid('paidOn', 'picking_error_paid_on_before');
	// Paid only as confirmed: the count and total the person was shown come back with the
	// request, and a sheet that differs by now pays nothing (checked below, under lock).
	const expectedEntries = text(input.expectedEntries, 12, 'expectedEntries');
	const expectedFen = text(input.expectedFen, 20, 'expectedFen');
	if (!/^\d+$/.test(expectedEntries) || !/^\d+$/.test(expectedFen)) {
		throw DomainError.invalid('', 'field_error_pay_unconfirmed');
	}
	return inTransaction(db, async (tx) => {
		const unpaidIds = (
			await sheetQuery(tx, actor, and(sheet.condition, isNull(pickingEntries.paymentId))!)
		).map((e) => e.id);
		// Lock them, then read again: anything paid meanwhile drops out here.
		const entries = unpaidIds.length
			? await tx
					.select()
					.from(pickingEntries)
					.where(
						and(
							eq(pickingEntries.countyId, actor.countyId),
							inArray(pickingEntries.id, unpaidIds),
							isNull(pickingEntries.paymentId),
							eq(pickingEntries.voided, false)
						)
					)
					.orderBy(asc(pickingEntries.id))
					.for('update')
			: [];
		if (entries.length === 0) {
			const everything = await sheetQuery(tx, actor, sheet.condition);
			throw everything.length > 0
				? DomainError.conflict('', 'picking_error_sheet_paid')
				: DomainError.invalid('', 'picking_error_sheet_empty');
		}
		const totalFen = entries.reduce((sum, e) => sum + e.amountFen, 0);
		if (Number(expectedEntries) !== entries.length || Number(expectedFen) !== totalFen) {
			throw DomainError.conflict('', 'picking_error_sheet_changed');
		}
		const byStation = new Map<string, typeof entries>();
		for (const e of entries) byStation.set(e.stationId, [...(byStation.get(e.stationId) ?? []), e]);
		const payments: string[] = [];
		for (const [stationId, list] of byStation) {
			const paymentId = newId();
			payments.push(paymentId);
			await tx.insert(pickingPayments).values({
				countyId: actor.countyId,
				id: paymentId,
				stationId,
				fromDate: sheet.from,
				toDate: sheet.to,
				paidOn,
				totalFen: list.reduce((sum, e) => sum + e.amountFen, 0),
				entries: list.length,
				paidBy: actor.userId
			});
			const marked = await tx
				.update(pickingEntries)
				.set({ paymentId, updatedAt: new Date() })
				.where(
					and(
						eq(pickingEntries.countyId, actor.countyId),
						inArray(
							pickingEntries.id,
							list.map((e) => e.id)
						),
						isNull(pickingEntries.paymentId)
					)
				)
				.returning({ id: pickingEntries.id });
			if (marked.length !== list.length)
				throw DomainError.conflict('', 'picking_error_sheet_changed');
		}
		const posted = await postLedgerEntries(
			tx,
			actor,
			entries
				.filter((e) => e.householdId)
				.map((e) => ({
					countyId: actor.countyId,
					householdId: e.householdId!,
					memberId: e.memberId,
					businessDate: paidOn,
					amountFen: e.amountFen,
					kind: 'wage' as const,
					subtype: 'picking',
					source: 'picking' as const,
					sourceId: e.id,
					sourceVersion: e.version,
					note: `${e.pickedOn} · ${gramsToKgText(e.weightGrams)} kg`
				}))
		);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'picking.payment.create',
			entity: sheet.target.kind === 'station' ? 'weighing_station' : 'division',
			entityId: sheet.target.id,
			after: {
				payments,
				from: sheet.from,
				to: sheet.to,
				paidOn,
				entries: entries.length,
				totalFen,
				posted
			}
		});
		return { payments: payments.length, entries: entries.length, totalFen, posted };
	});
}

export interface SheetFile {
	body: Uint8Array;
	fileName: string;
	contentType: string;
	rows: number;
}

/**
 * The sheet as an XLSX file for the bank or the township finance office: 序号, 姓名,
 * 身份证号 (in full: this is a payment file), 银行账号 (blank where unknown), 金额（元）,
 * 签字. Only what is still unpaid, unless `all`. Every export is audited.
 */
export async function exportPaymentSheet(
	db: Db,
	actor: UserActor,
	request: SheetRequest & { which?: unknown },
	today: string
): Promise<SheetFile> {
	const sheet = await resolveSheet(db, actor, request);
	const all = request.which === 'all';
	const entries = await sheetQuery(
		db,
		actor,
		all ? sheet.condition : and(sheet.condition, isNull(pickingEntries.paymentId))!
	);
	const rows = groupRows(entries);
	const totalFen = rows.reduce((sum, r) => sum + r.amountFen, 0);
	const workbook = new ExcelJS.Workbook();
	workbook.creator = 'Levee';
	const ws = workbook.addWorksheet(LABELS.sheetName, {
		pageSetup: {
			paperSize: 9,
			orientation: 'portrait',
			fitToPage: true,
			fitToWidth: 1,
			fitToHeight: 0,
			printTitlesRow: '3:3'
		},
		headerFooter: { oddFooter: LABELS.footer }
	});
	ws.columns = [
		{ key: 'n', width: 7 },
		{ key: 'name', width: 12 },
		{ key: 'id', width: 22, style: { numFmt: '@' } },
		{ key: 'account', width: 24, style: { numFmt: '@' } },
		{ key: 'amount', width: 14, style: { numFmt: '#,##0.00' } },
		{ key: 'sign', width: 14 }
	];
	const gap = '\u3000';
	const period =
		sheet.from === sheet.to ? sheet.from : `${sheet.from} ${LABELS.periodJoin} ${sheet.to}`;
	const place = sheet.target.kind === 'station' ? LABELS.station : LABELS.village;
	ws.mergeCells('A1:F1');
	ws.getCell('A1').value = LABELS.title;
	ws.getCell('A1').font = { bold: true, size: 16 };
	ws.getCell('A1').alignment = { horizontal: 'center' };
	ws.mergeCells('A2:F2');
	ws.getCell('A2').value = [
		`${place}：${sheet.target.placeName} ${sheet.target.name}`,
		`${LABELS.period}：${period}`,
		`${LABELS.madeOn}：${today}${all ? '' : LABELS.unpaidOnly}`
	].join(gap);
	const thin = { style: 'thin' as const };
	const border = { top: thin, bottom: thin, left: thin, right: thin };
	const header = ws.addRow(LABELS.headers);
	header.font = { bold: true };
	header.eachCell((cell) => {
		cell.border = border;
		cell.alignment = { horizontal: 'center' };
	});
	rows.forEach((row, index) => {
		const line = ws.addRow([
			index + 1,
			row.name,
			row.idNumber ?? '',
			'',
			// Excel keeps numbers as doubles anyway; the value comes from exact fen text.
			Number(fenToYuanText(row.amountFen)),
			''
		]);
		line.height = 24;
		line.eachCell({ includeEmpty: true }, (cell) => {
			cell.border = border;
		});
	});
	const grams = rows.reduce((sum, r) => sum + r.grams, 0);
	const total = ws.addRow([
		LABELS.total,
		`${rows.length} ${LABELS.people}`,
		`${gramsToKgText(grams)} ${LABELS.kg}`,
		'',
		Number(fenToYuanText(totalFen)),
		''
	]);
	total.font = { bold: true };
	ws.addRow([]);
	ws.addRow(LABELS.signatures);
	const buffer = await workbook.xlsx.writeBuffer();
	await recordAudit(db, actor, {
		countyId: actor.countyId,
		action: 'picking.sheet.export',
		entity: sheet.target.kind === 'station' ? 'weighing_station' : 'division',
		entityId: sheet.target.id,
		after: {
			from: sheet.from,
			to: sheet.to,
			which: all ? 'all' : 'unpaid',
			rows: rows.length,
			totalFen,
			identityNumbers: 'full'
		}
	});
	const slug = sheet.from === sheet.to ? sheet.from : `${sheet.from}_${sheet.to}`;
	return {
		body: new Uint8Array(buffer as ArrayBuffer),
		fileName: `picking-payment-${slug}.xlsx`,
		contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		rows: rows.length
	};
}

/** For choosing a village sheet: the villages with pickers at the actor's stations. */
export async function pickerVillages(
	db: Db,
	actor: UserActor,
	from: string,
	to: string
): Promise<{ code: string; name: string }[]> {
	requireProgramStaff(actor);
	const rows = await db
		.selectDistinct({ code: households.villageCode, name: divisions.name })
		.from(pickingEntries)
		.innerJoin(
			weighingStations,
			and(
				eq(weighingStations.countyId, pickingEntries.countyId),
				eq(weighingStations.id, pickingEntries.stationId)
			)
		)
		.innerJoin(
			households,
			and(
				eq(households.countyId, pickingEntries.countyId),
				eq(households.id, pickingEntries.householdId)
			)
		)
		.innerJoin(divisions, eq(divisions.code, households.villageCode))
		.where(
			and(
				eq(pickingEntries.countyId, actor.countyId),
				gte(pickingEntries.pickedOn, from),
				lte(pickingEntries.pickedOn, to),
				villageScope(actor, weighingStations.villageCode),
				villageScope(actor, households.villageCode)
			)
		)
		.orderBy(asc(households.villageCode));
	return rows;
}
