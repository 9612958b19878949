import {
	bigint,
	boolean,
	date,
	integer,
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
import { sql } from 'drizzle-orm';
import REGISTRY from '../../registry-words.json';
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
		// The registry's household columns, stored as the registry writes them (null = empty).
		// 自然村
		naturalVillage: text(),
		// 户类型: 脱贫户, 监测户, …
		householdType: text(),
		// 脱贫属性: 一般脱贫户, 低保脱贫户, 特困供养脱贫户
		povertyExitType: text(),
		// 脱贫年度
		povertyExitYear: integer(),
		// 人均纯收入 as the registry reported it, in fen (Levee computes its own from the ledger).
		reportedIncomePerCapitaFen: bigint({ mode: 'number' }),
		// 享受低保政策情况, 享受特困供养政策情况
		minimumLivingAllowance: text(),
		extremePovertySupport: text(),
		// 整户无劳动能力兜底保障户 (是/否)
		fullNoLabourSupport: boolean(),
		// 危房户, 饮水安全
		dangerousHousing: text(),
		drinkingWaterSafety: text(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.countyId, t.id] }),
		unique('households_number_unique').on(t.countyId, t.householdNumber),
		index('households_village_idx').on(t.countyId, t.villageCode),
		// Pattern operators, so that a prefix search (LIKE '1381%') is an index range in any
		// collation, not only "C"; they serve equality too.
		index('households_phone_idx').on(t.countyId, t.phone.op('text_pattern_ops')),
		index('households_number_prefix_idx').on(t.countyId, t.householdNumber.op('text_pattern_ops'))
	]
);

export const SEXES = ['male', 'female'] as const;
export const LABOUR_CAPACITIES = ['full', 'partial', 'none'] as const;
export type LabourCapacity = (typeof LABOUR_CAPACITIES)[number];
export const HEALTH_STATES = ['healthy', 'chronic', 'serious', 'disabled'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];
/** The registry's word for the head of household. */
export const HEAD_OF_HOUSEHOLD = REGISTRY.headOfHousehold;

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
		labourCapacity: text({ enum: LABOUR_CAPACITIES }).notNull().default('full'),
		health: text({ enum: HEALTH_STATES }).notNull().default('healthy'),
		inSchool: boolean().notNull().default(false),
		// 务工: working away from home, where, and how many months a year.
		workingAway: boolean().notNull().default(false),
		workPlace: text(),
		workMonths: integer(),
		// The registry's person columns, stored exactly as written (null = empty). The Levee
		// categories above (labourCapacity, health, inSchool, workingAway) are derived from them.
		// 人编号
		personNumber: text(),
		// 联系电话 of this person (the head's phone is the household's).
		phone: varchar({ length: 20 }),
		// 民族, 文化程度
		ethnicity: text(),
		education: text(),
		// 在校生状况: 学前教育, 小学…, 非在校生, …
		schooling: text(),
		// 健康状况: 健康, 长期慢性病, 患有大病, 残疾
		healthStatus: text(),
		// 劳动技能: 普通劳动力, 技能劳动力, 弱劳动力或半劳动力, 丧失劳动力, 无劳动力
		labourSkill: text(),
		// 务工状况
		workStatus: text(),
		// 是否参加大病保险
		seriousIllnessInsurance: boolean(),
		// Counted in per-capita income only while resident (常住).
		resident: boolean().notNull().default(true),
		// False once the person has left the household (death, marriage, moving away).
		current: boolean().notNull().default(true),
		// The last 4 characters of the identity number, for the "last digits" search.
		idLast4: varchar({ length: 4 }).generatedAlwaysAs(sql`right(id_number, 4)`),
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
		index('members_household_idx').on(t.countyId, t.householdId),
		// The household search reads household ids straight from these (index-only scans).
		index('members_name_idx').on(t.countyId, t.name.op('text_pattern_ops'), t.householdId),
		index('members_id_last4_idx').on(t.countyId, t.idLast4, t.householdId)
	]
);

export const MEMBERSHIP_EVENTS = [
	'registered',
	'birth',
	'marriage_in',
	'moved_in',
	'death',
	'marriage_out',
	'moved_out'
] as const;
export type MembershipEventKind = (typeof MEMBERSHIP_EVENTS)[number];
/** Events that end a person's membership of the household. */
export const LEAVING_EVENTS: readonly MembershipEventKind[] = [
	'death',
	'marriage_out',
	'moved_out'
];

/**
 * Who belonged to a household when: births, deaths, marriages and moves are dated events,
 * never overwrites, so an income window can count the people who lived there then.
 */
export const membershipEvents = pgTable(
	'membership_events',
	{
		countyId: uuid().notNull(),
		id: uuid().notNull(),
		householdId: uuid().notNull(),
		memberId: uuid().notNull(),
		kind: text({ enum: MEMBERSHIP_EVENTS }).notNull(),
		happenedOn: date({ mode: 'string' }).notNull(),
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
		foreignKey({
			columns: [t.countyId, t.memberId],
			foreignColumns: [members.countyId, members.id]
		}),
		index('membership_events_household_idx').on(t.countyId, t.householdId, t.happenedOn)
	]
);
