import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { pickingEntries, plantingSeasons } from './schema';

export interface SeasonWindow {
	id: string;
	year: number;
	startsOn: string;
	endsOn: string;
}

/**
 * The latest season whose picking window has begun by `onDate`, and the season of the year
 * before it (null when the county had none).
 */
export async function currentAndLastSeason(
	db: Db,
	countyId: string,
	onDate: string
): Promise<{ thisSeason: SeasonWindow | null; lastSeason: SeasonWindow | null }> {
	const columns = {
		id: plantingSeasons.id,
		year: plantingSeasons.year,
		startsOn: plantingSeasons.startsOn,
		endsOn: plantingSeasons.endsOn
	};
	const [thisSeason] = await db
		.select(columns)
		.from(plantingSeasons)
		.where(and(eq(plantingSeasons.countyId, countyId), lte(plantingSeasons.startsOn, onDate)))
		.orderBy(desc(plantingSeasons.startsOn))
		.limit(1);
	if (!thisSeason) return { thisSeason: null, lastSeason: null };
	const [lastSeason] = await db
		.select(columns)
		.from(plantingSeasons)
		.where(
			and(eq(plantingSeasons.countyId, countyId), eq(plantingSeasons.year, thisSeason.year - 1))
		);
	return { thisSeason, lastSeason: lastSeason ?? null };
}

export interface SeasonPicking {
	weighIns: number;
	amountFen: number;
}

/**
 * Weigh-ins (not voided) of households' members in given seasons: per household, per
 * season id, the count and the money earned. Grouped per 5,000 households.
 */
export async function pickingOfHouseholds(
	db: Db,
	countyId: string,
	householdIds: string[],
	seasonIds: string[]
): Promise<Map<string, Map<string, SeasonPicking>>> {
	const result = new Map<string, Map<string, SeasonPicking>>();
	if (seasonIds.length === 0) return result;
	for (let i = 0; i < householdIds.length; i += 5000) {
		const ids = householdIds.slice(i, i + 5000);
		const rows = await db
			.select({
				householdId: pickingEntries.householdId,
				seasonId: pickingEntries.seasonId,
				weighIns: sql<number>`count(*)::int`,
				amountFen: sql<string>`coalesce(sum(${pickingEntries.amountFen}), 0)`
			})
			.from(pickingEntries)
			.where(
				and(
					eq(pickingEntries.countyId, countyId),
					inArray(pickingEntries.householdId, ids),
					inArray(pickingEntries.seasonId, seasonIds),
					eq(pickingEntries.voided, false)
				)
			)
			.groupBy(pickingEntries.householdId, pickingEntries.seasonId);
		for (const row of rows) {
			if (!row.householdId) continue;
			let seasons = result.get(row.householdId);
			if (!seasons) result.set(row.householdId, (seasons = new Map()));
			seasons.set(row.seasonId, {
				weighIns: Number(row.weighIns),
				amountFen: Number(row.amountFen)
			});
		}
	}
	return result;
}
