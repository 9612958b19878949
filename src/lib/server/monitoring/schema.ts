import {
	bigint,
	boolean,
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
	uuid,
	varchar
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import REGISTRY from '../../registry-words.json';
import { counties } from '../divisions/schema';
import { households } from '../households/schema';

export const OPTION_LISTS = ['category', 'risk', 'measure'] as const;
export type OptionList = (typeof OPTION_LISTS)[number];

/**
 * Per-county configurable lists: monitoring categories, risk types and assistance
 * measures, each with a stable code and names in Chinese and English.
 */
export const countyOptions = pgTable(
	'county_options',
	{
		countyId: uuid()
			.notNull()
			.references(() => counties.id),
		list: text({ enum: OPTION_LISTS }).notNull(),
		code: text().notNull(),
		nameZh: text().notNull(),
		nameEn: text().notNull(),
		sortOrder: integer().notNull().default(0),
		// Development-type measures (industry, employment, public-welfare job, finance)
		// matter to the data-quality checks.
		developmental: boolean().notNull().default(false),
		active: boolean().notNull().default(true)
	},
	(t) => [primaryKey({ columns: [t.countyId, t.list, t.code] })]
);

export const MONITORING_STATUSES = ['not_monitored', 'monitored', 'eliminated'] as const;
/** 风险消除方式 as the registry writes them. */
export const ELIMINATION_METHODS: readonly string[] = REGISTRY.eliminationMethods;
export type MonitoringStatus = (typeof MONITORING_STATUSES)[number];

/** The household's monitoring record (防返贫监测档案): one per household, never deleted. */
export const monitoringRecords = pgTable(
	'monitoring_records',
	{
		countyId: uuid().notNull(),
		householdId: uuid().notNull(),
		// A code of the county's 'category' list; 'ordinary' when not monitored.
		category: text().notNull().default('ordinary'),
		status: text({ enum: MONITORING_STATUSES }).notNull().default('not_monitored'),
		monitoredSince: date({ mode: 'string' }),
		eliminatedOn: date({ mode: 'string' }),
		// 帮扶消除 or 自然消除.
		eliminationMethod: text(),
		cadreName: text(),
		cadreUnit: text(),
		cadrePhone: text(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.householdId] }),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		index('monitoring_records_status_idx').on(t.countyId, t.status, t.category)
	]
);

/** The household's risk types (several at once), codes of the county's 'risk' list. */
export const monitoringRisks = pgTable(
	'monitoring_risks',
	{
		countyId: uuid().notNull(),
		householdId: uuid().notNull(),
		risk: text().notNull(),
		// The risk as the registry file wrote it (因安全饮水, …), exported back unchanged.
		written: text()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.householdId, t.risk] }),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		index('monitoring_risks_risk_idx').on(t.countyId, t.risk)
	]
);

/** Every change of category or status, dated, for the timeline. */
export const monitoringHistory = pgTable(
	'monitoring_history',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		householdId: uuid().notNull(),
		happenedOn: date({ mode: 'string' }).notNull(),
		status: text({ enum: MONITORING_STATUSES }).notNull(),
		category: text().notNull(),
		note: text(),
		recordedBy: uuid(),
		recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		index('monitoring_history_household_idx').on(t.countyId, t.householdId, t.happenedOn)
	]
);

/** An assistance measure (帮扶措施): a code of the county's 'measure' list. */
export const assistanceMeasures = pgTable(
	'assistance_measures',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		householdId: uuid().notNull(),
		measure: text().notNull(),
		description: text(),
		startedOn: date({ mode: 'string' }).notNull(),
		endedOn: date({ mode: 'string' }),
		// Where one applies (a small loan, a public-welfare job's pay), in fen.
		amountFen: bigint({ mode: 'number' }),
		// Who answers for it (责任人) and how to reach them.
		responsibleName: text(),
		responsiblePhone: text(),
		// The warning it answers, when added as a warning's decision.
		warningId: uuid(),
		recordedBy: uuid(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		index('assistance_measures_household_idx').on(t.countyId, t.householdId)
	]
);

export const PROPOSAL_KINDS = ['identify', 'eliminate'] as const;
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

/**
 * Where a proposal stands: each review step moves it one stage on; 'approved' and
 * 'rejected' end it.
 */
export const PROPOSAL_STATUSES = [
	'proposed',
	'verified',
	'noticed',
	'township_reviewed',
	'approved',
	'rejected'
] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/**
 * A proposal to identify a household as monitored (识别) or to eliminate its risk (消除):
 * home verification → village review with a public notice → township review → county
 * approval. At most one open proposal per household and kind (a partial unique index).
 */
export const monitoringProposals = pgTable(
	'monitoring_proposals',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		householdId: uuid().notNull(),
		kind: text({ enum: PROPOSAL_KINDS }).notNull(),
		status: text({ enum: PROPOSAL_STATUSES }).notNull().default('proposed'),
		// The numbers that made it a candidate: per-capita income and line, months above it, …
		evidence: jsonb().$type<Record<string, unknown>>().notNull().default({}),
		// Identification: the category and risk types proposed (codes of the county's lists).
		category: text(),
		risks: jsonb().$type<string[]>().notNull().default([]),
		// Elimination: 帮扶消除 or 自然消除.
		eliminationMethod: text(),
		note: text(),
		proposedOn: date({ mode: 'string' }).notNull(),
		proposedBy: uuid(),
		// The village's public notice (公示), from and until (inclusive).
		noticeFrom: date({ mode: 'string' }),
		noticeUntil: date({ mode: 'string' }),
		decidedOn: date({ mode: 'string' }),
		decidedBy: uuid(),
		rejectionReason: text(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		uniqueIndex('monitoring_proposals_one_open')
			.on(t.countyId, t.householdId, t.kind)
			.where(sql`${t.status} not in ('approved', 'rejected')`),
		index('monitoring_proposals_status_idx').on(t.countyId, t.status, t.kind)
	]
);

export const PROPOSAL_STEPS = [
	'proposed',
	'verified',
	'village_review',
	'township_review',
	'approved',
	'rejected'
] as const;
export type ProposalStep = (typeof PROPOSAL_STEPS)[number];

/** Each step of a proposal, dated, by a named person, with what they found. */
export const proposalSteps = pgTable(
	'proposal_steps',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		proposalId: uuid().notNull(),
		step: text({ enum: PROPOSAL_STEPS }).notNull(),
		happenedOn: date({ mode: 'string' }).notNull(),
		// Who did it (the visitor, the village committee, the reviewer), as written; the
		// account that recorded it is byUserId.
		byName: text().notNull(),
		byUserId: uuid(),
		findings: text(),
		details: jsonb().$type<Record<string, unknown>>(),
		recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		foreignKey({
			columns: [t.countyId, t.proposalId],
			foreignColumns: [monitoringProposals.countyId, monitoringProposals.id]
		}),
		index('proposal_steps_proposal_idx').on(t.countyId, t.proposalId, t.recordedAt)
	]
);

/**
 * The county's data-quality rules (疑点规则): which checks run, with their texts and
 * parameters. Defaults are inserted for a county when missing; admins switch and tune them.
 */
export const qualityRules = pgTable(
	'quality_rules',
	{
		countyId: uuid()
			.notNull()
			.references(() => counties.id),
		code: text().notNull(),
		descriptionZh: text().notNull(),
		descriptionEn: text().notNull(),
		fixZh: text().notNull(),
		fixEn: text().notNull(),
		enabled: boolean().notNull().default(true),
		params: jsonb().$type<Record<string, number | string>>().notNull().default({}),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.countyId, t.code] })]
);

/**
 * What the checks found, one row per rule and record (the person, or the household when
 * the rule is about the household). A record fixed loses its row at the next check.
 */
export const qualityFindings = pgTable(
	'quality_findings',
	{
		countyId: uuid().notNull(),
		ruleCode: text().notNull(),
		// The member's id for a rule about a person, else the household's.
		subjectId: uuid().notNull(),
		householdId: uuid().notNull(),
		memberId: uuid(),
		townshipCode: varchar({ length: 9 }).notNull(),
		detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
		foundAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		checkedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.ruleCode, t.subjectId] }),
		foreignKey({
			columns: [t.countyId, t.householdId],
			foreignColumns: [households.countyId, households.id]
		}),
		index('quality_findings_household_idx').on(t.countyId, t.householdId),
		index('quality_findings_township_idx').on(t.countyId, t.townshipCode, t.ruleCode)
	]
);
