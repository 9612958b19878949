import { sql } from 'drizzle-orm';
import {
	foreignKey,
	index,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	uuid,
	varchar
} from 'drizzle-orm/pg-core';
import { counties, divisions } from '../divisions/schema';
import { households } from '../households/schema';

export const ROLES = [
	'county_admin',
	'township_staff',
	'grid_member',
	'factory_owner',
	'household'
] as const;
export type Role = (typeof ROLES)[number];

/**
 * A person who signs in. Shared table (like sessions): each user belongs to one county.
 * Users are disabled, never deleted, so the audit log keeps naming them.
 */
export const users = pgTable(
	'users',
	{
		id: uuid().primaryKey(),
		countyId: uuid()
			.notNull()
			.references(() => counties.id),
		role: text({ enum: ROLES }).notNull(),
		displayName: text().notNull(),
		// Lower-case; staff sign in with it or with their phone.
		username: varchar({ length: 40 }),
		phone: varchar({ length: 20 }),
		passwordHash: text(),
		// Households sign in with phone and a 6-digit PIN instead of a password.
		pinHash: text(),
		householdId: uuid(),
		disabledAt: timestamp({ withTimezone: true }),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('users_username_unique').on(t.username),
		// A phone signs in one staff account and, separately, one household.
		uniqueIndex('users_staff_phone_unique')
			.on(t.phone)
			.where(sql`${t.role} <> 'household'`),
		uniqueIndex('users_household_phone_unique')
			.on(t.phone)
			.where(sql`${t.role} = 'household'`),
		uniqueIndex('users_household_unique')
			.on(t.countyId, t.householdId)
			.where(sql`${t.householdId} is not null`),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		index('users_county_idx').on(t.countyId, t.role)
	]
);

/** The townships a township staff member works in. */
export const userTownships = pgTable(
	'user_townships',
	{
		userId: uuid()
			.notNull()
			.references(() => users.id),
		townshipCode: varchar({ length: 12 })
			.notNull()
			.references(() => divisions.code)
	},
	(t) => [primaryKey({ columns: [t.userId, t.townshipCode] })]
);

/** The villages a grid member (网格员) visits: their whole scope. */
export const userVillages = pgTable(
	'user_villages',
	{
		userId: uuid()
			.notNull()
			.references(() => users.id),
		villageCode: varchar({ length: 12 })
			.notNull()
			.references(() => divisions.code)
	},
	(t) => [
		primaryKey({ columns: [t.userId, t.villageCode] }),
		index('user_villages_village_idx').on(t.villageCode)
	]
);

export const SIGN_IN_METHODS = ['password', 'pin', 'card'] as const;

/** Lucia-style sessions: the id is the SHA-256 of the cookie's token, never the token. */
export const sessions = pgTable(
	'sessions',
	{
		id: varchar({ length: 64 }).primaryKey(),
		userId: uuid()
			.notNull()
			.references(() => users.id),
		method: text({ enum: SIGN_IN_METHODS }).notNull(),
		expiresAt: timestamp({ withTimezone: true }).notNull(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		userAgent: text(),
		ip: varchar({ length: 64 })
	},
	(t) => [index('sessions_user_idx').on(t.userId)]
);

/**
 * A printed household QR card: a long random token that signs a phone into that
 * household's view. Only its hash is stored; one card per household is active.
 */
export const householdCards = pgTable(
	'household_cards',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		householdId: uuid().notNull(),
		tokenHash: varchar({ length: 64 }).notNull(),
		createdBy: uuid().references(() => users.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		revokedAt: timestamp({ withTimezone: true })
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		// The county in the key keeps it valid on Citus; the token leads, as sign-in knows no county.
		uniqueIndex('household_cards_token_unique').on(t.tokenHash, t.countyId),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		index('household_cards_household_idx').on(t.countyId, t.householdId)
	]
);

export const AUTH_EVENT_KINDS = [
	'sign_in',
	// Recorded before the secret is checked and turned into sign_in or sign_in_failed
	// afterwards; until then (or for ever, if the server stopped) it counts as a failure.
	'sign_in_attempt',
	'sign_in_failed',
	'sign_in_throttled',
	'sign_out',
	'sign_out_everywhere',
	'refused'
] as const;
export type AuthEventKind = (typeof AUTH_EVENT_KINDS)[number];

/**
 * Security events, also for unknown accounts (so no county): sign-ins, failures,
 * sign-outs and refused requests. Failures here drive the brute-force throttle.
 */
export const authEvents = pgTable(
	'auth_events',
	{
		id: uuid().primaryKey(),
		at: timestamp({ withTimezone: true }).notNull().defaultNow(),
		kind: text({ enum: AUTH_EVENT_KINDS }).notNull(),
		userId: uuid().references(() => users.id),
		countyId: uuid().references(() => counties.id),
		// What was typed as the account (lower-case), for throttling per account.
		identifier: varchar({ length: 64 }),
		ip: varchar({ length: 64 }),
		// SHA-256 of the device cookie the attempt came with, for a trusted device's own budget.
		device: varchar({ length: 64 }),
		detail: jsonb()
	},
	(t) => [
		index('auth_events_identifier_idx').on(t.identifier, t.at),
		index('auth_events_device_idx').on(t.device, t.at),
		index('auth_events_ip_idx').on(t.ip, t.at),
		index('auth_events_user_idx').on(t.userId, t.at),
		index('auth_events_county_idx').on(t.countyId, t.at)
	]
);

/**
 * Devices that have signed in to an account before (OWASP "device cookies"): the cookie
 * holds a random token, this table its SHA-256. Failures from strangers slow down the
 * account but not these devices, which have a small budget of their own.
 */
export const trustedDevices = pgTable(
	'trusted_devices',
	{
		tokenHash: varchar({ length: 64 }).notNull(),
		userId: uuid()
			.notNull()
			.references(() => users.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		lastUsedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.tokenHash, t.userId] }),
		index('trusted_devices_user_idx').on(t.userId)
	]
);
