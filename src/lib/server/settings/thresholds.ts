import { normaliseNumberText, parseKg, parseYuan } from '../../input';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { inTransaction, type Db } from '../db';
import { DomainError, type FieldIssue } from '../errors';
import { numberIssue, textInput } from '../input';
import { getCountySettings, type CountySettings } from './index';
import {
	lastChange,
	reevaluateAfterChange,
	requireCountyAdmin,
	type LastChange,
	type Reevaluation
} from './admin';
import {
	CEILING_RANGES,
	RULE_RANGES,
	type CeilingKey,
	type Ceilings,
	type RuleKey,
	type RuleThresholds
} from './ranges';
import { countySettings } from './schema';

/** The audit log's name for the county's settings row: entity 'county_settings', id the county. */
const SETTINGS_ENTITY = 'county_settings';

/** Rules whose change moves households' standings (near the line is part of a standing). */
const RULES_IN_STANDINGS: readonly RuleKey[] = ['nearLineMarginPct'];

export interface SettingsView {
	rules: RuleThresholds;
	ceilings: Ceilings;
	rulesChanged: LastChange | null;
	ceilingsChanged: LastChange | null;
}

/** The county's thresholds and ceilings as they stand, with who changed each group last. */
export async function settingsView(db: Db, actor: UserActor): Promise<SettingsView> {
	requireCountyAdmin(actor);
	const [settings, rulesChanged, ceilingsChanged] = await Promise.all([
		getCountySettings(db, actor.countyId),
		lastChange(db, actor.countyId, SETTINGS_ENTITY, actor.countyId, 'settings.rules'),
		lastChange(db, actor.countyId, SETTINGS_ENTITY, actor.countyId, 'settings.ceilings')
	]);
	const pick = <K extends keyof CountySettings>(keys: readonly K[]) =>
		Object.fromEntries(keys.map((k) => [k, settings[k]])) as Pick<CountySettings, K>;
	return {
		rules: pick(RULE_RANGES.map((r) => r.key)),
		ceilings: pick(CEILING_RANGES.map((c) => c.key)),
		rulesChanged,
		ceilingsChanged
	};
}

export interface SettingsChangeResult {
	/** The settings whose value changed (none when the same values were saved again). */
	changed: string[];
	/** Set when a changed setting moves standings and the county was re-evaluated. */
	reevaluation: Reevaluation | null;
}

/**
 * Writes the changed values of the county's settings row in one transaction with one
 * audit row (before and after of what changed); an unchanged save writes nothing.
 */
async function writeSettings(
	db: Db,
	actor: UserActor,
	action: 'settings.rules' | 'settings.ceilings',
	values: Partial<CountySettings>
): Promise<string[]> {
	return inTransaction(db, async (tx) => {
		const current = await getCountySettings(tx, actor.countyId);
		const keys = (Object.keys(values) as (keyof CountySettings)[]).filter(
			(k) => values[k] !== current[k]
		);
		if (keys.length === 0) return [];
		const changes = Object.fromEntries(keys.map((k) => [k, values[k]]));
		await tx
			.insert(countySettings)
			.values({ countyId: actor.countyId, ...current, ...changes })
			.onConflictDoUpdate({
				target: countySettings.countyId,
				set: { ...changes, updatedAt: new Date() }
			});
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action,
			entity: SETTINGS_ENTITY,
			entityId: actor.countyId,
			before: Object.fromEntries(keys.map((k) => [k, current[k]])),
			after: changes
		});
		return keys;
	});
}

/** A whole number typed in a form ("15", "１５"), or null. */
function wholeNumber(value: unknown, field: string): number | null {
	const text = normaliseNumberText(textInput(value, 12, field));
	return /^\d{1,9}$/.test(text) ? Number(text) : null;
}

/**
 * The monitoring loop's thresholds (margin near the line, income drop, job gap, large
 * expense, verification due, public notice, months before elimination), each within its
 * range. A changed near-the-line margin re-evaluates the county's standings.
 */
export async function saveRuleThresholds(
	db: Db,
	actor: UserActor,
	input: Partial<Record<RuleKey, unknown>>
): Promise<SettingsChangeResult> {
	requireCountyAdmin(actor);
	const issues: FieldIssue[] = [];
	const values: Partial<CountySettings> = {};
	for (const { key, min, max } of RULE_RANGES) {
		const value = wholeNumber(input[key], key);
		if (value === null || value < min || value > max)
			issues.push({ field: key, key: 'settings_error_range', params: { min, max } });
		else values[key] = value;
	}
	if (issues.length) throw new DomainError('invalid', issues);
	const changed = await writeSettings(db, actor, 'settings.rules', values);
	const moves = changed.some((k) => (RULES_IN_STANDINGS as readonly string[]).includes(k));
	return {
		changed,
		reevaluation: moves ? await reevaluateAfterChange(db, actor, 'rule_change') : null
	};
}

const display = (stored: number, unit: 'yuan' | 'kg') =>
	(stored / (unit === 'yuan' ? 100 : 1000)).toLocaleString('en');

/**
 * The ceilings above which an entry is refused as a likely typo: one ledger entry and a
 * month's wage in yuan, one weigh-in in kilograms.
 */
export async function saveCeilings(
	db: Db,
	actor: UserActor,
	input: Partial<Record<(typeof CEILING_RANGES)[number]['field'], unknown>>
): Promise<SettingsChangeResult> {
	requireCountyAdmin(actor);
	const issues: FieldIssue[] = [];
	const values: Partial<Record<CeilingKey, number>> = {};
	for (const { key, field, unit, min, max } of CEILING_RANGES) {
		const text = textInput(input[field], 30, field);
		const parsed = unit === 'yuan' ? parseYuan(text) : parseKg(text);
		const params = { min: display(min, unit), max: display(max, unit) };
		const rangeKey = unit === 'yuan' ? 'settings_error_money_range' : 'settings_error_kg_range';
		if (!parsed.ok && parsed.problem === 'comma') issues.push(numberIssue(field, parsed, rangeKey));
		else if (!parsed.ok || parsed.value < min || parsed.value > max)
			issues.push({ field, key: rangeKey, params });
		else values[key] = parsed.value;
	}
	if (issues.length) throw new DomainError('invalid', issues);
	return {
		changed: await writeSettings(db, actor, 'settings.ceilings', values),
		reevaluation: null
	};
}
