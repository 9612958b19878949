import { and, count, desc, eq, gt, inArray, max, sql, type SQL } from 'drizzle-orm';
import { inTransaction, type Db } from '../db';
import { newId } from '../db/ids';
import { authEvents, type AuthEventKind } from './schema';

export interface AuthEventInput {
	id?: string;
	kind: AuthEventKind;
	userId?: string | null;
	countyId?: string | null;
	identifier?: string | null;
	ip?: string | null;
	device?: string | null;
	detail?: Record<string, unknown>;
}

export async function recordAuthEvent(db: Db, event: AuthEventInput): Promise<void> {
	await db.insert(authEvents).values({
		id: event.id ?? newId(),
		kind: event.kind,
		userId: event.userId ?? null,
		countyId: event.countyId ?? null,
		identifier: event.identifier?.slice(0, 64) ?? null,
		ip: event.ip?.slice(0, 64) ?? null,
		device: event.device ?? null,
		detail: event.detail ?? null
	});
}

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const FREE_FAILURES = 5;
// A township office or a village's phones often share one address, so an address gets
// more room than one account before it is slowed down.
export const FREE_FAILURES_PER_ADDRESS = 20;
// A device that signed in to the account before has this budget of its own.
export const FREE_FAILURES_PER_DEVICE = 5;
const FIRST_DELAY_MS = 30 * 1000;
// Attempts whose outcome is not known yet count as failures.
const COUNTED = inArray(authEvents.kind, ['sign_in_failed', 'sign_in_attempt']);

export interface SignInAttemptInput {
	/** What was typed as the account (lower-case phone, username, or a card's hash prefix). */
	identifier: string;
	ip: string | null;
	method: string;
	/** The account the identifier names, when there is one. */
	userId: string | null;
	countyId: string | null;
	/** SHA-256 of the device cookie the request came with. */
	device: string | null;
	/** The device has signed in to this account before: only its own budget applies. */
	trusted: boolean;
}

export type SignInAttempt = { id: string; delayMs: 0 } | { id: null; delayMs: number };

/**
 * The throttle's check and count as one step. In one transaction, holding an advisory
 * lock per account and per client address (or per trusted device), it computes the
 * delay and either records the refusal or records the attempt itself before the secret
 * is checked. So parallel requests are counted one after another: of a burst of guesses
 * at one account only the free ones are ever compared with the hash.
 */
export function beginSignInAttempt(
	db: Db,
	input: SignInAttemptInput,
	now = Date.now()
): Promise<SignInAttempt> {
	return inTransaction(db, async (tx) => {
		const keys =
			input.trusted && input.device && input.userId
				? [`device:${input.device}:${input.userId}`]
				: [`account:${input.identifier}`, ...(input.ip ? [`address:${input.ip}`] : [])];
		// Always in this order (account before address), so two attempts never wait on each other.
		for (const key of keys) {
			await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
		}
		const delayMs = await signInDelayMs(tx, input, now);
		const event = {
			identifier: input.identifier,
			ip: input.ip,
			userId: input.userId,
			countyId: input.countyId,
			device: input.device,
			detail: { method: input.method, ...(input.trusted ? { trusted: true } : {}) }
		};
		if (delayMs > 0) {
			await recordAuthEvent(tx, { ...event, kind: 'sign_in_throttled' });
			return { id: null, delayMs };
		}
		const id = newId();
		await recordAuthEvent(tx, { ...event, id, kind: 'sign_in_attempt' });
		return { id, delayMs: 0 };
	});
}

/** Turns a recorded attempt into its outcome, a sign-in or a failure. */
export async function finishSignInAttempt(
	db: Db,
	id: string,
	kind: 'sign_in' | 'sign_in_failed',
	detail: Record<string, unknown>
): Promise<void> {
	const [row] = await db
		.select({ detail: authEvents.detail })
		.from(authEvents)
		.where(eq(authEvents.id, id));
	await db
		.update(authEvents)
		.set({
			kind,
			detail: { ...((row?.detail as Record<string, unknown> | null) ?? {}), ...detail },
			// A sign-in clears the account's earlier failures from this moment on.
			...(kind === 'sign_in' ? { at: new Date() } : {})
		})
		.where(eq(authEvents.id, id));
}

/**
 * How long a sign-in must wait. Five failures in 15 minutes per account (twenty per
 * address) are free; each one after that doubles a delay that starts at 30 seconds.
 * A successful sign-in clears the account's count. A trusted device is judged only by
 * its own failures on that account, so strangers' failures do not lock its owner out.
 */
export async function signInDelayMs(
	db: Db,
	who: Pick<SignInAttemptInput, 'identifier' | 'ip' | 'device' | 'userId' | 'trusted'>,
	now = Date.now()
): Promise<number> {
	const since = new Date(now - THROTTLE_WINDOW_MS);
	const [lastSuccess] = await db
		.select({ at: max(authEvents.at) })
		.from(authEvents)
		.where(
			and(
				eq(authEvents.kind, 'sign_in'),
				eq(authEvents.identifier, who.identifier),
				gt(authEvents.at, since)
			)
		);
	const accountSince = lastSuccess?.at && lastSuccess.at > since ? lastSuccess.at : since;
	if (who.trusted && who.device && who.userId) {
		return delayFor(
			db,
			and(eq(authEvents.device, who.device), eq(authEvents.userId, who.userId))!,
			accountSince,
			now,
			FREE_FAILURES_PER_DEVICE
		);
	}
	const delays = await Promise.all([
		delayFor(db, eq(authEvents.identifier, who.identifier), accountSince, now, FREE_FAILURES),
		who.ip
			? delayFor(db, eq(authEvents.ip, who.ip), since, now, FREE_FAILURES_PER_ADDRESS)
			: Promise.resolve(0)
	]);
	return Math.max(...delays);
}

async function delayFor(db: Db, who: SQL, since: Date, now: number, free: number): Promise<number> {
	const [row] = await db
		.select({ failures: count(), last: max(authEvents.at) })
		.from(authEvents)
		.where(and(COUNTED, who, gt(authEvents.at, since)));
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
