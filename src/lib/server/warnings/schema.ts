import { sql } from 'drizzle-orm';
import {
	date,
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
import { households } from '../households/schema';

/**
 * What a warning (预警) is about. The first six are raised by rules over the income
 * ledger and the program records; the rest by people.
 */
export const WARNING_KINDS = [
	'income_below_line',
	'income_near_line',
	'income_drop',
	'job_ended',
	'large_expense',
	'insurance_claim',
	'picking_stopped',
	// Raised by a grid member from a home visit, or by staff or the helping cadre.
	'visit',
	'staff',
	// The household's own difficulty report (自主申报).
	'self_report'
] as const;
export type WarningKind = (typeof WARNING_KINDS)[number];

export const WARNING_SOURCES = ['rule', 'person', 'household'] as const;
export type WarningSource = (typeof WARNING_SOURCES)[number];

/** open → verified (at home) → closed with a decision. */
export const WARNING_STATUSES = ['open', 'verified', 'closed'] as const;
export type WarningStatus = (typeof WARNING_STATUSES)[number];

/** identify as monitored, assist with a measure, or dismiss with a reason. */
export const WARNING_DECISIONS = ['identify', 'assist', 'dismiss'] as const;
export type WarningDecision = (typeof WARNING_DECISIONS)[number];

/**
 * A warning on a household. Never two open of the same kind for one household: the
 * partial unique index makes concurrent rule runs and double clicks raise one.
 */
export const warnings = pgTable(
	'warnings',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		householdId: uuid().notNull(),
		// The household's village (a copy, written with the warning and moved with the
		// household), so that the county's counts per township read the warnings alone.
		villageCode: varchar({ length: 12 }).notNull().default(''),
		kind: text({ enum: WARNING_KINDS }).notNull(),
		source: text({ enum: WARNING_SOURCES }).notNull(),
		// For a rule's warning, what it was about ('job:<id>', 'expense:<id>', 'income_below_line:2026'):
		// the rules never raise a warning again for something people have already closed.
		ruleKey: text(),
		// The numbers that raised it: per-capita income and line, the drop, the expense, …
		evidence: jsonb().$type<Record<string, unknown>>().notNull().default({}),
		// What a person wrote when raising it (visit findings, the household's own words).
		note: text(),
		raisedOn: date({ mode: 'string' }).notNull(),
		raisedBy: uuid(),
		raisedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		// Home verification is due by this date (working days from the county's settings).
		dueOn: date({ mode: 'string' }).notNull(),
		status: text({ enum: WARNING_STATUSES }).notNull().default('open'),
		verifiedOn: date({ mode: 'string' }),
		verifiedBy: uuid(),
		findings: text(),
		decision: text({ enum: WARNING_DECISIONS }),
		decisionReason: text(),
		closedOn: date({ mode: 'string' }),
		closedBy: uuid(),
		// The visit it was raised from, when a grid member raised it at the door.
		visitId: uuid(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		uniqueIndex('warnings_one_open_per_kind')
			.on(t.countyId, t.householdId, t.kind)
			.where(sql`${t.status} <> 'closed'`),
		index('warnings_household_idx').on(t.countyId, t.householdId, t.raisedOn),
		index('warnings_queue_idx').on(t.countyId, t.status, t.dueOn)
	]
);

export const WARNING_STEPS = [
	'raised',
	'verified',
	'identified',
	'assisted',
	'dismissed',
	'closed',
	'reopened'
] as const;
export type WarningStep = (typeof WARNING_STEPS)[number];

/** Each step of a warning, dated, by a named person: the warning's history. */
export const warningSteps = pgTable(
	'warning_steps',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		warningId: uuid().notNull(),
		step: text({ enum: WARNING_STEPS }).notNull(),
		happenedOn: date({ mode: 'string' }).notNull(),
		byUserId: uuid(),
		byLabel: text().notNull(),
		note: text(),
		details: jsonb().$type<Record<string, unknown>>(),
		recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.warningId],
			foreignColumns: [warnings.countyId, warnings.id]
		}),
		index('warning_steps_warning_idx').on(t.countyId, t.warningId, t.recordedAt)
	]
);

/** A grid member's (or staff's) home visit (入户走访): who was seen and what changed. */
export const homeVisits = pgTable(
	'home_visits',
	{
		countyId: uuid().notNull(),
		// Made on the phone (UUIDv7), so a visit sent twice is recorded once.
		id: uuid().notNull(),
		householdId: uuid().notNull(),
		visitedOn: date({ mode: 'string' }).notNull(),
		visitorId: uuid().notNull(),
		// 见到谁: the people met, as the visitor wrote them.
		seen: text().notNull(),
		// 有什么变化: illness, a job lost, a disaster, … or nothing.
		changes: text(),
		// An optional photo, base64 (JPEG/PNG/WebP, size-limited by the domain).
		photo: text(),
		photoType: text(),
		recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		index('home_visits_household_idx').on(t.countyId, t.householdId, t.visitedOn),
		index('home_visits_visitor_idx').on(t.countyId, t.visitorId, t.visitedOn)
	]
);
