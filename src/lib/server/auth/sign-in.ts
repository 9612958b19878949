import { and, eq, isNull, ne, or } from 'drizzle-orm';
import type { Db } from '../db';
import { DomainError, type FieldIssue } from '../errors';
import { deviceHash, isTrustedDevice, trustDevice } from './devices';
import { beginSignInAttempt, finishSignInAttempt } from './events';
import { verifyAgainstDecoy, verifySecret } from './passwords';
import { householdCards, users } from './schema';
import { createSession, type NewSession, type SignInMethod } from './sessions';
import { hashToken } from './tokens';

export interface ClientInfo {
	ip: string | null;
	userAgent: string | null;
	/** The device cookie's token, if the browser sent one. */
	device?: string | null;
}

/** A new session, and the device token to keep in the browser's device cookie. */
export interface SignedIn extends NewSession {
	deviceToken: string;
}

type UserRow = typeof users.$inferSelect;

/**
 * One path for every sign-in: throttle, check the secret (the same time whether or not
 * the account exists), record the outcome, and open a session. Failures all say the
 * same thing, so nobody learns whether an account exists or is disabled. The attempt is
 * counted before the secret is checked (beginSignInAttempt), so parallel guesses cannot
 * slip past the throttle.
 */
async function signIn(
	db: Db,
	identifier: string,
	method: SignInMethod,
	client: ClientInfo,
	find: () => Promise<UserRow | undefined>,
	check: (user: UserRow) => Promise<boolean>,
	// What a failure says: households are told about their phone and PIN, not "账号或密码".
	failureKey = 'auth_error_sign_in'
): Promise<SignedIn> {
	const user = await find();
	const device = deviceHash(client.device);
	const trusted = user && device ? await isTrustedDevice(db, device, user.id) : false;
	const attempt = await beginSignInAttempt(db, {
		identifier,
		ip: client.ip,
		method,
		userId: user?.id ?? null,
		countyId: user?.countyId ?? null,
		device,
		trusted
	});
	if (attempt.id === null) {
		throw new DomainError('invalid', [
			{
				field: '',
				key: 'auth_error_throttled',
				params: { minutes: Math.ceil(attempt.delayMs / 60000) }
			}
		]);
	}
	const ok = user ? await check(user) : await verifyAgainstDecoy(identifier);
	if (!user || !ok || user.disabledAt) {
		await finishSignInAttempt(db, attempt.id, 'sign_in_failed', {
			reason: !user ? 'unknown' : !ok ? 'secret' : 'disabled'
		});
		throw new DomainError('invalid', [{ field: '', key: failureKey }]);
	}
	const session = await createSession(db, user.id, method, client);
	await finishSignInAttempt(db, attempt.id, 'sign_in', {});
	const deviceToken = await trustDevice(db, client.device ?? null, user.id);
	return { ...session, deviceToken };
}

/** Staff, admins and factory owners: username or phone, and a password. */
export function signInWithPassword(
	db: Db,
	input: { identifier: string; password: string },
	client: ClientInfo
): Promise<SignedIn> {
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
export async function signInWithPin(
	db: Db,
	input: { phone: string; pin: string },
	client: ClientInfo
): Promise<SignedIn> {
	const phone = input.phone.replace(/[\s-]/g, '');
	// A family is told what a phone number and a PIN look like before anything is tried.
	const issues: FieldIssue[] = [];
	if (!/^1[3-9]\d{9}$/.test(phone)) issues.push({ field: 'phone', key: 'my_auth_error_phone' });
	if (!/^\d{6}$/.test(input.pin)) issues.push({ field: 'pin', key: 'my_auth_error_pin' });
	if (issues.length > 0) throw new DomainError('invalid', issues);
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
		(user) => (user.pinHash ? verifySecret(user.pinHash, input.pin) : Promise.resolve(false)),
		'my_auth_error_pin_wrong'
	);
}

/** A scanned household QR card. The token is long and random, so no secret is asked. */
export async function signInWithCard(db: Db, token: string, client: ClientInfo): Promise<SignedIn> {
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
		async () => true,
		'my_auth_error_card'
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
