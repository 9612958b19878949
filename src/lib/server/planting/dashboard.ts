import { and, asc, eq, gt, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { monitoringRecords } from '../monitoring/schema';
import { datesBetween } from '../../planting';
import { villageScope } from './access';
import { getSeason } from './seasons';
import {
	pickingEntries,
	pickingPayments,
	plantingSubsidies,
	plots,
	weighingStations
} from './schema';

export interface SeasonDashboard {
	season: {
		id: string;
		year: number;
		startsOn: string;
		endsOn: string;
		pickingRateFenPerKg: number;
	};
	/** Every day of the picking window, oldest first. */
	perDay: { date: string; grams: number; amountFen: number }[];
	/** Picking money paid out per week (Monday), by the day it was paid. */
	perWeek: { week: string; paidFen: number }[];
	picking: {
		entries: number;
		grams: number;
		amountFen: number;
		paidFen: number;
		pickers: number;
		outsidePickers: number;
		households: number;
		monitoredHouseholds: number;
	};
	planting: {
		plots: number;
		hundredthsMu: number;
		households: number;
		monitoredHouseholds: number;
		firstYearPlots: number;
	};
	subsidies: { lines: number; amountFen: number; paidFen: number };
}

const n = (value: unknown) => Number(value ?? 0);

/**
 * The season at a glance for the actor's townships (admins: the county): kilograms per
 * day, money paid per week, how many pickers and planters come from monitored households,
 * and the totals of subsidies and picking money.
 */
export async function seasonDashboard(
	db: Db,
	actor: UserActor,
	seasonId: string
): Promise<SeasonDashboard> {
	const season = await getSeason(db, actor, seasonId);
	const yearEnd = `${season.year}-12-31`;
	const entryScope = and(
		eq(pickingEntries.countyId, actor.countyId),
		eq(pickingEntries.seasonId, season.id),
		eq(pickingEntries.voided, false),
		villageScope(actor, weighingStations.villageCode)
	);
	const stationJoin = and(
		eq(weighingStations.countyId, pickingEntries.countyId),
		eq(weighingStations.id, pickingEntries.stationId)
	);
	const monitored = (household: typeof pickingEntries.householdId | typeof plots.householdId) =>
		sql`exists (select 1 from ${monitoringRecords} where ${monitoringRecords.countyId} = ${actor.countyId} and ${monitoringRecords.householdId} = ${household} and ${monitoringRecords.status} = 'monitored')`;
	const plotScope = and(
		eq(plots.countyId, actor.countyId),
		villageScope(actor, plots.villageCode),
		lte(plots.plantedOn, yearEnd),
		or(isNull(plots.retiredOn), gt(plots.retiredOn, yearEnd))
	);
	const [days, weeks, [picking], [planting], [subsidies]] = await Promise.all([
		db
			.select({
				date: pickingEntries.pickedOn,
				grams: sql<string>`sum(${pickingEntries.weightGrams})`,
				amountFen: sql<string>`sum(${pickingEntries.amountFen})`
			})
			.from(pickingEntries)
			.innerJoin(weighingStations, stationJoin)
			.where(entryScope)
			.groupBy(pickingEntries.pickedOn)
			.orderBy(asc(pickingEntries.pickedOn)),
		db
			.select({
				week: sql<string>`to_char(date_trunc('week', ${pickingPayments.paidOn}::timestamp), 'YYYY-MM-DD')`,
				paidFen: sql<string>`sum(${pickingEntries.amountFen})`
			})
			.from(pickingEntries)
			.innerJoin(weighingStations, stationJoin)
			.innerJoin(
				pickingPayments,
				and(
					eq(pickingPayments.countyId, pickingEntries.countyId),
					eq(pickingPayments.id, pickingEntries.paymentId)
				)
			)
			.where(entryScope)
			.groupBy(sql`1`)
			.orderBy(sql`1`),
		db
			.select({
				entries: sql<string>`count(*)`,
				grams: sql<string>`coalesce(sum(${pickingEntries.weightGrams}), 0)`,
				amountFen: sql<string>`coalesce(sum(${pickingEntries.amountFen}), 0)`,
				paidFen: sql<string>`coalesce(sum(${pickingEntries.amountFen}) filter (where ${isNotNull(pickingEntries.paymentId)}), 0)`,
				pickers: sql<string>`count(distinct ${pickingEntries.memberId})`,
				outsidePickers: sql<string>`count(distinct (${pickingEntries.pickerName} || coalesce(${pickingEntries.pickerIdNumber}, ''))) filter (where ${pickingEntries.memberId} is null)`,
				households: sql<string>`count(distinct ${pickingEntries.householdId})`,
				monitoredHouseholds: sql<string>`count(distinct ${pickingEntries.householdId}) filter (where ${monitored(pickingEntries.householdId)})`
			})
			.from(pickingEntries)
			.innerJoin(weighingStations, stationJoin)
			.where(entryScope),
		db
			.select({
				plots: sql<string>`count(*)`,
				hundredthsMu: sql<string>`coalesce(sum(${plots.areaHundredthsMu}), 0)`,
				households: sql<string>`count(distinct ${plots.householdId})`,
				monitoredHouseholds: sql<string>`count(distinct ${plots.householdId}) filter (where ${monitored(plots.householdId)})`,
				firstYearPlots: sql<string>`count(*) filter (where extract(year from ${plots.plantedOn}) = ${season.year})`
			})
			.from(plots)
			.where(plotScope),
		db
			.select({
				lines: sql<string>`count(*)`,
				amountFen: sql<string>`coalesce(sum(${plantingSubsidies.amountFen}), 0)`,
				paidFen: sql<string>`coalesce(sum(${plantingSubsidies.amountFen}) filter (where ${isNotNull(plantingSubsidies.paidOn)}), 0)`
			})
			.from(plantingSubsidies)
			.innerJoin(
				plots,
				and(eq(plots.countyId, plantingSubsidies.countyId), eq(plots.id, plantingSubsidies.plotId))
			)
			.where(
				and(
					eq(plantingSubsidies.countyId, actor.countyId),
					eq(plantingSubsidies.seasonId, season.id),
					villageScope(actor, plots.villageCode)
				)
			)
	]);
	const byDay = new Map(days.map((d) => [d.date, d]));
	return {
		season: {
			id: season.id,
			year: season.year,
			startsOn: season.startsOn,
			endsOn: season.endsOn,
			pickingRateFenPerKg: season.pickingRateFenPerKg
		},
		perDay: datesBetween(season.startsOn, season.endsOn).map((date) => ({
			date,
			grams: n(byDay.get(date)?.grams),
			amountFen: n(byDay.get(date)?.amountFen)
		})),
		perWeek: weeks.map((w) => ({ week: w.week, paidFen: n(w.paidFen) })),
		picking: {
			entries: n(picking.entries),
			grams: n(picking.grams),
			amountFen: n(picking.amountFen),
			paidFen: n(picking.paidFen),
			pickers: n(picking.pickers) + n(picking.outsidePickers),
			outsidePickers: n(picking.outsidePickers),
			households: n(picking.households),
			monitoredHouseholds: n(picking.monitoredHouseholds)
		},
		planting: {
			plots: n(planting.plots),
			hundredthsMu: n(planting.hundredthsMu),
			households: n(planting.households),
			monitoredHouseholds: n(planting.monitoredHouseholds),
			firstYearPlots: n(planting.firstYearPlots)
		},
		subsidies: {
			lines: n(subsidies.lines),
			amountFen: n(subsidies.amountFen),
			paidFen: n(subsidies.paidFen)
		}
	};
}
