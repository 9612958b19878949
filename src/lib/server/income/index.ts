import { and, asc, desc, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId, isUuid } from '../db/ids';
import { analyzeSoon } from '../db/maintenance';
import { recordAudit } from '../audit';
import { auditLog } from '../audit/schema';
import type { Actor, UserActor } from '../auth/actor';
import { editableHousehold } from '../households/records';
import { DomainError, type FieldIssue } from '../errors';
import { members } from '../households/schema';
import { getCountySettings, monitoringLineFor } from '../settings';
import { ledgerEntries, LEDGER_KINDS, type LedgerKind, type LedgerSource } from './schema';
import { MANUAL_SUBTYPES, type ManualSubtype } from './subtypes';
import { EARLIEST_DATE, isCalendarDate, parseYuan } from '../../input';
import { numberIssue, textInput } from '../input';
import { onLedgerChanged } from '../warnings/on-ledger-change';
import { todayInChina } from '../../format';

export { MANUAL_SUBTYPES } from './subtypes';
export type LedgerEntry = typeof ledgerEntries.$inferSelect;

export interface Posting {
	countyId: string;
	householdId: string;
	memberId?: string | null;
	businessDate: string;
	amountFen: number;
	kind: LedgerKind;
	subtype: string;
	source: LedgerSource;
	sourceId?: string | null;
	sourceVersion?: number;
	note?: string | null;
	/** A client-made UUIDv7 makes a retried request post nothing twice. */
	id?: string;
}

/**
 * The one function that writes the income ledger. Call it inside the transaction that
 * writes the program record. Posting the same entry id, or the same source version,
 * again returns the existing entry instead of paying twice.
 */
export async function postLedgerEntry(
	tx: Db,
	actor: Actor,
	posting: Posting
): Promise<LedgerEntry> {
	if (!Number.isSafeInteger(posting.amountFen)) throw new Error('ledger amounts are integer fen');
	const id = posting.id ?? newId();
	const [inserted] = await tx
		.insert(ledgerEntries)
		.values({
			countyId: posting.countyId,
			id,
			householdId: posting.householdId,
			memberId: posting.memberId ?? null,
			businessDate: posting.businessDate,
			amountFen: posting.amountFen,
			kind: posting.kind,
			subtype: posting.subtype,
			source: posting.source,
			sourceId: posting.sourceId ?? null,
			sourceVersion: posting.sourceVersion ?? 1,
			note: posting.note ?? null,
			enteredBy: actor.userId
		})
		.onConflictDoNothing()
		.returning();
	if (inserted) {
		await recordAudit(tx, actor, {
			countyId: posting.countyId,
			action: 'ledger.post',
			entity: 'household',
			entityId: posting.householdId,
			after: {
				entry: id,
				kind: posting.kind,
				subtype: posting.subtype,
				amountFen: posting.amountFen
			}
		});
		await onLedgerChanged(tx, actor, posting.countyId, [posting.householdId], todayInChina());
		return inserted;
	}
	const [existing] = await tx
		.select()
		.from(ledgerEntries)
		.where(
			posting.sourceId
				? and(
						eq(ledgerEntries.countyId, posting.countyId),
						eq(ledgerEntries.source, posting.source),
						eq(ledgerEntries.sourceId, posting.sourceId),
						eq(ledgerEntries.sourceVersion, posting.sourceVersion ?? 1),
						isNull(ledgerEntries.reversesEntryId)
					)
				: and(eq(ledgerEntries.countyId, posting.countyId), eq(ledgerEntries.id, id))
		);
	if (
		!existing ||
		existing.householdId !== posting.householdId ||
		existing.amountFen !== posting.amountFen
	) {
		throw DomainError.conflict('', 'ledger_error_replay_differs');
	}
	return existing;
}

/**
 * Many postings at once (imports, demo data): the same rules as postLedgerEntry, written
 * in batches, with one audit row per household. Already-posted ids and source versions
 * are skipped, so a rerun posts nothing twice.
 */
export async function postLedgerEntries(
	tx: Db,
	actor: Actor,
	postings: Posting[]
): Promise<number> {
	let written = 0;
	const perHousehold = new Map<string, { countyId: string; entries: number; totalFen: number }>();
	for (let i = 0; i < postings.length; i += 1000) {
		const rows = postings.slice(i, i + 1000).map((p) => {
			if (!Number.isSafeInteger(p.amountFen)) throw new Error('ledger amounts are integer fen');
			return {
				countyId: p.countyId,
				id: p.id ?? newId(),
				householdId: p.householdId,
				memberId: p.memberId ?? null,
				businessDate: p.businessDate,
				amountFen: p.amountFen,
				kind: p.kind,
				subtype: p.subtype,
				source: p.source,
				sourceId: p.sourceId ?? null,
				sourceVersion: p.sourceVersion ?? 1,
				note: p.note ?? null,
				enteredBy: actor.userId
			};
		});
		const inserted = await tx.insert(ledgerEntries).values(rows).onConflictDoNothing().returning({
			countyId: ledgerEntries.countyId,
			householdId: ledgerEntries.householdId,
			amountFen: ledgerEntries.amountFen
		});
		written += inserted.length;
		for (const row of inserted) {
			const sum = perHousehold.get(row.householdId) ?? {
				countyId: row.countyId,
				entries: 0,
				totalFen: 0
			};
			sum.entries += 1;
			sum.totalFen += row.amountFen;
			perHousehold.set(row.householdId, sum);
		}
	}
	const audits = [...perHousehold].map(([householdId, sum]) => ({
		countyId: sum.countyId,
		id: newId(),
		actorUserId: actor.userId,
		actorLabel: actor.label,
		action: 'ledger.post_batch',
		entity: 'household',
		entityId: householdId,
		after: { entries: sum.entries, totalFen: sum.totalFen }
	}));
	for (let i = 0; i < audits.length; i += 1000)
		await tx.insert(auditLog).values(audits.slice(i, i + 1000));
	// A large batch (a payment sheet, a wage run) changes the ledger's statistics.
	if (written >= 1000) analyzeSoon('payment', [ledgerEntries, auditLog]);
	for (const countyId of new Set(audits.map((a) => a.countyId)))
		await onLedgerChanged(
			tx,
			actor,
			countyId,
			audits.filter((a) => a.countyId === countyId).map((a) => a.entityId),
			todayInChina()
		);
	return written;
}

/** Cancels an entry with a negative twin. History is never edited; reversing twice is refused. */
export async function reverseLedgerEntry(
	tx: Db,
	actor: Actor,
	countyId: string,
	entryId: string,
	note?: string
): Promise<LedgerEntry> {
	const [original] = await tx
		.select()
		.from(ledgerEntries)
		.where(and(eq(ledgerEntries.countyId, countyId), eq(ledgerEntries.id, entryId)));
	if (!original) throw DomainError.notFound();
	if (original.reversesEntryId) throw DomainError.invalid('', 'ledger_error_reverse_reversal');
	const [reversal] = await tx
		.insert(ledgerEntries)
		.values({
			countyId,
			id: newId(),
			householdId: original.householdId,
			memberId: original.memberId,
			businessDate: original.businessDate,
			amountFen: -original.amountFen,
			kind: original.kind,
			subtype: original.subtype,
			source: original.source,
			sourceId: original.sourceId,
			sourceVersion: original.sourceVersion,
			reversesEntryId: original.id,
			note: note ?? null,
			enteredBy: actor.userId
		})
		.onConflictDoNothing()
		.returning();
	if (!reversal) throw DomainError.conflict('', 'ledger_error_already_reversed');
	await recordAudit(tx, actor, {
		countyId,
		action: 'ledger.reverse',
		entity: 'household',
		entityId: original.householdId,
		before: { entry: original.id, amountFen: original.amountFen },
		after: { entry: reversal.id, amountFen: reversal.amountFen }
	});
	await onLedgerChanged(tx, actor, countyId, [original.householdId], todayInChina());
	return reversal;
}

/**
 * Yuan as typed ("1,234.50", "1234.5", "１２。５") into integer fen without floating point,
 * zero included; null for anything else, an ambiguous comma ("12,5") too. The shared rule
 * is `parseYuan` in src/lib/input.ts; use it directly to tell the person about a comma.
 */
export function parseYuanToFen(input: string): number | null {
	const read = parseYuan(input, { allowZero: true });
	return read.ok ? read.value : null;
}

export interface ManualEntryInput {
	id?: unknown;
	businessDate: unknown;
	amount: unknown;
	subtype: unknown;
	memberId?: unknown;
	note?: unknown;
}

/** A household the actor may change (staff in scope, admins); otherwise not found. */
const scopedHousehold = editableHousehold;

/**
 * Staff record income no program records (a public-welfare job, a PV dividend, 低保,
 * a pension, selling sheep) or a large expense (medical, schooling, disaster loss).
 */
export async function recordManualEntry(
	db: Db,
	actor: UserActor,
	householdId: string,
	input: ManualEntryInput,
	today: string
): Promise<LedgerEntry> {
	const household = await scopedHousehold(db, actor, householdId);
	const issues: FieldIssue[] = [];
	const subtype = String(input.subtype ?? '') as ManualSubtype;
	const kind = MANUAL_SUBTYPES[subtype];
	if (!kind) issues.push({ field: 'subtype', key: 'ledger_error_subtype' });
	const businessDate = textInput(input.businessDate, 10, 'businessDate');
	if (!isCalendarDate(businessDate) || businessDate < EARLIEST_DATE) {
		issues.push({ field: 'businessDate', key: 'ledger_error_date' });
	} else if (businessDate > today) {
		issues.push({ field: 'businessDate', key: 'ledger_error_future' });
	}
	const amount = parseYuan(textInput(input.amount, 30, 'amount'));
	const amountFen = amount.ok ? amount.value : 0;
	const { ledgerCeilingFen } = await getCountySettings(db, actor.countyId);
	if (!amount.ok) {
		issues.push(numberIssue('amount', amount, 'ledger_error_amount'));
	} else if (amountFen > ledgerCeilingFen) {
		issues.push({
			field: 'amount',
			key: 'ledger_error_ceiling',
			params: { ceiling: (ledgerCeilingFen / 100).toLocaleString('zh-CN') }
		});
	}
	let memberId: string | null = null;
	if (input.memberId) {
		memberId = String(input.memberId);
		const [member] = isUuid(memberId)
			? await db
					.select({ id: members.id })
					.from(members)
					.where(
						and(
							eq(members.countyId, actor.countyId),
							eq(members.id, memberId),
							eq(members.householdId, householdId)
						)
					)
			: [];
		if (!member) issues.push({ field: 'memberId', key: 'ledger_error_member' });
	}
	const note = textInput(input.note, 200, 'note') || null;
	if (issues.length) throw new DomainError('invalid', issues);
	const id = isUuid(input.id) ? input.id : undefined;
	return inTransaction(db, (tx) =>
		postLedgerEntry(tx, actor, {
			id,
			countyId: household.countyId,
			householdId,
			memberId,
			businessDate,
			amountFen: amountFen!,
			kind,
			subtype,
			source: 'manual',
			note
		})
	);
}

/** Staff reverse a manual entry they (or a colleague) typed wrongly. */
export async function reverseManualEntry(
	db: Db,
	actor: UserActor,
	householdId: string,
	entryId: string
): Promise<LedgerEntry> {
	await scopedHousehold(db, actor, householdId);
	if (!isUuid(entryId)) throw DomainError.notFound();
	return inTransaction(db, async (tx) => {
		const [entry] = await tx
			.select()
			.from(ledgerEntries)
			.where(
				and(
					eq(ledgerEntries.countyId, actor.countyId),
					eq(ledgerEntries.id, entryId),
					eq(ledgerEntries.householdId, householdId)
				)
			);
		if (!entry) throw DomainError.notFound();
		// Program money is corrected in its program, which reverses and reposts.
		if (entry.source !== 'manual') throw DomainError.invalid('', 'ledger_error_not_manual');
		return reverseLedgerEntry(tx, actor, actor.countyId, entryId);
	});
}

export interface KindTotals {
	wage: number;
	operating: number;
	property: number;
	transfer: number;
	production_cost: number;
	large_expense: number;
}

export interface IncomeSummary {
	from: string;
	to: string;
	totals: KindTotals;
	/** wage + operating + property + transfer − production costs. */
	netFen: number;
}

function emptyTotals(): KindTotals {
	return Object.fromEntries(LEDGER_KINDS.map((k) => [k, 0])) as unknown as KindTotals;
}

/** Net income = the four income kinds − production costs. Large expenses are not subtracted. */
export function netIncome(totals: KindTotals): number {
	return (
		totals.wage + totals.operating + totals.property + totals.transfer - totals.production_cost
	);
}

/** Totals by kind for a household between two business dates (inclusive). */
export async function incomeBetween(
	db: Db,
	countyId: string,
	householdId: string,
	from: string,
	to: string
): Promise<IncomeSummary> {
	const rows = await db
		.select({
			kind: ledgerEntries.kind,
			total: sql<string>`coalesce(sum(${ledgerEntries.amountFen}), 0)`
		})
		.from(ledgerEntries)
		.where(
			and(
				eq(ledgerEntries.countyId, countyId),
				eq(ledgerEntries.householdId, householdId),
				gte(ledgerEntries.businessDate, from),
				lte(ledgerEntries.businessDate, to)
			)
		)
		.groupBy(ledgerEntries.kind);
	const totals = emptyTotals();
	for (const row of rows) totals[row.kind] = Number(row.total);
	return { from, to, totals, netFen: netIncome(totals) };
}

export interface LedgerView {
	entries: (LedgerEntry & { reversed: boolean })[];
	thisYear: IncomeSummary;
	lastYear: IncomeSummary;
	last12Months: IncomeSummary;
	monthly: { month: string; netFen: number }[];
}

/** The household's ledger as its detail page shows it. */
export async function householdLedger(
	db: Db,
	countyId: string,
	householdId: string,
	today: string
): Promise<LedgerView> {
	const year = Number(today.slice(0, 4));
	const twelveMonthsAgo = `${year - 1}${today.slice(4)}`;
	const [entries, thisYear, lastYear, last12Months, monthly] = await Promise.all([
		db
			.select()
			.from(ledgerEntries)
			.where(and(eq(ledgerEntries.countyId, countyId), eq(ledgerEntries.householdId, householdId)))
			.orderBy(desc(ledgerEntries.businessDate), desc(ledgerEntries.createdAt))
			.limit(200),
		incomeBetween(db, countyId, householdId, `${year}-01-01`, `${year}-12-31`),
		incomeBetween(db, countyId, householdId, `${year - 1}-01-01`, `${year - 1}-12-31`),
		incomeBetween(db, countyId, householdId, addDays(twelveMonthsAgo, 1), today),
		db
			.select({
				month: sql<string>`to_char(${ledgerEntries.businessDate}, 'YYYY-MM')`,
				netFen: sql<string>`coalesce(sum(case when ${ledgerEntries.kind} = 'large_expense' then 0 when ${ledgerEntries.kind} = 'production_cost' then -${ledgerEntries.amountFen} else ${ledgerEntries.amountFen} end), 0)`
			})
			.from(ledgerEntries)
			.where(
				and(
					eq(ledgerEntries.countyId, countyId),
					eq(ledgerEntries.householdId, householdId),
					gte(ledgerEntries.businessDate, firstOfMonthMonthsBefore(today, 11))
				)
			)
			.groupBy(sql`1`)
			.orderBy(asc(sql`1`))
	]);
	const reversed = new Set(entries.filter((e) => e.reversesEntryId).map((e) => e.reversesEntryId));
	return {
		entries: entries.map((e) => ({ ...e, reversed: reversed.has(e.id) })),
		thisYear,
		lastYear,
		last12Months,
		monthly: monthly.map((m) => ({ month: m.month, netFen: Number(m.netFen) }))
	};
}

/** The first day of the month `months` before the month of `isoDate`. */
export function firstOfMonthMonthsBefore(isoDate: string, months: number): string {
	const date = new Date(`${isoDate.slice(0, 7)}-01T00:00:00Z`);
	date.setUTCMonth(date.getUTCMonth() - months);
	return date.toISOString().slice(0, 10);
}

export function addDays(isoDate: string, days: number): string {
	const date = new Date(`${isoDate}T00:00:00Z`);
	date.setUTCDate(date.getUTCDate() + days);
	return date.toISOString().slice(0, 10);
}

export interface IncomeStanding {
	/** Net income of the last 12 months. */
	netFen: number;
	/** Current members living at home: the divisor of per-capita income. */
	residents: number;
	perCapitaFen: number | null;
	/** The county's monitoring line for this year, per person per year; null when not set. */
	lineFen: number | null;
	year: number;
	/** True below the line, false above; null when it cannot be said. */
	belowLine: boolean | null;
}

/** The first day of the 12-month window that ends on `today` (inclusive). */
function twelveMonthsStart(today: string): string {
	return addDays(`${Number(today.slice(0, 4)) - 1}${today.slice(4)}`, 1);
}

/**
 * Per-capita net income over the 12 months before `today`, against the county's
 * monitoring line: the number that decides whether a household is safe.
 */
export async function incomeStanding(
	db: Db,
	countyId: string,
	householdId: string,
	today: string
): Promise<IncomeStanding> {
	const year = Number(today.slice(0, 4));
	const [summary, [residents], lineFen] = await Promise.all([
		incomeBetween(db, countyId, householdId, twelveMonthsStart(today), today),
		db
			.select({ n: sql<number>`count(*)::int` })
			.from(members)
			.where(
				and(
					eq(members.countyId, countyId),
					eq(members.householdId, householdId),
					eq(members.current, true),
					eq(members.resident, true)
				)
			),
		monitoringLineFor(db, countyId, year)
	]);
	const count = Number(residents?.n ?? 0);
	// Integer division in fen: per-capita income is compared, never summed again.
	const perCapitaFen = count > 0 ? Math.trunc(summary.netFen / count) : null;
	return {
		netFen: summary.netFen,
		residents: count,
		perCapitaFen,
		lineFen,
		year,
		belowLine: perCapitaFen === null || lineFen === null ? null : perCapitaFen < lineFen
	};
}

/**
 * incomeStanding's per-capita net income (the 12 months before `today`, divided by the
 * current resident members, truncated to the fen) for many households at once, in two
 * grouped queries per 5,000 households: what an export prints beside the registry's figure.
 * null where a household has no resident member.
 */
export async function perCapitaNetIncomes(
	db: Db,
	countyId: string,
	householdIds: string[],
	today: string
): Promise<Map<string, number | null>> {
	const from = twelveMonthsStart(today);
	const result = new Map<string, number | null>();
	for (let i = 0; i < householdIds.length; i += 5000) {
		const ids = householdIds.slice(i, i + 5000);
		const [totals, residents] = await Promise.all([
			db
				.select({
					householdId: ledgerEntries.householdId,
					kind: ledgerEntries.kind,
					total: sql<string>`coalesce(sum(${ledgerEntries.amountFen}), 0)`
				})
				.from(ledgerEntries)
				.where(
					and(
						eq(ledgerEntries.countyId, countyId),
						inArray(ledgerEntries.householdId, ids),
						gte(ledgerEntries.businessDate, from),
						lte(ledgerEntries.businessDate, today)
					)
				)
				.groupBy(ledgerEntries.householdId, ledgerEntries.kind),
			db
				.select({ householdId: members.householdId, n: sql<number>`count(*)::int` })
				.from(members)
				.where(
					and(
						eq(members.countyId, countyId),
						inArray(members.householdId, ids),
						eq(members.current, true),
						eq(members.resident, true)
					)
				)
				.groupBy(members.householdId)
		]);
		const byHousehold = new Map<string, KindTotals>();
		for (const row of totals) {
			let kinds = byHousehold.get(row.householdId);
			if (!kinds) byHousehold.set(row.householdId, (kinds = emptyTotals()));
			kinds[row.kind] = Number(row.total);
		}
		const count = new Map(residents.map((r) => [r.householdId, Number(r.n)]));
		for (const id of ids) {
			const n = count.get(id) ?? 0;
			const net = netIncome(byHousehold.get(id) ?? emptyTotals());
			result.set(id, n > 0 ? Math.trunc(net / n) : null);
		}
	}
	return result;
}
