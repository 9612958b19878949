/** A dashboard period: whole calendar months, inclusive business dates. */
export interface DashboardPeriod {
	/** The first day of the first month. */
	from: string;
	/** The last day of the last month. */
	to: string;
	/** The months, 'YYYY-MM', oldest first. */
	months: string[];
}

const MONTH = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;

/** '2026-03-01' shifted by `by` months → the first of that month. */
export function shiftMonth(firstOfMonth: string, by: number): string {
	const index = Number(firstOfMonth.slice(0, 4)) * 12 + Number(firstOfMonth.slice(5, 7)) - 1 + by;
	return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

function lastDayOf(firstOfMonth: string): string {
	const next = shiftMonth(firstOfMonth, 1);
	const date = new Date(`${next}T00:00:00Z`);
	date.setUTCDate(0);
	return date.toISOString().slice(0, 10);
}

/** Each month from the first to the last (firsts of month), as 'YYYY-MM'. */
export function monthsBetween(firstMonth: string, lastMonth: string): string[] {
	const out: string[] = [];
	for (let month = firstMonth; month <= lastMonth && out.length < 120; month = shiftMonth(month, 1))
		out.push(month.slice(0, 7));
	return out;
}

/** A 'YYYY-MM' or 'YYYY-MM-DD' that names a real month in 2000–2100, as its first day. */
function firstOfMonth(value: string | undefined): string | null {
	const match = MONTH.exec(value?.trim() ?? '');
	if (!match) return null;
	const year = Number(match[1]);
	const month = Number(match[2]);
	if (year < 2000 || year > 2100 || month < 1 || month > 12) return null;
	return `${match[1]}-${match[2]}-01`;
}

/**
 * The period asked for, rounded out to whole months (the income summary is monthly).
 * Missing or malformed ends: January of this year, this month. Ends given the wrong way
 * round are swapped; at most ten years.
 */
export function dashboardPeriod(
	from: string | undefined,
	to: string | undefined,
	today: string
): DashboardPeriod {
	let first = firstOfMonth(from) ?? `${today.slice(0, 4)}-01-01`;
	let last = firstOfMonth(to) ?? `${today.slice(0, 7)}-01`;
	if (first > last) [first, last] = [last, first];
	if (shiftMonth(first, 119) < last) first = shiftMonth(last, -119);
	return { from: first, to: lastDayOf(last), months: monthsBetween(first, last) };
}
