import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** A random token: 160 bits for sessions, 256 for printed household cards. */
export function generateToken(bytes = 20): string {
	const random = new Uint8Array(bytes);
	crypto.getRandomValues(random);
	return encodeBase32LowerCaseNoPadding(random);
}

/** What is stored instead of a token: its SHA-256, so a leaked table signs no one in. */
export function hashToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}
