import {
	date,
	foreignKey,
	index,
	pgTable,
	primaryKey,
	text,
	timestamp,
	unique,
	uuid,
	varchar
} from 'drizzle-orm/pg-core';
import { counties, divisions } from '../divisions/schema';

/** A household (户) as the national monitoring system knows it. */
export const households = pgTable(
	'households',
	{
		countyId: uuid()
			.notNull()
			.references(() => counties.id),
		id: uuid().notNull(),
		// 户编号 from the national registry.
		householdNumber: text().notNull(),
		villageCode: varchar({ length: 12 })
			.notNull()
			.references(() => divisions.code),
		address: text(),
		phone: varchar({ length: 20 }),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		unique('households_number_unique').on(t.countyId, t.householdNumber),
		index('households_village_idx').on(t.countyId, t.villageCode)
	]
);

export const SEXES = ['male', 'female'] as const;
export const HEAD_OF_HOUSEHOLD = '户主'; // the registry's word for the head of household

/** A person of a household. Identity numbers are unique within a county. */
export const members = pgTable(
	'members',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		householdId: uuid().notNull(),
		name: text().notNull(),
		idNumber: varchar({ length: 18 }).notNull(),
		sex: text({ enum: SEXES }).notNull(),
		birthDate: date({ mode: 'string' }).notNull(),
		// 与户主关系: 户主, 配偶, 之子, 之女, …
		relation: text().notNull(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		unique('members_id_number_unique').on(t.countyId, t.idNumber),
		index('members_household_idx').on(t.countyId, t.householdId)
	]
);
