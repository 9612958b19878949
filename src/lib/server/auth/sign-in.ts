import { and, eq, isNull, ne, or } from 'drizzle-orm';
import type { Db } from '../db';
import { DomainError } from '../errors';
import { recordAuthEvent, signInDelayMs } from './events';
import { verifyAgainstDecoy, verifySecret } from './passwords';
import { householdCards, users } from './schema';
import { createSession, type NewSession, type SignInMethod } from './sessions';
import { hashToken } from './tokens';

export interface ClientInfo {
	ip: string | null;
	userAgent: string | null;
}

type UserRow = typeof users.$inferSelect;

/**
 * One path for every sign-in: throttle, check the secret (the same time whether or not
 * the account exists), record the outcome, and open a session. Failures all say the
 * same thing, so nobody learns whether an account exists or is disabled.
 */
async function signIn(
	db: Db,
	identifier: string,
	method: SignInMethod,
	client: ClientInfo,
	find: () => Promise<UserRow | undefined>,
	check: (user: UserRow) => Promise<boolean>
): Promise<NewSession> {
	const delay = await signInDelayMs(db, identifier, client.ip);
	if (delay > 0) {
		await recordAuthEvent(db, { kind: 'sign_in_throttled', identifier, ip: client.ip });
		throw new DomainError('invalid', [
			{ field: '', key: 'auth_error_throttled', params: { minutes: Math.ceil(delay / 60000) } }
		]);
	}
	const user = await find();
	const ok = user ? await check(user) : await verifyAgainstDecoy(identifier);
	if (!user || !ok || user.disabledAt) {
		await recordAuthEvent(db, {
			kind: 'sign_in_failed',
			userId: user?.id ?? null,
			countyId: user?.countyId ?? null,
			identifier,
			ip: client.ip,
			detail: { method, reason: !user ? 'unknown' : !ok ? 'secret' : 'disabled' }
		});
		throw new DomainError('invalid', [{ field: '', key: 'auth_error_sign_in' }]);
	}
	const session = await createSession(db, user.id, method, client);
	await recordAuthEvent(db, {
		kind: 'sign_in',
		userId: user.id,
		countyId: user.countyId,
		identifier,
		ip: client.ip,
		detail: { method }
	});
	return session;
}

/** Staff, admins and factory owners: username or phone, and a password. */
export function signInWithPassword(
	db: Db,
	input: { identifier: string; password: string },
	client: ClientInfo
): Promise<NewSession> {
	const identifier = input.identifier.trim().toLowerCase();
	if (!identifier || !input.password) {
		throw new DomainError('invalid', [{ field: '', key: 'auth_error_sign_in' }]);
	}
	return signIn(
		db,
		identifier,
		'password',
		client,
		async () =>
			(
				await db
					.select()
					.from(users)
					.where(
						and(
							ne(users.role, 'household'),
							or(eq(users.username, identifier), eq(users.phone, identifier))
						)
					)
					.limit(1)
			)[0],
		(user) =>
			user.passwordHash ? verifySecret(user.passwordHash, input.password) : Promise.resolve(false)
	);
}

/** Households: the phone number staff registered and a 6-digit PIN. */
export function signInWithPin(
	db: Db,
	input: { phone: string; pin: string },
	client: ClientInfo
): Promise<NewSession> {
	const phone = input.phone.replace(/[\s-]/g, '');
	if (!phone || !input.pin)
		throw new DomainError('invalid', [{ field: '', key: 'auth_error_sign_in' }]);
	return signIn(
		db,
		phone,
		'pin',
		client,
		async () =>
			(
				await db
					.select()
					.from(users)
					.where(and(eq(users.role, 'household'), eq(users.phone, phone)))
					.limit(1)
			)[0],
		(user) => (user.pinHash ? verifySecret(user.pinHash, input.pin) : Promise.resolve(false))
	);
}

/** A scanned household QR card. The token is long and random, so no secret is asked. */
export async function signInWithCard(
	db: Db,
	token: string,
	client: ClientInfo
): Promise<NewSession> {
	const tokenHash = hashToken(token);
	// Throttled per card (by its hash prefix) and per address, like passwords.
	const identifier = `card:${tokenHash.slice(0, 16)}`;
	return signIn(
		db,
		identifier,
		'card',
		client,
		async () =>
			(
				await db
					.select({ user: users })
					.from(householdCards)
					.innerJoin(
						users,
						and(
							eq(users.countyId, householdCards.countyId),
							eq(users.householdId, householdCards.householdId)
						)
					)
					.where(and(eq(householdCards.tokenHash, tokenHash), isNull(householdCards.revokedAt)))
					.limit(1)
			)[0]?.user,
		async () => true
	);
}

/** Whether a card token is live, for the page that asks "sign in as this household?". */
export async function cardHouseholdId(
	db: Db,
	token: string
): Promise<{ countyId: string; householdId: string } | null> {
	const [card] = await db
		.select({ countyId: householdCards.countyId, householdId: householdCards.householdId })
		.from(householdCards)
		.where(and(eq(householdCards.tokenHash, hashToken(token)), isNull(householdCards.revokedAt)));
	return card ?? null;
}
