import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db';
import { newId } from '../db/ids';
import type { Actor } from '../auth/actor';
import { maskIdentityNumber } from '../../identity';
import { auditLog } from './schema';

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

export async function listAudit(
	db: Db,
	countyId: string,
	filter: { entity?: string; entityId?: string; limit?: number } = {}
): Promise<AuditRow[]> {
	const conditions = [eq(auditLog.countyId, countyId)];
	if (filter.entity) conditions.push(eq(auditLog.entity, filter.entity));
	if (filter.entityId) conditions.push(eq(auditLog.entityId, filter.entityId));
	return db
		.select()
		.from(auditLog)
		.where(and(...conditions))
		.orderBy(desc(auditLog.at), desc(auditLog.id))
		.limit(filter.limit ?? 100);
}
