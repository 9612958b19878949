import { and, asc, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { members, membershipEvents, type MembershipEventKind } from '../households/schema';
import { getCountySettings, type CountySettings } from '../settings';
import { monitoringLines } from '../settings/schema';
import { ledgerEntries, LEDGER_KINDS, type LedgerKind } from './schema';

/**
 * The income account of a household on an evaluation date: the one computation every
 * screen, rule, report, export and stored standing uses.
 *
 * - The window is (onDate − 1 year, onDate]: 2026-11-29 reads 2025-11-30 … 2026-11-29.
 * - The calendar years are the evaluation year so far (1 Jan … onDate) and the whole year
 *   before; each is divided by the residents on its last day and compared with its own line.
 * - The monthly series is the 12 calendar months ending with onDate's month (the current
 *   month so far).
 * - Net income = wage + operating + property + transfer − production costs. Large expenses
 *   stand beside it (a list and a total), never subtracted.
 * - Per-capita income is truncated to the fen; null, with a reason, when nobody lives there.
 */

export type IncomeKind = LedgerKind;
export type KindTotals = Record<LedgerKind, number>;

/** Events that begin a person's membership of the household on their date. */
export const JOINING: readonly MembershipEventKind[] = [
	'registered',
	'birth',
	'marriage_in',
	'moved_in'
];
/**
 * The first event Levee knows of a person that says they already lived there before it:
 * 'registered' (when Levee learnt of them, e.g. an import dated the day it ran) or a
 * departure with no arrival recorded before it.
 */
export const ALREADY_THERE: readonly MembershipEventKind[] = [
	'registered',
	'death',
	'marriage_out',
	'moved_out'
];

export function emptyTotals(): KindTotals {
	return Object.fromEntries(LEDGER_KINDS.map((k) => [k, 0])) as KindTotals;
}

/** Net income = the four income kinds − production costs. Large expenses are not subtracted. */
export function netIncome(totals: KindTotals): number {
	return (
		totals.wage + totals.operating + totals.property + totals.transfer - totals.production_cost
	);
}

export type NoPerCapitaReason = 'no_residents';

export interface AccountPeriod {
	/** First and last business date counted, both inclusive. */
	from: string;
	to: string;
	totals: KindTotals;
	netFen: number;
	/** Resident members on `to`: the divisor. */
	residents: number;
	/** Net income per resident, truncated to the fen; null when there is no resident. */
	perCapitaFen: number | null;
	noPerCapita: NoPerCapitaReason | null;
	/** The county's monitoring line of `to`'s year per person; null when not set. */
	lineFen: number | null;
	/** Per-capita income minus the line: negative is the shortfall per person. */
	gapFen: number | null;
	belowLine: boolean | null;
}

export interface AccountMonth {
	/** 'YYYY-MM' */
	month: string;
	totals: KindTotals;
	netFen: number;
}

export interface LargeExpense {
	id: string;
	businessDate: string;
	subtype: string;
	amountFen: number;
	note: string | null;
}

export interface IncomeAccount extends AccountPeriod {
	householdId: string;
	onDate: string;
	/** onDate's year: the year of the window's line. */
	year: number;
	/** Above the line, but within the county's margin of it. */
	nearLine: boolean;
	/** The evaluation year so far, and the year before. */
	thisYear: AccountPeriod;
	lastYear: AccountPeriod;
	monthly: AccountMonth[];
	/** The window's large expenses (reversed ones left out), beside the income. */
	largeExpenses: { entries: LargeExpense[]; totalFen: number };
}

// ---------------------------------------------------------------------------------------
// Dates

function shiftDate(isoDate: string, days: number, months = 0, years = 0): string {
	const date = new Date(`${isoDate}T00:00:00Z`);
	if (years || months) {
		// 29 Feb − 1 year is 28 Feb, not 1 Mar.
		const day = date.getUTCDate();
		date.setUTCDate(1);
		date.setUTCFullYear(date.getUTCFullYear() + years);
		date.setUTCMonth(date.getUTCMonth() + months);
		const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
		date.setUTCDate(Math.min(day, last));
	}
	date.setUTCDate(date.getUTCDate() + days);
	return date.toISOString().slice(0, 10);
}

/** The first day of the 12-month window ending on `onDate`: the day after onDate − 1 year. */
export function windowStart(onDate: string): string {
	return shiftDate(shiftDate(onDate, 0, 0, -1), 1);
}

/** The 12 calendar months ending with onDate's month, oldest first ('YYYY-MM'). */
export function accountMonths(onDate: string): string[] {
	const first = `${onDate.slice(0, 7)}-01`;
	return Array.from({ length: 12 }, (_, i) => shiftDate(first, 0, i - 11).slice(0, 7));
}

/** The date `months` months before `onDate` (the same day, or the month's last). */
export function monthsBefore(onDate: string, months: number): string {
	return shiftDate(onDate, 0, -months);
}

// ---------------------------------------------------------------------------------------
// Who lives there on a date

export interface MembershipEventRow {
	householdId: string;
	memberId: string;
	kind: MembershipEventKind;
	happenedOn: string;
	/** Ties on one day are broken by the order they were recorded: UUIDv7 ids sort so. */
	order: string;
}

export interface MemberRow {
	id: string;
	householdId: string;
	current: boolean;
	resident: boolean;
}

/**
 * Resident members of each household on `onDate`, from the membership events:
 * - a person's latest event in this household on or before the date decides: an arrival
 *   (registered, birth, marriage in, moved in) counts them, a departure does not;
 * - with no event by that date, their first later event decides: 'registered' or a
 *   departure means they already lived there (Levee learnt of them later), a birth or an
 *   arrival means they had not come yet;
 * - a current member with no event at all in the household (records older than the
 *   history) counts.
 * The person must also be resident (常住): `members.resident` has no history, so today's
 * flag is applied to every date.
 */
export function residentsOn(
	people: MemberRow[],
	events: MembershipEventRow[],
	onDate: string
): Map<string, number> {
	const byPerson = new Map<string, MembershipEventRow[]>();
	for (const event of events) {
		const key = `${event.householdId}/${event.memberId}`;
		const list = byPerson.get(key);
		if (list) list.push(event);
		else byPerson.set(key, [event]);
	}
	const person = new Map(people.map((p) => [p.id, p]));
	const counts = new Map<string, number>();
	const count = (householdId: string) =>
		counts.set(householdId, (counts.get(householdId) ?? 0) + 1);
	for (const [key, list] of byPerson) {
		const [householdId, memberId] = key.split('/');
		const p = person.get(memberId);
		if (!p?.resident) continue;
		list.sort((a, b) =>
			a.happenedOn === b.happenedOn
				? a.order < b.order
					? -1
					: 1
				: a.happenedOn < b.happenedOn
					? -1
					: 1
		);
		const before = list.filter((e) => e.happenedOn <= onDate);
		const decided = before.length
			? JOINING.includes(before[before.length - 1].kind)
			: ALREADY_THERE.includes(list[0].kind);
		if (decided) count(householdId);
	}
	for (const p of people) {
		if (p.current && p.resident && !byPerson.has(`${p.householdId}/${p.id}`)) count(p.householdId);
	}
	return counts;
}

// ---------------------------------------------------------------------------------------
// The arithmetic (pure: unit tests feed it rows)

/** Ledger sums of one household, one kind, one month, inside or before the window. */
export interface LedgerSum {
	householdId: string;
	kind: LedgerKind;
	month: string;
	/** True when the sum's entries are inside the 12-month window. */
	inWindow: boolean;
	/** True when they fall in the evaluation year. */
	thisYear: boolean;
	amountFen: number;
}

export interface AccountInputs {
	householdId: string;
	onDate: string;
	sums: LedgerSum[];
	residentsOnDate: number;
	residentsLastYearEnd: number;
	lineThisYear: number | null;
	lineLastYear: number | null;
	nearLineMarginPct: number;
	largeExpenses?: LargeExpense[];
}

export function perCapita(netFen: number, residents: number): number | null {
	// Truncated toward zero, as PostgreSQL's bigint division does in the stored standings.
	return residents > 0 ? Math.trunc(netFen / residents) : null;
}

/** Within the margin above the line: line ≤ per capita < line × (100 + margin)%. */
export function isNearLine(
	perCapitaFen: number | null,
	lineFen: number | null,
	marginPct: number
): boolean {
	if (perCapitaFen === null || lineFen === null) return false;
	return perCapitaFen >= lineFen && perCapitaFen * 100 < lineFen * (100 + marginPct);
}

function period(
	from: string,
	to: string,
	totals: KindTotals,
	residents: number,
	lineFen: number | null
): AccountPeriod {
	const netFen = netIncome(totals);
	const perCapitaFen = perCapita(netFen, residents);
	return {
		from,
		to,
		totals,
		netFen,
		residents,
		perCapitaFen,
		noPerCapita: perCapitaFen === null ? 'no_residents' : null,
		lineFen,
		gapFen: perCapitaFen === null || lineFen === null ? null : perCapitaFen - lineFen,
		belowLine: perCapitaFen === null || lineFen === null ? null : perCapitaFen < lineFen
	};
}

export function buildAccount(input: AccountInputs): IncomeAccount {
	const { onDate } = input;
	const year = Number(onDate.slice(0, 4));
	const window = emptyTotals();
	const thisYear = emptyTotals();
	const lastYear = emptyTotals();
	const months = accountMonths(onDate);
	const monthly = new Map(months.map((m) => [m, emptyTotals()]));
	for (const sum of input.sums) {
		if (sum.inWindow) window[sum.kind] += sum.amountFen;
		if (sum.thisYear) thisYear[sum.kind] += sum.amountFen;
		else if (sum.month.startsWith(String(year - 1))) lastYear[sum.kind] += sum.amountFen;
		const month = monthly.get(sum.month);
		if (month) month[sum.kind] += sum.amountFen;
	}
	const account = period(
		windowStart(onDate),
		onDate,
		window,
		input.residentsOnDate,
		input.lineThisYear
	);
	const entries = input.largeExpenses ?? [];
	return {
		...account,
		householdId: input.householdId,
		onDate,
		year,
		nearLine: isNearLine(account.perCapitaFen, account.lineFen, input.nearLineMarginPct),
		thisYear: period(`${year}-01-01`, onDate, thisYear, input.residentsOnDate, input.lineThisYear),
		lastYear: period(
			`${year - 1}-01-01`,
			`${year - 1}-12-31`,
			lastYear,
			input.residentsLastYearEnd,
			input.lineLastYear
		),
		monthly: months.map((month) => {
			const totals = monthly.get(month)!;
			return { month, totals, netFen: netIncome(totals) };
		}),
		largeExpenses: { entries, totalFen: window.large_expense }
	};
}

// ---------------------------------------------------------------------------------------
// Reading the database

const CHUNK = 5000;

async function linesFor(db: Db, countyId: string, years: number[]) {
	const rows = await db
		.select({ year: monitoringLines.year, line: monitoringLines.lineFenPerPerson })
		.from(monitoringLines)
		.where(and(eq(monitoringLines.countyId, countyId), inArray(monitoringLines.year, years)));
	return new Map(rows.map((r) => [r.year, r.line]));
}

/** Members and membership events of the households, for residentsOn. */
export async function membershipOf(
	db: Db,
	countyId: string,
	householdIds: string[],
	upTo?: string
): Promise<{ people: MemberRow[]; events: MembershipEventRow[] }> {
	const events = await db
		.select({
			householdId: membershipEvents.householdId,
			memberId: membershipEvents.memberId,
			kind: membershipEvents.kind,
			happenedOn: membershipEvents.happenedOn,
			id: membershipEvents.id
		})
		.from(membershipEvents)
		.where(
			and(
				eq(membershipEvents.countyId, countyId),
				inArray(membershipEvents.householdId, householdIds),
				upTo ? lte(membershipEvents.happenedOn, upTo) : undefined
			)
		);
	// A person named by an event may now belong to another household: read them by id too.
	const memberIds = [...new Set(events.map((e) => e.memberId))];
	const people = await db
		.select({
			id: members.id,
			householdId: members.householdId,
			current: members.current,
			resident: members.resident
		})
		.from(members)
		.where(
			and(
				eq(members.countyId, countyId),
				memberIds.length
					? sql`(${inArray(members.householdId, householdIds)} or ${inArray(members.id, memberIds)})`
					: inArray(members.householdId, householdIds)
			)
		);
	return {
		people,
		events: events.map((e) => ({
			householdId: e.householdId,
			memberId: e.memberId,
			kind: e.kind,
			happenedOn: e.happenedOn,
			order: e.id
		}))
	};
}

/**
 * The accounts of many households on one date, in four grouped queries per 5,000
 * households (ledger sums, membership events, members, lines). Large-expense entries are
 * listed only when `largeExpenseEntries` is set (one household's page); the total always.
 */
export async function incomeAccounts(
	db: Db,
	countyId: string,
	householdIds: string[],
	onDate: string,
	options: { largeExpenseEntries?: boolean } = {}
): Promise<Map<string, IncomeAccount>> {
	const year = Number(onDate.slice(0, 4));
	const start = windowStart(onDate);
	// The lines and settings: read alongside the first chunk's queries, not before them.
	let linesAndSettings: Promise<[Map<number, number>, CountySettings]> | null = null;
	const result = new Map<string, IncomeAccount>();
	const ids = [...new Set(householdIds)];
	for (let i = 0; i < ids.length; i += CHUNK) {
		const chunk = ids.slice(i, i + CHUNK);
		const month = sql<string>`to_char(${ledgerEntries.businessDate}, 'YYYY-MM')`;
		const inWindow = sql<boolean>`(${ledgerEntries.businessDate} >= ${start})`;
		const [sums, membership, expenses, [lines, settings]] = await Promise.all([
			db
				.select({
					householdId: ledgerEntries.householdId,
					kind: ledgerEntries.kind,
					month,
					inWindow,
					total: sql<string>`sum(${ledgerEntries.amountFen})`
				})
				.from(ledgerEntries)
				.where(
					and(
						eq(ledgerEntries.countyId, countyId),
						inArray(ledgerEntries.householdId, chunk),
						gte(ledgerEntries.businessDate, `${year - 1}-01-01`),
						lte(ledgerEntries.businessDate, onDate)
					)
				)
				.groupBy(sql`1, 2, 3, 4`),
			membershipOf(db, countyId, chunk),
			options.largeExpenseEntries
				? largeExpensesBetween(db, countyId, chunk, start, onDate)
				: Promise.resolve(new Map<string, LargeExpense[]>()),
			(linesAndSettings ??= Promise.all([
				linesFor(db, countyId, [year, year - 1]),
				getCountySettings(db, countyId)
			]))
		]);
		const onDateResidents = residentsOn(membership.people, membership.events, onDate);
		const lastYearResidents = residentsOn(
			membership.people,
			membership.events,
			`${year - 1}-12-31`
		);
		const byHousehold = new Map<string, LedgerSum[]>();
		for (const row of sums) {
			const list = byHousehold.get(row.householdId) ?? [];
			list.push({
				householdId: row.householdId,
				kind: row.kind,
				month: row.month,
				inWindow: row.inWindow === true || String(row.inWindow) === 'true',
				thisYear: row.month.startsWith(String(year)),
				amountFen: Number(row.total)
			});
			byHousehold.set(row.householdId, list);
		}
		for (const id of chunk) {
			result.set(
				id,
				buildAccount({
					householdId: id,
					onDate,
					sums: byHousehold.get(id) ?? [],
					residentsOnDate: onDateResidents.get(id) ?? 0,
					residentsLastYearEnd: lastYearResidents.get(id) ?? 0,
					lineThisYear: lines.get(year) ?? null,
					lineLastYear: lines.get(year - 1) ?? null,
					nearLineMarginPct: settings.nearLineMarginPct,
					largeExpenses: expenses.get(id)
				})
			);
		}
	}
	return result;
}

/** Large expenses between two dates, leaving out reversals and the entries they cancel. */
async function largeExpensesBetween(
	db: Db,
	countyId: string,
	householdIds: string[],
	from: string,
	to: string
): Promise<Map<string, LargeExpense[]>> {
	const rows = await db
		.select()
		.from(ledgerEntries)
		.where(
			and(
				eq(ledgerEntries.countyId, countyId),
				inArray(ledgerEntries.householdId, householdIds),
				eq(ledgerEntries.kind, 'large_expense'),
				gte(ledgerEntries.businessDate, from),
				lte(ledgerEntries.businessDate, to)
			)
		)
		.orderBy(desc(ledgerEntries.businessDate), asc(ledgerEntries.createdAt));
	// A reversal may fall outside the window only if the original does too (same date).
	const cancelled = new Set(rows.map((r) => r.reversesEntryId).filter(Boolean));
	const result = new Map<string, LargeExpense[]>();
	for (const row of rows) {
		if (row.reversesEntryId || cancelled.has(row.id)) continue;
		const list = result.get(row.householdId) ?? [];
		list.push({
			id: row.id,
			businessDate: row.businessDate,
			subtype: row.subtype,
			amountFen: row.amountFen,
			note: row.note
		});
		result.set(row.householdId, list);
	}
	return result;
}

/** The last `count` month-ends on or before `onDate`, newest first. */
export function monthEnds(onDate: string, count: number): string[] {
	const ends: string[] = [];
	let first = `${onDate.slice(0, 7)}-01`;
	while (ends.length < count) {
		const end = shiftDate(shiftDate(first, 0, 1), -1);
		if (end <= onDate) ends.push(end);
		first = shiftDate(first, 0, -1);
	}
	return ends;
}

/**
 * Per-capita net income of many households at each of the last `count` month-ends (newest
 * first; null where nobody was resident): "above the line for 6 months in a row".
 */
export async function perCapitaAtMonthEnds(
	db: Db,
	countyId: string,
	householdIds: string[],
	onDate: string,
	count: number
): Promise<Map<string, { onDate: string; perCapitaFen: number | null; lineFen: number | null }[]>> {
	const result = new Map<
		string,
		{ onDate: string; perCapitaFen: number | null; lineFen: number | null }[]
	>(householdIds.map((id) => [id, []]));
	for (const end of monthEnds(onDate, count)) {
		const accounts = await incomeAccounts(db, countyId, householdIds, end);
		for (const [id, account] of accounts)
			result
				.get(id)!
				.push({ onDate: end, perCapitaFen: account.perCapitaFen, lineFen: account.lineFen });
	}
	return result;
}

/** One household's account on a date, with its large expenses listed. */
export async function incomeAccount(
	db: Db,
	countyId: string,
	householdId: string,
	onDate: string
): Promise<IncomeAccount> {
	const accounts = await incomeAccounts(db, countyId, [householdId], onDate, {
		largeExpenseEntries: true
	});
	return accounts.get(householdId)!;
}

/** Per-capita net income of many households on a date (null: nobody resident). */
export async function perCapitaAt(
	db: Db,
	countyId: string,
	householdIds: string[],
	onDate: string
): Promise<Map<string, number | null>> {
	const accounts = await incomeAccounts(db, countyId, householdIds, onDate);
	return new Map([...accounts].map(([id, account]) => [id, account.perCapitaFen]));
}
