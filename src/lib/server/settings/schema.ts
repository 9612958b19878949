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
