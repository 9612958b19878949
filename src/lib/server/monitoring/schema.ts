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
	uuid
} from 'drizzle-orm/pg-core';
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
