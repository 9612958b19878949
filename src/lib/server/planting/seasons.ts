import { and, count, desc, eq, gt, gte, lt, lte, or } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { isUuid, newId } from '../db/ids';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { DomainError, type FieldIssue } from '../errors';
import { parseYuan } from '../../input';
import { numberIssue } from '../input';
import { requireAdmin, requireProgramStaff } from './access';
import { isDate, parseCount, text } from './common';
import { pickingEntries, plantingSeasons, plantingSubsidies } from './schema';

export type Season = typeof plantingSeasons.$inferSelect;

/** The report's values: 900 yuan per mu in the first year, 1 yuan per kg, ~300 seedlings. */
export const SEASON_DEFAULTS = {
	firstYearSubsidyFenPerMu: 90_000,
	laterYearSubsidyFenPerMu: 0,
	pickingRateFenPerKg: 100,
	seedlingsPerMu: 300
} as const;

/** Honeysuckle in Hebei is picked from May to September. */
export function defaultWindow(year: number): { startsOn: string; endsOn: string } {
	return { startsOn: `${year}-05-01`, endsOn: `${year}-09-30` };
}

export interface SeasonInput {
	year: unknown;
	firstYearRate: unknown;
	laterYearRate: unknown;
	pickingRate: unknown;
	seedlingsPerMu: unknown;
	startsOn: unknown;
	endsOn: unknown;
}

export interface SeasonSummary extends Season {
	pickingEntries: number;
	subsidyLines: number;
}

/** The county's seasons, newest first; staff read them, admins change them. */
export async function listSeasons(db: Db, actor: UserActor): Promise<SeasonSummary[]> {
	requireProgramStaff(actor);
	const seasons = await db
		.select()
		.from(plantingSeasons)
		.where(eq(plantingSeasons.countyId, actor.countyId))
		.orderBy(desc(plantingSeasons.year));
	return Promise.all(seasons.map((s) => withUsage(db, s)));
}

async function withUsage(db: Db, season: Season): Promise<SeasonSummary> {
	const [[entries], [lines]] = await Promise.all([
		db
			.select({ n: count() })
			.from(pickingEntries)
			.where(
				and(eq(pickingEntries.countyId, season.countyId), eq(pickingEntries.seasonId, season.id))
			),
		db
			.select({ n: count() })
			.from(plantingSubsidies)
			.where(
				and(
					eq(plantingSubsidies.countyId, season.countyId),
					eq(plantingSubsidies.seasonId, season.id)
				)
			)
	]);
	return { ...season, pickingEntries: entries.n, subsidyLines: lines.n };
}

export async function getSeason(
	db: Db,
	actor: UserActor,
	seasonId: string
): Promise<SeasonSummary> {
	requireProgramStaff(actor);
	if (!isUuid(seasonId)) throw DomainError.notFound();
	const [season] = await db
		.select()
		.from(plantingSeasons)
		.where(and(eq(plantingSeasons.countyId, actor.countyId), eq(plantingSeasons.id, seasonId)));
	if (!season) throw DomainError.notFound();
	return withUsage(db, season);
}

/** The season whose picking window holds a date, if any. */
export async function seasonOn(db: Db, countyId: string, date: string): Promise<Season | null> {
	const [season] = await db
		.select()
		.from(plantingSeasons)
		.where(
			and(
				eq(plantingSeasons.countyId, countyId),
				lte(plantingSeasons.startsOn, date),
				gte(plantingSeasons.endsOn, date)
			)
		);
	return season ?? null;
}

/** The season of the year of `today`, or else the latest one before it. */
export async function currentSeason(
	db: Db,
	countyId: string,
	today: string
): Promise<Season | null> {
	const year = Number(today.slice(0, 4));
	const [season] = await db
		.select()
		.from(plantingSeasons)
		.where(and(eq(plantingSeasons.countyId, countyId), lte(plantingSeasons.year, year)))
		.orderBy(desc(plantingSeasons.year))
		.limit(1);
	if (season) return season;
	const [later] = await db
		.select()
		.from(plantingSeasons)
		.where(eq(plantingSeasons.countyId, countyId))
		.orderBy(plantingSeasons.year)
		.limit(1);
	return later ?? null;
}

function rate(
	value: unknown,
	field: string,
	issues: FieldIssue[],
	options: { allowZero: boolean; max: number }
): number {
	const raw = text(value, 30, field);
	const read = raw === '' ? null : parseYuan(raw, { allowZero: true });
	if (!read?.ok) {
		issues.push(
			read ? numberIssue(field, read, 'season_error_rate') : { field, key: 'season_error_rate' }
		);
		return 0;
	}
	const fen = read.value;
	if (fen === 0 && !options.allowZero) issues.push({ field, key: 'season_error_rate_zero' });
	else if (fen > options.max) {
		issues.push({ field, key: 'season_error_rate_high', params: { max: options.max / 100 } });
	}
	return fen;
}

function parseSeason(input: SeasonInput, fixedYear?: number) {
	const issues: FieldIssue[] = [];
	const year = fixedYear ?? parseCount(input.year, 2000, 2100);
	if (year === null) issues.push({ field: 'year', key: 'season_error_year' });
	const firstYearSubsidyFenPerMu = rate(input.firstYearRate, 'firstYearRate', issues, {
		allowZero: false,
		max: 1_000_000
	});
	const laterYearSubsidyFenPerMu = rate(input.laterYearRate || '0', 'laterYearRate', issues, {
		allowZero: true,
		max: 1_000_000
	});
	const pickingRateFenPerKg = rate(input.pickingRate, 'pickingRate', issues, {
		allowZero: false,
		max: 10_000
	});
	const seedlingsPerMu = parseCount(input.seedlingsPerMu, 1, 5000);
	if (seedlingsPerMu === null)
		issues.push({ field: 'seedlingsPerMu', key: 'season_error_seedlings' });
	const startsOn = text(input.startsOn, 10, 'startsOn');
	const endsOn = text(input.endsOn, 10, 'endsOn');
	if (!isDate(startsOn) || (year !== null && !startsOn.startsWith(`${year}-`))) {
		issues.push({
			field: 'startsOn',
			key: 'season_error_window_year',
			params: { year: year ?? '' }
		});
	}
	if (!isDate(endsOn) || (year !== null && !endsOn.startsWith(`${year}-`))) {
		issues.push({ field: 'endsOn', key: 'season_error_window_year', params: { year: year ?? '' } });
	} else if (isDate(startsOn) && endsOn < startsOn) {
		issues.push({ field: 'endsOn', key: 'season_error_window_order' });
	}
	if (issues.length) throw new DomainError('invalid', issues);
	return {
		year: year!,
		firstYearSubsidyFenPerMu,
		laterYearSubsidyFenPerMu,
		pickingRateFenPerKg,
		seedlingsPerMu: seedlingsPerMu!,
		startsOn,
		endsOn
	};
}

/** A county admin opens a season with its rates and picking window. */
export async function createSeason(db: Db, actor: UserActor, input: SeasonInput): Promise<string> {
	requireAdmin(actor);
	const season = parseSeason(input);
	const id = newId();
	return inTransaction(db, async (tx) => {
		const [taken] = await tx
			.select({ id: plantingSeasons.id })
			.from(plantingSeasons)
			.where(
				and(eq(plantingSeasons.countyId, actor.countyId), eq(plantingSeasons.year, season.year))
			);
		if (taken) throw DomainError.conflict('year', 'season_error_year_taken', { year: season.year });
		await tx.insert(plantingSeasons).values({ countyId: actor.countyId, id, ...season });
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'planting.season.create',
			entity: 'planting_season',
			entityId: id,
			after: season
		});
		return id;
	});
}

/**
 * Changes a season's rates or window. Entries and subsidy lines already made keep the
 * rates copied onto them, so a new rate only applies from now on; a window that would
 * leave recorded weigh-ins outside it is refused.
 */
export async function updateSeason(
	db: Db,
	actor: UserActor,
	seasonId: string,
	input: SeasonInput
): Promise<{ keptEntries: number }> {
	const before = await getSeason(db, actor, seasonId);
	requireAdmin(actor);
	const after = parseSeason(input, before.year);
	return inTransaction(db, async (tx) => {
		const [outside] = await tx
			.select({ n: count() })
			.from(pickingEntries)
			.where(
				and(
					eq(pickingEntries.countyId, actor.countyId),
					eq(pickingEntries.seasonId, seasonId),
					eq(pickingEntries.voided, false),
					or(gt(pickingEntries.pickedOn, after.endsOn), lt(pickingEntries.pickedOn, after.startsOn))
				)
			);
		if (outside.n > 0) {
			throw DomainError.invalid('endsOn', 'season_error_window_excludes_entries', {
				count: outside.n
			});
		}
		await tx
			.update(plantingSeasons)
			.set({ ...after, updatedAt: new Date() })
			.where(and(eq(plantingSeasons.countyId, actor.countyId), eq(plantingSeasons.id, seasonId)));
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'planting.season.update',
			entity: 'planting_season',
			entityId: seasonId,
			before: {
				firstYearSubsidyFenPerMu: before.firstYearSubsidyFenPerMu,
				laterYearSubsidyFenPerMu: before.laterYearSubsidyFenPerMu,
				pickingRateFenPerKg: before.pickingRateFenPerKg,
				seedlingsPerMu: before.seedlingsPerMu,
				startsOn: before.startsOn,
				endsOn: before.endsOn
			},
			after
		});
		return { keptEntries: before.pickingEntries };
	});
}

/** A season opened by mistake can go while nothing hangs on it. */
export async function deleteSeason(db: Db, actor: UserActor, seasonId: string): Promise<void> {
	const season = await getSeason(db, actor, seasonId);
	requireAdmin(actor);
	if (season.pickingEntries > 0 || season.subsidyLines > 0) {
		throw DomainError.invalid('', 'season_error_in_use');
	}
	await inTransaction(db, async (tx) => {
		await tx
			.delete(plantingSeasons)
			.where(and(eq(plantingSeasons.countyId, actor.countyId), eq(plantingSeasons.id, seasonId)));
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'planting.season.delete',
			entity: 'planting_season',
			entityId: seasonId,
			before: { year: season.year }
		});
	});
}
