import { and, asc, count, eq, max, sql } from 'drizzle-orm';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { inTransaction, type Db } from '../db';
import { DomainError, type FieldIssue } from '../errors';
import { textInput } from '../input';
import DEFAULT_OPTIONS from './default-options.json';
import {
	assistanceMeasures,
	countyOptions,
	monitoringHistory,
	monitoringRecords,
	monitoringRisks,
	OPTION_LISTS,
	type OptionList
} from './schema';

// The county's option lists (categories, risk types, measures) as its admin edits them.
// A code, once used by a record, stays: it can be renamed or put out of use, never
// deleted, so the registry export and the history keep meaning what they said.

/** The category every household has until it is monitored; the code relies on it. */
export const ORDINARY_CATEGORY = 'ordinary';
/** The audit log's name for an option: entity 'county_option', id '<list>:<code>'. */
export const OPTION_ENTITY = 'county_option';
const CODE = /^[a-z][a-z0-9_]{1,39}$/;
const NAME_ZH_MAX = 20;
const NAME_EN_MAX = 60;

/** Codes of the national lists: other parts of Levee (registry words, checks) name them. */
const NATIONAL = new Set(
	OPTION_LISTS.flatMap((list) =>
		(DEFAULT_OPTIONS[list] as { code: string }[]).map((o) => `${list}:${o.code}`)
	)
);

export function isOptionList(value: unknown): value is OptionList {
	return (OPTION_LISTS as readonly unknown[]).includes(value);
}

export interface AdminOption {
	code: string;
	nameZh: string;
	nameEn: string;
	developmental: boolean;
	active: boolean;
	/** From the national list: never deleted. */
	national: boolean;
	/** Records using the code (households, risk rows, measures, history entries). */
	inUse: number;
	/** Only the 'ordinary' category may not be put out of use. */
	canDeactivate: boolean;
	/** A county's own code that nothing uses. */
	canDelete: boolean;
}

function requireAdmin(actor: UserActor): void {
	if (actor.role !== 'county_admin') throw DomainError.notFound();
}

function listOf(value: unknown): OptionList {
	if (!isOptionList(value)) throw DomainError.invalid('list', 'settings_error_option_list');
	return value;
}

/** How many records use each code of a list. */
async function usage(db: Db, countyId: string, list: OptionList): Promise<Map<string, number>> {
	const counted: { code: string; n: number }[] = [];
	if (list === 'category') {
		const [records, history] = await Promise.all([
			db
				.select({ code: monitoringRecords.category, n: count() })
				.from(monitoringRecords)
				.where(eq(monitoringRecords.countyId, countyId))
				.groupBy(monitoringRecords.category),
			db
				.select({ code: monitoringHistory.category, n: count() })
				.from(monitoringHistory)
				.where(eq(monitoringHistory.countyId, countyId))
				.groupBy(monitoringHistory.category)
		]);
		counted.push(...records, ...history);
	} else if (list === 'risk') {
		counted.push(
			...(await db
				.select({ code: monitoringRisks.risk, n: count() })
				.from(monitoringRisks)
				.where(eq(monitoringRisks.countyId, countyId))
				.groupBy(monitoringRisks.risk))
		);
	} else {
		counted.push(
			...(await db
				.select({ code: assistanceMeasures.measure, n: count() })
				.from(assistanceMeasures)
				.where(eq(assistanceMeasures.countyId, countyId))
				.groupBy(assistanceMeasures.measure))
		);
	}
	const totals = new Map<string, number>();
	for (const { code, n } of counted) totals.set(code, (totals.get(code) ?? 0) + Number(n));
	return totals;
}

/** Whether any record uses one code: an index lookup per table, stopping at the first. */
async function inUse(db: Db, countyId: string, list: OptionList, code: string): Promise<boolean> {
	const exists = async (query: Promise<unknown[]>) => (await query).length > 0;
	if (list === 'risk')
		return exists(
			db
				.select({ one: sql`1` })
				.from(monitoringRisks)
				.where(and(eq(monitoringRisks.countyId, countyId), eq(monitoringRisks.risk, code)))
				.limit(1)
		);
	if (list === 'measure')
		return exists(
			db
				.select({ one: sql`1` })
				.from(assistanceMeasures)
				.where(and(eq(assistanceMeasures.countyId, countyId), eq(assistanceMeasures.measure, code)))
				.limit(1)
		);
	return (
		(await exists(
			db
				.select({ one: sql`1` })
				.from(monitoringRecords)
				.where(and(eq(monitoringRecords.countyId, countyId), eq(monitoringRecords.category, code)))
				.limit(1)
		)) ||
		exists(
			db
				.select({ one: sql`1` })
				.from(monitoringHistory)
				.where(and(eq(monitoringHistory.countyId, countyId), eq(monitoringHistory.category, code)))
				.limit(1)
		)
	);
}

/** One list as the admin edits it, in its order, inactive codes included. */
export async function listOptionsForAdmin(
	db: Db,
	actor: UserActor,
	listValue: unknown
): Promise<AdminOption[]> {
	requireAdmin(actor);
	const list = listOf(listValue);
	const [rows, used] = await Promise.all([
		db
			.select()
			.from(countyOptions)
			.where(and(eq(countyOptions.countyId, actor.countyId), eq(countyOptions.list, list)))
			.orderBy(asc(countyOptions.sortOrder), asc(countyOptions.code)),
		usage(db, actor.countyId, list)
	]);
	return rows.map((row) => {
		const national = NATIONAL.has(`${list}:${row.code}`);
		const n = used.get(row.code) ?? 0;
		return {
			code: row.code,
			nameZh: row.nameZh,
			nameEn: row.nameEn,
			developmental: row.developmental,
			active: row.active,
			national,
			inUse: n,
			canDeactivate: !(list === 'category' && row.code === ORDINARY_CATEGORY),
			canDelete: !national && n === 0
		};
	});
}

export interface OptionInput {
	list: unknown;
	code?: unknown;
	nameZh: unknown;
	nameEn: unknown;
	developmental?: unknown;
}

type OptionRow = typeof countyOptions.$inferSelect;

async function rowsOf(tx: Db, countyId: string, list: OptionList): Promise<OptionRow[]> {
	return tx
		.select()
		.from(countyOptions)
		.where(and(eq(countyOptions.countyId, countyId), eq(countyOptions.list, list)))
		.orderBy(asc(countyOptions.sortOrder), asc(countyOptions.code))
		.for('update');
}

/** The names of an item, checked; a Chinese name already in the list is refused. */
function names(input: OptionInput, issues: FieldIssue[]): { nameZh: string; nameEn: string } {
	const nameZh = textInput(input.nameZh, 200, 'nameZh');
	const nameEn = textInput(input.nameEn, 200, 'nameEn');
	if (!nameZh || [...nameZh].length > NAME_ZH_MAX)
		issues.push({
			field: 'nameZh',
			key: 'settings_error_option_name_zh',
			params: { max: NAME_ZH_MAX }
		});
	if (!nameEn || [...nameEn].length > NAME_EN_MAX)
		issues.push({
			field: 'nameEn',
			key: 'settings_error_option_name_en',
			params: { max: NAME_EN_MAX }
		});
	return { nameZh, nameEn };
}

function sameName(rows: OptionRow[], nameZh: string, except?: string): boolean {
	return rows.some((r) => r.nameZh === nameZh && r.code !== except);
}

const checked = (value: unknown) => value === true || value === 'on' || value === '1';

/**
 * Adds an item at the end of a list. The code is typed (lower-case letters, digits, _) or,
 * left empty, made from the list's name and the next free number ("risk_12").
 */
export async function addOption(db: Db, actor: UserActor, input: OptionInput): Promise<string> {
	requireAdmin(actor);
	const list = listOf(input.list);
	const issues: FieldIssue[] = [];
	const typed = textInput(input.code, 40, 'code').toLowerCase();
	if (typed && !CODE.test(typed)) issues.push({ field: 'code', key: 'settings_error_option_code' });
	const { nameZh, nameEn } = names(input, issues);
	if (issues.length) throw new DomainError('invalid', issues);
	return inTransaction(db, async (tx) => {
		const rows = await rowsOf(tx, actor.countyId, list);
		const taken = new Set(rows.map((r) => r.code));
		if (typed && taken.has(typed))
			throw DomainError.conflict('code', 'settings_error_option_code_taken', { code: typed });
		if (sameName(rows, nameZh))
			throw DomainError.conflict('nameZh', 'settings_error_option_name_taken', { name: nameZh });
		let code = typed;
		for (let n = rows.length + 1; !code || taken.has(code); n++) code = `${list}_${n}`;
		const [{ last }] = await tx
			.select({ last: max(countyOptions.sortOrder) })
			.from(countyOptions)
			.where(and(eq(countyOptions.countyId, actor.countyId), eq(countyOptions.list, list)));
		const row = {
			countyId: actor.countyId,
			list,
			code,
			nameZh,
			nameEn,
			sortOrder: (last ?? -1) + 1,
			developmental: list === 'measure' && checked(input.developmental)
		};
		await tx.insert(countyOptions).values(row);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'settings.option_add',
			entity: OPTION_ENTITY,
			entityId: `${list}:${code}`,
			after: row
		});
		return code;
	});
}

/** An existing item of a list, locked with the list for the change. */
async function existing(
	tx: Db,
	actor: UserActor,
	list: OptionList,
	code: unknown
): Promise<{ rows: OptionRow[]; row: OptionRow }> {
	const rows = await rowsOf(tx, actor.countyId, list);
	const row = rows.find((r) => r.code === code);
	if (!row) throw DomainError.notFound();
	return { rows, row };
}

/** New names (and, for measures, whether it is a development-type measure). */
export async function renameOption(db: Db, actor: UserActor, input: OptionInput): Promise<void> {
	requireAdmin(actor);
	const list = listOf(input.list);
	const issues: FieldIssue[] = [];
	const { nameZh, nameEn } = names(input, issues);
	if (issues.length) throw new DomainError('invalid', issues);
	await inTransaction(db, async (tx) => {
		const { rows, row } = await existing(tx, actor, list, input.code);
		if (sameName(rows, nameZh, row.code))
			throw DomainError.conflict('nameZh', 'settings_error_option_name_taken', { name: nameZh });
		const after = {
			nameZh,
			nameEn,
			developmental: list === 'measure' ? checked(input.developmental) : row.developmental
		};
		await tx
			.update(countyOptions)
			.set(after)
			.where(
				and(
					eq(countyOptions.countyId, actor.countyId),
					eq(countyOptions.list, list),
					eq(countyOptions.code, row.code)
				)
			);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'settings.option_rename',
			entity: OPTION_ENTITY,
			entityId: `${list}:${row.code}`,
			before: { nameZh: row.nameZh, nameEn: row.nameEn, developmental: row.developmental },
			after
		});
	});
}

/** Moves an item one place up or down; the list is renumbered 0, 1, 2 … in its new order. */
export async function moveOption(
	db: Db,
	actor: UserActor,
	input: { list: unknown; code: unknown; direction: unknown }
): Promise<void> {
	requireAdmin(actor);
	const list = listOf(input.list);
	if (input.direction !== 'up' && input.direction !== 'down')
		throw DomainError.invalid('direction', 'settings_error_option_direction');
	const step = input.direction === 'up' ? -1 : 1;
	await inTransaction(db, async (tx) => {
		const { rows, row } = await existing(tx, actor, list, input.code);
		const from = rows.indexOf(row);
		const to = from + step;
		if (to < 0 || to >= rows.length) return;
		const order = [...rows];
		[order[from], order[to]] = [order[to], order[from]];
		for (const [i, r] of order.entries()) {
			if (r.sortOrder === i) continue;
			await tx
				.update(countyOptions)
				.set({ sortOrder: i })
				.where(
					and(
						eq(countyOptions.countyId, actor.countyId),
						eq(countyOptions.list, list),
						eq(countyOptions.code, r.code)
					)
				);
		}
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'settings.option_move',
			entity: OPTION_ENTITY,
			entityId: `${list}:${row.code}`,
			before: { order: rows.map((r) => r.code) },
			after: { order: order.map((r) => r.code) }
		});
	});
}

/**
 * Puts an item out of use (no longer offered for new records; records that have it keep
 * it) or back into use. The 'ordinary' category is every unmonitored household's: it stays.
 */
export async function setOptionActive(
	db: Db,
	actor: UserActor,
	input: { list: unknown; code: unknown },
	active: boolean
): Promise<void> {
	requireAdmin(actor);
	const list = listOf(input.list);
	if (!active && list === 'category' && input.code === ORDINARY_CATEGORY)
		throw DomainError.invalid('code', 'settings_error_option_ordinary');
	await inTransaction(db, async (tx) => {
		const { row } = await existing(tx, actor, list, input.code);
		if (row.active === active) return;
		await tx
			.update(countyOptions)
			.set({ active })
			.where(
				and(
					eq(countyOptions.countyId, actor.countyId),
					eq(countyOptions.list, list),
					eq(countyOptions.code, row.code)
				)
			);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: active ? 'settings.option_reactivate' : 'settings.option_deactivate',
			entity: OPTION_ENTITY,
			entityId: `${list}:${row.code}`,
			before: { active: row.active },
			after: { active }
		});
	});
}

/**
 * Deletes a county's own item that no record uses (one added by mistake). A national code
 * or a code in use is refused: put it out of use instead.
 */
export async function deleteOption(
	db: Db,
	actor: UserActor,
	input: { list: unknown; code: unknown }
): Promise<void> {
	requireAdmin(actor);
	const list = listOf(input.list);
	await inTransaction(db, async (tx) => {
		const { row } = await existing(tx, actor, list, input.code);
		if (NATIONAL.has(`${list}:${row.code}`))
			throw DomainError.conflict('code', 'settings_error_option_national');
		if (await inUse(tx, actor.countyId, list, row.code))
			throw DomainError.conflict('code', 'settings_error_option_in_use');
		await tx
			.delete(countyOptions)
			.where(
				and(
					eq(countyOptions.countyId, actor.countyId),
					eq(countyOptions.list, list),
					eq(countyOptions.code, row.code)
				)
			);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'settings.option_delete',
			entity: OPTION_ENTITY,
			entityId: `${list}:${row.code}`,
			before: row
		});
	});
}
