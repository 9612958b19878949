import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
	date,
	foreignKey,
	index,
	integer,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	uuid,
	varchar
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

/** The four kinds of income (net income subtracts production costs; large expenses apart). */
export const INCOME_KINDS = ['wage', 'operating', 'property', 'transfer'] as const;

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
		// The large expenses alone (a few in a thousand entries): the nightly rules look for
		// them in every household of the county.
		index('ledger_large_expense_idx')
			.on(t.countyId, t.householdId, t.businessDate)
			.where(sql`${t.kind} = 'large_expense'`),
		// Each program record version posts exactly once, and is reversed at most once.
		uniqueIndex('ledger_source_posting_unique')
			.on(t.countyId, t.source, t.sourceId, t.sourceVersion)
			.where(sql`${t.sourceId} is not null and ${t.reversesEntryId} is null`),
		uniqueIndex('ledger_reversal_unique')
			.on(t.countyId, t.reversesEntryId)
			.where(sql`${t.reversesEntryId} is not null`)
	]
);

/**
 * The household's standing against the monitoring line, kept current: written in the
 * same transaction as every posting to its ledger, and for the whole county when the
 * line, the window or a rule changes. Lists filter "below the line" on it without
 * recomputing; a test recomputes every row from the ledger and finds no difference.
 */
export const householdStandings = pgTable(
	'household_standings',
	{
		countyId: uuid().notNull(),
		householdId: uuid().notNull(),
		// The evaluation date; the window is the 12 months before it.
		evaluatedOn: date({ mode: 'string' }).notNull(),
		// The household's village (a copy, kept with each evaluation and each move), so that
		// the county's counts per township read the standings alone.
		villageCode: varchar({ length: 12 }).notNull().default(''),
		netFen: bigint({ mode: 'number' }).notNull(),
		// Resident members on evaluatedOn, from the membership events.
		residents: integer().notNull(),
		// Null when there is no resident member: per-capita income cannot be computed.
		perCapitaFen: bigint({ mode: 'number' }),
		// The line of evaluatedOn's year; null when the county has not set it.
		lineFen: bigint({ mode: 'number' }),
		// True below the line, false above; null when it cannot be said.
		belowLine: boolean(),
		// Above the line but within the county's margin of it.
		nearLine: boolean().notNull().default(false),
		// Large expenses of the window, beside the income (not subtracted from it).
		largeExpenseFen: bigint({ mode: 'number' }).notNull().default(0),
		// Net income and income of the calendar year before evaluatedOn's year (from the
		// monthly summary): whether the household was below the line when the year began,
		// which the dashboard's "lifted" reads instead of a year of every household's months.
		priorYearNetFen: bigint({ mode: 'number' }).notNull().default(0),
		priorYearIncomeFen: bigint({ mode: 'number' }).notNull().default(0),
		// Why it was last evaluated: 'posting', 'line_change', 'nightly', 'membership', …
		reason: text().notNull(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.householdId] }),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		index('household_standings_below_idx').on(t.countyId, t.belowLine, t.nearLine),
		// The households lifted above the line since the year began (below it by the prior
		// year's net, not below it now): the dashboard's "lifted", a few thousand in a county.
		index('household_standings_lifted_idx')
			.on(t.countyId, t.householdId)
			.where(
				sql`${t.belowLine} = false and ${t.residents} > 0 and ${t.priorYearIncomeFen} <> 0 and ${t.priorYearNetFen} < ${t.lineFen} * ${t.residents}`
			)
	]
);

/**
 * Each household's ledger summed per calendar month, kind and program (source): what the
 * dashboard and the reports read instead of the whole ledger. Kept by the income domain's
 * posting functions in the same transaction as each posting and reversal (reversals add
 * their negative amount); a test recomputes every row from the ledger and finds no
 * difference. Months of a household with no entries have no row.
 */
export const householdIncomeMonths = pgTable(
	'household_income_months',
	{
		countyId: uuid().notNull(),
		householdId: uuid().notNull(),
		// The first day of the month.
		month: date({ mode: 'string' }).notNull(),
		kind: text({ enum: LEDGER_KINDS }).notNull(),
		source: text({ enum: LEDGER_SOURCES }).notNull(),
		amountFen: bigint({ mode: 'number' }).notNull(),
		// Entries counted, reversals included (a reversal counts -1: it cancels one).
		entries: integer().notNull()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.householdId, t.month, t.kind, t.source] }),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		// A program's households in a period (the dashboard's reach, the payments report),
		// read from the index alone.
		index('household_income_months_source_idx').on(
			t.countyId,
			t.source,
			t.month,
			t.householdId,
			t.kind,
			t.amountFen
		)
	]
);

/**
 * The monthly summary summed once more per village (the household's village now): what
 * the county dashboard reads, a few tens of thousands of rows a year instead of millions.
 * Kept by addToIncomeMonths beside household_income_months in the same transaction, and
 * moved with a household that moves to another village (followVillageMoves); a test
 * recomputes it from household_income_months and finds no difference.
 */
export const villageIncomeMonths = pgTable(
	'village_income_months',
	{
		countyId: uuid().notNull(),
		villageCode: varchar({ length: 12 }).notNull(),
		// The first day of the month.
		month: date({ mode: 'string' }).notNull(),
		kind: text({ enum: LEDGER_KINDS }).notNull(),
		source: text({ enum: LEDGER_SOURCES }).notNull(),
		amountFen: bigint({ mode: 'number' }).notNull(),
		entries: integer().notNull()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.villageCode, t.month, t.kind, t.source] }),
		// A period of the whole county: by month first.
		index('village_income_months_month_idx').on(t.countyId, t.month)
	]
);

/**
 * Each household's income from each program (the four kinds of income; the programs'
 * sources only) summed per calendar year: which households a program reached in a year is
 * a count of this table's rows (tens of thousands) instead of a year of monthly rows
 * (hundreds of thousands). Kept by addToIncomeMonths beside the monthly summary, in the
 * posting's transaction; a test recomputes it from household_income_months and finds no
 * difference (programYearsDifferences).
 */
export const householdProgramYears = pgTable(
	'household_program_years',
	{
		countyId: uuid().notNull(),
		source: text({ enum: LEDGER_SOURCES }).notNull(),
		year: integer().notNull(),
		householdId: uuid().notNull(),
		amountFen: bigint({ mode: 'number' }).notNull()
	},
	(t) => [primaryKey({ columns: [t.countyId, t.source, t.year, t.householdId] })]
);

/**
 * Each village's households counted, and its standings by where they stand: below the line,
 * near it, above it, or cannot be computed — the county dashboard's counts without reading
 * 300,000 rows per view. Kept by the database itself: statement triggers on households
 * (the households column) and on household_standings (the others) add each statement's
 * inserted, updated and deleted rows in the same transaction, whoever writes them (a new
 * household or an import, a posting's refresh, the nightly re-evaluation, a household moving
 * village). A row changes only when a count does, so a posting that leaves its household
 * where it was locks nothing here. A test recounts both tables and finds no difference
 * (villageCountsDifferences).
 */
export const villageCounts = pgTable(
	'village_counts',
	{
		countyId: uuid().notNull(),
		villageCode: varchar({ length: 12 }).notNull(),
		households: integer().notNull().default(0),
		below: integer().notNull().default(0),
		near: integer().notNull().default(0),
		above: integer().notNull().default(0),
		unknown: integer().notNull().default(0)
	},
	(t) => [primaryKey({ columns: [t.countyId, t.villageCode] })]
);
