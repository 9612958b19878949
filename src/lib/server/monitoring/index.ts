import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId } from '../db/ids';
import { recordAudit } from '../audit';
import { recheckHousehold } from './quality';
import type { Actor, UserActor } from '../auth/actor';
import { editableHousehold } from '../households/records';
import { DomainError, type FieldIssue } from '../errors';
import { isSaneDate, parseYuan } from '../../input';
import { chinaDate } from '../../planting';
import { numberIssue, textInput } from '../input';
import DEFAULT_OPTIONS from './default-options.json';
import {
	assistanceMeasures,
	countyOptions,
	monitoringHistory,
	monitoringRecords,
	monitoringRisks,
	ELIMINATION_METHODS,
	MONITORING_STATUSES,
	OPTION_LISTS,
	type MonitoringStatus,
	type OptionList
} from './schema';

export interface CountyOption {
	code: string;
	nameZh: string;
	nameEn: string;
	developmental: boolean;
}

export type CountyOptions = Record<OptionList, CountyOption[]>;

/** Gives a county the national lists from domain.md; its admins may change them later. */
export async function ensureCountyOptions(tx: Db, countyId: string): Promise<void> {
	const rows = OPTION_LISTS.flatMap((list) =>
		(
			DEFAULT_OPTIONS[list] as { code: string; zh: string; en: string; developmental?: boolean }[]
		).map((o, i) => ({
			countyId,
			list,
			code: o.code,
			nameZh: o.zh,
			nameEn: o.en,
			sortOrder: i,
			developmental: o.developmental ?? false
		}))
	);
	await tx.insert(countyOptions).values(rows).onConflictDoNothing();
}

export async function getCountyOptions(db: Db, countyId: string): Promise<CountyOptions> {
	const rows = await db
		.select()
		.from(countyOptions)
		.where(and(eq(countyOptions.countyId, countyId), eq(countyOptions.active, true)))
		.orderBy(asc(countyOptions.sortOrder));
	const options = { category: [], risk: [], measure: [] } as CountyOptions;
	for (const row of rows) {
		options[row.list].push({
			code: row.code,
			nameZh: row.nameZh,
			nameEn: row.nameEn,
			developmental: row.developmental
		});
	}
	return options;
}

export interface MonitoringView {
	category: string;
	status: MonitoringStatus;
	monitoredSince: string | null;
	eliminatedOn: string | null;
	eliminationMethod: string | null;
	risks: string[];
	cadre: { name: string | null; unit: string | null; phone: string | null };
	history: {
		id: string;
		happenedOn: string;
		status: MonitoringStatus;
		category: string;
		note: string | null;
	}[];
	measures: {
		id: string;
		measure: string;
		description: string | null;
		startedOn: string;
		endedOn: string | null;
		amountFen: number | null;
		responsibleName: string | null;
		responsiblePhone: string | null;
		warningId: string | null;
	}[];
}

export async function getMonitoring(
	db: Db,
	countyId: string,
	householdId: string
): Promise<MonitoringView> {
	const key = and(
		eq(monitoringRecords.countyId, countyId),
		eq(monitoringRecords.householdId, householdId)
	);
	const [[record], risks, history, measures] = await Promise.all([
		db.select().from(monitoringRecords).where(key),
		db
			.select({ risk: monitoringRisks.risk })
			.from(monitoringRisks)
			.where(
				and(eq(monitoringRisks.countyId, countyId), eq(monitoringRisks.householdId, householdId))
			),
		db
			.select()
			.from(monitoringHistory)
			.where(
				and(
					eq(monitoringHistory.countyId, countyId),
					eq(monitoringHistory.householdId, householdId)
				)
			)
			.orderBy(desc(monitoringHistory.happenedOn), desc(monitoringHistory.recordedAt)),
		db
			.select()
			.from(assistanceMeasures)
			.where(
				and(
					eq(assistanceMeasures.countyId, countyId),
					eq(assistanceMeasures.householdId, householdId)
				)
			)
			.orderBy(desc(assistanceMeasures.startedOn))
	]);
	return {
		category: record?.category ?? 'ordinary',
		status: record?.status ?? 'not_monitored',
		monitoredSince: record?.monitoredSince ?? null,
		eliminatedOn: record?.eliminatedOn ?? null,
		eliminationMethod: record?.eliminationMethod ?? null,
		risks: risks.map((r) => r.risk),
		cadre: {
			name: record?.cadreName ?? null,
			unit: record?.cadreUnit ?? null,
			phone: record?.cadrePhone ?? null
		},
		history: history.map((h) => ({
			id: h.id,
			happenedOn: h.happenedOn,
			status: h.status,
			category: h.category,
			note: h.note
		})),
		measures: measures.map((m) => ({
			id: m.id,
			measure: m.measure,
			description: m.description,
			startedOn: m.startedOn,
			endedOn: m.endedOn,
			amountFen: m.amountFen,
			responsibleName: m.responsibleName,
			responsiblePhone: m.responsiblePhone,
			warningId: m.warningId
		}))
	};
}

/** A household the actor may change (staff in scope, admins); otherwise not found. */
const scopedHousehold = editableHousehold;

/** A real calendar date from 1900 to ten years after today. */
function isDate(value: string): boolean {
	return isSaneDate(value, chinaDate());
}

export interface MonitoringChange {
	category: unknown;
	status: unknown;
	risks: unknown[];
	happenedOn: unknown;
	eliminationMethod?: unknown;
	note?: unknown;
}

/**
 * Changes category, status or risks. Every change of category or status is a dated
 * history row; the record itself is never deleted.
 */
export async function updateMonitoring(
	db: Db,
	actor: UserActor,
	householdId: string,
	change: MonitoringChange,
	today: string
): Promise<MonitoringView> {
	const household = await scopedHousehold(db, actor, householdId);
	const options = await getCountyOptions(db, actor.countyId);
	const category = String(change.category ?? '');
	const status = String(change.status ?? '') as MonitoringStatus;
	const risks = [...new Set(change.risks.map(String).filter(Boolean))];
	const happenedOn = String(change.happenedOn ?? '');
	const note = textInput(change.note, 500, 'note') || null;
	const issues: FieldIssue[] = [];
	if (!options.category.some((c) => c.code === category))
		issues.push({ field: 'category', key: 'monitoring_error_category' });
	if (!MONITORING_STATUSES.includes(status))
		issues.push({ field: 'status', key: 'monitoring_error_status' });
	if (status === 'monitored' && category === 'ordinary') {
		issues.push({ field: 'category', key: 'monitoring_error_monitored_needs_category' });
	}
	if (risks.some((r) => !options.risk.some((o) => o.code === r)))
		issues.push({ field: 'risks', key: 'monitoring_error_risk' });
	if (status === 'monitored' && risks.length === 0)
		issues.push({ field: 'risks', key: 'monitoring_error_no_risk' });
	const eliminationMethod = String(change.eliminationMethod ?? '');
	if (
		status === 'eliminated' &&
		!(ELIMINATION_METHODS as readonly string[]).includes(eliminationMethod)
	) {
		issues.push({ field: 'eliminationMethod', key: 'monitoring_error_elimination_method' });
	}
	if (!isDate(happenedOn)) issues.push({ field: 'happenedOn', key: 'monitoring_error_date' });
	else if (happenedOn > today) issues.push({ field: 'happenedOn', key: 'monitoring_error_future' });
	if (issues.length) throw new DomainError('invalid', issues);

	return inTransaction(db, async (tx) => {
		const before = await getMonitoring(tx, household.countyId, householdId);
		const changedState = before.category !== category || before.status !== status;
		const values = {
			category,
			status,
			monitoredSince:
				status === 'monitored' && before.status !== 'monitored'
					? happenedOn
					: before.monitoredSince,
			eliminatedOn:
				status === 'eliminated'
					? before.status === 'eliminated'
						? before.eliminatedOn
						: happenedOn
					: null,
			eliminationMethod: status === 'eliminated' ? eliminationMethod : null,
			updatedAt: new Date()
		};
		await tx
			.insert(monitoringRecords)
			.values({ countyId: household.countyId, householdId, ...values })
			.onConflictDoUpdate({
				target: [monitoringRecords.countyId, monitoringRecords.householdId],
				set: values
			});
		await tx
			.delete(monitoringRisks)
			.where(
				and(
					eq(monitoringRisks.countyId, household.countyId),
					eq(monitoringRisks.householdId, householdId)
				)
			);
		if (risks.length) {
			await tx
				.insert(monitoringRisks)
				.values(risks.map((risk) => ({ countyId: household.countyId, householdId, risk })));
		}
		// A note is kept on the timeline even when only the risks changed.
		if (changedState || note) {
			await tx.insert(monitoringHistory).values({
				countyId: household.countyId,
				id: newId(),
				householdId,
				happenedOn,
				status,
				category,
				note,
				recordedBy: actor.userId
			});
		}
		await recheckHousehold(tx, household.countyId, householdId);
		await recordAudit(tx, actor, {
			countyId: household.countyId,
			action: 'monitoring.update',
			entity: 'household',
			entityId: householdId,
			before: { category: before.category, status: before.status, risks: before.risks },
			after: { category, status, risks, happenedOn, note }
		});
		return getMonitoring(tx, household.countyId, householdId);
	});
}

const MOBILE_OR_LANDLINE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

/** The helping cadre (帮扶干部): name, unit and phone. */
export async function setCadre(
	db: Db,
	actor: UserActor,
	householdId: string,
	input: { name: unknown; unit: unknown; phone: unknown }
): Promise<void> {
	const household = await scopedHousehold(db, actor, householdId);
	const name = textInput(input.name, 40, 'cadreName');
	const unit = textInput(input.unit, 80, 'cadreUnit');
	const phone = textInput(input.phone, 30, 'cadrePhone').replace(/\s/g, '');
	const issues: FieldIssue[] = [];
	if (!name || name.length > 40)
		issues.push({ field: 'cadreName', key: 'monitoring_error_cadre_name' });
	if (unit.length > 80) issues.push({ field: 'cadreUnit', key: 'monitoring_error_cadre_unit' });
	if (phone && !MOBILE_OR_LANDLINE.test(phone))
		issues.push({ field: 'cadrePhone', key: 'monitoring_error_phone' });
	if (issues.length) throw new DomainError('invalid', issues);
	await inTransaction(db, async (tx) => {
		const before = await getMonitoring(tx, household.countyId, householdId);
		const values = {
			cadreName: name,
			cadreUnit: unit || null,
			cadrePhone: phone || null,
			updatedAt: new Date()
		};
		await tx
			.insert(monitoringRecords)
			.values({ countyId: household.countyId, householdId, ...values })
			.onConflictDoUpdate({
				target: [monitoringRecords.countyId, monitoringRecords.householdId],
				set: values
			});
		await recordAudit(tx, actor, {
			countyId: household.countyId,
			action: 'monitoring.cadre',
			entity: 'household',
			entityId: householdId,
			before: before.cadre,
			after: { name, unit, phone }
		});
	});
}

export interface MeasureInput {
	measure: unknown;
	description?: unknown;
	startedOn: unknown;
	endedOn?: unknown;
	amount?: unknown;
	/** 责任人 and their phone (required where a warning's decision adds the measure). */
	responsibleName?: unknown;
	responsiblePhone?: unknown;
}

export interface CheckedMeasure {
	measure: string;
	description: string | null;
	startedOn: string;
	endedOn: string | null;
	amountFen: number | null;
	responsibleName: string | null;
	responsiblePhone: string | null;
}

/**
 * A measure checked against the county's 'measure' list, before any transaction; with
 * `needsResponsible`, the responsible person's name and phone are required.
 */
export async function checkMeasure(
	db: Db,
	countyId: string,
	input: MeasureInput,
	needsResponsible = false
): Promise<CheckedMeasure> {
	const options = await getCountyOptions(db, countyId);
	const measure = String(input.measure ?? '');
	const startedOn = String(input.startedOn ?? '');
	const endedOn = String(input.endedOn ?? '') || null;
	const amountText = textInput(input.amount, 30, 'amount');
	const amount = amountText ? parseYuan(amountText) : null;
	const amountFen = amount?.ok ? amount.value : null;
	const description = textInput(input.description, 200, 'description') || null;
	const responsibleName = textInput(input.responsibleName, 40, 'responsibleName') || null;
	const responsiblePhone =
		textInput(input.responsiblePhone, 30, 'responsiblePhone').replace(/\s/g, '') || null;
	const issues: FieldIssue[] = [];
	if (!options.measure.some((m) => m.code === measure))
		issues.push({ field: 'measure', key: 'monitoring_error_measure' });
	if (!isDate(startedOn)) issues.push({ field: 'startedOn', key: 'monitoring_error_date' });
	if (endedOn && !isDate(endedOn)) issues.push({ field: 'endedOn', key: 'monitoring_error_date' });
	else if (endedOn && endedOn < startedOn)
		issues.push({ field: 'endedOn', key: 'monitoring_error_end_before_start' });
	if (amount && !amount.ok) issues.push(numberIssue('amount', amount, 'ledger_error_amount'));
	if (needsResponsible && !responsibleName)
		issues.push({ field: 'responsibleName', key: 'warnings_error_responsible_name' });
	if (needsResponsible && !responsiblePhone)
		issues.push({ field: 'responsiblePhone', key: 'monitoring_error_phone' });
	else if (responsiblePhone && !MOBILE_OR_LANDLINE.test(responsiblePhone))
		issues.push({ field: 'responsiblePhone', key: 'monitoring_error_phone' });
	if (issues.length) throw new DomainError('invalid', issues);
	return {
		measure,
		description,
		startedOn,
		endedOn,
		amountFen,
		responsibleName,
		responsiblePhone
	};
}

/** Writes a checked measure and its audit row inside the caller's transaction. */
export async function writeMeasure(
	tx: Db,
	actor: Actor,
	countyId: string,
	householdId: string,
	measure: CheckedMeasure,
	links: { id?: string; warningId?: string | null } = {}
): Promise<string> {
	const id = links.id ?? newId();
	const warningId = links.warningId ?? null;
	const row = { countyId, id, householdId, ...measure, warningId, recordedBy: actor.userId };
	await tx.insert(assistanceMeasures).values(row);
	// The data-quality findings of the household follow its records.
	await recheckHousehold(tx, countyId, householdId);
	await recordAudit(tx, actor, {
		countyId,
		action: 'monitoring.measure_add',
		entity: 'household',
		entityId: householdId,
		after: row
	});
	return id;
}

export async function addMeasure(
	db: Db,
	actor: UserActor,
	householdId: string,
	input: MeasureInput
): Promise<string> {
	const household = await scopedHousehold(db, actor, householdId);
	const checked = await checkMeasure(db, household.countyId, input);
	return inTransaction(db, (tx) =>
		writeMeasure(tx, actor, household.countyId, householdId, checked)
	);
}

/** For the system itself (imports, demo data): set a household's record without scope checks. */
export async function writeMonitoringRecord(
	tx: Db,
	actor: Actor,
	countyId: string,
	householdId: string,
	record: {
		category: string;
		status: MonitoringStatus;
		monitoredSince: string | null;
		eliminatedOn?: string | null;
		eliminationMethod?: string | null;
		risks: string[];
		cadre?: { name: string; unit: string | null; phone: string | null };
	}
): Promise<void> {
	const values = {
		category: record.category,
		status: record.status,
		monitoredSince: record.monitoredSince,
		eliminatedOn: record.eliminatedOn ?? null,
		eliminationMethod: record.eliminationMethod ?? null,
		cadreName: record.cadre?.name ?? null,
		cadreUnit: record.cadre?.unit ?? null,
		cadrePhone: record.cadre?.phone ?? null,
		updatedAt: new Date()
	};
	await tx
		.insert(monitoringRecords)
		.values({ countyId, householdId, ...values })
		.onConflictDoUpdate({
			target: [monitoringRecords.countyId, monitoringRecords.householdId],
			set: values
		});
	await tx
		.delete(monitoringRisks)
		.where(
			and(eq(monitoringRisks.countyId, countyId), eq(monitoringRisks.householdId, householdId))
		);
	if (record.risks.length) {
		await tx
			.insert(monitoringRisks)
			.values(record.risks.map((risk) => ({ countyId, householdId, risk })));
	}
	if (record.monitoredSince) {
		await tx.insert(monitoringHistory).values({
			countyId,
			id: newId(),
			householdId,
			happenedOn: record.monitoredSince,
			status: 'monitored',
			category: record.category,
			recordedBy: actor.userId
		});
	}
	if (record.status === 'eliminated' && record.eliminatedOn) {
		await tx.insert(monitoringHistory).values({
			countyId,
			id: newId(),
			householdId,
			happenedOn: record.eliminatedOn,
			status: 'eliminated',
			category: record.category,
			recordedBy: actor.userId
		});
	}
}

/**
 * The monitoring rows (record, risks, measures) of many households, read 5,000 households
 * at a time: what the registry export writes and the registry import compares with.
 */
export async function monitoringRowsOf(
	db: Db,
	countyId: string,
	householdIds: string[]
): Promise<{
	records: (typeof monitoringRecords.$inferSelect)[];
	risks: (typeof monitoringRisks.$inferSelect)[];
	measures: (typeof assistanceMeasures.$inferSelect)[];
}> {
	const found = {
		records: [] as (typeof monitoringRecords.$inferSelect)[],
		risks: [] as (typeof monitoringRisks.$inferSelect)[],
		measures: [] as (typeof assistanceMeasures.$inferSelect)[]
	};
	for (let i = 0; i < householdIds.length; i += 5000) {
		const chunk = householdIds.slice(i, i + 5000);
		const [records, risks, measures] = await Promise.all([
			db
				.select()
				.from(monitoringRecords)
				.where(
					and(
						eq(monitoringRecords.countyId, countyId),
						inArray(monitoringRecords.householdId, chunk)
					)
				),
			db
				.select()
				.from(monitoringRisks)
				.where(
					and(eq(monitoringRisks.countyId, countyId), inArray(monitoringRisks.householdId, chunk))
				),
			db
				.select()
				.from(assistanceMeasures)
				.where(
					and(
						eq(assistanceMeasures.countyId, countyId),
						inArray(assistanceMeasures.householdId, chunk)
					)
				)
		]);
		found.records.push(...records);
		found.risks.push(...risks);
		found.measures.push(...measures);
	}
	return found;
}
