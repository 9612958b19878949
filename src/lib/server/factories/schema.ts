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
	uuid,
	varchar
} from 'drizzle-orm/pg-core';
import { users } from '../auth/schema';
import { counties, divisions } from '../divisions/schema';
import { households, members } from '../households/schema';

export const FACTORY_STATUSES = ['building', 'operating', 'idle', 'closed'] as const;
export type FactoryStatus = (typeof FACTORY_STATUSES)[number];

/**
 * A poverty-alleviation micro-factory (扶贫微工厂 / 帮扶车间): a workshop the county builds
 * on village land and leases to an enterprise.
 */
export const factories = pgTable(
	'factories',
	{
		countyId: uuid()
			.notNull()
			.references(() => counties.id),
		id: uuid().notNull(),
		name: text().notNull(),
		villageCode: varchar({ length: 12 })
			.notNull()
			.references(() => divisions.code),
		floorAreaM2: integer().notNull(),
		buildingCostFen: bigint({ mode: 'number' }),
		enterpriseName: text().notNull(),
		enterpriseContact: text(),
		enterprisePhone: varchar({ length: 20 }),
		// 统一社会信用代码: 18 characters.
		creditCode: varchar({ length: 18 }),
		// School bags, luggage, clothing, plush toys, …: free text, one per line.
		products: text()
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		leaseStart: date({ mode: 'string' }),
		leaseEnd: date({ mode: 'string' }),
		annualRentFen: bigint({ mode: 'number' }),
		status: text({ enum: FACTORY_STATUSES }).notNull().default('building'),
		// The day the factory began: no hire before it.
		openedOn: date({ mode: 'string' }).notNull(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		uniqueIndex('factories_name_unique').on(t.countyId, t.name),
		index('factories_village_idx').on(t.countyId, t.villageCode)
	]
);

/** The owner accounts of a factory (role factory_owner): their scope. */
export const factoryOwners = pgTable(
	'factory_owners',
	{
		countyId: uuid().notNull(),
		factoryId: uuid().notNull(),
		userId: uuid()
			.notNull()
			.references(() => users.id)
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.factoryId, t.userId] }),
		foreignKey({
			columns: [t.countyId, t.factoryId],
			foreignColumns: [factories.countyId, factories.id]
		}),
		index('factory_owners_user_idx').on(t.userId)
	]
);

export const PAY_BASES = ['monthly', 'piece_rate'] as const;
export type PayBasis = (typeof PAY_BASES)[number];

/**
 * A job at a factory: a local hire linked to a registered household member, or a worker
 * from outside the registry (not linked; name, identity number and home village only).
 */
export const factoryJobs = pgTable(
	'factory_jobs',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		factoryId: uuid().notNull(),
		memberId: uuid(),
		householdId: uuid(),
		workerName: text().notNull(),
		workerIdNumber: varchar({ length: 18 }).notNull(),
		// For workers not linked to a household of the county.
		homeVillage: text(),
		jobTitle: text().notNull(),
		payBasis: text({ enum: PAY_BASES }).notNull(),
		startedOn: date({ mode: 'string' }).notNull(),
		endedOn: date({ mode: 'string' }),
		endReason: text(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.factoryId],
			foreignColumns: [factories.countyId, factories.id]
		}),
		foreignKey({
			columns: [t.countyId, t.memberId],
			foreignColumns: [members.countyId, members.id]
		}),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		// A person has at most one open job at a factory.
		uniqueIndex('factory_jobs_one_open_unique')
			.on(t.countyId, t.factoryId, t.workerIdNumber)
			.where(sql`${t.endedOn} is null`),
		index('factory_jobs_factory_idx').on(t.countyId, t.factoryId, t.startedOn),
		index('factory_jobs_household_idx').on(t.countyId, t.householdId),
		// A household's jobs are also those of its members (householdJobs).
		index('factory_jobs_member_idx').on(t.countyId, t.memberId)
	]
);

/**
 * One month's wage of one job: saving the month again updates it (a new version, which
 * reverses and reposts the ledger entry).
 */
export const factoryWages = pgTable(
	'factory_wages',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		jobId: uuid().notNull(),
		// The first day of the month the wage is for.
		month: date({ mode: 'string' }).notNull(),
		amountFen: bigint({ mode: 'number' }).notNull(),
		version: integer().notNull().default(1),
		enteredBy: uuid(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.jobId],
			foreignColumns: [factoryJobs.countyId, factoryJobs.id]
		}),
		uniqueIndex('factory_wages_job_month_unique').on(t.countyId, t.jobId, t.month)
	]
);
