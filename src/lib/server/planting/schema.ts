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
import { counties, divisions } from '../divisions/schema';
import { households, members } from '../households/schema';

/**
 * A honeysuckle season (one year) and its rates. Rates are copied onto each subsidy line
 * and picking entry when made, so changing a rate later never changes what was paid.
 */
export const plantingSeasons = pgTable(
	'planting_seasons',
	{
		countyId: uuid()
			.notNull()
			.references(() => counties.id),
		id: uuid().notNull(),
		year: integer().notNull(),
		firstYearSubsidyFenPerMu: bigint({ mode: 'number' }).notNull().default(90_000),
		laterYearSubsidyFenPerMu: bigint({ mode: 'number' }).notNull().default(0),
		pickingRateFenPerKg: bigint({ mode: 'number' }).notNull().default(100),
		seedlingsPerMu: integer().notNull().default(300),
		// The picking window: no weigh-in outside it.
		startsOn: date({ mode: 'string' }).notNull(),
		endsOn: date({ mode: 'string' }).notNull(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		uniqueIndex('planting_seasons_year_unique').on(t.countyId, t.year)
	]
);

/** A household's honeysuckle plot. Area in hundredths of a mu. */
export const plots = pgTable(
	'plots',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		householdId: uuid().notNull(),
		villageCode: varchar({ length: 12 })
			.notNull()
			.references(() => divisions.code),
		// The latest measured area; plot_measurements keeps every measurement.
		areaHundredthsMu: integer().notNull(),
		plantedOn: date({ mode: 'string' }).notNull(),
		seedlings: integer(),
		notes: text(),
		retiredOn: date({ mode: 'string' }),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		index('plots_village_idx').on(t.countyId, t.villageCode),
		index('plots_household_idx').on(t.countyId, t.householdId)
	]
);

/** Every (re-)measurement of a plot, dated. */
export const plotMeasurements = pgTable(
	'plot_measurements',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		plotId: uuid().notNull(),
		measuredOn: date({ mode: 'string' }).notNull(),
		areaHundredthsMu: integer().notNull(),
		recordedBy: uuid(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({ columns: [t.countyId, t.plotId], foreignColumns: [plots.countyId, plots.id] })
	]
);

/** A line of a season's planting-subsidy list: one per plot, paid once. */
export const plantingSubsidies = pgTable(
	'planting_subsidies',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		seasonId: uuid().notNull(),
		plotId: uuid().notNull(),
		householdId: uuid().notNull(),
		areaHundredthsMu: integer().notNull(),
		firstYear: boolean().notNull(),
		rateFenPerMu: bigint({ mode: 'number' }).notNull(),
		amountFen: bigint({ mode: 'number' }).notNull(),
		paidOn: date({ mode: 'string' }),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.seasonId],
			foreignColumns: [plantingSeasons.countyId, plantingSeasons.id]
		}),
		foreignKey({ columns: [t.countyId, t.plotId], foreignColumns: [plots.countyId, plots.id] }),
		uniqueIndex('planting_subsidies_plot_unique').on(t.countyId, t.seasonId, t.plotId)
	]
);

/** A weighing station (收购点) where pickers bring honeysuckle. */
export const weighingStations = pgTable(
	'weighing_stations',
	{
		countyId: uuid()
			.notNull()
			.references(() => counties.id),
		id: uuid().notNull(),
		name: text().notNull(),
		villageCode: varchar({ length: 12 })
			.notNull()
			.references(() => divisions.code),
		active: boolean().notNull().default(true),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		uniqueIndex('weighing_stations_name_unique').on(t.countyId, t.name)
	]
);

/** A batch payment of picking money for a station and a span of days. */
export const pickingPayments = pgTable(
	'picking_payments',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		stationId: uuid().notNull(),
		fromDate: date({ mode: 'string' }).notNull(),
		toDate: date({ mode: 'string' }).notNull(),
		paidOn: date({ mode: 'string' }).notNull(),
		totalFen: bigint({ mode: 'number' }).notNull(),
		entries: integer().notNull(),
		paidBy: uuid(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.stationId],
			foreignColumns: [weighingStations.countyId, weighingStations.id]
		})
	]
);

/**
 * One weigh-in at a station. The id is made by the phone, so a retried or queued entry is
 * recognised. The amount is weight × the season's rate at the time, kept on the entry.
 */
export const pickingEntries = pgTable(
	'picking_entries',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		seasonId: uuid().notNull(),
		stationId: uuid().notNull(),
		pickedOn: date({ mode: 'string' }).notNull(),
		// A registered picker; both null for a picker from outside the registry.
		memberId: uuid(),
		householdId: uuid(),
		pickerName: text().notNull(),
		pickerIdNumber: varchar({ length: 18 }),
		weightGrams: integer().notNull(),
		rateFenPerKg: bigint({ mode: 'number' }).notNull(),
		amountFen: bigint({ mode: 'number' }).notNull(),
		version: integer().notNull().default(1),
		voided: boolean().notNull().default(false),
		paymentId: uuid(),
		enteredBy: uuid(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.seasonId],
			foreignColumns: [plantingSeasons.countyId, plantingSeasons.id]
		}),
		foreignKey({
			columns: [t.countyId, t.stationId],
			foreignColumns: [weighingStations.countyId, weighingStations.id]
		}),
		foreignKey({
			columns: [t.countyId, t.memberId],
			foreignColumns: [members.countyId, members.id]
		}),
		foreignKey({
			columns: [t.countyId, t.paymentId],
			foreignColumns: [pickingPayments.countyId, pickingPayments.id]
		}),
		index('picking_entries_station_day_idx').on(t.countyId, t.stationId, t.pickedOn),
		index('picking_entries_household_idx').on(t.countyId, t.householdId)
	]
);
