// Data-quality checks (疑点): the checks counties run by hand over registry exports, run
// over Levee's own records — for one household whenever its records change, and for the
// whole county nightly, in set-based SQL. Rules are data per county (quality_rules); a
// finding disappears when the record is fixed.
import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { inTransaction, type Db } from '../db';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { longRunning } from '../db/long';
import { DomainError, type FieldIssue } from '../errors';
import { households, members } from '../households/schema';
import { textInput } from '../input';
import REGISTRY from '../../registry-words.json';
import { todayInChina } from '../../format';
import DEFAULT_RULES from './default-quality-rules.json';
import { qualityFindings, qualityRules } from './schema';

export type QualityRule = typeof qualityRules.$inferSelect;
type Params = Record<string, number | string>;

export const QUALITY_RULE_CODES = DEFAULT_RULES.map((r) => r.code);

function defaultRows(countyId: string) {
	return DEFAULT_RULES.map((r) => ({
		countyId,
		code: r.code,
		descriptionZh: r.zh,
		descriptionEn: r.en,
		fixZh: r.fixZh,
		fixEn: r.fixEn,
		enabled: true,
		params: r.params as Params
	}));
}

/** Inserts the default rules a county does not have yet (never overwrites its own). */
export async function ensureQualityRules(db: Db, countyId: string): Promise<void> {
	await db.insert(qualityRules).values(defaultRows(countyId)).onConflictDoNothing();
}

/**
 * The county's rules: its own rows, and the defaults where it has none yet. Reading never
 * writes; the defaults are stored when the county first changes a rule or runs the checks.
 */
export async function listQualityRules(db: Db, countyId: string): Promise<QualityRule[]> {
	const stored = await db.select().from(qualityRules).where(eq(qualityRules.countyId, countyId));
	const byCode = new Map(stored.map((r) => [r.code, r]));
	const defaults = defaultRows(countyId).map(
		(d) => byCode.get(d.code) ?? { ...d, updatedAt: new Date(0) }
	);
	const known = new Set(QUALITY_RULE_CODES);
	return [...defaults, ...stored.filter((r) => !known.has(r.code))];
}

interface RuleContext {
	countyId: string;
	/** One household, or null for the whole county. */
	householdId: string | null;
	today: string;
	params: Params;
}

function str(params: Params, key: string): string {
	return String(params[key] ?? '');
}
function num(params: Params, key: string): number {
	return Math.trunc(Number(params[key] ?? 0));
}

/** The households a run looks at. */
function scope(ctx: RuleContext): SQL {
	return ctx.householdId
		? sql`h.county_id = ${ctx.countyId} and h.id = ${ctx.householdId}`
		: sql`h.county_id = ${ctx.countyId}`;
}

const TOWNSHIP = sql.raw('left(h.village_code, 9)');
const NO_MEMBER = sql.raw('null::uuid');
// 享受低保/特困供养政策情况 says "not receiving" in these words, or is empty.
const NOT_RECEIVING = `^(${REGISTRY.notReceivingWords.join('|')}|)$`;
const PHONE = '^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$';

/**
 * Each rule selects (household_id, member_id, township_code, detail) of what is wrong.
 * One query per rule, whatever the number of households.
 */
const RULES: Record<string, (ctx: RuleContext) => SQL> = {
	no_labour_support_unmarked: (ctx) => sql`
		with people as (
			select m.household_id, count(*) as n, count(*) filter (where m.labour_capacity <> 'none') as able
			from members m join households h on h.county_id = m.county_id and h.id = m.household_id
			where ${scope(ctx)} and m.current group by m.household_id
		)
		select h.id as household_id, ${NO_MEMBER} as member_id, ${TOWNSHIP} as township_code,
			jsonb_build_object('members', p.n) as detail
		from households h
		join monitoring_records r on r.county_id = h.county_id and r.household_id = h.id
		join people p on p.household_id = h.id
		where ${scope(ctx)} and r.status = 'monitored' and p.n > 0 and p.able = 0
			and h.full_no_labour_support is not true
			and (coalesce(trim(h.minimum_living_allowance), '') !~ ${NOT_RECEIVING}
				or coalesce(trim(h.extreme_poverty_support), '') !~ ${NOT_RECEIVING}
				or exists (select 1 from assistance_measures a
					where a.county_id = h.county_id and a.household_id = h.id
						and a.measure = any(string_to_array(${str(ctx.params, 'supportMeasures')}, ','))
						and (a.ended_on is null or a.ended_on >= ${ctx.today})))`,
	water_risk_no_measure: (ctx) => sql`
		select h.id as household_id, ${NO_MEMBER} as member_id, ${TOWNSHIP} as township_code,
			jsonb_build_object('risk', k.risk) as detail
		from monitoring_risks k
		join households h on h.county_id = k.county_id and h.id = k.household_id
		where ${scope(ctx)} and k.risk = ${str(ctx.params, 'risk')}
			and not exists (select 1 from assistance_measures a
				where a.county_id = h.county_id and a.household_id = h.id
					and a.measure = ${str(ctx.params, 'measure')})`,
	early_elimination: (ctx) => sql`
		select h.id as household_id, ${NO_MEMBER} as member_id, ${TOWNSHIP} as township_code,
			jsonb_build_object('monitoredSince', r.monitored_since, 'eliminatedOn', r.eliminated_on) as detail
		from monitoring_records r
		join households h on h.county_id = r.county_id and h.id = r.household_id
		where ${scope(ctx)} and r.status = 'eliminated'
			and r.elimination_method = ${REGISTRY.eliminationMethods[0]}
			and r.monitored_since is not null and r.eliminated_on is not null
			and r.eliminated_on <= (r.monitored_since + make_interval(months => ${num(ctx.params, 'months')}::int))::date`,
	no_development_measure: (ctx) => sql`
		select h.id as household_id, ${NO_MEMBER} as member_id, ${TOWNSHIP} as township_code,
			'{}'::jsonb as detail
		from monitoring_records r
		join households h on h.county_id = r.county_id and h.id = r.household_id
		where ${scope(ctx)} and r.status = 'monitored'
			and exists (select 1 from members m where m.county_id = h.county_id
				and m.household_id = h.id and m.current and m.labour_capacity <> 'none')
			and not exists (select 1 from assistance_measures a
				join county_options o on o.county_id = a.county_id and o.list = 'measure'
					and o.code = a.measure and o.developmental
				where a.county_id = h.county_id and a.household_id = h.id)`,
	healthy_no_labour: (ctx) => sql`
		select h.id as household_id, m.id as member_id, ${TOWNSHIP} as township_code,
			jsonb_build_object('name', m.name, 'birthDate', m.birth_date) as detail
		from members m
		join households h on h.county_id = m.county_id and h.id = m.household_id
		where ${scope(ctx)} and m.current and m.health = 'healthy' and not m.in_school
			and m.labour_capacity = 'none'
			and m.birth_date <= (${ctx.today}::date - make_interval(years => ${num(ctx.params, 'ageFrom')}::int))::date
			and m.birth_date > (${ctx.today}::date - make_interval(years => ${num(ctx.params, 'ageTo') + 1}::int))::date`,
	work_place_no_months: (ctx) => sql`
		select h.id as household_id, m.id as member_id, ${TOWNSHIP} as township_code,
			jsonb_build_object('name', m.name, 'workPlace', m.work_place) as detail
		from members m
		join households h on h.county_id = m.county_id and h.id = m.household_id
		where ${scope(ctx)} and m.current and coalesce(trim(m.work_place), '') <> ''
			and coalesce(m.work_months, 0) = 0`,
	work_months_no_place: (ctx) => sql`
		select h.id as household_id, m.id as member_id, ${TOWNSHIP} as township_code,
			jsonb_build_object('name', m.name, 'workMonths', m.work_months) as detail
		from members m
		join households h on h.county_id = m.county_id and h.id = m.household_id
		where ${scope(ctx)} and m.current and coalesce(m.work_months, 0) > 0
			and coalesce(trim(m.work_place), '') = ''`,
	phone_invalid: (ctx) => sql`
		select h.id as household_id, ${NO_MEMBER} as member_id, ${TOWNSHIP} as township_code,
			jsonb_build_object('phone', coalesce(h.phone, '')) as detail
		from households h
		where ${scope(ctx)} and coalesce(h.phone, '') !~ ${PHONE}`,
	// Only people from the registry (人编号 set): Levee's own forms always record a health.
	health_empty: (ctx) => sql`
		select h.id as household_id, m.id as member_id, ${TOWNSHIP} as township_code,
			jsonb_build_object('name', m.name) as detail
		from members m
		join households h on h.county_id = m.county_id and h.id = m.household_id
		where ${scope(ctx)} and m.current and m.person_number is not null
			and coalesce(trim(m.health_status), '') = ''`,
	labour_invalid: (ctx) => sql`
		select h.id as household_id, m.id as member_id, ${TOWNSHIP} as township_code,
			jsonb_build_object('name', m.name, 'labourSkill', m.labour_skill) as detail
		from members m
		join households h on h.county_id = m.county_id and h.id = m.household_id
		where ${scope(ctx)} and m.current and m.labour_skill is not null
			and not (m.labour_skill = any(string_to_array(${REGISTRY.labourSkills.join(',')}, ',')))`
};

/** Runs one rule over the context's households: new findings in, fixed ones out. */
async function runRule(db: Db, rule: QualityRule, ctx: RuleContext, stamp: Date): Promise<void> {
	const where = ctx.householdId
		? sql`county_id = ${ctx.countyId} and rule_code = ${rule.code} and household_id = ${ctx.householdId}`
		: sql`county_id = ${ctx.countyId} and rule_code = ${rule.code}`;
	const build = RULES[rule.code];
	if (!rule.enabled || !build) {
		await db.execute(sql`delete from quality_findings where ${where}`);
		return;
	}
	const at = stamp.toISOString();
	await db.execute(sql`
		insert into quality_findings
			(county_id, rule_code, subject_id, household_id, member_id, township_code, detail, found_at, checked_at)
		select ${ctx.countyId}, ${rule.code}, coalesce(f.member_id, f.household_id), f.household_id,
			f.member_id, f.township_code, f.detail, ${at}::timestamptz, ${at}::timestamptz
		from (${build({ ...ctx, params: rule.params })}) f
		on conflict (county_id, rule_code, subject_id) do update
			set detail = excluded.detail, household_id = excluded.household_id,
				member_id = excluded.member_id, township_code = excluded.township_code,
				checked_at = excluded.checked_at`);
	await db.execute(
		sql`delete from quality_findings where ${where} and checked_at <> ${at}::timestamptz`
	);
}

/**
 * Re-checks one household after a change of its records, inside the caller's transaction:
 * call it from every write of households, members and monitoring records.
 */
export async function recheckHousehold(
	tx: Db,
	countyId: string,
	householdId: string,
	today: string = todayInChina()
): Promise<void> {
	const rules = await listQualityRules(tx, countyId);
	const stamp = new Date();
	for (const rule of rules)
		await runRule(tx, rule, { countyId, householdId, today, params: rule.params }, stamp);
}

/** Every rule over the whole county: the nightly run (and an admin's "check now"). */
export async function runQualityChecks(
	db: Db,
	countyId: string,
	businessDate: string,
	codes?: string[]
): Promise<{ findings: number }> {
	await ensureQualityRules(db, countyId);
	const rules = (await listQualityRules(db, countyId)).filter(
		(r) => !codes || codes.includes(r.code)
	);
	const stamp = new Date();
	for (const rule of rules) {
		// One statement per rule over 300,000 households: lifted past the interactive limit.
		await longRunning(db, (ldb) =>
			runRule(
				ldb,
				rule,
				{ countyId, householdId: null, today: businessDate, params: rule.params },
				stamp
			)
		);
	}
	const [row] = await db
		.select({ n: count() })
		.from(qualityFindings)
		.where(eq(qualityFindings.countyId, countyId));
	return { findings: Number(row?.n ?? 0) };
}

/** For the nightly job list (src/lib/server/warnings/nightly.ts `NIGHTLY_JOBS`). */
export const qualityJob = {
	name: 'quality',
	run: (db: Db, countyId: string, businessDate: string) =>
		runQualityChecks(db, countyId, businessDate)
};

// ---------------------------------------------------------------------------------------
// Reading findings

function canSeeFindings(actor: UserActor): boolean {
	return actor.role === 'county_admin' || actor.role === 'township_staff';
}

function findingScope(actor: UserActor): SQL {
	const county = eq(qualityFindings.countyId, actor.countyId);
	if (actor.role === 'county_admin') return county;
	if (actor.townshipCodes.length === 0) return sql`false`;
	return and(county, inArray(qualityFindings.townshipCode, actor.townshipCodes)) as SQL;
}

export interface QualityCount {
	townshipCode: string;
	ruleCode: string;
	findings: number;
}

/** Findings per township and rule, in the actor's scope. */
export async function qualityCounts(db: Db, actor: UserActor): Promise<QualityCount[]> {
	if (!canSeeFindings(actor)) throw DomainError.notFound();
	const rows = await db
		.select({
			townshipCode: qualityFindings.townshipCode,
			ruleCode: qualityFindings.ruleCode,
			findings: count()
		})
		.from(qualityFindings)
		.where(findingScope(actor))
		.groupBy(qualityFindings.townshipCode, qualityFindings.ruleCode)
		.orderBy(asc(qualityFindings.townshipCode), asc(qualityFindings.ruleCode));
	return rows.map((r) => ({ ...r, findings: Number(r.findings) }));
}

export interface FindingView {
	ruleCode: string;
	householdId: string;
	householdNumber: string;
	villageCode: string;
	townshipCode: string;
	memberId: string | null;
	memberName: string | null;
	detail: Record<string, unknown>;
	foundAt: Date;
}

export const FINDINGS_PAGE_SIZE = 50;

/** One page of findings in scope, optionally of one township or rule. */
export async function listFindings(
	db: Db,
	actor: UserActor,
	filter: { township?: string; rule?: string; page?: number }
): Promise<FindingView[]> {
	if (!canSeeFindings(actor)) throw DomainError.notFound();
	const page = Math.max(1, Math.min(10_000, Math.trunc(filter.page ?? 1) || 1));
	const conditions = [findingScope(actor)];
	if (filter.township) conditions.push(eq(qualityFindings.townshipCode, filter.township));
	if (filter.rule) conditions.push(eq(qualityFindings.ruleCode, filter.rule));
	return db
		.select({
			ruleCode: qualityFindings.ruleCode,
			householdId: qualityFindings.householdId,
			householdNumber: households.householdNumber,
			villageCode: households.villageCode,
			townshipCode: qualityFindings.townshipCode,
			memberId: qualityFindings.memberId,
			memberName: members.name,
			detail: qualityFindings.detail,
			foundAt: qualityFindings.foundAt
		})
		.from(qualityFindings)
		.innerJoin(
			households,
			and(
				eq(households.countyId, qualityFindings.countyId),
				eq(households.id, qualityFindings.householdId)
			)
		)
		.leftJoin(
			members,
			and(eq(members.countyId, qualityFindings.countyId), eq(members.id, qualityFindings.memberId))
		)
		.where(and(...conditions))
		.orderBy(
			asc(qualityFindings.townshipCode),
			asc(qualityFindings.ruleCode),
			asc(households.householdNumber)
		)
		.limit(FINDINGS_PAGE_SIZE)
		.offset((page - 1) * FINDINGS_PAGE_SIZE);
}

/** What each parameter may hold: whole numbers in a range, or a comma list of codes. */
const PARAM_LIMITS: Record<string, { min: number; max: number } | 'codes'> = {
	months: { min: 1, max: 36 },
	ageFrom: { min: 0, max: 120 },
	ageTo: { min: 0, max: 120 },
	supportMeasures: 'codes',
	risk: 'codes',
	measure: 'codes'
};

/**
 * An admin switches a rule on or off and sets its parameters; the county is re-checked for
 * that rule at once, so the list shows what the rule now finds.
 */
export async function setQualityRule(
	db: Db,
	actor: UserActor,
	code: string,
	input: { enabled: unknown; params: Record<string, unknown> },
	today: string
): Promise<void> {
	if (actor.role !== 'county_admin' || !QUALITY_RULE_CODES.includes(code))
		throw DomainError.notFound();
	const rules = await listQualityRules(db, actor.countyId);
	const rule = rules.find((r) => r.code === code);
	if (!rule) throw DomainError.notFound();
	const issues: FieldIssue[] = [];
	const params: Params = {};
	for (const key of Object.keys(rule.params)) {
		const limit = PARAM_LIMITS[key];
		const text = textInput(input.params[key], 200, key);
		if (limit === 'codes') {
			const codes = text
				.split(/[,，\s]+/)
				.map((c) => c.trim())
				.filter(Boolean);
			if (codes.length === 0 || codes.some((c) => !/^[a-z_]{1,40}$/.test(c)))
				issues.push({ field: key, key: 'quality_error_codes' });
			params[key] = codes.join(',');
		} else {
			const value = Number(text);
			if (!/^\d{1,3}$/.test(text) || value < limit.min || value > limit.max)
				issues.push({ field: key, key: 'quality_error_number', params: limit });
			params[key] = value;
		}
	}
	if (
		typeof params.ageFrom === 'number' &&
		typeof params.ageTo === 'number' &&
		params.ageFrom > params.ageTo
	)
		issues.push({ field: 'ageTo', key: 'quality_error_age_range' });
	if (issues.length) throw new DomainError('invalid', issues);
	const enabled = input.enabled === true || input.enabled === 'on' || input.enabled === 'true';
	await inTransaction(db, async (tx) => {
		await ensureQualityRules(tx, actor.countyId);
		await tx
			.update(qualityRules)
			.set({ enabled, params, updatedAt: new Date() })
			.where(and(eq(qualityRules.countyId, actor.countyId), eq(qualityRules.code, code)));
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'quality.rule',
			entity: 'county',
			entityId: actor.countyId,
			before: { code, enabled: rule.enabled, params: rule.params },
			after: { code, enabled, params }
		});
	});
	await runQualityChecks(db, actor.countyId, today, [code]);
}
