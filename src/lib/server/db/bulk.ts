import { sql } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './index';

function snake(key: string): string {
	return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The table's columns that the rows name, with the quoted table name. */
function rowColumns<T extends PgTable>(table: T, rows: object[]) {
	const config = getTableConfig(table);
	const keys = new Set<string>();
	for (const row of rows) for (const key of Object.keys(row)) keys.add(key);
	const columns = config.columns.filter((c) => keys.has(c.name) && !c.generated);
	const types = sql.raw(columns.map((c) => `"${snake(c.name)}" ${c.getSQLType()}`).join(', '));
	const target = sql.raw(`"${config.schema ? `${config.schema}"."` : ''}${config.name}"`);
	return { config, keys, columns, types, target };
}

/** One batch of rows as the JSON array json_to_recordset reads (dates as ISO text). */
function batchJson(rows: object[], columns: { name: string }[]): string {
	// Column names worked out once per batch, not once per cell.
	const names = columns.map((c) => [c.name, snake(c.name)] as const);
	return JSON.stringify(
		rows.map((row) => {
			const record: Record<string, unknown> = {};
			for (const [key, name] of names) {
				const value = (row as Record<string, unknown>)[key];
				record[name] = value instanceof Date ? value.toISOString() : (value ?? null);
			}
			return record;
		})
	);
}

/**
 * Inserts many rows as one JSON parameter per batch (INSERT … SELECT FROM
 * json_to_recordset): about three times faster than multi-row VALUES on PGlite, and the
 * same standard SQL on PostgreSQL. Columns left out of the rows take their defaults.
 * json, not jsonb: each row is read once, and turning the whole batch into jsonb first
 * takes twice as long as reading it as json (5,000 members on PostgreSQL).
 */
export async function bulkInsert<T extends PgTable>(
	db: Db,
	table: T,
	rows: T['$inferInsert'][],
	options: { batch?: number; onConflictDoNothing?: boolean } = {}
): Promise<void> {
	if (rows.length === 0) return;
	const { columns, types, target } = rowColumns(table, rows);
	const names = sql.raw(columns.map((c) => `"${snake(c.name)}"`).join(', '));
	const conflict = options.onConflictDoNothing ? sql` on conflict do nothing` : sql``;
	const batch = options.batch ?? 5000;
	for (let i = 0; i < rows.length; i += batch) {
		const json = batchJson(rows.slice(i, i + batch), columns);
		await db.execute(
			sql`insert into ${target} (${names}) select ${names} from json_to_recordset(${json}::json) as x(${types})${conflict}`
		);
	}
}

/**
 * Updates many rows of a county table by id, as one JSON parameter per batch (UPDATE …
 * FROM json_to_recordset): the columns set are the keys of the rows besides `id`, so a
 * file without a column leaves that column alone. `updated_at` is set to now().
 */
export async function bulkUpdate<T extends PgTable>(
	db: Db,
	table: T,
	countyId: string,
	rows: ({ id: string } & Partial<T['$inferInsert']>)[],
	options: { batch?: number } = {}
): Promise<void> {
	if (rows.length === 0) return;
	const { config, keys, columns, types, target } = rowColumns(table, rows);
	const setColumns = columns.filter((c) => c.name !== 'id');
	const touched = config.columns.some((c) => c.name === 'updatedAt');
	const set = sql.raw(
		[
			...setColumns.map((c) => `"${snake(c.name)}" = x."${snake(c.name)}"`),
			...(touched && !keys.has('updatedAt') ? ['"updated_at" = now()'] : [])
		].join(', ')
	);
	const batch = options.batch ?? 5000;
	for (let i = 0; i < rows.length; i += batch) {
		const json = batchJson(rows.slice(i, i + batch), columns);
		await db.execute(
			sql`update ${target} as t set ${set} from json_to_recordset(${json}::json) as x(${types}) where t."county_id" = ${countyId} and t."id" = x."id"`
		);
	}
}
