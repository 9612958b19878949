import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { canSeeHousehold, householdScope } from '../auth/scope';
import { divisions } from '../divisions/schema';
import { DomainError } from '../errors';
import { maskIdentityNumber } from '../../identity';
import { HEAD_OF_HOUSEHOLD, households, members } from './schema';

export interface HouseholdCounts {
	households: number;
	members: number;
}

export async function countHouseholds(db: Db, countyId: string): Promise<HouseholdCounts> {
	const [[h], [p]] = await Promise.all([
		db.select({ n: count() }).from(households).where(eq(households.countyId, countyId)),
		db.select({ n: count() }).from(members).where(eq(members.countyId, countyId))
	]);
	return { households: h.n, members: p.n };
}

/** Households per township within the actor's scope, for the township staff's home. */
export async function householdsByTownship(
	db: Db,
	actor: UserActor
): Promise<{ townshipCode: string; households: number }[]> {
	const township = sql<string>`left(${households.villageCode}, 9)`;
	const rows = await db
		.select({ townshipCode: township, households: count() })
		.from(households)
		.where(householdScope(actor))
		.groupBy(township);
	return rows.map((r) => ({ townshipCode: r.townshipCode, households: Number(r.households) }));
}

export interface MemberView {
	id: string;
	name: string;
	relation: string;
	sex: 'male' | 'female';
	birthDate: string;
	/** First 6 and last 4 characters only. */
	maskedIdNumber: string;
}

export interface HouseholdView {
	id: string;
	countyId: string;
	householdNumber: string;
	villageCode: string;
	villageName: string;
	townshipName: string;
	address: string | null;
	phone: string | null;
	headName: string | null;
	members: MemberView[];
}

/** One household with its members, if the actor may see it; otherwise not found. */
export async function getHousehold(
	db: Db,
	actor: UserActor,
	householdId: string
): Promise<HouseholdView> {
	const [row] = await db
		.select({ household: households, villageName: divisions.name })
		.from(households)
		.innerJoin(divisions, eq(divisions.code, households.villageCode))
		.where(and(eq(households.countyId, actor.countyId), eq(households.id, householdId)));
	if (!row || !canSeeHousehold(actor, row.household)) throw DomainError.notFound();
	const [township] = await db
		.select({ name: divisions.name })
		.from(divisions)
		.where(eq(divisions.code, row.household.villageCode.slice(0, 9)));
	const people = await db
		.select()
		.from(members)
		.where(and(eq(members.countyId, actor.countyId), eq(members.householdId, householdId)))
		.orderBy(sql`${members.relation} <> ${HEAD_OF_HOUSEHOLD}`, asc(members.birthDate));
	return {
		id: row.household.id,
		countyId: row.household.countyId,
		householdNumber: row.household.householdNumber,
		villageCode: row.household.villageCode,
		villageName: row.villageName,
		townshipName: township?.name ?? '',
		address: row.household.address,
		phone: row.household.phone,
		headName: people.find((p) => p.relation === HEAD_OF_HOUSEHOLD)?.name ?? null,
		members: people.map((p) => ({
			id: p.id,
			name: p.name,
			relation: p.relation,
			sex: p.sex,
			birthDate: p.birthDate,
			maskedIdNumber: maskIdentityNumber(p.idNumber)
		}))
	};
}

export interface HouseholdListItem {
	id: string;
	householdNumber: string;
	villageName: string;
	headName: string | null;
	memberCount: number;
	phone: string | null;
}

/**
 * Households the actor may see, matching a name, household number or phone. The full
 * list with filters and paging arrives with the household records; this finds one fast.
 */
export async function searchHouseholds(
	db: Db,
	actor: UserActor,
	input: { query?: string; limit?: number; offset?: number } = {}
): Promise<HouseholdListItem[]> {
	const query = input.query?.trim() ?? '';
	const conditions = [householdScope(actor)];
	if (query) {
		const escaped = query.replace(/[%_\\]/g, (c) => `\\${c}`);
		conditions.push(
			sql`(${households.householdNumber} like ${escaped + '%'} or ${households.phone} like ${escaped + '%'} or exists (select 1 from ${members} m where m.county_id = ${households.countyId} and m.household_id = ${households.id} and m.name like ${'%' + escaped + '%'}))`
		);
	}
	const head = sql<
		string | null
	>`(select m.name from ${members} m where m.county_id = ${households.countyId} and m.household_id = ${households.id} and m.relation = ${HEAD_OF_HOUSEHOLD} limit 1)`;
	const memberCount = sql<number>`(select count(*)::int from ${members} m where m.county_id = ${households.countyId} and m.household_id = ${households.id})`;
	const rows = await db
		.select({
			id: households.id,
			householdNumber: households.householdNumber,
			villageName: divisions.name,
			headName: head,
			memberCount,
			phone: households.phone
		})
		.from(households)
		.innerJoin(divisions, eq(divisions.code, households.villageCode))
		.where(and(...conditions))
		.orderBy(asc(households.householdNumber))
		.limit(input.limit ?? 50)
		.offset(input.offset ?? 0);
	return rows.map((r) => ({ ...r, memberCount: Number(r.memberCount) }));
}
