import { m } from './paraglide/messages.js';
import {
	formatDate,
	formatDateTime,
	formatFen,
	formatGrams,
	formatMonth,
	formatMu
} from './format';
import type { Locale } from './format';
import { maskIdentityNumber } from './identity';
import {
	healthName,
	labourName,
	ledgerKindName,
	ledgerSubtypeName,
	membershipEventName,
	monitoringStatusName,
	roleName,
	sexName,
	warningDecisionName,
	warningKindName,
	warningStatusName
} from './labels';

// The audit log in words: "王秀英家 · 新增家庭成员 李小军", and a before/after of the fields
// that changed, with labels in words, money in yuan, dates as dates, identity numbers
// masked, and never an id or a piece of JSON.

/** The kinds of record a row can point at; a name is filed under `kind:id`. */
export type NameKind =
	| 'household'
	| 'member'
	| 'user'
	| 'factory'
	| 'job'
	| 'scheme'
	| 'station'
	| 'season'
	| 'plot'
	| 'division'
	| 'entry'
	| 'warning'
	| 'proposal'
	| 'option';

/** `kind:id` → a name (warnings and proposals: their kind's code; options: `option:list:code`). */
export type AuditNames = Record<string, string>;

export const nameKey = (kind: NameKind, id: string): string => `${kind}:${id}`;

/** The entity a row is about, as the kind of record that names it. */
export const ENTITY_NAME_KIND: Partial<Record<string, NameKind>> = {
	household: 'household',
	user: 'user',
	factory: 'factory',
	insurance_scheme: 'scheme',
	weighing_station: 'station',
	planting_season: 'season',
	plot: 'plot',
	division: 'division',
	picking_entry: 'entry',
	county_option: 'option'
};

/** Fields of a before/after that point at another record: shown by its name, never its id. */
export const FIELD_NAME_KIND: Partial<Record<string, NameKind>> = {
	householdId: 'household',
	member: 'member',
	memberId: 'member',
	userId: 'user',
	factoryId: 'factory',
	job: 'job',
	jobId: 'job',
	schemeId: 'scheme',
	station: 'station',
	stationId: 'station',
	seasonId: 'season',
	plotId: 'plot',
	villageCode: 'division',
	townshipCode: 'division',
	villageCodes: 'division',
	townshipCodes: 'division',
	warning: 'warning',
	warningId: 'warning',
	proposal: 'proposal'
};

/** Every action Levee records. A test holds the code to this list, and the list to words. */
export const AUDIT_ACTIONS = [
	'divisions.load',
	'divisions.add',
	'divisions.rename',
	'divisions.alias_add',
	'divisions.alias_remove',
	'demo.seed',
	'demo.seed_factories',
	'demo.insurance',
	'planting.demo_seed',
	'users.create',
	'users.disable',
	'users.enable',
	'users.reset_password',
	'users.change_password',
	'users.set_pin',
	'users.villages',
	'sessions.end_all',
	'sessions.end',
	'household_cards.issue',
	'household_cards.revoke',
	'households.create',
	'households.update',
	'households.export',
	'members.join',
	'members.update',
	'members.leave',
	'members.reveal_id',
	'monitoring.update',
	'monitoring.cadre',
	'monitoring.measure_add',
	'proposal.identify',
	'proposal.eliminate',
	'proposal.proposed',
	'proposal.verified',
	'proposal.village_review',
	'proposal.township_review',
	'proposal.approved',
	'proposal.rejected',
	'settings.option_add',
	'settings.option_rename',
	'settings.option_move',
	'settings.option_delete',
	'settings.option_reactivate',
	'settings.option_deactivate',
	'settings.rules',
	'settings.ceilings',
	'settings.line',
	'quality.rule',
	'ledger.post',
	'ledger.post_batch',
	'ledger.reverse',
	'standings.reevaluate',
	'import.file',
	'import.create_household',
	'import.update_household',
	'factories.create',
	'factories.update',
	'factories.owner_add',
	'factories.owner_remove',
	'factories.export',
	'reports.export',
	'jobs.hire',
	'jobs.leave',
	'jobs.correct',
	'wages.save',
	'planting.season.create',
	'planting.season.update',
	'planting.season.delete',
	'planting.plot.create',
	'planting.plot.remeasure',
	'planting.plot.retire',
	'planting.plot.update',
	'planting.station.create',
	'planting.station.update',
	'planting.subsidy.generate',
	'planting.subsidy.pay',
	'picking.entry.create',
	'picking.entry.correct',
	'picking.entry.void',
	'picking.payment.create',
	'picking.sheet.export',
	'warning.raise',
	'warnings.raised',
	'warnings.verified',
	'warnings.identified',
	'warnings.assisted',
	'warnings.dismissed',
	'warnings.closed',
	'warnings.reopened',
	'visits.record',
	'insurance.scheme_create',
	'insurance.rule_update',
	'insurance.fund_top_up',
	'insurance.fund_carry_over',
	'insurance.enrol',
	'insurance.export',
	'insurance.claim_report',
	'insurance.claim_investigate',
	'insurance.claim_approve',
	'insurance.claim_reject',
	'insurance.claim_pay'
] as const;

export interface AuditRecord {
	action: string;
	entity: string;
	entityId: string;
	before: unknown;
	after: unknown;
}

export interface ChangeLine {
	label: string;
	before: string | null;
	after: string | null;
}

export interface AuditWords {
	/** Whom or what the change is about: "王秀英家", "连枣林微工厂"; null for the county. */
	subject: string | null;
	/** What was done, with whom: "新增家庭成员 李小军". */
	phrase: string;
	/** The household the row is about, so the page can show that household's history. */
	householdId: string | null;
	/** The fields, before and after (only what changed, when both are known). */
	changes: ChangeLine[];
}

type Params = Record<string, string | number>;
type Message = (params?: Params, options?: { locale?: Locale }) => string;
const messages = m as unknown as Record<string, Message | undefined>;

function say(key: string, locale: Locale, params: Params = {}): string | null {
	const message = messages[key];
	return message ? message(params, { locale }) : null;
}

const snake = (key: string) =>
	key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/[^a-z0-9_]/g, '_');

/** The words for an action alone ("新增家庭成员"), for the filter's choices; never a code. */
export function auditActionWords(action: string, locale: Locale): string {
	const phrase = say(`auditw_do_${snake(action)}`, locale, { name: '' });
	if (phrase) return tidy(phrase);
	const area = say(`auditw_area_${snake(action.split('.')[0])}`, locale);
	return area
		? m.auditw_other_in_area({ area }, { locale })
		: m.auditw_other_change({}, { locale });
}

/** The words for an area of actions ("家庭成员"), for grouping the filter's choices. */
export function auditAreaWords(area: string, locale: Locale): string {
	return say(`auditw_area_${snake(area)}`, locale) ?? m.auditw_area_other({}, { locale });
}

const tidy = (text: string) =>
	text
		.replace(/\s+/g, ' ')
		.replace(/\s+([，。）)])/g, '$1')
		.trim();

const asRecord = (value: unknown): Record<string, unknown> | null =>
	value && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: null;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function named(names: AuditNames, kind: NameKind, id: unknown): string | null {
	return typeof id === 'string' ? (names[nameKey(kind, id)] ?? null) || null : null;
}

function optionName(names: AuditNames, list: string, code: string, locale: Locale): string {
	return names[`${locale === 'en' ? 'option-en' : 'option'}:${list}:${code}`] ?? code;
}

/** Whom or what the row is about, in words. */
function subjectOf(row: AuditRecord, names: AuditNames, locale: Locale): string | null {
	const kind = ENTITY_NAME_KIND[row.entity];
	const name = kind ? named(names, kind, row.entityId) : null;
	switch (row.entity) {
		case 'household':
			return name
				? m.auditw_subject_household({ name }, { locale })
				: m.auditw_subject_household_unknown({}, { locale });
		case 'user':
			return m.auditw_subject_user({ name: name ?? '—' }, { locale });
		case 'planting_season':
			return name
				? m.auditw_subject_season({ year: name }, { locale })
				: m.auditw_subject_season_unknown({}, { locale });
		case 'plot':
			return name
				? m.auditw_subject_plot({ name }, { locale })
				: m.auditw_subject_plot_unknown({}, { locale });
		case 'picking_entry':
			return m.auditw_subject_entry({ name: name ?? '—' }, { locale });
		case 'county_option': {
			const [list, code] = row.entityId.split(':');
			return m.auditw_subject_option(
				{ name: code ? optionName(names, list, code, locale) : row.entityId },
				{ locale }
			);
		}
		case 'monitoring_line':
			return m.auditw_subject_line({ year: row.entityId }, { locale });
		case 'county':
			return null;
		case 'division':
			return name ?? m.auditw_subject_division_unknown({}, { locale });
		default:
			return name ?? say(`auditw_entity_${snake(row.entity)}`, locale) ?? null;
	}
}

/** The person or thing the action was done to, named in the phrase. */
function objectOf(row: AuditRecord, names: AuditNames): string {
	const after = asRecord(row.after) ?? {};
	const before = asRecord(row.before) ?? {};
	const area = row.action.split('.')[0];
	if (area === 'members')
		return (
			named(names, 'member', after.member ?? before.member) ??
			str(after.name) ??
			str(before.name) ??
			''
		);
	if (area === 'jobs')
		return named(names, 'job', after.job ?? before.job) ?? str(after.workerName) ?? '';
	if (row.action === 'factories.owner_add' || row.action === 'factories.owner_remove')
		return named(names, 'user', after.userId ?? before.userId) ?? str(after.displayName) ?? '';
	if (row.action === 'warning.raise')
		return str(after.kind) ? warningKindName(str(after.kind)!) : '';
	if (area === 'warnings') {
		const kind = named(names, 'warning', after.warning ?? before.warning);
		return kind ? warningKindName(kind) : '';
	}
	return '';
}

/** "王秀英家 · 新增家庭成员 李小军": the whole row in one line. */
export function auditHeadline(words: AuditWords): string {
	return [words.subject, words.phrase].filter(Boolean).join(' · ');
}

export function describeAudit(row: AuditRecord, names: AuditNames, locale: Locale): AuditWords {
	const name = objectOf(row, names);
	const phrase = say(`auditw_do_${snake(row.action)}`, locale, { name });
	return {
		subject: subjectOf(row, names, locale),
		phrase: phrase ? tidy(phrase) : auditActionWords(row.action, locale),
		householdId:
			row.entity === 'household'
				? row.entityId
				: (str(asRecord(row.after)?.householdId) ?? str(asRecord(row.before)?.householdId)),
		changes: changesOf(row, names, locale)
	};
}

// Fields that only hold an internal id or bookkeeping (the headline already names the record).
const HIDDEN_FIELDS = new Set([
	'id',
	'entry',
	'claim',
	'policy',
	'visit',
	'card',
	'session',
	'version',
	'fileHash',
	'householdId',
	'countyId',
	'createdAt',
	'updatedAt',
	'passwordHash',
	'pinHash'
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDENTITY_LIKE = /^\d{17}[\dXx]$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-\d{2}$/;
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A field's label in words; a field without one yet still reads as words, not a code. */
export function fieldLabel(key: string, locale: Locale): string {
	return (
		say(`auditw_field_${snake(key)}`, locale) ??
		key
			.replace(/([a-z])([A-Z])/g, '$1 $2')
			.replace(/_/g, ' ')
			.toLowerCase()
	);
}

/** One value in words: money in yuan, dates as dates, a name for an id, never an id number. */
export function valueWords(
	key: string,
	value: unknown,
	context: { action: string; names: AuditNames; locale: Locale }
): string | null {
	const { action, names, locale } = context;
	if (value === null || value === undefined || value === '') return null;
	if (typeof value === 'boolean')
		return value ? m.auditw_yes({}, { locale }) : m.auditw_no({}, { locale });
	const reference = FIELD_NAME_KIND[key];
	if (Array.isArray(value)) {
		const parts = value
			.map((v) => valueWords(key, v, context))
			.filter((v): v is string => v !== null);
		if (parts.length === 0)
			return value.length ? m.auditw_count({ count: value.length }, { locale }) : null;
		return parts.join(locale === 'en' ? ', ' : '、');
	}
	if (
		typeof value === 'number' ||
		(typeof value === 'string' && /^-?\d+$/.test(value) && /Fen/.test(key))
	) {
		const n = Number(value);
		if (/FenPerMu$/.test(key)) return m.auditw_per_mu({ amount: formatFen(n, locale) }, { locale });
		if (/FenPerKg$/.test(key)) return m.auditw_per_kg({ amount: formatFen(n, locale) }, { locale });
		if (/Fen$/.test(key)) return formatFen(n, locale);
		if (key === 'weightGrams') return formatGrams(n, locale);
		if (/HundredthsMu$/.test(key)) return formatMu(n, locale);
		if (key === 'ms') return m.auditw_seconds({ seconds: (n / 1000).toFixed(1) }, { locale });
		if (key === 'year' || key === 'seed') return String(n);
		return n.toLocaleString(locale === 'en' ? 'en' : 'zh-CN');
	}
	if (typeof value !== 'string') return null;
	if (IDENTITY_LIKE.test(value)) return maskIdentityNumber(value);
	if (reference) {
		const name =
			reference === 'warning' ? named(names, 'warning', value) : named(names, reference, value);
		if (reference === 'warning') return name ? warningKindName(name) : null;
		if (reference === 'proposal') return name ? say(`auditw_proposal_${name}`, locale) : null;
		if (name) return name;
		return UUID.test(value) ? null : value;
	}
	if (UUID.test(value)) return null;
	if (DATE.test(value)) return formatDate(value, locale);
	if (MONTH.test(value) && key === 'month') return formatMonth(value, locale);
	if (MOMENT.test(value)) return formatDateTime(value, locale);
	switch (key) {
		case 'category':
			return optionName(names, 'category', value, locale);
		case 'risks':
		case 'risk':
			return optionName(names, 'risk', value, locale);
		case 'measure':
			return optionName(names, 'measure', value, locale);
		case 'role':
			return roleName(value);
		case 'sex':
			return sexName(value);
		case 'labourCapacity':
		case 'labour':
			return labourName(value);
		case 'health':
			return healthName(value);
		case 'event':
			return membershipEventName(value);
		case 'decision':
			return warningDecisionName(value);
		case 'source':
			return say(`auditw_source_${snake(value)}`, locale) ?? value;
		case 'subtype':
			return ledgerSubtypeName(value);
		case 'kind':
			if (action.startsWith('ledger.')) return ledgerKindName(value);
			if (action.startsWith('warning')) return warningKindName(value);
			if (action.startsWith('proposal.')) return say(`auditw_proposal_${value}`, locale) ?? value;
			return value;
		case 'status':
			if (action.startsWith('warnings.')) return warningStatusName(value);
			if (action.startsWith('monitoring.')) return monitoringStatusName(value);
			return say(`auditw_status_${snake(value)}`, locale) ?? value;
		default:
			return value;
	}
}

interface Flat {
	key: string;
	label: string;
	value: unknown;
}

/** Nested values become "户主 · 姓名" lines; a list of plain values stays one line. */
function flatten(value: unknown, locale: Locale, prefix = '', depth = 0): Flat[] {
	const record = asRecord(value);
	if (!record) return [];
	return Object.entries(record).flatMap(([key, inner]) => {
		if (HIDDEN_FIELDS.has(key)) return [];
		const label = prefix ? `${prefix} · ${fieldLabel(key, locale)}` : fieldLabel(key, locale);
		const nested = asRecord(inner);
		if (nested && depth < 2) return flatten(nested, locale, label, depth + 1);
		return [{ key, label, value: inner }];
	});
}

function changesOf(row: AuditRecord, names: AuditNames, locale: Locale): ChangeLine[] {
	const context = { action: row.action, names, locale };
	if (row.action === 'wages.save') return wageLines(row, names, locale);
	const before = new Map(flatten(row.before, locale).map((f) => [f.label, f]));
	const after = new Map(flatten(row.after, locale).map((f) => [f.label, f]));
	const both = row.before !== null && row.before !== undefined && after.size > 0;
	const lines: ChangeLine[] = [];
	for (const label of new Set([...before.keys(), ...after.keys()])) {
		const b = before.get(label);
		const a = after.get(label);
		const beforeText = b ? valueWords(b.key, b.value, context) : null;
		const afterText = a ? valueWords(a.key, a.value, context) : null;
		if (beforeText === null && afterText === null) continue;
		// Both sides known: only what changed (an update often repeats every field).
		if (both && b && a && beforeText === afterText) continue;
		lines.push({ label, before: beforeText, after: afterText });
	}
	return lines;
}

/** A wage sheet: one line per worker whose month's wage changed. */
function wageLines(row: AuditRecord, names: AuditNames, locale: Locale): ChangeLine[] {
	const before = asRecord(row.before);
	const after = asRecord(row.after);
	const month = str(after?.month) ?? str(before?.month);
	const was = new Map(
		(Array.isArray(before?.wages) ? before.wages : [])
			.filter(Array.isArray)
			.map((w: unknown[]) => [String(w[0]), Number(w[1])])
	);
	const lines: ChangeLine[] = month
		? [{ label: fieldLabel('month', locale), before: null, after: formatMonth(month, locale) }]
		: [];
	for (const wage of Array.isArray(after?.wages) ? after.wages : []) {
		if (!Array.isArray(wage)) continue;
		const [job, name, fen] = wage as [string, string, number | null];
		const old = was.get(String(job));
		lines.push({
			label: named(names, 'job', job) ?? name ?? '—',
			before: old === undefined || Number.isNaN(old) ? null : formatFen(old, locale),
			after: fen === null || fen === undefined ? null : formatFen(fen, locale)
		});
	}
	return lines;
}
