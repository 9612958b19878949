import { and, desc, eq, gte, isNull, lte, sql } from 'drizzle-orm';
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
import { getCountySettings } from '../settings';
import { ledgerEntries, type LedgerKind, type LedgerSource } from './schema';
import {
	emptyTotals,
	incomeAccount,
	netIncome,
	perCapitaAt,
	type AccountPeriod,
	type IncomeAccount,
	type KindTotals
} from './account';
import { refreshStandings } from './standings';
import { addToIncomeMonths } from './months';
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
		await addToIncomeMonths(tx, [{ ...inserted, entries: 1 }]);
		await refreshStandings(tx, posting.countyId, [posting.householdId], 'posting');
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
			amountFen: ledgerEntries.amountFen,
			businessDate: ledgerEntries.businessDate,
			kind: ledgerEntries.kind,
			source: ledgerEntries.source
		});
		written += inserted.length;
		await addToIncomeMonths(
			tx,
			inserted.map((row) => ({ ...row, entries: 1 }))
		);
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
	for (const countyId of new Set(audits.map((a) => a.countyId)))
		await refreshStandings(
			tx,
			countyId,
			audits.filter((a) => a.countyId === countyId).map((a) => a.entityId),
			'posting'
		);
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
	await addToIncomeMonths(tx, [{ ...reversal, entries: -1 }]);
	await refreshStandings(tx, countyId, [original.householdId], 'reversal');
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

export {
	incomeAccount,
	incomeAccounts,
	perCapitaAt,
	netIncome,
	type IncomeAccount,
	type AccountPeriod,
	type KindTotals
} from './account';

export interface IncomeSummary {
	from: string;
	to: string;
	totals: KindTotals;
	/** wage + operating + property + transfer − production costs. */
	netFen: number;
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
	account: IncomeAccount;
	thisYear: IncomeSummary;
	lastYear: IncomeSummary;
	last12Months: IncomeSummary;
	monthly: { month: string; netFen: number }[];
}

const summary = (p: AccountPeriod): IncomeSummary => ({
	from: p.from,
	to: p.to,
	totals: p.totals,
	netFen: p.netFen
});

/** The household's ledger as its detail page shows it: the entries and its account. */
export async function householdLedger(
	db: Db,
	countyId: string,
	householdId: string,
	today: string
): Promise<LedgerView> {
	const [entries, account] = await Promise.all([
		db
			.select()
			.from(ledgerEntries)
			.where(and(eq(ledgerEntries.countyId, countyId), eq(ledgerEntries.householdId, householdId)))
			.orderBy(desc(ledgerEntries.businessDate), desc(ledgerEntries.createdAt))
			.limit(200),
		incomeAccount(db, countyId, householdId, today)
	]);
	const reversed = new Set(entries.filter((e) => e.reversesEntryId).map((e) => e.reversesEntryId));
	return {
		entries: entries.map((e) => ({ ...e, reversed: reversed.has(e.id) })),
		account,
		thisYear: summary(account.thisYear),
		lastYear: summary(account.lastYear),
		last12Months: summary(account),
		monthly: account.monthly.map((m) => ({ month: m.month, netFen: m.netFen }))
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

/** The account's standing against the line (the fields the household page had before). */
export type IncomeStanding = Pick<
	IncomeAccount,
	'netFen' | 'residents' | 'perCapitaFen' | 'lineFen' | 'year' | 'belowLine'
>;

/** Per-capita net income over the 12 months before `today`: a thin wrapper over incomeAccount. */
export async function incomeStanding(
	db: Db,
	countyId: string,
	householdId: string,
	today: string
): Promise<IncomeAccount> {
	return incomeAccount(db, countyId, householdId, today);
}

/** The account's per-capita net income of many households: a wrapper over perCapitaAt. */
export const perCapitaNetIncomes = perCapitaAt;
