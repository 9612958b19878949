import {
	check,
	index,
	pgTable,
	primaryKey,
	text,
	timestamp,
	unique,
	uuid,
	varchar
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * A county that uses Levee: the tenant. Its id is the `county_id` that leads every
 * domain table's primary key.
 */
export const counties = pgTable('counties', {
	id: uuid().primaryKey(),
	code: varchar({ length: 6 }).notNull().unique(),
	name: text().notNull(),
	provinceName: text().notNull(),
	cityName: text().notNull(),
	createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
});

export const DIVISION_LEVELS = ['county', 'township', 'village'] as const;
export type DivisionLevel = (typeof DIVISION_LEVELS)[number];

/**
 * Townships and villages of the counties that use Levee, by their official codes
 * (GB/T 2260 and the statistics bureau: county 6 digits, township 9, village 12).
 * Shared between tenants, like the codes themselves.
 */
export const divisions = pgTable(
	'divisions',
	{
		code: varchar({ length: 12 }).primaryKey(),
		level: text({ enum: DIVISION_LEVELS }).notNull(),
		parentCode: varchar({ length: 12 }),
		countyCode: varchar({ length: 6 }).notNull(),
		name: text().notNull(),
		// The statistics bureau's name, kept when a county renames a village for daily use.
		officialName: text(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('divisions_county_level_idx').on(t.countyCode, t.level),
		index('divisions_parent_idx').on(t.parentCode),
		check(
			'divisions_code_length',
			sql`(${t.level} = 'county' and length(${t.code}) = 6) or (${t.level} = 'township' and length(${t.code}) = 9) or (${t.level} = 'village' and length(${t.code}) = 12)`
		)
	]
);

/**
 * Other spellings of a village that staff use in their files (东代固村 for
 * 东代固居民委员会): an import that matched one by its core remembers it here, and county
 * admins edit the list, so the next import matches at once. Unique within the township.
 */
export const villageAliases = pgTable(
	'village_aliases',
	{
		villageCode: varchar({ length: 12 })
			.notNull()
			.references(() => divisions.code),
		townshipCode: varchar({ length: 9 }).notNull(),
		countyCode: varchar({ length: 6 }).notNull(),
		alias: text().notNull(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.villageCode, t.alias] }),
		unique('village_aliases_township_alias_unique').on(t.townshipCode, t.alias),
		index('village_aliases_county_idx').on(t.countyCode)
	]
);
