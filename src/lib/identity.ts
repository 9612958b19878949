// Resident identity numbers (居民身份证号, GB 11643): 6-digit address code, 8-digit birth
// date, 3-digit sequence (odd = male) and an ISO 7064 MOD 11-2 check character.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

export type IdentityProblem = 'format' | 'birth_date' | 'check_character';

export interface IdentityFacts {
	number: string;
	addressCode: string;
	birthDate: string;
	sex: 'male' | 'female';
}

/** The check character for the first 17 digits. */
export function identityCheckCharacter(first17: string): string {
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
	return CHECK_CHARACTERS[sum % 11];
}

function isRealDate(year: number, month: number, day: number): boolean {
	const date = new Date(Date.UTC(year, month - 1, day));
	return (
		date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
	);
}

/**
 * Validates a number and derives birth date and sex from it. `today` bounds the birth
 * date (YYYY-MM-DD, China Standard Time), so a number cannot be born in the future.
 */
export function parseIdentityNumber(
	input: string,
	today: string = new Date().toISOString().slice(0, 10)
): { ok: true; value: IdentityFacts } | { ok: false; problem: IdentityProblem } {
	const number = input.trim().toUpperCase();
	if (!/^\d{17}[\dX]$/.test(number)) return { ok: false, problem: 'format' };
	const year = Number(number.slice(6, 10));
	const month = Number(number.slice(10, 12));
	const day = Number(number.slice(12, 14));
	const birthDate = `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`;
	if (year < 1900 || !isRealDate(year, month, day) || birthDate > today) {
		return { ok: false, problem: 'birth_date' };
	}
	if (identityCheckCharacter(number.slice(0, 17)) !== number[17]) {
		return { ok: false, problem: 'check_character' };
	}
	return {
		ok: true,
		value: {
			number,
			addressCode: number.slice(0, 6),
			birthDate,
			sex: Number(number[16]) % 2 === 1 ? 'male' : 'female'
		}
	};
}

/** Shown everywhere a number appears: first 6 and last 4 characters. */
export function maskIdentityNumber(number: string): string {
	if (number.length < 10) return '*'.repeat(number.length);
	return number.slice(0, 6) + '*'.repeat(number.length - 10) + number.slice(-4);
}
