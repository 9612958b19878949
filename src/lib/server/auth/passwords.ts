import { hash, verify } from '@node-rs/argon2';
import { COMMON_PASSWORDS } from './common-passwords';

// argon2id with OWASP's minimum memory setting: about 0.2 s on our 2-core machines.
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashSecret(secret: string): Promise<string> {
	return hash(secret, OPTIONS);
}

export async function verifySecret(storedHash: string, secret: string): Promise<boolean> {
	try {
		return await verify(storedHash, secret);
	} catch {
		return false;
	}
}

// Compared against when the account does not exist, so a miss takes as long as a hit.
let decoyHash: Promise<string> | null = null;
export async function verifyAgainstDecoy(secret: string): Promise<false> {
	decoyHash ??= hashSecret('levee-decoy-password');
	await verifySecret(await decoyHash, secret);
	return false;
}

export type PasswordProblem = 'password_too_short' | 'password_too_long' | 'password_common';

/** Null when the password may be used; otherwise the message key of what is wrong. */
export function passwordProblem(
	password: string,
	personal: (string | null)[] = []
): PasswordProblem | null {
	if (password.length < 8) return 'password_too_short';
	if (password.length > 128) return 'password_too_long';
	const lower = password.toLowerCase();
	if (COMMON_PASSWORDS.has(lower)) return 'password_common';
	if (personal.some((p) => p && p.toLowerCase() === lower)) return 'password_common';
	if (/^(.)\1+$/.test(password)) return 'password_common';
	return null;
}

export type PinProblem = 'pin_format' | 'pin_simple';

/** A PIN is 6 digits and not one a neighbour would guess (111111, 123456, 654321). */
export function pinProblem(pin: string): PinProblem | null {
	if (!/^\d{6}$/.test(pin)) return 'pin_format';
	if (/^(\d)\1{5}$/.test(pin) || '0123456789'.includes(pin) || '9876543210'.includes(pin)) {
		return 'pin_simple';
	}
	return null;
}
