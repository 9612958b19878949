import { and, asc, count, eq, sql } from 'drizzle-orm';
import { textSchema } from '../input';
import { z } from 'zod';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId } from '../db/ids';
import type { Actor } from '../auth/actor';
import { recordAudit } from '../audit';
import { DomainError } from '../errors';
import { officialCounty } from './data';
import { everydayVillageName } from './names';
import { ensureCountyOptions } from '../monitoring';
import { counties, divisions, villageAliases } from './schema';

export { searchOfficialCounties } from './data';

export type County = typeof counties.$inferSelect;
export type Division = typeof divisions.$inferSelect;

export interface LoadResult {
	county: County;
	townshipsAdded: number;
	villagesAdded: number;
}

/**
 * Makes a county a Levee tenant and loads its official townships and villages. Running
 * it again adds only divisions that are missing and keeps local renames.
 */
export async function loadCountyDivisions(
	db: Db,
	actor: Actor,
	countyCode: string
): Promise<LoadResult> {
	const code = countyCode.trim();
	if (!/^\d{6}$/.test(code))
		throw DomainError.invalid('countyCode', 'divisions_error_county_code_format');
	const official = officialCounty(code);
	if (!official)
		throw DomainError.invalid('countyCode', 'divisions_error_county_unknown', { code });

	return inTransaction(db, async (tx) => {
		await tx
			.insert(counties)
			.values({
				id: newId(),
				code,
				name: official.name,
				provinceName: official.provinceName,
				cityName: official.cityName
			})
			.onConflictDoNothing({ target: counties.code });
		const [county] = await tx.select().from(counties).where(eq(counties.code, code));
		await ensureCountyOptions(tx, county.id);

		const rows = [
			{
				code,
				level: 'county' as const,
				parentCode: null,
				name: official.name,
				officialName: official.name
			},
			...official.townships.map((t) => ({
				code: t.code,
				level: 'township' as const,
				parentCode: code,
				name: t.name,
				officialName: t.name
			})),
			...official.villages.map((v) => ({
				code: v.code,
				level: 'village' as const,
				parentCode: v.code.slice(0, 9),
				name: everydayVillageName(v.name),
				officialName: v.name
			}))
		].map((row) => ({ ...row, countyCode: code }));

		let townshipsAdded = 0;
		let villagesAdded = 0;
		for (let i = 0; i < rows.length; i += 500) {
			const inserted = await tx
				.insert(divisions)
				.values(rows.slice(i, i + 500))
				.onConflictDoNothing({ target: divisions.code })
				.returning({ level: divisions.level });
			townshipsAdded += inserted.filter((r) => r.level === 'township').length;
			villagesAdded += inserted.filter((r) => r.level === 'village').length;
		}
		await recordAudit(tx, actor, {
			countyId: county.id,
			action: 'divisions.load',
			entity: 'county',
			entityId: code,
			after: { townshipsAdded, villagesAdded }
		});
		return { county, townshipsAdded, villagesAdded };
	});
}

export async function findCountyByCode(db: Db, code: string): Promise<County | null> {
	const [county] = await db.select().from(counties).where(eq(counties.code, code));
	return county ?? null;
}

export interface TownshipSummary extends Division {
	villageCount: number;
}

export async function listTownships(db: Db, countyCode: string): Promise<TownshipSummary[]> {
	const villageCounts = db
		.select({ parentCode: divisions.parentCode, villageCount: count().as('village_count') })
		.from(divisions)
		.where(and(eq(divisions.countyCode, countyCode), eq(divisions.level, 'village')))
		.groupBy(divisions.parentCode)
		.as('village_counts');
	const rows = await db
		.select({
			division: divisions,
			villageCount: sql<number>`coalesce(${villageCounts.villageCount}, 0)::int`
		})
		.from(divisions)
		.leftJoin(villageCounts, eq(villageCounts.parentCode, divisions.code))
		.where(and(eq(divisions.countyCode, countyCode), eq(divisions.level, 'township')))
		.orderBy(asc(divisions.code));
	return rows.map((r) => ({ ...r.division, villageCount: Number(r.villageCount) }));
}

export async function getDivision(db: Db, countyCode: string, code: string): Promise<Division> {
	// Division codes are digits; anything else (NUL, letters) is simply not one.
	if (!/^\d{1,12}$/.test(code)) throw DomainError.notFound();
	const [row] = await db
		.select()
		.from(divisions)
		.where(and(eq(divisions.code, code), eq(divisions.countyCode, countyCode)));
	if (!row) throw DomainError.notFound();
	return row;
}

export async function listVillages(
	db: Db,
	countyCode: string,
	townshipCode: string
): Promise<Division[]> {
	return db
		.select()
		.from(divisions)
		.where(
			and(
				eq(divisions.countyCode, countyCode),
				eq(divisions.parentCode, townshipCode),
				eq(divisions.level, 'village')
			)
		)
		.orderBy(asc(divisions.code));
}

const nameSchema = textSchema(40).pipe(z.string().min(1));

function parseName(input: unknown): string {
	const parsed = nameSchema.safeParse(input);
	if (!parsed.success) throw DomainError.invalid('name', 'divisions_error_name');
	return parsed.data;
}

/**
 * Adds a township (9-digit code under the county) or a village (12-digit code under one
 * of the county's townships) that the shipped data lacks.
 */
export async function addDivision(
	db: Db,
	actor: Actor,
	countyCode: string,
	input: { parentCode: unknown; code: unknown; name: unknown }
): Promise<Division> {
	const name = parseName(input.name);
	const code = String(input.code ?? '').trim();
	const parentCode = String(input.parentCode ?? '').trim();
	const county = await findCountyByCode(db, countyCode);
	if (!county) throw DomainError.notFound();
	const parent = await getDivision(db, countyCode, parentCode);
	const level =
		parent.level === 'county' ? 'township' : parent.level === 'township' ? 'village' : null;
	if (!level) throw DomainError.invalid('parentCode', 'divisions_error_parent');
	const length = level === 'township' ? 9 : 12;
	if (!new RegExp(`^\\d{${length}}$`).test(code) || !code.startsWith(parent.code)) {
		throw DomainError.invalid('code', 'divisions_error_code_under_parent', {
			length,
			parent: parent.code
		});
	}
	return inTransaction(db, async (tx) => {
		const [created] = await tx
			.insert(divisions)
			.values({ code, level, parentCode: parent.code, countyCode, name, officialName: null })
			.onConflictDoNothing({ target: divisions.code })
			.returning();
		if (!created) throw DomainError.conflict('code', 'divisions_error_code_taken', { code });
		await recordAudit(tx, actor, {
			countyId: county.id,
			action: 'divisions.add',
			entity: 'division',
			entityId: code,
			after: created
		});
		return created;
	});
}

/** Renames a township or village for everyday use; the official name is kept beside it. */
export async function renameDivision(
	db: Db,
	actor: Actor,
	countyCode: string,
	code: string,
	newName: unknown
): Promise<Division> {
	const name = parseName(newName);
	const county = await findCountyByCode(db, countyCode);
	if (!county) throw DomainError.notFound();
	return inTransaction(db, async (tx) => {
		const before = await getDivision(tx, countyCode, code);
		if (before.level === 'county')
			throw DomainError.invalid('name', 'divisions_error_rename_county');
		const [after] = await tx
			.update(divisions)
			.set({ name, updatedAt: new Date() })
			.where(eq(divisions.code, code))
			.returning();
		await recordAudit(tx, actor, {
			countyId: county.id,
			action: 'divisions.rename',
			entity: 'division',
			entityId: code,
			before: { name: before.name },
			after: { name: after.name }
		});
		return after;
	});
}

/** The remembered spellings of a township's villages, by village code. */
export async function listVillageAliases(
	db: Db,
	countyCode: string,
	townshipCode: string
): Promise<Map<string, string[]>> {
	const rows = await db
		.select({ villageCode: villageAliases.villageCode, alias: villageAliases.alias })
		.from(villageAliases)
		.where(
			and(eq(villageAliases.countyCode, countyCode), eq(villageAliases.townshipCode, townshipCode))
		)
		.orderBy(asc(villageAliases.createdAt), asc(villageAliases.alias));
	const aliases = new Map<string, string[]>();
	for (const r of rows)
		aliases.set(r.villageCode, [...(aliases.get(r.villageCode) ?? []), r.alias]);
	return aliases;
}

function plainName(name: string): string {
	return name.normalize('NFKC').replace(/\s/g, '');
}

/**
 * Remembers another spelling of a village (东代固村 for 东代固居民委员会), so imports that
 * write it match at once. A spelling names one village of a township only.
 */
export async function addVillageAlias(
	db: Db,
	actor: Actor,
	countyCode: string,
	villageCode: string,
	input: unknown
): Promise<string> {
	const alias = plainName(typeof input === 'string' ? input : '').slice(0, 40);
	if (!alias) throw DomainError.invalid('alias', 'registry_alias_error_empty');
	const county = await findCountyByCode(db, countyCode);
	if (!county) throw DomainError.notFound();
	const village = await getDivision(db, countyCode, villageCode);
	if (village.level !== 'village') throw DomainError.notFound();
	if ([village.name, village.officialName].some((n) => n && plainName(n) === alias)) {
		throw DomainError.invalid('alias', 'registry_alias_error_same');
	}
	return inTransaction(db, async (tx) => {
		const [taken] = await tx
			.select({ villageCode: villageAliases.villageCode, name: divisions.name })
			.from(villageAliases)
			.innerJoin(divisions, eq(divisions.code, villageAliases.villageCode))
			.where(
				and(
					eq(villageAliases.townshipCode, villageCode.slice(0, 9)),
					eq(villageAliases.alias, alias)
				)
			);
		if (taken) {
			throw DomainError.conflict('alias', 'registry_alias_error_taken', {
				alias,
				village: taken.name
			});
		}
		await tx.insert(villageAliases).values({
			villageCode,
			townshipCode: villageCode.slice(0, 9),
			countyCode,
			alias
		});
		await recordAudit(tx, actor, {
			countyId: county.id,
			action: 'divisions.alias_add',
			entity: 'division',
			entityId: villageCode,
			after: { alias }
		});
		return alias;
	});
}

/** Forgets a remembered spelling of a village. */
export async function removeVillageAlias(
	db: Db,
	actor: Actor,
	countyCode: string,
	villageCode: string,
	alias: string
): Promise<void> {
	const county = await findCountyByCode(db, countyCode);
	if (!county) throw DomainError.notFound();
	await inTransaction(db, async (tx) => {
		const removed = await tx
			.delete(villageAliases)
			.where(
				and(
					eq(villageAliases.countyCode, countyCode),
					eq(villageAliases.villageCode, villageCode),
					eq(villageAliases.alias, alias)
				)
			)
			.returning({ alias: villageAliases.alias });
		if (removed.length === 0) throw DomainError.notFound();
		await recordAudit(tx, actor, {
			countyId: county.id,
			action: 'divisions.alias_remove',
			entity: 'division',
			entityId: villageCode,
			before: { alias }
		});
	});
}
