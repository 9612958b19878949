import { and, desc, eq, gte, like, lt } from 'drizzle-orm';
import { isCalendarDate } from '../../input';
import type { Db } from '../db';
import { newId } from '../db/ids';
import type { Actor } from '../auth/actor';
import { maskIdentityNumber } from '../../identity';
import { auditLog } from './schema';
import { resolveAuditNames } from './names';
import type { AuditNames } from '../../audit-words';

export interface AuditEntry {
	countyId: string;
	action: string;
	entity: string;
	entityId: string;
	before?: unknown;
	after?: unknown;
}

const IDENTITY_NUMBER = /^\d{17}[\dXx]$/;

/** Deep copy in which every identity number is masked: the audit log never holds one. */
export function maskForAudit(value: unknown): unknown {
	if (typeof value === 'string')
		return IDENTITY_NUMBER.test(value) ? maskIdentityNumber(value) : value;
	if (typeof value === 'bigint') return value.toString();
	if (value instanceof Date) return value.toISOString();
	if (Array.isArray(value)) return value.map(maskForAudit);
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskForAudit(v)]));
	}
	return value ?? null;
}

/** Writes one audit row; call it with the transaction that makes the change. */
export async function recordAudit(tx: Db, actor: Actor, entry: AuditEntry): Promise<void> {
	await tx.insert(auditLog).values({
		countyId: entry.countyId,
		id: newId(),
		actorUserId: actor.userId,
		actorLabel: actor.label,
		action: entry.action,
		entity: entry.entity,
		entityId: entry.entityId,
		before: maskForAudit(entry.before ?? null),
		after: maskForAudit(entry.after ?? null)
	});
}

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditFilter {
	entity?: string;
	entityId?: string;
	actorUserId?: string;
	action?: string;
	/** Business dates (YYYY-MM-DD, China Standard Time), both inclusive. */
	from?: string;
	to?: string;
	limit?: number;
	offset?: number;
}

/** The county's audit rows, newest first, narrowed by who, what and when. */
export async function listAudit(
	db: Db,
	countyId: string,
	filter: AuditFilter = {}
): Promise<AuditRow[]> {
	const conditions = [eq(auditLog.countyId, countyId)];
	if (filter.entity) conditions.push(eq(auditLog.entity, filter.entity));
	if (filter.entityId) conditions.push(eq(auditLog.entityId, filter.entityId));
	if (filter.actorUserId) conditions.push(eq(auditLog.actorUserId, filter.actorUserId));
	if (filter.action) {
		// An action code is matched as a prefix; its underscores are literal, not wildcards.
		const escaped = filter.action.replace(/[%_\\]/g, (c) => `\\${c}`);
		conditions.push(like(auditLog.action, `${escaped}%`));
	}
	if (filter.from && isCalendarDate(filter.from)) {
		conditions.push(gte(auditLog.at, new Date(`${filter.from}T00:00:00+08:00`)));
	}
	if (filter.to && isCalendarDate(filter.to)) {
		conditions.push(
			lt(auditLog.at, new Date(new Date(`${filter.to}T00:00:00+08:00`).getTime() + 86_400_000))
		);
	}
	return db
		.select()
		.from(auditLog)
		.where(and(...conditions))
		.orderBy(desc(auditLog.at), desc(auditLog.id))
		.limit(filter.limit ?? 100)
		.offset(filter.offset ?? 0);
}

/** The distinct actions recorded in a county, for the filter's choices. */
export async function listAuditActions(db: Db, countyId: string): Promise<string[]> {
	const rows = await db
		.selectDistinct({ action: auditLog.action })
		.from(auditLog)
		.where(eq(auditLog.countyId, countyId))
		.orderBy(auditLog.action);
	return rows.map((r) => r.action);
}

export interface AuditPageRow {
	id: string;
	at: string;
	actor: string;
	action: string;
	entity: string;
	entityId: string;
	before: unknown;
	after: unknown;
}

export interface AuditPage {
	rows: AuditPageRow[];
	/** `kind:id` → name, for everything the rows point at (see ./names.ts). */
	names: AuditNames;
	hasNext: boolean;
}

/**
 * One page of the county's audit log and the names of what it points at: the page's rows,
 * then one lookup per kind of record for the whole page.
 */
export async function auditPage(
	db: Db,
	countyId: string,
	filter: AuditFilter,
	page: number,
	pageSize = 50
): Promise<AuditPage> {
	const rows = await listAudit(db, countyId, {
		...filter,
		limit: pageSize + 1,
		offset: (page - 1) * pageSize
	});
	const shown = rows.slice(0, pageSize);
	return {
		rows: shown.map((r) => ({
			id: r.id,
			at: r.at.toISOString(),
			actor: r.actorLabel,
			action: r.action,
			entity: r.entity,
			entityId: r.entityId,
			before: r.before,
			after: r.after
		})),
		names: await resolveAuditNames(db, countyId, shown),
		hasNext: rows.length > pageSize
	};
}
