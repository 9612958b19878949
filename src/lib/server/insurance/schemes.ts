import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { isUuid, newId } from '../db/ids';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { DomainError, type FieldIssue } from '../errors';
import { numberIssue, textInput } from '../input';
import { parseDecimal, parseYuan } from '../../input';
import { ruleProblem, type PayoutRule } from '../../insurance-rules';
import {
	COVERAGES,
	EVENT_TYPES,
	SCHEME_KINDS,
	insuranceSchemes,
	type Coverage,
	type EventType,
	type SchemeKind
} from './schema';

export type Scheme = typeof insuranceSchemes.$inferSelect;

/** County admins set up schemes, rules and funds; township staff enrol and handle claims. */
export function managesSchemes(actor: UserActor): boolean {
	return actor.role === 'county_admin';
}

export function worksWithInsurance(actor: UserActor): boolean {
	return actor.role === 'county_admin' || actor.role === 'township_staff';
}

/** A scheme of the actor's county (admins and staff), or not found. */
export async function getScheme(db: Db, actor: UserActor, schemeId: string): Promise<Scheme> {
	if (!worksWithInsurance(actor) || !isUuid(schemeId)) throw DomainError.notFound();
	const [scheme] = await db
		.select()
		.from(insuranceSchemes)
		.where(and(eq(insuranceSchemes.countyId, actor.countyId), eq(insuranceSchemes.id, schemeId)));
	if (!scheme) throw DomainError.notFound();
	return scheme;
}

export interface SchemeSummary extends Scheme {
	policies: number;
	premiumsFen: number;
	paidFen: number;
	balanceFen: number;
	openClaims: number;
}

/** The county's schemes, newest year first, each with its fund's totals. */
export async function listSchemes(db: Db, actor: UserActor): Promise<SchemeSummary[]> {
	if (!worksWithInsurance(actor)) throw DomainError.notFound();
	const schemes = await db
		.select()
		.from(insuranceSchemes)
		.where(eq(insuranceSchemes.countyId, actor.countyId))
		.orderBy(desc(insuranceSchemes.year), asc(insuranceSchemes.kind));
	if (schemes.length === 0) return [];
	const totals = await db.execute<{
		scheme_id: string;
		policies: string;
		premiums: string;
		paid: string;
		balance: string;
		open_claims: string;
	}>(sql`
		select s.id as scheme_id,
			(select count(*) from insurance_policies p where p.county_id = s.county_id and p.scheme_id = s.id) as policies,
			(select coalesce(sum(amount_fen), 0) from insurance_fund_entries f where f.county_id = s.county_id and f.scheme_id = s.id and f.kind = 'premium') as premiums,
			(select coalesce(sum(amount_fen), 0) from insurance_fund_entries f where f.county_id = s.county_id and f.scheme_id = s.id and f.kind = 'payout') as paid,
			(select coalesce(sum(case when kind in ('payout', 'carry_out') then -amount_fen else amount_fen end), 0) from insurance_fund_entries f where f.county_id = s.county_id and f.scheme_id = s.id) as balance,
			(select count(*) from insurance_claims c where c.county_id = s.county_id and c.scheme_id = s.id and c.status in ('reported', 'investigated', 'approved')) as open_claims
		from insurance_schemes s where s.county_id = ${actor.countyId}`);
	const rows = Array.isArray(totals) ? totals : (totals as { rows: typeof totals }).rows;
	const byId = new Map(
		(rows as unknown as Record<string, string>[]).map((r) => [r.scheme_id, r] as const)
	);
	return schemes.map((s) => {
		const t = byId.get(s.id);
		return {
			...s,
			policies: Number(t?.policies ?? 0),
			premiumsFen: Number(t?.premiums ?? 0),
			paidFen: Number(t?.paid ?? 0),
			balanceFen: Number(t?.balance ?? 0),
			openClaims: Number(t?.open_claims ?? 0)
		};
	});
}

export interface SchemeInput {
	year: unknown;
	kind: unknown;
	name: unknown;
	insurer: unknown;
	coverage: unknown;
	premium: unknown;
	budget: unknown;
	events: unknown[];
	deductible: unknown;
	maximum: unknown;
	/** "5000:60, 15000:70" — yuan from which a band starts : percent paid back. */
	bands: unknown;
}

/** Reads "5000:60, 15000:70" (yuan : percent, percent may have one decimal) into bands. */
export function parseBands(text: string): PayoutRule['bands'] | null {
	const parts = text
		.replace(/[，；;、\n]/g, ',')
		.replace(/[：]/g, ':')
		.split(',')
		.map((p) => p.trim())
		.filter(Boolean);
	if (parts.length === 0) return null;
	const bands: PayoutRule['bands'] = [];
	for (const part of parts) {
		const [from, rate, extra] = part.replace(/%/g, '').split(':');
		if (extra !== undefined || rate === undefined) return null;
		const fromFen = parseYuan(from.trim(), { allowZero: true });
		const permille = parseDecimal(rate.trim(), { decimals: 1 });
		if (!fromFen.ok || !permille.ok) return null;
		bands.push({ fromFen: fromFen.value, ratePermille: permille.value });
	}
	return bands;
}

/** The bands as the form shows them: "5000:60, 15000:70". */
export function formatBands(bands: PayoutRule['bands']): string {
	return bands
		.map(
			(b) =>
				`${b.fromFen / 100}:${Number.isInteger(b.ratePermille / 10) ? b.ratePermille / 10 : (b.ratePermille / 10).toFixed(1)}`
		)
		.join(', ');
}

function parseRule(
	input: Pick<SchemeInput, 'deductible' | 'maximum' | 'bands'>,
	issues: FieldIssue[]
): PayoutRule {
	const deductible = parseYuan(textInput(input.deductible, 30, 'deductible'), { allowZero: true });
	if (!deductible.ok)
		issues.push(numberIssue('deductible', deductible, 'insurance_error_deductible'));
	const maximum = parseYuan(textInput(input.maximum, 30, 'maximum'));
	if (!maximum.ok) issues.push(numberIssue('maximum', maximum, 'insurance_error_maximum'));
	const bands = parseBands(textInput(input.bands, 300, 'bands'));
	if (!bands) issues.push({ field: 'bands', key: 'insurance_error_bands' });
	const rule: PayoutRule = {
		deductibleFen: deductible.ok ? deductible.value : 0,
		maximumFen: maximum.ok ? maximum.value : 1,
		bands: bands ?? []
	};
	if (deductible.ok && maximum.ok && bands) {
		const problem = ruleProblem(rule);
		if (problem === 'band_order')
			issues.push({ field: 'bands', key: 'insurance_error_band_order' });
		else if (problem === 'rate') issues.push({ field: 'bands', key: 'insurance_error_band_rate' });
		else if (problem) issues.push({ field: 'bands', key: 'insurance_error_bands' });
	}
	return rule;
}

/** A county admin sets up a year's scheme of one kind, with its rule and its budget. */
export async function createScheme(
	db: Db,
	actor: UserActor,
	input: SchemeInput,
	today: string
): Promise<Scheme> {
	if (!managesSchemes(actor)) throw DomainError.notFound();
	const issues: FieldIssue[] = [];
	const yearText = textInput(input.year, 4, 'year');
	const year = /^\d{4}$/.test(yearText) ? Number(yearText) : NaN;
	const thisYear = Number(today.slice(0, 4));
	if (!(year >= thisYear - 5 && year <= thisYear + 1))
		issues.push({ field: 'year', key: 'insurance_error_year' });
	const kind = textInput(input.kind, 20, 'kind') as SchemeKind;
	if (!SCHEME_KINDS.includes(kind)) issues.push({ field: 'kind', key: 'insurance_error_kind' });
	const name = textInput(input.name, 60, 'name');
	if (!name) issues.push({ field: 'name', key: 'insurance_error_name' });
	const insurer = textInput(input.insurer, 60, 'insurer');
	if (!insurer) issues.push({ field: 'insurer', key: 'insurance_error_insurer' });
	const coverage = textInput(input.coverage, 30, 'coverage') as Coverage;
	if (!COVERAGES.includes(coverage))
		issues.push({ field: 'coverage', key: 'insurance_error_coverage' });
	const premium = parseYuan(textInput(input.premium, 30, 'premium'));
	if (!premium.ok) issues.push(numberIssue('premium', premium, 'insurance_error_premium'));
	const budget = parseYuan(textInput(input.budget, 30, 'budget'), { allowZero: true });
	if (!budget.ok) issues.push(numberIssue('budget', budget, 'insurance_error_budget'));
	const events = [...new Set(input.events.map((e) => textInput(e, 30, 'events')))] as EventType[];
	if (events.length === 0 || events.some((e) => !EVENT_TYPES.includes(e)))
		issues.push({ field: 'events', key: 'insurance_error_events' });
	const rule = parseRule(input, issues);
	if (issues.length === 0) {
		const [taken] = await db
			.select({ id: insuranceSchemes.id })
			.from(insuranceSchemes)
			.where(
				and(
					eq(insuranceSchemes.countyId, actor.countyId),
					eq(insuranceSchemes.year, year),
					eq(insuranceSchemes.kind, kind)
				)
			);
		if (taken) issues.push({ field: 'kind', key: 'insurance_error_scheme_exists' });
	}
	if (issues.length) throw new DomainError('invalid', issues);
	return inTransaction(db, async (tx) => {
		const [scheme] = await tx
			.insert(insuranceSchemes)
			.values({
				countyId: actor.countyId,
				id: newId(),
				year,
				kind,
				name,
				insurer,
				coverage,
				premiumFen: premium.ok ? premium.value : 0,
				budgetFen: budget.ok ? budget.value : 0,
				events,
				rule
			})
			.onConflictDoNothing()
			.returning();
		if (!scheme) throw DomainError.invalid('kind', 'insurance_error_scheme_exists');
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'insurance.scheme_create',
			entity: 'insurance_scheme',
			entityId: scheme.id,
			after: { year, kind, name, insurer, coverage, premiumFen: scheme.premiumFen, rule }
		});
		return scheme;
	});
}

/**
 * A new version of the scheme's payout rule. Claims decided before keep the amount and
 * the version they were decided with; claims decided after use this one.
 */
export async function updateRule(
	db: Db,
	actor: UserActor,
	schemeId: string,
	input: Pick<SchemeInput, 'deductible' | 'maximum' | 'bands'>
): Promise<Scheme> {
	if (!managesSchemes(actor)) throw DomainError.notFound();
	const scheme = await getScheme(db, actor, schemeId);
	const issues: FieldIssue[] = [];
	const rule = parseRule(input, issues);
	if (issues.length) throw new DomainError('invalid', issues);
	return inTransaction(db, async (tx) => {
		const [updated] = await tx
			.update(insuranceSchemes)
			.set({ rule, ruleVersion: sql`${insuranceSchemes.ruleVersion} + 1`, updatedAt: new Date() })
			.where(and(eq(insuranceSchemes.countyId, actor.countyId), eq(insuranceSchemes.id, scheme.id)))
			.returning();
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'insurance.rule_update',
			entity: 'insurance_scheme',
			entityId: scheme.id,
			before: { rule: scheme.rule, version: scheme.ruleVersion },
			after: { rule, version: updated.ruleVersion }
		});
		return updated;
	});
}
