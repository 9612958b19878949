import { bigint, integer, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';
import { counties } from '../divisions/schema';

/** Local policy values that code must not hard-wire: one row per county. */
export const countySettings = pgTable('county_settings', {
	countyId: uuid()
		.primaryKey()
		.references(() => counties.id),
	// A single ledger amount above this is refused as a likely typo (fen vs yuan).
	ledgerCeilingFen: bigint({ mode: 'number' }).notNull().default(100_000_000),
	// A month's wage above this is refused (a typo in fen vs yuan): 20,000 yuan.
	monthlyWageCeilingFen: bigint({ mode: 'number' }).notNull().default(2_000_000),
	// One weigh-in above this is refused: 100 kg.
	weighInCeilingGrams: integer().notNull().default(100_000),
	// The monitoring loop's rule thresholds (defaults from county notices; editable).
	// Above the line but within this share of it counts as near the line.
	nearLineMarginPct: integer().notNull().default(10),
	// The last 3 months' income this share below the 3 months before raises a warning.
	incomeDropPct: integer().notNull().default(30),
	// A job ended and no new job within this many days.
	jobGapDays: integer().notNull().default(30),
	// One large expense above this share of the household's annual net income.
	largeExpenseSharePct: integer().notNull().default(50),
	// Home verification due within this many working days of a warning.
	verificationDueWorkingDays: integer().notNull().default(2),
	// The village's public notice for identification and elimination, in days.
	publicNoticeDays: integer().notNull().default(5),
	// Months above the line before a household may be proposed for elimination.
	eliminationStableMonths: integer().notNull().default(6),
	updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
});

/** The monitoring line (监测线), per person per year, revised yearly by the county. */
export const monitoringLines = pgTable(
	'monitoring_lines',
	{
		countyId: uuid()
			.notNull()
			.references(() => counties.id),
		year: integer().notNull(),
		lineFenPerPerson: bigint({ mode: 'number' }).notNull(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.countyId, t.year] })]
);
