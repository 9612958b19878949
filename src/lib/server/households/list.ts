import { and, asc, count, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { householdScope } from '../auth/scope';
import { divisions } from '../divisions/schema';
import { monitoringRecords, monitoringRisks } from '../monitoring/schema';
import { HEAD_OF_HOUSEHOLD, households, members } from './schema';

export interface HouseholdFilter {
	/** A name (or its start), a phone, a household number, or the last digits of an ID. */
	query?: string;
	townshipCode?: string;
	villageCode?: string;
	category?: string;
	risk?: string;
	status?: string;
}

export interface HouseholdListItem {
	id: string;
	householdNumber: string;
	villageCode: string;
	villageName: string;
	headName: string | null;
	memberCount: number;
	phone: string | null;
	category: string;
	status: string;
}

function escapeLike(text: string): string {
	return text.replace(/[%_\\]/g, (c) => `\\${c}`);
}

/** The WHERE of the household list: scope first, then what the person typed and chose. */
function conditions(actor: UserActor, filter: HouseholdFilter): SQL[] {
	const where: SQL[] = [householdScope(actor)];
	const query = filter.query?.trim() ?? '';
	if (query) {
		const prefix = `${escapeLike(query)}%`;
		const byMember = (condition: SQL) =>
			sql`exists (select 1 from ${members} where ${members.countyId} = ${households.countyId} and ${members.householdId} = ${households.id} and ${condition})`;
		const options: SQL[] = [
			like(households.householdNumber, prefix),
			like(households.phone, prefix)
		];
		if (/^\d{3}[\dXx]$/.test(query))
			options.push(byMember(sql`${members.idLast4} = ${query.toUpperCase()}`));
		if (/^\d{17}[\dXx]$/.test(query))
			options.push(byMember(sql`${members.idNumber} = ${query.toUpperCase()}`));
		if (!/^\d+$/.test(query)) options.push(byMember(sql`${members.name} like ${prefix}`));
		where.push(or(...options)!);
	}
	if (filter.villageCode && /^\d{12}$/.test(filter.villageCode)) {
		where.push(eq(households.villageCode, filter.villageCode));
	} else if (filter.townshipCode && /^\d{9}$/.test(filter.townshipCode)) {
		where.push(like(households.villageCode, `${filter.townshipCode}%`));
	}
	const record = (condition: SQL) =>
		sql`exists (select 1 from ${monitoringRecords} where ${monitoringRecords.countyId} = ${households.countyId} and ${monitoringRecords.householdId} = ${households.id} and ${condition})`;
	if (filter.category) {
		where.push(
			filter.category === 'ordinary'
				? sql`not ${record(sql`${monitoringRecords.category} <> 'ordinary'`)}`
				: record(sql`${monitoringRecords.category} = ${filter.category}`)
		);
	}
	if (filter.status) {
		where.push(
			filter.status === 'not_monitored'
				? sql`not ${record(sql`${monitoringRecords.status} <> 'not_monitored'`)}`
				: record(sql`${monitoringRecords.status} = ${filter.status}`)
		);
	}
	if (filter.risk) {
		where.push(
			sql`exists (select 1 from ${monitoringRisks} where ${monitoringRisks.countyId} = ${households.countyId} and ${monitoringRisks.householdId} = ${households.id} and ${monitoringRisks.risk} = ${filter.risk})`
		);
	}
	return where;
}

export interface HouseholdPage {
	items: HouseholdListItem[];
	total: number;
	page: number;
	pageSize: number;
}

/**
 * One page of the households an actor may see, filtered on the server. Sorted by
 * household number, which follows village codes, so a village's households stay together.
 */
export async function listHouseholds(
	db: Db,
	actor: UserActor,
	filter: HouseholdFilter,
	page = 1,
	pageSize = 25
): Promise<HouseholdPage> {
	const where = and(...conditions(actor, filter));
	const [[{ total }], rows] = await Promise.all([
		db.select({ total: count() }).from(households).where(where),
		db
			.select({
				id: households.id,
				householdNumber: households.householdNumber,
				villageCode: households.villageCode,
				villageName: divisions.name,
				phone: households.phone
			})
			.from(households)
			.innerJoin(divisions, eq(divisions.code, households.villageCode))
			.where(where)
			.orderBy(asc(households.householdNumber))
			.limit(pageSize)
			.offset((page - 1) * pageSize)
	]);
	const ids = rows.map((r) => r.id);
	const [people, records] = ids.length
		? await Promise.all([
				db
					.select({
						householdId: members.householdId,
						name: members.name,
						relation: members.relation
					})
					.from(members)
					.where(
						and(
							eq(members.countyId, actor.countyId),
							inArray(members.householdId, ids),
							eq(members.current, true)
						)
					),
				db
					.select()
					.from(monitoringRecords)
					.where(
						and(
							eq(monitoringRecords.countyId, actor.countyId),
							inArray(monitoringRecords.householdId, ids)
						)
					)
			])
		: [[], []];
	return {
		total,
		page,
		pageSize,
		items: rows.map((r) => {
			const own = people.filter((p) => p.householdId === r.id);
			const record = records.find((m) => m.householdId === r.id);
			return {
				...r,
				headName: own.find((p) => p.relation === HEAD_OF_HOUSEHOLD)?.name ?? own[0]?.name ?? null,
				memberCount: own.length,
				category: record?.category ?? 'ordinary',
				status: record?.status ?? 'not_monitored'
			};
		})
	};
}

/**
 * Every current member of the filtered households, the head first: the rows of an export
 * (export.ts lays them out). Identity numbers are full here; the export masks them.
 */
export async function exportHouseholdMembers(
	db: Db,
	actor: UserActor,
	filter: HouseholdFilter
): Promise<{ household: typeof households.$inferSelect; member: typeof members.$inferSelect }[]> {
	const where = and(...conditions(actor, filter), eq(members.current, true));
	return db
		.select({ household: households, member: members })
		.from(households)
		.innerJoin(
			members,
			and(eq(members.countyId, households.countyId), eq(members.householdId, households.id))
		)
		.where(where)
		.orderBy(
			asc(households.householdNumber),
			sql`${members.relation} <> ${HEAD_OF_HOUSEHOLD}`,
			asc(members.birthDate)
		);
}
