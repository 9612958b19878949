// The table's words for figures and misses (scripts/bench/table.ts): a miss says by how
// much, with enough digits that a near miss never reads as "0" or "1.0× over".

export const fmtMs = (n: number) =>
	n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 1 : 0)} ms`;
export const int = (n: number) => Math.round(n).toLocaleString('en');

/**
 * A miss's excess with enough decimals to not read as nothing: 0.04 stays 0.04, 0.004 is
 * 0.004 (never "0.00" or a rounded "1.0×" for a ratio just over its limit).
 */
export function excess(over: number): string {
	return over.toFixed(over >= 0.01 ? 2 : over >= 0.001 ? 3 : 4);
}

/** The ratio's own target: at most 3× the bare SQL; a miss says the ratio and by how much. */
export function ratioCheck(ratio: number | null): { ok: boolean; by?: string } | null {
	if (ratio === null) return null;
	if (ratio <= 3) return { ok: true };
	const over = excess(ratio - 3);
	return { ok: false, by: `${ratio.toFixed(over.length - 2)}× (${over}× over 3×)` };
}

/** How far a measure falls short of (or goes past) its limit, never "0" for a miss. */
export function missBy(amount: number): string {
	return amount >= 10 ? int(amount) : excess(amount);
}

/** A time limit; a miss says the excess, and the multiple of the limit when it is 2× or more. */
export function timeTarget(ms: number, limit: number): { ok: boolean; by?: string } {
	if (ms < limit) return { ok: true };
	const times = ms >= 2 * limit ? ` (${(ms / limit).toFixed(1)}× the limit)` : '';
	return {
		ok: false,
		by: `${fmtMs(ms)}: ${ms - limit < 1 ? `${excess(ms - limit)} ms` : fmtMs(ms - limit)} over ${fmtMs(limit)}${times}`
	};
}
