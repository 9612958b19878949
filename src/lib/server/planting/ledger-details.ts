import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db';
import { pickingEntries, plantingSeasons, plantingSubsidies, weighingStations } from './schema';

export interface PickingLedgerDetail {
	stationName: string;
	pickedOn: string;
	weightGrams: number;
}

export interface SubsidyLedgerDetail {
	year: number;
	areaHundredthsMu: number;
}

/**
 * What a household's ledger lines from picking and subsidies were about (station, day,
 * weight; season and area), by the ledger's source ids: the sentences on its own phone.
 */
export async function plantingLedgerDetails(
	db: Db,
	countyId: string,
	pickingIds: string[],
	subsidyIds: string[]
): Promise<{
	picking: Map<string, PickingLedgerDetail>;
	subsidies: Map<string, SubsidyLedgerDetail>;
}> {
	const [picked, subsidies] = await Promise.all([
		pickingIds.length
			? db
					.select({
						id: pickingEntries.id,
						stationName: weighingStations.name,
						pickedOn: pickingEntries.pickedOn,
						weightGrams: pickingEntries.weightGrams
					})
					.from(pickingEntries)
					.innerJoin(
						weighingStations,
						and(
							eq(weighingStations.countyId, pickingEntries.countyId),
							eq(weighingStations.id, pickingEntries.stationId)
						)
					)
					.where(and(eq(pickingEntries.countyId, countyId), inArray(pickingEntries.id, pickingIds)))
			: [],
		subsidyIds.length
			? db
					.select({
						id: plantingSubsidies.id,
						year: plantingSeasons.year,
						areaHundredthsMu: plantingSubsidies.areaHundredthsMu
					})
					.from(plantingSubsidies)
					.innerJoin(
						plantingSeasons,
						and(
							eq(plantingSeasons.countyId, plantingSubsidies.countyId),
							eq(plantingSeasons.id, plantingSubsidies.seasonId)
						)
					)
					.where(
						and(eq(plantingSubsidies.countyId, countyId), inArray(plantingSubsidies.id, subsidyIds))
					)
			: []
	]);
	return {
		picking: new Map(picked.map(({ id, ...rest }) => [id, rest])),
		subsidies: new Map(subsidies.map(({ id, ...rest }) => [id, rest]))
	};
}
