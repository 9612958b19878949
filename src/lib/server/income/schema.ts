import { sql } from 'drizzle-orm';
import {
	bigint,
	date,
	foreignKey,
	index,
	integer,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { households } from '../households/schema';

/**
 * The kinds of the per-capita net income formula, and large expenses, which are kept
 * apart from production costs: they do not lower net income but they are a warning.
 */
export const LEDGER_KINDS = [
	'wage',
	'operating',
	'property',
	'transfer',
	'production_cost',
	'large_expense'
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** Where an entry came from: a program's record, or typed in by staff. */
export const LEDGER_SOURCES = [
	'manual',
	'factory_wage',
	'planting_subsidy',
	'picking',
	'insurance'
] as const;
export type LedgerSource = (typeof LEDGER_SOURCES)[number];

/**
 * The household income ledger. Written only by the income domain's posting function;
 * never updated or deleted: a correction is a reversing entry and a new one.
 */
export const ledgerEntries = pgTable(
	'ledger_entries',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		householdId: uuid().notNull(),
		memberId: uuid(),
		businessDate: date({ mode: 'string' }).notNull(),
		// Positive: money in (or, for costs and expenses, money out). Reversals are negative.
		amountFen: bigint({ mode: 'number' }).notNull(),
		kind: text({ enum: LEDGER_KINDS }).notNull(),
		// What it was: 'public_welfare_job', 'pv_dividend', 'dibao', 'medical', …
		subtype: text().notNull(),
		source: text({ enum: LEDGER_SOURCES }).notNull(),
		sourceId: uuid(),
		// A program record posts once per version; a corrected record posts its next version.
		sourceVersion: integer().notNull().default(1),
		// Set on a reversing entry: the entry it cancels.
		reversesEntryId: uuid(),
		note: text(),
		enteredBy: uuid(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		index('ledger_household_date_idx').on(t.countyId, t.householdId, t.businessDate),
		// Each program record version posts exactly once, and is reversed at most once.
		uniqueIndex('ledger_source_posting_unique')
			.on(t.countyId, t.source, t.sourceId, t.sourceVersion)
			.where(sql`${t.sourceId} is not null and ${t.reversesEntryId} is null`),
		uniqueIndex('ledger_reversal_unique')
			.on(t.countyId, t.reversesEntryId)
			.where(sql`${t.reversesEntryId} is not null`)
	]
);
