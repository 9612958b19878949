import { sql } from 'drizzle-orm';
import {
	bigint,
	date,
	foreignKey,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import type { PayoutRule } from '../../insurance-rules';
import { households, members } from '../households/schema';

/** 产业保险, 务工人员保险, 防贫保. */
export const SCHEME_KINDS = ['industry', 'migrant_worker', 'anti_poverty'] as const;
export type SchemeKind = (typeof SCHEME_KINDS)[number];

/** Who a scheme covers: named objects or people, or everyone of a category. */
export const COVERAGES = ['named', 'monitored_households'] as const;
export type Coverage = (typeof COVERAGES)[number];

/** What happened: the events a scheme may cover. */
export const EVENT_TYPES = [
	'natural_disaster',
	'fire',
	'accident',
	'work_injury',
	'illness',
	'livestock_death'
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * A scheme of one year and kind (the county insures each kind once a year). Its rule is
 * versioned: each change raises `ruleVersion`, and a decided claim keeps the rule it used.
 */
export const insuranceSchemes = pgTable(
	'insurance_schemes',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		year: integer().notNull(),
		kind: text({ enum: SCHEME_KINDS }).notNull(),
		name: text().notNull(),
		insurer: text().notNull(),
		coverage: text({ enum: COVERAGES }).notNull(),
		// Per insured person, object or household, per year.
		premiumFen: bigint({ mode: 'number' }).notNull(),
		// What the county set aside in its budget for the year.
		budgetFen: bigint({ mode: 'number' }).notNull(),
		events: text({ enum: EVENT_TYPES }).array().notNull(),
		rule: jsonb().$type<PayoutRule>().notNull(),
		ruleVersion: integer().notNull().default(1),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		uniqueIndex('insurance_schemes_year_kind_unique').on(t.countyId, t.year, t.kind)
	]
);

/** What an enrolment insures: a plot, a flock, a workshop, a project, a worker, a household. */
export const OBJECT_KINDS = [
	'plot',
	'flock',
	'workshop',
	'project',
	'worker',
	'household'
] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/**
 * An enrolment (参保): one insured object or person of a household under a scheme, for a
 * period, with the premium the county paid for it.
 */
export const insurancePolicies = pgTable(
	'insurance_policies',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		schemeId: uuid().notNull(),
		householdId: uuid().notNull(),
		// The insured person (a worker), or the member the object belongs to.
		memberId: uuid(),
		objectKind: text({ enum: OBJECT_KINDS }).notNull(),
		// The plot, micro-factory or job it is, where Levee records one.
		objectRef: uuid(),
		// What the insurer reads: "金银花地 1.50 亩", "羊 20 只", "在外务工：天津 建筑工地".
		objectLabel: text().notNull(),
		// One object is insured once per scheme: the plot's id, the member's id, …
		objectKey: text().notNull(),
		insuredValueFen: bigint({ mode: 'number' }),
		employer: text(),
		workPlace: text(),
		coverFrom: date({ mode: 'string' }).notNull(),
		coverTo: date({ mode: 'string' }).notNull(),
		premiumFen: bigint({ mode: 'number' }).notNull(),
		enrolledBy: uuid(),
		enrolledAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.schemeId],
			foreignColumns: [insuranceSchemes.countyId, insuranceSchemes.id]
		}),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		foreignKey({
			columns: [t.countyId, t.memberId],
			foreignColumns: [members.countyId, members.id]
		}),
		uniqueIndex('insurance_policies_object_unique').on(t.countyId, t.schemeId, t.objectKey),
		index('insurance_policies_household_idx').on(t.countyId, t.householdId)
	]
);

/**
 * The fund of a scheme: premiums paid in, claims paid out, top-ups by an admin, a surplus
 * carried to next year's scheme (out of this one, into that one). Amounts are positive;
 * the kind says the direction. The balance is their signed sum.
 */
export const FUND_ENTRY_KINDS = ['premium', 'payout', 'top_up', 'carry_in', 'carry_out'] as const;
export type FundEntryKind = (typeof FUND_ENTRY_KINDS)[number];

export const insuranceFundEntries = pgTable(
	'insurance_fund_entries',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		schemeId: uuid().notNull(),
		kind: text({ enum: FUND_ENTRY_KINDS }).notNull(),
		amountFen: bigint({ mode: 'number' }).notNull(),
		businessDate: date({ mode: 'string' }).notNull(),
		// The claim a payout paid; the other scheme of a carry-over.
		claimId: uuid(),
		otherSchemeId: uuid(),
		// Premiums: how many enrolments they paid for.
		units: integer(),
		note: text(),
		byUserId: uuid(),
		byLabel: text().notNull(),
		recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.schemeId],
			foreignColumns: [insuranceSchemes.countyId, insuranceSchemes.id]
		}),
		index('insurance_fund_scheme_idx').on(t.countyId, t.schemeId, t.businessDate),
		// A claim is paid out of the fund once; a year's surplus is carried once.
		uniqueIndex('insurance_fund_payout_unique')
			.on(t.countyId, t.claimId)
			.where(sql`${t.kind} = 'payout'`),
		uniqueIndex('insurance_fund_carry_out_unique')
			.on(t.countyId, t.schemeId)
			.where(sql`${t.kind} = 'carry_out'`)
	]
);

/** reported → investigated → approved | rejected; approved → paid. */
export const CLAIM_STATUSES = ['reported', 'investigated', 'approved', 'rejected', 'paid'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** 看四算一: each of the four looks is a short choice and a note. */
export const LOOK_CHOICES = ['poor', 'ordinary', 'good'] as const;
export type LookChoice = (typeof LOOK_CHOICES)[number];
export const LOOKS = ['housing', 'largeItems', 'furniture', 'children'] as const;
export type Look = (typeof LOOKS)[number];

export interface Investigation {
	looks: Record<Look, { choice: LookChoice; note: string }>;
	/** The per-capita income and the line beside it, as the investigator saw them. */
	perCapitaFen: number | null;
	lineFen: number | null;
	residents: number;
	note: string;
}

export const insuranceClaims = pgTable(
	'insurance_claims',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		schemeId: uuid().notNull(),
		policyId: uuid().notNull(),
		householdId: uuid().notNull(),
		eventType: text({ enum: EVENT_TYPES }).notNull(),
		eventDate: date({ mode: 'string' }).notNull(),
		// The loss, or for 防贫保 the household's own cost after medical insurance.
		lossFen: bigint({ mode: 'number' }).notNull(),
		// Which papers were seen: invoices, the hospital's discharge note, photos, …
		documents: text(),
		description: text(),
		status: text({ enum: CLAIM_STATUSES }).notNull().default('reported'),
		// The large-expense warning it was raised from, if any.
		warningId: uuid(),
		reportedOn: date({ mode: 'string' }).notNull(),
		reportedBy: uuid(),
		investigation: jsonb().$type<Investigation>(),
		investigatedOn: date({ mode: 'string' }),
		investigatedBy: uuid(),
		// What the rule computed when the claim was decided, with the rule version used.
		ruleAmountFen: bigint({ mode: 'number' }),
		ruleVersion: integer(),
		approvedAmountFen: bigint({ mode: 'number' }),
		decisionReason: text(),
		decidedOn: date({ mode: 'string' }),
		decidedBy: uuid(),
		paidOn: date({ mode: 'string' }),
		paidAmountFen: bigint({ mode: 'number' }),
		paidBy: uuid(),
		ledgerEntryId: uuid(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.schemeId],
			foreignColumns: [insuranceSchemes.countyId, insuranceSchemes.id]
		}),
		foreignKey({
			columns: [t.countyId, t.policyId],
			foreignColumns: [insurancePolicies.countyId, insurancePolicies.id]
		}),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		index('insurance_claims_queue_idx').on(t.countyId, t.status, t.reportedOn),
		index('insurance_claims_household_idx').on(t.countyId, t.householdId)
	]
);

export const CLAIM_STEPS = ['reported', 'investigated', 'approved', 'rejected', 'paid'] as const;
export type ClaimStep = (typeof CLAIM_STEPS)[number];

/** Each step of a claim, dated, by a named person: the claim's history. */
export const insuranceClaimSteps = pgTable(
	'insurance_claim_steps',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		claimId: uuid().notNull(),
		step: text({ enum: CLAIM_STEPS }).notNull(),
		happenedOn: date({ mode: 'string' }).notNull(),
		byUserId: uuid(),
		byLabel: text().notNull(),
		amountFen: bigint({ mode: 'number' }),
		note: text(),
		recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.claimId],
			foreignColumns: [insuranceClaims.countyId, insuranceClaims.id]
		}),
		index('insurance_claim_steps_claim_idx').on(t.countyId, t.claimId, t.recordedAt)
	]
);
