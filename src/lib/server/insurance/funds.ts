import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId } from '../db/ids';
import { recordAudit } from '../audit';
import type { Actor, UserActor } from '../auth/actor';
import { DomainError, type FieldIssue } from '../errors';
import { numberIssue, textInput } from '../input';
import { isCalendarDate, parseYuan } from '../../input';
import { fundBalance } from '../../insurance-rules';
import { insuranceFundEntries, insuranceSchemes, type FundEntryKind } from './schema';
import { getScheme, managesSchemes, type Scheme } from './schemes';

export type FundEntry = typeof insuranceFundEntries.$inferSelect;

/** The fund's balance now, read inside the caller's transaction. */
export async function balanceOf(tx: Db, countyId: string, schemeId: string): Promise<number> {
	const entries = await tx
		.select({ kind: insuranceFundEntries.kind, amountFen: insuranceFundEntries.amountFen })
		.from(insuranceFundEntries)
		.where(
			and(eq(insuranceFundEntries.countyId, countyId), eq(insuranceFundEntries.schemeId, schemeId))
		);
	return fundBalance(entries);
}

/**
 * Locks the scheme's row for the rest of the transaction, so that two payouts (or a payout
 * and a carry-over) of one fund are checked against the balance one after the other.
 */
export async function lockFund(tx: Db, countyId: string, schemeId: string): Promise<void> {
	await tx
		.select({ id: insuranceSchemes.id })
		.from(insuranceSchemes)
		.where(and(eq(insuranceSchemes.countyId, countyId), eq(insuranceSchemes.id, schemeId)))
		.for('update');
}

export interface NewFundEntry {
	countyId: string;
	schemeId: string;
	kind: FundEntryKind;
	amountFen: number;
	businessDate: string;
	claimId?: string | null;
	otherSchemeId?: string | null;
	units?: number | null;
	note?: string | null;
}

/** Writes one entry of a fund inside the caller's transaction (payouts once per claim). */
export async function addFundEntry(
	tx: Db,
	actor: Actor,
	entry: NewFundEntry
): Promise<FundEntry | null> {
	if (!Number.isSafeInteger(entry.amountFen) || entry.amountFen <= 0)
		throw new Error('fund amounts are positive whole fen');
	const [row] = await tx
		.insert(insuranceFundEntries)
		.values({
			countyId: entry.countyId,
			id: newId(),
			schemeId: entry.schemeId,
			kind: entry.kind,
			amountFen: entry.amountFen,
			businessDate: entry.businessDate,
			claimId: entry.claimId ?? null,
			otherSchemeId: entry.otherSchemeId ?? null,
			units: entry.units ?? null,
			note: entry.note ?? null,
			byUserId: actor.userId,
			byLabel: actor.label
		})
		.onConflictDoNothing()
		.returning();
	return row ?? null;
}

export interface FundMonth {
	month: string;
	premiumsFen: number;
	payoutsFen: number;
}

export interface FundView {
	scheme: Scheme;
	entries: FundEntry[];
	premiumsFen: number;
	payoutsFen: number;
	topUpsFen: number;
	carriedInFen: number;
	carriedOutFen: number;
	balanceFen: number;
	/** Premiums against payouts per month of the scheme year. */
	months: FundMonth[];
	/** Next year's scheme of the same kind, where a surplus can go. */
	nextSchemeId: string | null;
}

/** The fund of a scheme: every entry, the totals, the balance and the months of the year. */
export async function fundView(db: Db, actor: UserActor, schemeId: string): Promise<FundView> {
	const scheme = await getScheme(db, actor, schemeId);
	const [entries, [next]] = await Promise.all([
		db
			.select()
			.from(insuranceFundEntries)
			.where(
				and(
					eq(insuranceFundEntries.countyId, actor.countyId),
					eq(insuranceFundEntries.schemeId, scheme.id)
				)
			)
			.orderBy(asc(insuranceFundEntries.businessDate), asc(insuranceFundEntries.recordedAt)),
		db
			.select({ id: insuranceSchemes.id })
			.from(insuranceSchemes)
			.where(
				and(
					eq(insuranceSchemes.countyId, actor.countyId),
					eq(insuranceSchemes.kind, scheme.kind),
					eq(insuranceSchemes.year, scheme.year + 1)
				)
			)
	]);
	const total = (kind: FundEntryKind) =>
		entries.filter((e) => e.kind === kind).reduce((sum, e) => sum + e.amountFen, 0);
	const months: FundMonth[] = Array.from({ length: 12 }, (_, i) => ({
		month: `${scheme.year}-${String(i + 1).padStart(2, '0')}`,
		premiumsFen: 0,
		payoutsFen: 0
	}));
	for (const e of entries) {
		const month = months.find((m) => e.businessDate.startsWith(m.month));
		if (!month) continue;
		if (e.kind === 'premium') month.premiumsFen += e.amountFen;
		if (e.kind === 'payout') month.payoutsFen += e.amountFen;
	}
	return {
		scheme,
		entries,
		premiumsFen: total('premium'),
		payoutsFen: total('payout'),
		topUpsFen: total('top_up'),
		carriedInFen: total('carry_in'),
		carriedOutFen: total('carry_out'),
		balanceFen: fundBalance(entries),
		months,
		nextSchemeId: next?.id ?? null
	};
}

function businessDate(value: unknown, today: string, issues: FieldIssue[]): string {
	const date = textInput(value, 10, 'businessDate');
	if (!isCalendarDate(date) || date < '2000-01-01')
		issues.push({ field: 'businessDate', key: 'insurance_error_date' });
	else if (date > today) issues.push({ field: 'businessDate', key: 'insurance_error_future' });
	return date;
}

/** An admin tops up a fund that is short (recorded, with a note on where the money came from). */
export async function topUpFund(
	db: Db,
	actor: UserActor,
	schemeId: string,
	input: { amount: unknown; businessDate: unknown; note: unknown },
	today: string
): Promise<FundEntry> {
	if (!managesSchemes(actor)) throw DomainError.notFound();
	const scheme = await getScheme(db, actor, schemeId);
	const issues: FieldIssue[] = [];
	const amount = parseYuan(textInput(input.amount, 30, 'amount'));
	if (!amount.ok) issues.push(numberIssue('amount', amount, 'insurance_error_amount'));
	const date = businessDate(input.businessDate, today, issues);
	const note = textInput(input.note, 200, 'note');
	if (!note) issues.push({ field: 'note', key: 'insurance_error_top_up_note' });
	if (issues.length) throw new DomainError('invalid', issues);
	return inTransaction(db, async (tx) => {
		const entry = await addFundEntry(tx, actor, {
			countyId: actor.countyId,
			schemeId: scheme.id,
			kind: 'top_up',
			amountFen: amount.ok ? amount.value : 0,
			businessDate: date,
			note
		});
		if (!entry) throw new Error('a top-up has no unique key to collide on');
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'insurance.fund_top_up',
			entity: 'insurance_scheme',
			entityId: scheme.id,
			after: { amountFen: entry.amountFen, businessDate: date, note }
		});
		return entry;
	});
}

/**
 * Carries this year's surplus into next year's scheme of the same kind: out of one fund
 * and into the other in one transaction, once per scheme.
 */
export async function carryOverSurplus(
	db: Db,
	actor: UserActor,
	schemeId: string,
	input: { businessDate: unknown },
	today: string
): Promise<{ amountFen: number; nextSchemeId: string }> {
	if (!managesSchemes(actor)) throw DomainError.notFound();
	const view = await fundView(db, actor, schemeId);
	const issues: FieldIssue[] = [];
	const date = businessDate(input.businessDate, today, issues);
	if (issues.length) throw new DomainError('invalid', issues);
	if (!view.nextSchemeId) throw DomainError.invalid('', 'insurance_error_no_next_scheme');
	if (date < `${view.scheme.year}-12-01`)
		throw DomainError.invalid('businessDate', 'insurance_error_carry_too_early', {
			date: `${view.scheme.year}-12-01`
		});
	const nextSchemeId = view.nextSchemeId;
	return inTransaction(db, async (tx) => {
		await lockFund(tx, actor.countyId, view.scheme.id);
		const [open] = await tx
			.execute<{ n: string }>(
				sql`select count(*) as n from insurance_claims where county_id = ${actor.countyId} and scheme_id = ${view.scheme.id} and status in ('reported', 'investigated', 'approved')`
			)
			.then((r) => (Array.isArray(r) ? r : (r as unknown as { rows: { n: string }[] }).rows));
		if (Number(open?.n ?? 0) > 0)
			throw DomainError.invalid('', 'insurance_error_carry_open_claims');
		const balance = await balanceOf(tx, actor.countyId, view.scheme.id);
		if (balance <= 0) throw DomainError.invalid('', 'insurance_error_no_surplus');
		const out = await addFundEntry(tx, actor, {
			countyId: actor.countyId,
			schemeId: view.scheme.id,
			kind: 'carry_out',
			amountFen: balance,
			businessDate: date,
			otherSchemeId: nextSchemeId
		});
		if (!out) throw DomainError.conflict('', 'insurance_error_already_carried');
		await addFundEntry(tx, actor, {
			countyId: actor.countyId,
			schemeId: nextSchemeId,
			kind: 'carry_in',
			amountFen: balance,
			businessDate: date,
			otherSchemeId: view.scheme.id
		});
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'insurance.fund_carry_over',
			entity: 'insurance_scheme',
			entityId: view.scheme.id,
			after: { amountFen: balance, to: nextSchemeId, businessDate: date }
		});
		return { amountFen: balance, nextSchemeId };
	});
}
