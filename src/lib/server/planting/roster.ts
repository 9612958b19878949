import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { divisions } from '../divisions/schema';
import { HEAD_OF_HOUSEHOLD, households, members } from '../households/schema';
import { getCountySettings } from '../settings';
import { ageOn, yearsBefore } from '../households/find-people';
import { requireProgramStaff, villageScope } from './access';
import { listStations, type StationView } from './stations';
import { currentSeason, SEASON_DEFAULTS } from './seasons';
import { pickingEntries } from './schema';

// What a weighing station's phone keeps for a day without signal: the minimum to find a
// picker the way the online search does and to check a weight before it is queued.

/** One person a station may weigh. Never the whole identity number, birth date or phone. */
export interface RosterPicker {
	memberId: string;
	name: string;
	villageCode: string;
	/** The identity number's last 4 characters: the station's usual way of finding someone. */
	idTail: string;
	/** 1 working age, 2 over 70, 3 under 16 (shown marked; no weight is recorded for them). */
	band: 1 | 2 | 3;
	/** The stations that weighed them this year (the online search puts them first). */
	stationIds: string[];
	/**
	 * Only for someone who turned 16 within the last year: the day they did, so a weigh-in
	 * dated before it is refused on the phone as on the server. No one else's birth date.
	 */
	adultOn?: string;
}

export interface PickerRoster {
	stations: Pick<StationView, 'id' | 'name' | 'villageCode' | 'villageName' | 'townshipName'>[];
	season: { year: number; startsOn: string; endsOn: string; pickingRateFenPerKg: number } | null;
	ceilingGrams: number;
	/** Village code → name, once per village rather than once per person. */
	villages: Record<string, string>;
	pickers: RosterPicker[];
}

const OLDEST_USUAL_PICKER = 70;
const MINIMUM_PICKER_AGE = 16;

/** The roster of the actor's townships (an admin: the county), as of `today`. */
export async function pickerRoster(db: Db, actor: UserActor, today: string): Promise<PickerRoster> {
	requireProgramStaff(actor);
	const [stations, season, settings] = await Promise.all([
		listStations(db, actor, { activeOnly: true }),
		currentSeason(db, actor.countyId, today),
		getCountySettings(db, actor.countyId)
	]);
	const [people, picked] = await Promise.all([
		db
			.select({
				memberId: members.id,
				name: members.name,
				idNumber: members.idNumber,
				birthDate: members.birthDate,
				villageCode: households.villageCode,
				villageName: divisions.name
			})
			.from(members)
			.innerJoin(
				households,
				and(eq(households.countyId, members.countyId), eq(households.id, members.householdId))
			)
			.innerJoin(divisions, eq(divisions.code, households.villageCode))
			.where(
				and(
					eq(members.countyId, actor.countyId),
					eq(members.current, true),
					villageScope(actor, households.villageCode)
				)
			)
			.orderBy(asc(households.villageCode), asc(members.name), asc(members.id)),
		db
			.selectDistinct({ memberId: pickingEntries.memberId, stationId: pickingEntries.stationId })
			.from(pickingEntries)
			.where(
				and(
					eq(pickingEntries.countyId, actor.countyId),
					gte(pickingEntries.pickedOn, `${today.slice(0, 4)}-01-01`),
					lte(pickingEntries.pickedOn, today),
					eq(pickingEntries.voided, false),
					sql`${pickingEntries.memberId} is not null`
				)
			)
	]);
	const stationIds = new Set(stations.map((s) => s.id));
	const pickedAt = new Map<string, string[]>();
	for (const p of picked) {
		if (!p.memberId || !stationIds.has(p.stationId)) continue;
		pickedAt.set(p.memberId, [...(pickedAt.get(p.memberId) ?? []), p.stationId]);
	}
	const oldBorn = yearsBefore(today, OLDEST_USUAL_PICKER + 1);
	const yearAgo = yearsBefore(today, 1);
	const villages: Record<string, string> = {};
	const pickers = people.map((p): RosterPicker => {
		villages[p.villageCode] = p.villageName;
		const band =
			ageOn(p.birthDate, today) < MINIMUM_PICKER_AGE ? 3 : p.birthDate <= oldBorn ? 2 : 1;
		const sixteenth = `${Number(p.birthDate.slice(0, 4)) + MINIMUM_PICKER_AGE}${p.birthDate.slice(4)}`;
		return {
			memberId: p.memberId,
			name: p.name,
			villageCode: p.villageCode,
			idTail: p.idNumber.slice(-4).toUpperCase(),
			band,
			stationIds: pickedAt.get(p.memberId) ?? [],
			...(band !== 3 && sixteenth > yearAgo ? { adultOn: sixteenth } : {})
		};
	});
	return {
		stations: stations.map(({ id, name, villageCode, villageName, townshipName }) => ({
			id,
			name,
			villageCode,
			villageName,
			townshipName
		})),
		season: season && {
			year: season.year,
			startsOn: season.startsOn,
			endsOn: season.endsOn,
			pickingRateFenPerKg: season.pickingRateFenPerKg
		},
		ceilingGrams: settings.weighInCeilingGrams,
		villages,
		pickers
	};
}

/** A household a plot may be recorded for, as the phone keeps it. */
export interface RosterPlotHousehold {
	id: string;
	householdNumber: string;
	/** The head of household's name (or the first current member's). */
	headName: string;
	villageCode: string;
	/** Its current people, for finding the household by anyone's name or last 4. */
	people: { name: string; idTail: string }[];
}

export interface PlotRoster {
	/** The default of the plot form's seedlings (area × this), as the online form says. */
	seedlingsPerMu: number;
	/** Every village of the actor's townships: a plot may lie in another village. */
	villages: Record<string, string>;
	households: RosterPlotHousehold[];
}

/**
 * What a staff phone keeps to record plots without signal: the households of the actor's
 * townships (an admin: the county) with their people's names and last 4 ID characters.
 */
export async function plotRoster(db: Db, actor: UserActor, today: string): Promise<PlotRoster> {
	requireProgramStaff(actor);
	const [season, villageRows, people] = await Promise.all([
		currentSeason(db, actor.countyId, today),
		db
			.select({ code: divisions.code, name: divisions.name })
			.from(divisions)
			.where(and(eq(divisions.level, 'village'), villageScope(actor, divisions.code)))
			.orderBy(asc(divisions.code)),
		db
			.select({
				householdId: households.id,
				householdNumber: households.householdNumber,
				villageCode: households.villageCode,
				name: members.name,
				idNumber: members.idNumber
			})
			.from(households)
			.innerJoin(
				members,
				and(
					eq(members.countyId, households.countyId),
					eq(members.householdId, households.id),
					eq(members.current, true)
				)
			)
			.where(
				and(eq(households.countyId, actor.countyId), villageScope(actor, households.villageCode))
			)
			.orderBy(
				asc(households.villageCode),
				asc(households.householdNumber),
				asc(households.id),
				sql`${members.relation} <> ${HEAD_OF_HOUSEHOLD}`,
				asc(members.birthDate)
			)
	]);
	const list: RosterPlotHousehold[] = [];
	for (const p of people) {
		let last = list.at(-1);
		if (last?.id !== p.householdId) {
			last = {
				id: p.householdId,
				householdNumber: p.householdNumber,
				headName: p.name,
				villageCode: p.villageCode,
				people: []
			};
			list.push(last);
		}
		last.people.push({ name: p.name, idTail: p.idNumber.slice(-4).toUpperCase() });
	}
	return {
		seedlingsPerMu: season?.seedlingsPerMu ?? SEASON_DEFAULTS.seedlingsPerMu,
		villages: Object.fromEntries(villageRows.map((v) => [v.code, v.name])),
		households: list
	};
}
