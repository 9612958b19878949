// The weighing station's screen remembers its station and day on the phone, in a cookie
// the server can read, so the page opens where the person left it without a flash.

export const WEIGH_COOKIE = 'levee_weigh';

export interface WeighChoice {
	station: string | null;
	/** Remembered only for the day it was chosen: tomorrow starts with tomorrow's date. */
	date: string | null;
}

export function readWeighChoice(raw: string | undefined, today: string): WeighChoice {
	try {
		const value = JSON.parse(raw ?? '{}') as { station?: unknown; date?: unknown; on?: unknown };
		return {
			station: typeof value.station === 'string' ? value.station : null,
			date: value.on === today && typeof value.date === 'string' ? value.date : null
		};
	} catch {
		return { station: null, date: null };
	}
}

/** Written by the screen itself (a preference, not a secret: no HttpOnly needed). */
export function writeWeighChoice(station: string, date: string, today: string): void {
	const value = encodeURIComponent(JSON.stringify({ station, date, on: today }));
	document.cookie = `${WEIGH_COOKIE}=${value}; path=/planting; max-age=${60 * 60 * 24 * 180}; samesite=lax`;
}
