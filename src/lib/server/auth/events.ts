import { and, count, desc, eq, gt, max } from 'drizzle-orm';
import type { Db } from '../db';
import { newId } from '../db/ids';
import { authEvents, type AuthEventKind } from './schema';

export interface AuthEventInput {
	kind: AuthEventKind;
	userId?: string | null;
	countyId?: string | null;
	identifier?: string | null;
	ip?: string | null;
	detail?: Record<string, unknown>;
}

export async function recordAuthEvent(db: Db, event: AuthEventInput): Promise<void> {
	await db.insert(authEvents).values({
		id: newId(),
		kind: event.kind,
		userId: event.userId ?? null,
		countyId: event.countyId ?? null,
		identifier: event.identifier?.slice(0, 64) ?? null,
		ip: event.ip?.slice(0, 64) ?? null,
		detail: event.detail ?? null
	});
}

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const FREE_FAILURES = 5;
// A township office or a village's phones often share one address, so an address gets
// more room than one account before it is slowed down.
export const FREE_FAILURES_PER_ADDRESS = 20;
const FIRST_DELAY_MS = 30 * 1000;

/**
 * How long a sign-in must wait. Five failures in 15 minutes per account (twenty per
 * address) are free; each one after that doubles a delay that starts at 30 seconds.
 * A successful sign-in clears the account's count.
 */
export async function signInDelayMs(
	db: Db,
	identifier: string,
	ip: string | null,
	now = Date.now()
): Promise<number> {
	const since = new Date(now - THROTTLE_WINDOW_MS);
	const [lastSuccess] = await db
		.select({ at: max(authEvents.at) })
		.from(authEvents)
		.where(
			and(
				eq(authEvents.kind, 'sign_in'),
				eq(authEvents.identifier, identifier),
				gt(authEvents.at, since)
			)
		);
	const accountSince = lastSuccess?.at && lastSuccess.at > since ? lastSuccess.at : since;
	const delays = await Promise.all([
		delayFor(db, eq(authEvents.identifier, identifier), accountSince, now, FREE_FAILURES),
		ip
			? delayFor(db, eq(authEvents.ip, ip), since, now, FREE_FAILURES_PER_ADDRESS)
			: Promise.resolve(0)
	]);
	return Math.max(...delays);
}

async function delayFor(
	db: Db,
	who: ReturnType<typeof eq>,
	since: Date,
	now: number,
	free: number
): Promise<number> {
	const [row] = await db
		.select({ failures: count(), last: max(authEvents.at) })
		.from(authEvents)
		.where(and(eq(authEvents.kind, 'sign_in_failed'), who, gt(authEvents.at, since)));
	if (!row || row.failures < free || !row.last) return 0;
	const delay = Math.min(FIRST_DELAY_MS * 2 ** (row.failures - free), THROTTLE_WINDOW_MS);
	return Math.max(0, row.last.getTime() + delay - now);
}

export type AuthEventRow = typeof authEvents.$inferSelect;

export async function listAuthEventsForUser(
	db: Db,
	userId: string,
	limit = 20
): Promise<AuthEventRow[]> {
	return db
		.select()
		.from(authEvents)
		.where(eq(authEvents.userId, userId))
		.orderBy(desc(authEvents.at))
		.limit(limit);
}
