import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { recordAudit } from '../audit';
import { isUuid } from '../db/ids';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { canSeeHousehold, householdScope } from '../auth/scope';
import { divisions } from '../divisions/schema';
import { DomainError } from '../errors';
import { maskIdentityNumber } from '../../identity';
import { registryValues } from './registry/words';
import { HEAD_OF_HOUSEHOLD, households, members, membershipEvents } from './schema';

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
	labourCapacity: string;
	health: string;
	/** The registry's values as stored (or the usual word of Levee's category). */
	labourSkill: string;
	healthStatus: string;
	schooling: string | null;
	ethnicity: string | null;
	education: string | null;
	inSchool: boolean;
	workingAway: boolean;
	workPlace: string | null;
	workMonths: number | null;
	resident: boolean;
	current: boolean;
}

export interface MembershipEventView {
	id: string;
	memberId: string;
	memberName: string;
	kind: string;
	happenedOn: string;
	note: string | null;
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
	/** Current members first (head first), then people who have left. */
	members: MemberView[];
	membershipHistory: MembershipEventView[];
}

/** One household with its members, if the actor may see it; otherwise not found. */
export async function getHousehold(
	db: Db,
	actor: UserActor,
	householdId: string
): Promise<HouseholdView> {
	if (!isUuid(householdId)) throw DomainError.notFound();
	const township = alias(divisions, 'township');
	const [row] = await db
		.select({ household: households, villageName: divisions.name, townshipName: township.name })
		.from(households)
		.innerJoin(divisions, eq(divisions.code, households.villageCode))
		.leftJoin(township, eq(township.code, sql`left(${households.villageCode}, 9)`))
		.where(and(eq(households.countyId, actor.countyId), eq(households.id, householdId)));
	if (!row || !canSeeHousehold(actor, row.household)) throw DomainError.notFound();
	const [people, events] = await Promise.all([
		db
			.select()
			.from(members)
			.where(and(eq(members.countyId, actor.countyId), eq(members.householdId, householdId)))
			.orderBy(
				desc(members.current),
				sql`${members.relation} <> ${HEAD_OF_HOUSEHOLD}`,
				asc(members.birthDate)
			),
		db
			.select({ event: membershipEvents, name: members.name })
			.from(membershipEvents)
			.innerJoin(
				members,
				and(
					eq(members.countyId, membershipEvents.countyId),
					eq(members.id, membershipEvents.memberId)
				)
			)
			.where(
				and(
					eq(membershipEvents.countyId, actor.countyId),
					eq(membershipEvents.householdId, householdId)
				)
			)
			.orderBy(desc(membershipEvents.happenedOn), desc(membershipEvents.recordedAt))
	]);
	return {
		id: row.household.id,
		countyId: row.household.countyId,
		householdNumber: row.household.householdNumber,
		villageCode: row.household.villageCode,
		villageName: row.villageName,
		townshipName: row.townshipName ?? '',
		address: row.household.address,
		phone: row.household.phone,
		headName: people.find((p) => p.current && p.relation === HEAD_OF_HOUSEHOLD)?.name ?? null,
		members: people.map((p) => ({
			id: p.id,
			name: p.name,
			relation: p.relation,
			sex: p.sex,
			birthDate: p.birthDate,
			maskedIdNumber: maskIdentityNumber(p.idNumber),
			labourCapacity: p.labourCapacity,
			health: p.health,
			labourSkill: registryValues(p).labourSkill,
			healthStatus: registryValues(p).healthStatus,
			schooling: p.schooling,
			ethnicity: p.ethnicity,
			education: p.education,
			inSchool: p.inSchool,
			workingAway: p.workingAway,
			workPlace: p.workPlace,
			workMonths: p.workMonths,
			resident: p.resident,
			current: p.current
		})),
		membershipHistory: events.map((e) => ({
			id: e.event.id,
			memberId: e.event.memberId,
			memberName: e.name,
			kind: e.event.kind,
			happenedOn: e.event.happenedOn,
			note: e.event.note
		}))
	};
}

/** An admin sees one full identity number; the look is audited. */
export async function revealIdNumber(
	db: Db,
	actor: UserActor,
	householdId: string,
	memberId: string
): Promise<string> {
	if (actor.role !== 'county_admin' || !isUuid(memberId)) throw DomainError.notFound();
	await getHousehold(db, actor, householdId);
	const [member] = await db
		.select({ idNumber: members.idNumber })
		.from(members)
		.where(
			and(
				eq(members.countyId, actor.countyId),
				eq(members.id, memberId),
				eq(members.householdId, householdId)
			)
		);
	if (!member) throw DomainError.notFound();
	await recordAudit(db, actor, {
		countyId: actor.countyId,
		action: 'members.reveal_id',
		entity: 'household',
		entityId: householdId,
		after: { member: memberId }
	});
	return member.idNumber;
}

export * from './list';
export * from './records';
