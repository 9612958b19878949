import { is } from 'drizzle-orm';
import {
	getTableConfig,
	pgTable,
	PgTable,
	primaryKey,
	text,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import * as schema from '../../src/lib/server/db/schema';

// Ready for a province on Citus, distributed by county_id: a distributed table's primary
// key and every unique constraint must contain the distribution column, and a foreign key
// between two distributed tables must join on it. Only the shared tables below are exempt;
// on Citus they become reference tables (copied to every node) or stay on the coordinator.

const GLOBAL_TABLES: Record<string, string> = {
	// The tenants themselves: a county's id is what the others are distributed by.
	counties: 'the tenant list',
	// Official codes shared by every county (a township code is national, GB/T 2260).
	divisions: 'official codes, the same for every county',
	// Spellings keyed by the village's national code; small, read at import.
	village_aliases: 'keyed by a national village code',
	// Sign-in happens before the county is known: a username or phone is unique across the
	// province, so accounts and what hangs on them (sessions, scope, devices) are shared.
	users: 'sign-in is by username or phone, before the county is known',
	user_townships: 'an account’s scope, keyed by the account',
	user_villages: 'an account’s scope, keyed by the account',
	sessions: 'looked up by the cookie’s hash on every request, before the county is known',
	trusted_devices: 'looked up by the device cookie at sign-in, before the county is known',
	// Throttling counts failures per typed name, device and address, also for unknown names.
	auth_events: 'sign-in attempts, also for names that match no county',
	// Database housekeeping (ANALYZE/VACUUM runs), not any county's data.
	maintenance_runs: 'database housekeeping'
};

// A shared table may not point into a distributed one on Citus. The one that does is
// listed here and its key is dropped by the Citus-only migration (see the README).
const GLOBAL_TO_DOMAIN_KEYS = new Set(['users → households']);

const COUNTY = 'county_id';
type TableConfig = ReturnType<typeof getTableConfig>;

/** Column names as the database spells them (drizzle's casing: snake_case). */
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const names = (columns: { name: string }[]) => columns.map((c) => snake(c.name));

/** What keeps a table from being distributed by county: empty when nothing does. */
function countyProblems(table: TableConfig): string[] {
	const problems: string[] = [];
	if (table.name in GLOBAL_TABLES) {
		for (const key of table.foreignKeys) {
			const target = getTableConfig(key.reference().foreignTable).name;
			const label = `${table.name} → ${target}`;
			if (!(target in GLOBAL_TABLES) && !GLOBAL_TO_DOMAIN_KEYS.has(label)) problems.push(label);
		}
		return problems;
	}
	const primary = table.primaryKeys[0]
		? names(table.primaryKeys[0].columns)
		: names(table.columns.filter((c) => c.primary));
	if (primary[0] !== COUNTY) problems.push(`${table.name} primary key (${primary.join(', ')})`);
	const uniques = [
		...table.uniqueConstraints.map((u) => ({ name: u.name ?? '?', columns: names(u.columns) })),
		...table.columns
			.filter((c) => c.isUnique)
			.map((c) => ({ name: c.name, columns: [snake(c.name)] })),
		...table.indexes
			.filter((i) => i.config.unique)
			.map((i) => ({
				name: i.config.name ?? '?',
				columns: i.config.columns.map((c) => ('name' in c ? snake(String(c.name)) : '?'))
			}))
	];
	for (const unique of uniques)
		if (!unique.columns.includes(COUNTY)) problems.push(`${table.name} unique ${unique.name}`);
	for (const key of table.foreignKeys) {
		const reference = key.reference();
		const target = getTableConfig(reference.foreignTable).name;
		if (target in GLOBAL_TABLES) continue;
		const from = names(reference.columns);
		const to = names(reference.foreignColumns);
		if (!from.includes(COUNTY) || from.indexOf(COUNTY) !== to.indexOf(COUNTY))
			problems.push(`${table.name} (${from.join(', ')}) → ${target} (${to.join(', ')})`);
	}
	return problems;
}

const tables = (Object.values(schema) as unknown[])
	.filter((value): value is PgTable => is(value, PgTable))
	.map((table) => getTableConfig(table));

describe('tables ready to be distributed by county', () => {
	it('exempt only tables that exist, and leave the domain tables to the check', () => {
		const existing = new Set(tables.map((t) => t.name));
		expect(Object.keys(GLOBAL_TABLES).filter((name) => !existing.has(name))).toEqual([]);
		expect(tables.filter((t) => !(t.name in GLOBAL_TABLES)).length).toBeGreaterThan(30);
	});

	it('lead every domain key with county_id and join every foreign key on it', () => {
		expect(tables.flatMap(countyProblems)).toEqual([]);
	});

	it('would catch a table that forgets the county in its key, a unique index or a reference', () => {
		const parents = pgTable(
			'parents',
			{ countyId: uuid().notNull(), id: uuid().notNull() },
			(t) => [primaryKey({ columns: [t.countyId, t.id] })]
		);
		const careless = pgTable(
			'careless',
			{
				id: uuid().primaryKey(),
				countyId: uuid().notNull(),
				code: text().notNull(),
				parentId: uuid()
					.notNull()
					.references(() => parents.id)
			},
			(t) => [uniqueIndex('careless_code_unique').on(t.code)]
		);
		expect(countyProblems(getTableConfig(careless))).toEqual([
			'careless primary key (id)',
			'careless unique careless_code_unique',
			'careless (parent_id) → parents (id)'
		]);
		expect(countyProblems(getTableConfig(parents))).toEqual([]);
	});
});
