import { and, asc, eq, ne } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { isUuid, newId } from '../db/ids';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { divisions } from '../divisions/schema';
import { DomainError, type FieldIssue } from '../errors';
import { canReachVillage, requireProgramStaff, villageScope } from './access';
import { text } from './common';
import { weighingStations } from './schema';

export type Station = typeof weighingStations.$inferSelect;

export interface StationView {
	id: string;
	name: string;
	villageCode: string;
	villageName: string;
	townshipName: string;
	active: boolean;
}

const township = alias(divisions, 'township');

/** The stations of the actor's townships (admins: the county), by township and name. */
export async function listStations(
	db: Db,
	actor: UserActor,
	options: { activeOnly?: boolean } = {}
): Promise<StationView[]> {
	requireProgramStaff(actor);
	const rows = await db
		.select({
			id: weighingStations.id,
			name: weighingStations.name,
			villageCode: weighingStations.villageCode,
			villageName: divisions.name,
			townshipName: township.name,
			active: weighingStations.active
		})
		.from(weighingStations)
		.innerJoin(divisions, eq(divisions.code, weighingStations.villageCode))
		.leftJoin(township, eq(township.code, divisions.parentCode))
		.where(
			and(
				eq(weighingStations.countyId, actor.countyId),
				villageScope(actor, weighingStations.villageCode),
				...(options.activeOnly ? [eq(weighingStations.active, true)] : [])
			)
		)
		.orderBy(asc(weighingStations.villageCode), asc(weighingStations.name));
	return rows.map((r) => ({ ...r, townshipName: r.townshipName ?? '' }));
}

/** A station the actor works at, or not found. */
export async function getStation(db: Db, actor: UserActor, stationId: unknown): Promise<Station> {
	requireProgramStaff(actor);
	if (!isUuid(stationId)) throw DomainError.notFound();
	const [station] = await db
		.select()
		.from(weighingStations)
		.where(and(eq(weighingStations.countyId, actor.countyId), eq(weighingStations.id, stationId)));
	if (!station || !canReachVillage(actor, station.villageCode)) throw DomainError.notFound();
	return station;
}

export interface StationInput {
	name: unknown;
	villageCode: unknown;
	active?: unknown;
}

async function parseStation(db: Db, actor: UserActor, input: StationInput, exceptId?: string) {
	const issues: FieldIssue[] = [];
	const name = text(input.name, 40, 'name');
	const villageCode = text(input.villageCode, 12, 'villageCode');
	if (!name) issues.push({ field: 'name', key: 'stations_error_name' });
	const [village] = /^\d{12}$/.test(villageCode)
		? await db
				.select({ code: divisions.code })
				.from(divisions)
				.where(and(eq(divisions.code, villageCode), eq(divisions.level, 'village')))
		: [];
	if (!village || !villageCode.startsWith(actor.countyCode)) {
		issues.push({ field: 'villageCode', key: 'stations_error_village' });
	} else if (!canReachVillage(actor, villageCode)) {
		issues.push({ field: 'villageCode', key: 'stations_error_village_scope' });
	}
	if (name) {
		const [taken] = await db
			.select({ id: weighingStations.id })
			.from(weighingStations)
			.where(
				and(
					eq(weighingStations.countyId, actor.countyId),
					eq(weighingStations.name, name),
					...(exceptId ? [ne(weighingStations.id, exceptId)] : [])
				)
			);
		if (taken) issues.push({ field: 'name', key: 'stations_error_name_taken' });
	}
	if (issues.length) throw new DomainError('invalid', issues);
	return { name, villageCode };
}

/** Staff open a weighing station (收购点) in a village of their township. */
export async function createStation(
	db: Db,
	actor: UserActor,
	input: StationInput
): Promise<string> {
	requireProgramStaff(actor);
	const station = await parseStation(db, actor, input);
	const id = newId();
	await inTransaction(db, async (tx) => {
		await tx.insert(weighingStations).values({ countyId: actor.countyId, id, ...station });
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'planting.station.create',
			entity: 'weighing_station',
			entityId: id,
			after: station
		});
	});
	return id;
}

/** Renames, moves within scope, closes or reopens a station; its weigh-ins stay with it. */
export async function updateStation(
	db: Db,
	actor: UserActor,
	stationId: unknown,
	input: StationInput
): Promise<void> {
	const before = await getStation(db, actor, stationId);
	const after = {
		...(await parseStation(db, actor, input, before.id)),
		active: input.active === true || input.active === 'on' || input.active === '1'
	};
	await inTransaction(db, async (tx) => {
		await tx
			.update(weighingStations)
			.set(after)
			.where(
				and(eq(weighingStations.countyId, actor.countyId), eq(weighingStations.id, before.id))
			);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'planting.station.update',
			entity: 'weighing_station',
			entityId: before.id,
			before: { name: before.name, villageCode: before.villageCode, active: before.active },
			after
		});
	});
}
