import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '../db';
import { trustedDevices } from './schema';
import { generateToken, hashToken } from './tokens';

// OWASP's "device cookies": a browser that has signed in to an account keeps a random
// token; strangers' failures slow the account down but not this device.

export const DEVICE_COOKIE = 'levee_device';
export const DEVICE_LIFETIME_MS = 365 * 24 * 60 * 60 * 1000;

/** The SHA-256 of a well-formed device token; anything else is no device at all. */
export function deviceHash(token: string | null | undefined): string | null {
	return token && /^[a-z2-7]{32}$/.test(token) ? hashToken(token) : null;
}

/** Whether this device has signed in to this account within the last year. */
export async function isTrustedDevice(db: Db, hash: string, userId: string): Promise<boolean> {
	const [row] = await db
		.select({ userId: trustedDevices.userId })
		.from(trustedDevices)
		.where(
			and(
				eq(trustedDevices.tokenHash, hash),
				eq(trustedDevices.userId, userId),
				gt(trustedDevices.lastUsedAt, new Date(Date.now() - DEVICE_LIFETIME_MS))
			)
		)
		.limit(1);
	return row !== undefined;
}

/**
 * After a successful sign-in: trusts the device for the account and returns the token
 * for its cookie. A token the server issued before is kept (one device, several
 * accounts); a token it never issued is replaced, so nobody can plant one.
 */
export async function trustDevice(
	db: Db,
	presented: string | null,
	userId: string
): Promise<string> {
	let token = presented;
	const hash = deviceHash(token);
	if (hash) {
		const [known] = await db
			.select({ userId: trustedDevices.userId })
			.from(trustedDevices)
			.where(eq(trustedDevices.tokenHash, hash))
			.limit(1);
		if (!known) token = null;
	} else {
		token = null;
	}
	token ??= generateToken();
	const now = new Date();
	await db
		.insert(trustedDevices)
		.values({ tokenHash: hashToken(token), userId, createdAt: now, lastUsedAt: now })
		.onConflictDoUpdate({
			target: [trustedDevices.tokenHash, trustedDevices.userId],
			set: { lastUsedAt: now }
		});
	return token;
}
