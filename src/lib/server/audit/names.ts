import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { isUuid } from '../db/ids';
import { users } from '../auth/schema';
import { divisions } from '../divisions/schema';
import { factories, factoryJobs } from '../factories/schema';
import { HEAD_OF_HOUSEHOLD, members } from '../households/schema';
import { insuranceSchemes } from '../insurance/schema';
import { countyOptions, monitoringProposals } from '../monitoring/schema';
import { pickingEntries, plantingSeasons, plots, weighingStations } from '../planting/schema';
import { warnings } from '../warnings/schema';
import type { AuditRow } from './index';
import {
	ENTITY_NAME_KIND,
	FIELD_NAME_KIND,
	nameKey,
	type AuditNames,
	type NameKind
} from '../../audit-words';

// The audit log names what a row is about: a household by its head, a person, a factory, a
// scheme. One page of rows is read first; then each kind of name is looked up once for the
// whole page (never per row). These are read-only lookups across the domains' tables, kept
// here so that the log's reading stays in one place.

type Wanted = Map<NameKind, Set<string>>;

function want(wanted: Wanted, kind: NameKind, value: unknown): void {
	if (typeof value !== 'string' || value === '') return;
	// Division codes are digits; every other reference is a UUID.
	if (kind === 'division' ? !/^\d{6,12}$/.test(value) : kind !== 'option' && !isUuid(value)) return;
	let set = wanted.get(kind);
	if (!set) wanted.set(kind, (set = new Set()));
	set.add(value);
}

function collect(wanted: Wanted, value: unknown, action: string, depth = 0): void {
	if (depth > 3 || !value || typeof value !== 'object') return;
	if (Array.isArray(value)) {
		for (const item of value) collect(wanted, item, action, depth + 1);
		return;
	}
	for (const [key, inner] of Object.entries(value)) {
		const kind = FIELD_NAME_KIND[key];
		if (kind) for (const v of Array.isArray(inner) ? inner : [inner]) want(wanted, kind, v);
		// A fund's surplus goes `to` next year's scheme.
		else if (key === 'to' && action === 'insurance.fund_carry_over') want(wanted, 'scheme', inner);
		else collect(wanted, inner, action, depth + 1);
	}
}

/** Every id the rows point at, by kind. */
export function wantedNames(rows: AuditRow[]): Wanted {
	const wanted: Wanted = new Map();
	for (const row of rows) {
		const kind = ENTITY_NAME_KIND[row.entity];
		if (kind) want(wanted, kind, row.entityId);
		collect(wanted, row.before, row.action);
		collect(wanted, row.after, row.action);
	}
	return wanted;
}

/** The names of everything a page of rows points at: one query per kind of record. */
export async function resolveAuditNames(
	db: Db,
	countyId: string,
	rows: AuditRow[]
): Promise<AuditNames> {
	const wanted = wantedNames(rows);
	const names: AuditNames = {};
	const ids = (kind: NameKind) => [...(wanted.get(kind) ?? [])];
	const put = (kind: NameKind, found: { id: string; name: string | number | null }[]) => {
		for (const f of found) if (f.name !== null) names[nameKey(kind, f.id)] = String(f.name);
	};
	const lookups: Record<NameKind, (list: string[]) => Promise<void>> = {
		household: async (list) => {
			// The head's name; a household whose head left is named by whoever is listed first.
			const rows = await db
				.selectDistinctOn([members.householdId], { id: members.householdId, name: members.name })
				.from(members)
				.where(and(eq(members.countyId, countyId), inArray(members.householdId, list)))
				.orderBy(
					members.householdId,
					sql`(${members.relation} = ${HEAD_OF_HOUSEHOLD}) desc`,
					sql`${members.current} desc`,
					members.createdAt
				);
			put('household', rows);
		},
		member: async (list) =>
			put(
				'member',
				await db
					.select({ id: members.id, name: members.name })
					.from(members)
					.where(and(eq(members.countyId, countyId), inArray(members.id, list)))
			),
		user: async (list) =>
			put(
				'user',
				await db
					.select({ id: users.id, name: users.displayName })
					.from(users)
					.where(and(eq(users.countyId, countyId), inArray(users.id, list)))
			),
		factory: async (list) =>
			put(
				'factory',
				await db
					.select({ id: factories.id, name: factories.name })
					.from(factories)
					.where(and(eq(factories.countyId, countyId), inArray(factories.id, list)))
			),
		job: async (list) =>
			put(
				'job',
				await db
					.select({ id: factoryJobs.id, name: factoryJobs.workerName })
					.from(factoryJobs)
					.where(and(eq(factoryJobs.countyId, countyId), inArray(factoryJobs.id, list)))
			),
		scheme: async (list) =>
			put(
				'scheme',
				await db
					.select({ id: insuranceSchemes.id, name: insuranceSchemes.name })
					.from(insuranceSchemes)
					.where(and(eq(insuranceSchemes.countyId, countyId), inArray(insuranceSchemes.id, list)))
			),
		station: async (list) =>
			put(
				'station',
				await db
					.select({ id: weighingStations.id, name: weighingStations.name })
					.from(weighingStations)
					.where(and(eq(weighingStations.countyId, countyId), inArray(weighingStations.id, list)))
			),
		season: async (list) =>
			put(
				'season',
				await db
					.select({ id: plantingSeasons.id, name: plantingSeasons.year })
					.from(plantingSeasons)
					.where(and(eq(plantingSeasons.countyId, countyId), inArray(plantingSeasons.id, list)))
			),
		plot: async (list) => {
			// A plot is named by its household: "王秀英家的地".
			const rows = await db
				.select({ id: plots.id, householdId: plots.householdId })
				.from(plots)
				.where(and(eq(plots.countyId, countyId), inArray(plots.id, list)));
			for (const row of rows) names[nameKey('plot', row.id)] = row.householdId;
		},
		division: async (list) =>
			put(
				'division',
				await db
					.select({ id: divisions.code, name: divisions.name })
					.from(divisions)
					.where(inArray(divisions.code, list))
			),
		entry: async (list) =>
			put(
				'entry',
				await db
					.select({ id: pickingEntries.id, name: pickingEntries.pickerName })
					.from(pickingEntries)
					.where(and(eq(pickingEntries.countyId, countyId), inArray(pickingEntries.id, list)))
			),
		warning: async (list) =>
			put(
				'warning',
				await db
					.select({ id: warnings.id, name: warnings.kind })
					.from(warnings)
					.where(and(eq(warnings.countyId, countyId), inArray(warnings.id, list)))
			),
		proposal: async (list) =>
			put(
				'proposal',
				await db
					.select({ id: monitoringProposals.id, name: monitoringProposals.kind })
					.from(monitoringProposals)
					.where(
						and(eq(monitoringProposals.countyId, countyId), inArray(monitoringProposals.id, list))
					)
			),
		option: async () => undefined
	};
	await Promise.all(
		[...wanted.keys()].map((kind) => {
			const list = ids(kind);
			return list.length ? lookups[kind](list) : undefined;
		})
	);
	// A plot's household is known only now: its head's name joins the households' lookup.
	const plotHouseholds = Object.entries(names).filter(([key]) => key.startsWith('plot:'));
	const missing = plotHouseholds
		.map(([, householdId]) => householdId)
		.filter((id) => !(nameKey('household', id) in names));
	if (missing.length) await lookups.household([...new Set(missing)]);
	for (const [key, householdId] of plotHouseholds)
		names[key] = names[nameKey('household', householdId)] ?? '';
	// County options (categories, risks, measures) are few: all of them, in both languages.
	const options = await db
		.select({
			list: countyOptions.list,
			code: countyOptions.code,
			nameZh: countyOptions.nameZh,
			nameEn: countyOptions.nameEn
		})
		.from(countyOptions)
		.where(eq(countyOptions.countyId, countyId));
	for (const o of options) {
		names[`option:${o.list}:${o.code}`] = o.nameZh;
		names[`option-en:${o.list}:${o.code}`] = o.nameEn;
	}
	return names;
}
