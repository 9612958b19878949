import { and, asc, desc, eq, gte, isNull, like, lte, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { isUuid, isUuidV7, newId } from '../db/ids';
import { maskForAudit, recordAudit } from '../audit';
import { auditLog } from '../audit/schema';
import type { UserActor } from '../auth/actor';
import { divisions } from '../divisions/schema';
import { DomainError, type FieldIssue } from '../errors';
import {
	ageOn,
	escapeLike,
	maskName,
	parsePersonQuery,
	personHits,
	yearsBefore,
	type PersonQuery
} from '../households/find-people';
import { households, members } from '../households/schema';
import { postLedgerEntry, reverseLedgerEntry } from '../income';
import { ledgerEntries } from '../income/schema';
import { getCountySettings } from '../settings';
import { countySettings } from '../settings/schema';
import { todayInChina } from '../../format';
import { maskIdentityNumber, parseIdentityNumber } from '../../identity';
import {
	dayTotals,
	gramsToKgText,
	parseKilograms,
	pickingAmountFen,
	type DayTotals
} from '../../planting';
export type { DayTotals } from '../../planting';
import { canReachVillage, requireProgramStaff, villageScope } from './access';
import { isDate, text } from './common';
import { numberIssue } from '../input';
import { getStation } from './stations';
import { pickingEntries, pickingPayments, plantingSeasons, weighingStations } from './schema';

export type PickingEntry = typeof pickingEntries.$inferSelect;

/** One weigh-in as the station screen and the payment sheet show it. */
export interface PickingEntryView {
	id: string;
	stationId: string;
	pickedOn: string;
	memberId: string | null;
	householdId: string | null;
	pickerName: string;
	/** First 6 and last 4 characters, or null for an outside picker without a number. */
	maskedIdNumber: string | null;
	villageName: string | null;
	weightGrams: number;
	rateFenPerKg: number;
	amountFen: number;
	version: number;
	voided: boolean;
	paidOn: string | null;
	createdAt: string;
}

export interface PickerMatch {
	memberId: string;
	householdId: string;
	/** The whole name; for a person outside the actor's townships only the surname. */
	name: string;
	maskedIdNumber: string;
	/** Empty for a person outside the actor's townships. */
	birthYear: string;
	villageCode: string;
	villageName: string;
	townshipName: string;
	/** In the station's township: shown first. */
	nearby: boolean;
	/** Weighed at this station earlier this year. */
	pickedHere: boolean;
	/** Under 16 on the day: shown marked, and no weight can be recorded for them. */
	child: boolean;
	/** Found by an exact identity number outside the actor's townships: minimal details. */
	outsideScope: boolean;
}

/** Nobody under 16 picks for wages (劳动法 minimum working age). */
export const MINIMUM_PICKER_AGE = 16;
/** Pickers older than this are shown after those of working age. */
const OLDEST_USUAL_PICKER = 70;
const PICKER_LIMIT = 12;

const township = alias(divisions, 'picker_township');

/**
 * Finds pickers in the registry the way a station asks: the last 4 characters of the
 * identity number, the household's phone, the whole identity number, or a name
 * (optionally followed by part of the village name).
 *
 * Whom: people of the actor's townships (a county admin: the whole county). A picker who
 * walks over from another township is found by the whole identity number on their card,
 * and then shown with the surname, township and number tail only: staff see no more of
 * another township's registry than the person in front of them shows them.
 *
 * Order: who is likely picking — weighed at this station earlier this year, then people
 * 16–70, then the older, then children (marked, not selectable), nearest township first.
 * Each way of finding is its own index query (see households/find-people.ts).
 */
export async function searchPickers(
	db: Db,
	actor: UserActor,
	query: string,
	stationId?: string | null,
	day?: string | null
): Promise<PickerMatch[]> {
	requireProgramStaff(actor);
	const parsed = parsePersonQuery(query);
	if (!parsed) return [];
	const station = stationId ? await getStation(db, actor, stationId) : null;
	return runPickerSearch(db, actor, parsed, station, day && isDate(day) ? day : todayInChina());
}

/** The search statement itself (exported for the plan test). */
export function pickerSearchQuery(
	db: Db,
	actor: UserActor,
	parsed: PersonQuery,
	station: { id: string; villageCode: string } | null,
	day: string
) {
	const near = station ? station.villageCode.slice(0, 9) : (actor.townshipCodes[0] ?? '');
	const hits = personHits(db, parsed, {
		countyId: actor.countyId,
		village: (column) => villageScope(actor, column),
		unscoped: ['id_number']
	});
	// This station's pickers this year: one range scan of the station's weigh-ins, run once
	// and hashed (an uncorrelated IN), never a lookup per person found.
	const regulars = station
		? db
				.select({ memberId: pickingEntries.memberId })
				.from(pickingEntries)
				.where(
					and(
						eq(pickingEntries.countyId, actor.countyId),
						eq(pickingEntries.stationId, station.id),
						gte(pickingEntries.pickedOn, `${day.slice(0, 4)}-01-01`),
						lte(pickingEntries.pickedOn, day),
						eq(pickingEntries.voided, false)
					)
				)
		: null;
	const childBorn = yearsBefore(day, MINIMUM_PICKER_AGE);
	const oldBorn = yearsBefore(day, OLDEST_USUAL_PICKER + 1);
	const nearby = sql<boolean>`left(${households.villageCode}, 9) = ${near}`;
	const pickedHere = regulars ? sql<boolean>`${members.id} in ${regulars}` : sql<boolean>`false`;
	const band = sql<number>`case when ${members.birthDate} > ${childBorn}::date then 3 when ${members.birthDate} <= ${oldBorn}::date then 2 else 1 end`;
	const inScope = villageScope(actor, households.villageCode);
	const place =
		parsed.kind === 'name' && parsed.place
			? like(divisions.name, `%${escapeLike(parsed.place)}%`)
			: undefined;
	// The first dozen by rank from the people found; only those get their village and
	// township names (a common surname finds thousands: no lookups for the rest).
	const rankedBase = db
		.select({
			memberId: members.id,
			householdId: members.householdId,
			name: members.name,
			idNumber: members.idNumber,
			birthDate: members.birthDate,
			villageCode: households.villageCode,
			nearby: nearby.as('nearby'),
			pickedHere: pickedHere.as('picked_here'),
			band: band.as('band'),
			inScope: sql<boolean>`${inScope}`.as('in_scope')
		})
		.from(hits)
		.innerJoin(members, and(eq(members.countyId, actor.countyId), eq(members.id, hits.id)))
		.innerJoin(
			households,
			and(eq(households.countyId, members.countyId), eq(households.id, members.householdId))
		);
	const ranked = (
		place
			? rankedBase.innerJoin(divisions, eq(divisions.code, households.villageCode)).where(place)
			: rankedBase
	)
		.orderBy(
			...(regulars ? [desc(pickedHere)] : []),
			asc(band),
			desc(nearby),
			asc(households.villageCode),
			asc(members.name),
			asc(members.id)
		)
		.limit(PICKER_LIMIT)
		.as('ranked');
	return db
		.select({
			memberId: ranked.memberId,
			householdId: ranked.householdId,
			name: ranked.name,
			idNumber: ranked.idNumber,
			birthDate: ranked.birthDate,
			villageCode: ranked.villageCode,
			villageName: divisions.name,
			townshipName: township.name,
			nearby: ranked.nearby,
			pickedHere: ranked.pickedHere,
			inScope: ranked.inScope
		})
		.from(ranked)
		.innerJoin(divisions, eq(divisions.code, ranked.villageCode))
		.leftJoin(township, eq(township.code, divisions.parentCode))
		.orderBy(
			desc(ranked.pickedHere),
			asc(ranked.band),
			desc(ranked.nearby),
			asc(ranked.villageCode),
			asc(ranked.name),
			asc(ranked.memberId)
		);
}

async function runPickerSearch(
	db: Db,
	actor: UserActor,
	parsed: PersonQuery,
	station: { id: string; villageCode: string } | null,
	day: string
): Promise<PickerMatch[]> {
	const rows = await pickerSearchQuery(db, actor, parsed, station, day);
	return rows.map((r) => pickerMatch(r, day));
}

function pickerMatch(
	r: {
		memberId: string;
		householdId: string;
		name: string;
		idNumber: string;
		birthDate: string;
		villageCode: string;
		villageName: string;
		townshipName: string | null;
		nearby: unknown;
		pickedHere?: unknown;
		inScope?: unknown;
	},
	day: string
): PickerMatch {
	const outsideScope = r.inScope === false;
	return {
		memberId: r.memberId,
		householdId: r.householdId,
		name: outsideScope ? maskName(r.name) : r.name,
		maskedIdNumber: maskIdentityNumber(r.idNumber),
		birthYear: outsideScope ? '' : r.birthDate.slice(0, 4),
		villageCode: outsideScope ? r.villageCode.slice(0, 9) : r.villageCode,
		villageName: outsideScope ? '' : r.villageName,
		townshipName: r.townshipName ?? '',
		nearby: Boolean(r.nearby),
		pickedHere: Boolean(r.pickedHere),
		child: ageOn(r.birthDate, day) < MINIMUM_PICKER_AGE,
		outsideScope
	};
}

/**
 * One registered picker by member id (the screen without JavaScript chooses by link), or
 * null: unknown, or a child, for whom no weight is recorded.
 */
export async function getPicker(
	db: Db,
	actor: UserActor,
	memberId: unknown,
	day?: string | null
): Promise<PickerMatch | null> {
	requireProgramStaff(actor);
	if (!isUuid(memberId)) return null;
	const [row] = await db
		.select({
			memberId: members.id,
			householdId: members.householdId,
			name: members.name,
			idNumber: members.idNumber,
			birthDate: members.birthDate,
			villageCode: households.villageCode,
			villageName: divisions.name,
			townshipName: township.name,
			inScope: sql<boolean>`${villageScope(actor, households.villageCode)}`
		})
		.from(members)
		.innerJoin(
			households,
			and(eq(households.countyId, members.countyId), eq(households.id, members.householdId))
		)
		.innerJoin(divisions, eq(divisions.code, households.villageCode))
		.leftJoin(township, eq(township.code, divisions.parentCode))
		.where(
			and(eq(members.countyId, actor.countyId), eq(members.id, memberId), eq(members.current, true))
		);
	if (!row) return null;
	const match = pickerMatch({ ...row, nearby: true }, day && isDate(day) ? day : todayInChina());
	return match.child ? null : match;
}

export interface PickingEntryInput {
	/** UUIDv7 made by the phone: the same id sent twice records one weigh-in. */
	id: unknown;
	stationId: unknown;
	pickedOn: unknown;
	/** A registered picker; leave empty for an outside picker. */
	memberId?: unknown;
	/** An outside picker's name and, if they have one with them, identity number. */
	pickerName?: unknown;
	pickerIdNumber?: unknown;
	/** Integer grams (the phone parses), or kilograms as typed ("12.5"). */
	weightGrams?: unknown;
	weight?: unknown;
}

/**
 * One type per field: `weightGrams` is a JSON number of whole grams (what the phone sends),
 * `weight` is text in kilograms as typed ("12.5"). The other type in either is refused,
 * so "50" can never be read as 50 kg where 50 means 50 g.
 */
function parseWeight(
	input: { weightGrams?: unknown; weight?: unknown },
	issues: FieldIssue[]
): number {
	if (input.weightGrams !== undefined && input.weightGrams !== null) {
		if (typeof input.weightGrams !== 'number') {
			issues.push({ field: 'weightGrams', key: 'input_error_weight_grams_type' });
			return 0;
		}
		if (!Number.isSafeInteger(input.weightGrams)) {
			issues.push({ field: 'weight', key: 'picking_error_weight_format' });
			return 0;
		}
		if (input.weightGrams < 0)
			issues.push({ field: 'weight', key: 'picking_error_weight_negative' });
		else if (input.weightGrams === 0)
			issues.push({ field: 'weight', key: 'picking_error_weight_zero' });
		return input.weightGrams;
	}
	if (input.weight !== undefined && input.weight !== null && typeof input.weight !== 'string') {
		issues.push({ field: 'weight', key: 'input_error_weight_type' });
		return 0;
	}
	const parsed = parseKilograms(text(input.weight, 30, 'weight'));
	if (!parsed.ok) {
		issues.push(numberIssue('weight', parsed, `picking_error_weight_${parsed.problem}`));
		return 0;
	}
	return parsed.value;
}

function checkCeiling(grams: number, ceiling: number, issues: FieldIssue[]): void {
	if (grams > ceiling) {
		issues.push({
			field: 'weight',
			key: 'picking_error_weight_ceiling',
			params: { max: gramsToKgText(ceiling) }
		});
	}
}

interface Picker {
	memberId: string | null;
	householdId: string | null;
	pickerName: string;
	pickerIdNumber: string | null;
	villageName: string | null;
}

/** The registered member (any current member of the county) or an outside picker. */
async function resolvePicker(
	db: Db,
	countyId: string,
	input: { memberId?: unknown; pickerName?: unknown; pickerIdNumber?: unknown },
	issues: FieldIssue[],
	today: string,
	/** The day picked: nobody under 16 on that day is recorded. */
	day: string = today
): Promise<Picker | null> {
	const memberId = text(input.memberId, 40, 'memberId');
	if (memberId) {
		const [member] = isUuid(memberId)
			? await db
					.select({
						id: members.id,
						householdId: members.householdId,
						name: members.name,
						idNumber: members.idNumber,
						birthDate: members.birthDate,
						current: members.current,
						villageName: divisions.name
					})
					.from(members)
					.innerJoin(
						households,
						and(eq(households.countyId, members.countyId), eq(households.id, members.householdId))
					)
					.innerJoin(divisions, eq(divisions.code, households.villageCode))
					.where(and(eq(members.countyId, countyId), eq(members.id, memberId)))
			: [];
		if (!member) {
			issues.push({ field: 'memberId', key: 'picking_error_member' });
			return null;
		}
		if (ageOn(member.birthDate, day) < MINIMUM_PICKER_AGE) {
			issues.push({ field: 'memberId', key: 'field_error_picker_child' });
			return null;
		}
		return {
			memberId: member.id,
			householdId: member.householdId,
			pickerName: member.name,
			pickerIdNumber: member.idNumber,
			villageName: member.villageName
		};
	}
	const pickerName = text(input.pickerName, 40, 'pickerName');
	const idText = text(input.pickerIdNumber, 30, 'pickerIdNumber');
	if (!pickerName) issues.push({ field: 'pickerName', key: 'picking_error_outside_name' });
	let pickerIdNumber: string | null = null;
	if (idText) {
		const parsed = parseIdentityNumber(idText, today);
		if (!parsed.ok) issues.push({ field: 'pickerIdNumber', key: 'picking_error_outside_id' });
		else {
			pickerIdNumber = parsed.value.number;
			const [registered] = await db
				.select({ name: members.name })
				.from(members)
				.where(and(eq(members.countyId, countyId), eq(members.idNumber, pickerIdNumber)));
			if (registered) {
				issues.push({
					field: 'pickerIdNumber',
					key: 'picking_error_outside_registered',
					params: { name: registered.name }
				});
			}
		}
	}
	return { memberId: null, householdId: null, pickerName, pickerIdNumber, villageName: null };
}

function toView(
	entry: PickingEntry,
	villageName: string | null,
	paidOn: string | null
): PickingEntryView {
	return {
		id: entry.id,
		stationId: entry.stationId,
		pickedOn: entry.pickedOn,
		memberId: entry.memberId,
		householdId: entry.householdId,
		pickerName: entry.pickerName,
		maskedIdNumber: entry.pickerIdNumber ? maskIdentityNumber(entry.pickerIdNumber) : null,
		villageName,
		weightGrams: entry.weightGrams,
		rateFenPerKg: entry.rateFenPerKg,
		amountFen: entry.amountFen,
		version: entry.version,
		voided: entry.voided,
		paidOn,
		createdAt: new Date(entry.createdAt).toISOString()
	};
}

/** A replay is the same weigh-in: same station, day, picker and (while uncorrected) weight. */
function sameWeighIn(
	existing: PickingEntry,
	candidate: {
		stationId: string;
		pickedOn: string;
		memberId: string | null;
		pickerName: string;
		weightGrams: number;
	}
): boolean {
	const samePlace =
		existing.stationId === candidate.stationId && existing.pickedOn === candidate.pickedOn;
	const samePicker = candidate.memberId
		? existing.memberId === candidate.memberId
		: existing.memberId === null && existing.pickerName === candidate.pickerName;
	// Corrected since it first arrived: the replay is of the original, recognised by place and picker.
	const sameWeight = existing.version > 1 || existing.weightGrams === candidate.weightGrams;
	return samePlace && samePicker && sameWeight;
}

async function existingEntry(db: Db, countyId: string, id: string) {
	const [row] = await db
		.select({ entry: pickingEntries, villageName: divisions.name, paidOn: pickingPayments.paidOn })
		.from(pickingEntries)
		.leftJoin(
			households,
			and(
				eq(households.countyId, pickingEntries.countyId),
				eq(households.id, pickingEntries.householdId)
			)
		)
		.leftJoin(divisions, eq(divisions.code, households.villageCode))
		.leftJoin(
			pickingPayments,
			and(
				eq(pickingPayments.countyId, pickingEntries.countyId),
				eq(pickingPayments.id, pickingEntries.paymentId)
			)
		)
		.where(and(eq(pickingEntries.countyId, countyId), eq(pickingEntries.id, id)));
	return row ?? null;
}

/**
 * One weigh-in by id as the station screen shows it, or null: unknown, or at a station
 * outside the actor's townships. The offline sync shows it beside a phone's conflicting copy.
 */
export async function findPickingEntry(
	db: Db,
	actor: UserActor,
	id: unknown
): Promise<PickingEntryView | null> {
	requireProgramStaff(actor);
	if (!isUuid(id)) return null;
	const row = await existingEntry(db, actor.countyId, id);
	if (!row) return null;
	const station = await getStation(db, actor, row.entry.stationId).catch(() => null);
	return station ? toView(row.entry, row.villageName, row.paidOn) : null;
}

/** The lookup of a weigh-in, prepared once per database. */
const prepared = new WeakMap<Db, ReturnType<typeof prepareWeighInContext>>();

function prepareWeighInContext(db: Db) {
	const county = sql.placeholder('county');
	const day = sql.placeholder('day');
	const season = (column: typeof plantingSeasons.id | typeof plantingSeasons.pickingRateFenPerKg) =>
		sql<
			string | null
		>`(select ${column} from ${plantingSeasons} where ${plantingSeasons.countyId} = ${county} and ${plantingSeasons.startsOn} <= ${day}::date and ${plantingSeasons.endsOn} >= ${day}::date limit 1)`;
	return db
		.select({
			stationId: weighingStations.id,
			villageCode: weighingStations.villageCode,
			active: weighingStations.active,
			seasonId: season(plantingSeasons.id),
			rate: season(plantingSeasons.pickingRateFenPerKg),
			ceiling: sql<
				number | null
			>`(select ${countySettings.weighInCeilingGrams} from ${countySettings} where ${countySettings.countyId} = ${county})`,
			memberId: members.id,
			householdId: members.householdId,
			memberName: members.name,
			memberIdNumber: members.idNumber,
			memberBirthDate: members.birthDate,
			villageName: divisions.name
		})
		.from(weighingStations)
		.leftJoin(
			members,
			and(
				eq(members.countyId, weighingStations.countyId),
				eq(members.id, sql.placeholder('member'))
			)
		)
		.leftJoin(
			households,
			and(eq(households.countyId, members.countyId), eq(households.id, members.householdId))
		)
		.leftJoin(divisions, eq(divisions.code, households.villageCode))
		.where(
			and(
				eq(weighingStations.countyId, county),
				eq(weighingStations.id, sql.placeholder('station'))
			)
		)
		.prepare('planting_weigh_in_context');
}

function weighInContext(db: Db) {
	let statement = prepared.get(db);
	if (!statement) {
		statement = prepareWeighInContext(db);
		prepared.set(db, statement);
	}
	return statement;
}

let knownDefaultCeiling: number | null = null;

/**
 * A county without its own settings row weighs against Levee's default ceiling, which is
 * a constant of the settings module: asked once, then remembered.
 */
async function defaultCeiling(db: Db, countyId: string): Promise<number> {
	knownDefaultCeiling ??= (await getCountySettings(db, countyId)).weighInCeilingGrams;
	return knownDefaultCeiling;
}

export interface RecordResult {
	entry: PickingEntryView;
	/** True when this id had been recorded before: nothing new was written. */
	replayed: boolean;
}

/**
 * Records one weigh-in at a station: the amount is weight × the season's picking rate,
 * kept on the entry. Applied idempotently by the phone's id, so a retried or queued entry
 * is recorded once; the same id with different content is refused.
 */
export async function recordPickingEntry(
	db: Db,
	actor: UserActor,
	input: PickingEntryInput,
	today: string
): Promise<RecordResult> {
	requireProgramStaff(actor);
	if (!isUuidV7(input.id)) throw DomainError.invalid('id', 'picking_error_id');
	const id = input.id;
	const issues: FieldIssue[] = [];
	const pickedOn = text(input.pickedOn, 10, 'pickedOn');
	const dateOk = isDate(pickedOn);
	const memberText = text(input.memberId, 40, 'memberId');
	// The busiest path of the program (a station weighs a picker every few seconds): the
	// station, the season of the day, the county's ceiling and the registered picker come
	// back in one prepared query.
	const [context] = isUuid(input.stationId)
		? await weighInContext(db).execute({
				county: actor.countyId,
				station: input.stationId,
				day: dateOk ? pickedOn : null,
				member: isUuid(memberText) ? memberText : null
			})
		: [];
	if (!context || !canReachVillage(actor, context.villageCode)) throw DomainError.notFound();
	let picker: Picker | null;
	if (memberText) {
		picker = context.memberId
			? {
					memberId: context.memberId,
					householdId: context.householdId,
					pickerName: context.memberName!,
					pickerIdNumber: context.memberIdNumber,
					villageName: context.villageName
				}
			: null;
		if (!picker) issues.push({ field: 'memberId', key: 'picking_error_member' });
		else if (
			dateOk &&
			context.memberBirthDate &&
			ageOn(context.memberBirthDate, pickedOn) < MINIMUM_PICKER_AGE
		) {
			issues.push({ field: 'memberId', key: 'field_error_picker_child' });
		}
	} else {
		picker = await resolvePicker(db, actor.countyId, input, issues, today);
	}
	const weightGrams = parseWeight(input, issues);
	const ceiling = context.ceiling ?? (await defaultCeiling(db, actor.countyId));
	if (weightGrams > 0) checkCeiling(weightGrams, Number(ceiling), issues);
	if (!dateOk) issues.push({ field: 'pickedOn', key: 'picking_error_date' });
	else if (pickedOn > today) issues.push({ field: 'pickedOn', key: 'picking_error_future' });
	else if (!context.seasonId) issues.push(await outsideSeason(db, actor.countyId, pickedOn));
	if (!context.active) issues.push({ field: 'stationId', key: 'picking_error_station_closed' });
	if (issues.length || !picker || !context.seasonId || context.rate === null) {
		// A replay of an entry recorded earlier answers with that entry, even if the station
		// has closed or the season's window moved since.
		const earlier = await existingEntry(db, actor.countyId, id);
		if (
			earlier &&
			earlier.entry.stationId === context.stationId &&
			earlier.entry.pickedOn === pickedOn
		) {
			return { entry: toView(earlier.entry, earlier.villageName, earlier.paidOn), replayed: true };
		}
		throw new DomainError('invalid', issues.length ? issues : [{ field: '', key: 'error_form' }]);
	}
	const rateFenPerKg = Number(context.rate);
	const row = {
		countyId: actor.countyId,
		id,
		seasonId: context.seasonId,
		stationId: context.stationId,
		pickedOn,
		memberId: picker.memberId,
		householdId: picker.householdId,
		pickerName: picker.pickerName,
		pickerIdNumber: picker.pickerIdNumber,
		weightGrams,
		rateFenPerKg,
		amountFen: pickingAmountFen(weightGrams, rateFenPerKg),
		version: 1,
		voided: false,
		paymentId: null,
		enteredBy: actor.userId
	};
	const createdAt = await insertWithAudit(db, actor, row);
	if (createdAt) {
		const entry: PickingEntry = { ...row, createdAt, updatedAt: createdAt };
		return { entry: toView(entry, picker.villageName, null), replayed: false };
	}
	const earlier = await existingEntry(db, actor.countyId, id);
	if (!earlier || !sameWeighIn(earlier.entry, row)) {
		throw DomainError.conflict('id', 'picking_error_replay_differs');
	}
	return { entry: toView(earlier.entry, earlier.villageName, earlier.paidOn), replayed: true };
}

/**
 * The weigh-in and its audit row in one statement (atomic by itself, no transaction round
 * trips): the same audit row recordAudit writes. Null when the id was recorded before.
 */
async function insertWithAudit(
	db: Db,
	actor: UserActor,
	row: Omit<PickingEntry, 'createdAt' | 'updatedAt'>
): Promise<Date | null> {
	const after = maskForAudit({
		station: row.stationId,
		pickedOn: row.pickedOn,
		member: row.memberId,
		pickerName: row.memberId ? undefined : row.pickerName,
		weightGrams: row.weightGrams,
		rateFenPerKg: row.rateFenPerKg,
		amountFen: row.amountFen
	});
	const result = await db.execute(sql`
		with entry as (
			insert into ${pickingEntries} (county_id, id, season_id, station_id, picked_on, member_id,
				household_id, picker_name, picker_id_number, weight_grams, rate_fen_per_kg, amount_fen, entered_by)
			values (${row.countyId}, ${row.id}, ${row.seasonId}, ${row.stationId}, ${row.pickedOn},
				${row.memberId}, ${row.householdId}, ${row.pickerName}, ${row.pickerIdNumber},
				${row.weightGrams}, ${row.rateFenPerKg}, ${row.amountFen}, ${row.enteredBy})
			on conflict do nothing
			returning county_id, id, created_at
		), audit as (
			insert into ${auditLog} (county_id, id, actor_user_id, actor_label, action, entity, entity_id, after)
			select county_id, ${newId()}, ${actor.userId}, ${actor.label}, 'picking.entry.create',
				'picking_entry', id::text, ${JSON.stringify(after)}::jsonb
			from entry
		)
		select (extract(epoch from created_at) * 1000)::bigint::text as created_at from entry`);
	const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
		created_at: string;
	}[];
	return rows[0] ? new Date(Number(rows[0].created_at)) : null;
}

/** The day's weigh-ins at a station, newest first, voided ones included (shown struck out). */
export async function listStationDay(
	db: Db,
	actor: UserActor,
	stationId: unknown,
	date: string
): Promise<{ entries: PickingEntryView[]; totals: DayTotals }> {
	const station = await getStation(db, actor, stationId);
	if (!isDate(date)) throw DomainError.invalid('date', 'picking_error_date');
	const rows = await db
		.select({ entry: pickingEntries, villageName: divisions.name, paidOn: pickingPayments.paidOn })
		.from(pickingEntries)
		.leftJoin(
			households,
			and(
				eq(households.countyId, pickingEntries.countyId),
				eq(households.id, pickingEntries.householdId)
			)
		)
		.leftJoin(divisions, eq(divisions.code, households.villageCode))
		.leftJoin(
			pickingPayments,
			and(
				eq(pickingPayments.countyId, pickingEntries.countyId),
				eq(pickingPayments.id, pickingEntries.paymentId)
			)
		)
		.where(
			and(
				eq(pickingEntries.countyId, actor.countyId),
				eq(pickingEntries.stationId, station.id),
				eq(pickingEntries.pickedOn, date)
			)
		)
		.orderBy(desc(pickingEntries.createdAt), desc(pickingEntries.id));
	const entries = rows.map((r) => toView(r.entry, r.villageName, r.paidOn));
	return { entries, totals: dayTotals(entries) };
}

/** An entry at a station the actor works at, or not found. */
async function scopedEntry(db: Db, actor: UserActor, entryId: unknown) {
	requireProgramStaff(actor);
	if (!isUuid(entryId)) throw DomainError.notFound();
	const [row] = await db
		.select({ entry: pickingEntries, villageCode: weighingStations.villageCode })
		.from(pickingEntries)
		.innerJoin(
			weighingStations,
			and(
				eq(weighingStations.countyId, pickingEntries.countyId),
				eq(weighingStations.id, pickingEntries.stationId)
			)
		)
		.where(and(eq(pickingEntries.countyId, actor.countyId), eq(pickingEntries.id, entryId)));
	if (!row || !canReachVillage(actor, row.villageCode)) throw DomainError.notFound();
	return row.entry;
}

export interface CorrectionInput {
	weight?: unknown;
	weightGrams?: unknown;
	/** A different registered picker, or empty to keep the picker. */
	memberId?: unknown;
	/** The version the person saw: a correction of a stale screen is refused. */
	version?: unknown;
	reason?: unknown;
}

/**
 * Corrects a weigh-in's weight or picker. The entry keeps the rate it was weighed at and
 * gets its next version; once paid, the paid version's income is reversed and the new
 * version posted, so the household's ledger always matches the entry.
 */
export async function correctPickingEntry(
	db: Db,
	actor: UserActor,
	entryId: unknown,
	input: CorrectionInput,
	today: string
): Promise<PickingEntryView> {
	const current = await scopedEntry(db, actor, entryId);
	const issues: FieldIssue[] = [];
	const weightGrams = parseWeight(input, issues);
	const settings = await getCountySettings(db, actor.countyId);
	if (weightGrams > 0) checkCeiling(weightGrams, settings.weighInCeilingGrams, issues);
	const memberText = text(input.memberId, 40, 'memberId');
	const picker =
		memberText && memberText !== current.memberId
			? await resolvePicker(
					db,
					actor.countyId,
					{ memberId: memberText },
					issues,
					today,
					current.pickedOn
				)
			: null;
	if (current.voided) issues.push({ field: '', key: 'picking_error_voided' });
	if (issues.length) throw new DomainError('invalid', issues);
	const reason = text(input.reason, 200, 'reason') || null;
	return inTransaction(db, async (tx) => {
		const [locked] = await tx
			.select()
			.from(pickingEntries)
			.where(and(eq(pickingEntries.countyId, current.countyId), eq(pickingEntries.id, current.id)))
			.for('update');
		const expected = Number(text(input.version, 10, 'version') || locked.version);
		if (expected !== locked.version) {
			throw DomainError.conflict('', 'picking_error_changed_meanwhile');
		}
		const next = {
			memberId: picker ? picker.memberId : locked.memberId,
			householdId: picker ? picker.householdId : locked.householdId,
			pickerName: picker ? picker.pickerName : locked.pickerName,
			pickerIdNumber: picker ? picker.pickerIdNumber : locked.pickerIdNumber,
			weightGrams,
			amountFen: pickingAmountFen(weightGrams, locked.rateFenPerKg),
			version: locked.version + 1
		};
		if (next.weightGrams === locked.weightGrams && next.memberId === locked.memberId) {
			throw DomainError.invalid('weight', 'picking_error_unchanged');
		}
		const [updated] = await tx
			.update(pickingEntries)
			.set({ ...next, updatedAt: new Date() })
			.where(and(eq(pickingEntries.countyId, locked.countyId), eq(pickingEntries.id, locked.id)))
			.returning();
		if (locked.paymentId) await repost(tx, actor, locked, updated);
		await recordAudit(tx, actor, {
			countyId: locked.countyId,
			action: 'picking.entry.correct',
			entity: 'picking_entry',
			entityId: locked.id,
			before: {
				version: locked.version,
				member: locked.memberId,
				weightGrams: locked.weightGrams,
				amountFen: locked.amountFen,
				paid: Boolean(locked.paymentId)
			},
			after: {
				version: next.version,
				member: next.memberId,
				weightGrams: next.weightGrams,
				amountFen: next.amountFen,
				reason
			}
		});
		const [row] = await tx
			.select({ villageName: divisions.name, paidOn: pickingPayments.paidOn })
			.from(pickingEntries)
			.leftJoin(
				households,
				and(
					eq(households.countyId, pickingEntries.countyId),
					eq(households.id, pickingEntries.householdId)
				)
			)
			.leftJoin(divisions, eq(divisions.code, households.villageCode))
			.leftJoin(
				pickingPayments,
				and(
					eq(pickingPayments.countyId, pickingEntries.countyId),
					eq(pickingPayments.id, pickingEntries.paymentId)
				)
			)
			.where(and(eq(pickingEntries.countyId, locked.countyId), eq(pickingEntries.id, locked.id)));
		return toView(updated, row?.villageName ?? null, row?.paidOn ?? null);
	});
}

/** A paid entry changed: reverse what its old version posted, post what the new one earns. */
async function repost(tx: Db, actor: UserActor, before: PickingEntry, after: PickingEntry) {
	const [payment] = await tx
		.select({ paidOn: pickingPayments.paidOn })
		.from(pickingPayments)
		.where(
			and(eq(pickingPayments.countyId, before.countyId), eq(pickingPayments.id, before.paymentId!))
		);
	const [posted] = await tx
		.select({ id: ledgerEntries.id })
		.from(ledgerEntries)
		.where(
			and(
				eq(ledgerEntries.countyId, before.countyId),
				eq(ledgerEntries.source, 'picking'),
				eq(ledgerEntries.sourceId, before.id),
				eq(ledgerEntries.sourceVersion, before.version),
				isNull(ledgerEntries.reversesEntryId)
			)
		);
	if (posted) await reverseLedgerEntry(tx, actor, before.countyId, posted.id, 'correction');
	if (after.householdId) {
		await postLedgerEntry(tx, actor, {
			countyId: after.countyId,
			householdId: after.householdId,
			memberId: after.memberId,
			businessDate: payment.paidOn,
			amountFen: after.amountFen,
			kind: 'wage',
			subtype: 'picking',
			source: 'picking',
			sourceId: after.id,
			sourceVersion: after.version,
			note: `${gramsToKgText(after.weightGrams)} kg`
		});
	}
}

/** A weigh-in recorded by mistake is voided (kept, struck out); a paid one is corrected instead. */
export async function voidPickingEntry(
	db: Db,
	actor: UserActor,
	entryId: unknown,
	input: { reason?: unknown; version?: unknown } = {}
): Promise<void> {
	const current = await scopedEntry(db, actor, entryId);
	await inTransaction(db, async (tx) => {
		const [locked] = await tx
			.select()
			.from(pickingEntries)
			.where(and(eq(pickingEntries.countyId, current.countyId), eq(pickingEntries.id, current.id)))
			.for('update');
		if (locked.voided) throw DomainError.invalid('', 'picking_error_voided');
		if (locked.paymentId) throw DomainError.invalid('', 'picking_error_void_paid');
		const expected = Number(text(input.version, 10, 'version') || locked.version);
		if (expected !== locked.version)
			throw DomainError.conflict('', 'picking_error_changed_meanwhile');
		await tx
			.update(pickingEntries)
			.set({ voided: true, version: locked.version + 1, updatedAt: new Date() })
			.where(and(eq(pickingEntries.countyId, locked.countyId), eq(pickingEntries.id, locked.id)));
		await recordAudit(tx, actor, {
			countyId: locked.countyId,
			action: 'picking.entry.void',
			entity: 'picking_entry',
			entityId: locked.id,
			before: {
				version: locked.version,
				weightGrams: locked.weightGrams,
				amountFen: locked.amountFen
			},
			after: { voided: true, reason: text(input.reason, 200, 'reason') || null }
		});
	});
}

/** Says which window the date missed, or that the year has no season at all. */
async function outsideSeason(db: Db, countyId: string, date: string): Promise<FieldIssue> {
	const [season] = await db
		.select({ startsOn: plantingSeasons.startsOn, endsOn: plantingSeasons.endsOn })
		.from(plantingSeasons)
		.where(
			and(
				eq(plantingSeasons.countyId, countyId),
				eq(plantingSeasons.year, Number(date.slice(0, 4)))
			)
		);
	return season
		? {
				field: 'pickedOn',
				key: 'picking_error_outside_season',
				params: { from: season.startsOn, to: season.endsOn }
			}
		: { field: 'pickedOn', key: 'picking_error_no_season', params: { year: date.slice(0, 4) } };
}
