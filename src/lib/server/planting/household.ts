import { and, asc, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { divisions } from '../divisions/schema';
import { pickingEntries, plantingSeasons, plantingSubsidies, plots } from './schema';

export interface HouseholdPlanting {
	plots: {
		id: string;
		villageName: string;
		areaHundredthsMu: number;
		plantedOn: string;
		seedlings: number | null;
		retiredOn: string | null;
	}[];
	subsidies: {
		id: string;
		year: number;
		areaHundredthsMu: number;
		firstYear: boolean;
		amountFen: number;
		paidOn: string | null;
	}[];
	/** Picking by the household's members, per month picked, newest first. */
	pickingByMonth: {
		month: string;
		entries: number;
		grams: number;
		amountFen: number;
		paidFen: number;
	}[];
}

/**
 * A household's honeysuckle: its plots, its subsidy lines and what its members picked,
 * month by month. The household page has already decided the viewer may see it.
 */
export async function householdPlanting(
	db: Db,
	countyId: string,
	householdId: string
): Promise<HouseholdPlanting> {
	const [plotRows, subsidyRows, months] = await Promise.all([
		db
			.select({
				id: plots.id,
				villageName: divisions.name,
				areaHundredthsMu: plots.areaHundredthsMu,
				plantedOn: plots.plantedOn,
				seedlings: plots.seedlings,
				retiredOn: plots.retiredOn
			})
			.from(plots)
			.innerJoin(divisions, eq(divisions.code, plots.villageCode))
			.where(and(eq(plots.countyId, countyId), eq(plots.householdId, householdId)))
			.orderBy(asc(plots.retiredOn), asc(plots.plantedOn)),
		db
			.select({
				id: plantingSubsidies.id,
				year: plantingSeasons.year,
				areaHundredthsMu: plantingSubsidies.areaHundredthsMu,
				firstYear: plantingSubsidies.firstYear,
				amountFen: plantingSubsidies.amountFen,
				paidOn: plantingSubsidies.paidOn
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
				and(
					eq(plantingSubsidies.countyId, countyId),
					eq(plantingSubsidies.householdId, householdId)
				)
			)
			.orderBy(desc(plantingSeasons.year)),
		db
			.select({
				month: sql<string>`to_char(${pickingEntries.pickedOn}, 'YYYY-MM')`,
				entries: sql<string>`count(*)`,
				grams: sql<string>`sum(${pickingEntries.weightGrams})`,
				amountFen: sql<string>`sum(${pickingEntries.amountFen})`,
				paidFen: sql<string>`coalesce(sum(${pickingEntries.amountFen}) filter (where ${isNotNull(pickingEntries.paymentId)}), 0)`
			})
			.from(pickingEntries)
			.where(
				and(
					eq(pickingEntries.countyId, countyId),
					eq(pickingEntries.householdId, householdId),
					eq(pickingEntries.voided, false)
				)
			)
			.groupBy(sql`1`)
			.orderBy(desc(sql`1`))
	]);
	return {
		plots: plotRows,
		subsidies: subsidyRows,
		pickingByMonth: months.map((m) => ({
			month: m.month,
			entries: Number(m.entries),
			grams: Number(m.grams),
			amountFen: Number(m.amountFen),
			paidFen: Number(m.paidFen)
		}))
	};
}
