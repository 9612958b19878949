import { and, asc, eq, like, or } from 'drizzle-orm';
import type { Db } from '../db';
import { bulkInsert } from '../db/bulk';
import { newId } from '../db/ids';
import { recordAudit } from '../audit';
import { systemActor } from '../auth/actor';
import { divisions } from '../divisions/schema';
import { households, members } from '../households/schema';
import { postLedgerEntries, type Posting } from '../income';
import { monitoringRecords } from '../monitoring/schema';
import {
	pickingEntries,
	pickingPayments,
	plantingSeasons,
	plantingSubsidies,
	plotMeasurements,
	plots,
	weighingStations
} from '../planting/schema';
import { identityCheckCharacter } from '../../identity';
import {
	addDaysTo,
	datesBetween,
	gramsToKgText,
	pickingAmountFen,
	seedlingsFor,
	subsidyAmountFen,
	weekStart
} from '../../planting';
import {
	DEMO_SEASON,
	EARLIER_PLANTING_YEARS,
	FIRST_YEAR_PLANTING,
	FIRST_YEAR_SHARE,
	MONITORED_WEIGHT,
	MONTH_WEIGHTS,
	OUTSIDE_PICKERS,
	PAY_DAYS_AFTER_WEEK,
	PICKER_AGES,
	PICKERS,
	PLOT_HOUSEHOLDS,
	PLOT_NOTES,
	STATION_SUFFIX,
	STATION_TOWNSHIPS,
	SUBSIDY_PAID_ON,
	SUBSIDY_UNPAID_SHARE,
	WEIGH_INS_PER_PICKER,
	WEIGHT_GRAMS
} from './planting-data';
import { Random } from './random';

// The demo county's honeysuckle season: stations in three townships, plots of about 60
// households (a third planted this spring), the season's subsidy list (mostly paid), and a
// season of weigh-ins by registered and outside pickers, paid weekly except the last week.
// Every payment is posted to the households' ledgers through the income domain. The same
// every time: seeded, no clock.

export const DEMO_PLANTING_SEED = 20260501;

export interface DemoPlantingResult {
	stations: number;
	plots: number;
	subsidyLines: number;
	entries: number;
	payments: number;
	postings: number;
}

function randomDate(random: Random, from: string, to: string): string {
	const days = datesBetween(from, to);
	return days[random.int(0, days.length - 1)];
}

/** Honeysuckle is planted in spring: a day from 10 March to 25 April. */
function springOf(random: Random, year: number): string {
	return randomDate(random, `${year}-03-10`, `${year}-04-25`);
}

function ageOn(birthDate: string, day: string): number {
	const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
	return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

function outsideIdNumber(random: Random, addressCode: string): string {
	const birth = `${random.int(1965, 1990)}${String(random.int(1, 12)).padStart(2, '0')}${String(random.int(1, 28)).padStart(2, '0')}`;
	const first17 = `${addressCode}${birth}${String(random.int(0, 499) * 2).padStart(3, '0')}`;
	return first17 + identityCheckCharacter(first17);
}

/** Seeds the season inside the demo's transaction; `tx` already holds the households. */
export async function seedDemoPlanting(tx: Db, countyId: string): Promise<DemoPlantingResult> {
	const actor = systemActor('demo');
	const random = new Random(DEMO_PLANTING_SEED);
	const townships = STATION_TOWNSHIPS.map((t) => t.code);
	const inTownships = or(...townships.map((code) => like(households.villageCode, `${code}%`)))!;
	const [homes, people, monitored, villageNames] = await Promise.all([
		tx
			.select({
				id: households.id,
				villageCode: households.villageCode,
				phone: households.phone,
				number: households.householdNumber
			})
			.from(households)
			.where(and(eq(households.countyId, countyId), inTownships))
			.orderBy(asc(households.householdNumber)),
		tx
			.select({
				id: members.id,
				householdId: members.householdId,
				name: members.name,
				idNumber: members.idNumber,
				birthDate: members.birthDate,
				villageCode: households.villageCode
			})
			.from(members)
			.innerJoin(
				households,
				and(eq(households.countyId, members.countyId), eq(households.id, members.householdId))
			)
			.where(and(eq(members.countyId, countyId), eq(members.current, true), inTownships))
			.orderBy(asc(members.idNumber)),
		tx
			.select({ householdId: monitoringRecords.householdId })
			.from(monitoringRecords)
			.where(
				and(eq(monitoringRecords.countyId, countyId), eq(monitoringRecords.status, 'monitored'))
			),
		tx
			.select({ code: divisions.code, name: divisions.name })
			.from(divisions)
			.where(
				and(
					eq(divisions.level, 'village'),
					or(...townships.map((code) => like(divisions.code, `${code}%`)))
				)
			)
	]);
	if (homes.length === 0) {
		return { stations: 0, plots: 0, subsidyLines: 0, entries: 0, payments: 0, postings: 0 };
	}
	const watched = new Set(monitored.map((m) => m.householdId));
	const villageName = new Map(villageNames.map((v) => [v.code, v.name]));

	// The season.
	const seasonId = newId();
	await tx.insert(plantingSeasons).values({ countyId, id: seasonId, ...DEMO_SEASON });

	// Stations in the villages with the most households of each township.
	const stations: { id: string; township: string; villageCode: string; name: string }[] = [];
	for (const { code, stations: wanted } of STATION_TOWNSHIPS) {
		const counts = new Map<string, number>();
		for (const h of homes)
			if (h.villageCode.startsWith(code))
				counts.set(h.villageCode, (counts.get(h.villageCode) ?? 0) + 1);
		const busiest = [...counts]
			.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
			.slice(0, wanted);
		for (const [villageCode] of busiest) {
			stations.push({
				id: newId(),
				township: code,
				villageCode,
				name: `${villageName.get(villageCode) ?? villageCode}${STATION_SUFFIX}`
			});
		}
	}
	await tx
		.insert(weighingStations)
		.values(
			stations.map((s) => ({ countyId, id: s.id, name: s.name, villageCode: s.villageCode }))
		);

	// Plots: the demo household account's family first, so its phone shows a plot.
	const accountHome = homes.find((h) => h.villageCode.startsWith('130434205') && h.phone);
	const chosen = [
		...(accountHome ? [accountHome] : []),
		...random.shuffle(homes.filter((h) => h !== accountHome))
	].slice(0, PLOT_HOUSEHOLDS);
	const plotRows: (typeof plots.$inferInsert & {
		id: string;
		plantedOn: string;
		areaHundredthsMu: number;
		householdId: string;
	})[] = [];
	const measurementRows: (typeof plotMeasurements.$inferInsert)[] = [];
	for (const [index, home] of chosen.entries()) {
		const count = random.chance(0.2) ? 2 : 1;
		for (let p = 0; p < count; p++) {
			const firstYear = (index === 0 && p === 0) || random.chance(FIRST_YEAR_SHARE);
			const plantedOn = firstYear
				? randomDate(random, FIRST_YEAR_PLANTING.from, FIRST_YEAR_PLANTING.to)
				: springOf(random, random.pick(EARLIER_PLANTING_YEARS));
			const area = random.int(5, 60) * 10 + (random.chance(0.3) ? random.int(1, 9) * 5 : 0);
			const id = newId();
			plotRows.push({
				countyId,
				id,
				householdId: home.id,
				villageCode: home.villageCode,
				areaHundredthsMu: area,
				plantedOn,
				seedlings: seedlingsFor(area, DEMO_SEASON.seedlingsPerMu),
				notes: random.chance(0.3) ? random.pick(PLOT_NOTES) : null
			});
			measurementRows.push({
				countyId,
				id: newId(),
				plotId: id,
				measuredOn: plantedOn,
				areaHundredthsMu: area
			});
		}
	}
	await bulkInsert(tx, plots, plotRows);
	await bulkInsert(tx, plotMeasurements, measurementRows);

	// The season's subsidy list: first-year plots (the later-year rate is 0), mostly paid.
	const subsidyRows = plotRows
		.filter((p) => p.plantedOn.startsWith(String(DEMO_SEASON.year)))
		.map((p, i) => ({
			countyId,
			id: newId(),
			seasonId,
			plotId: p.id,
			householdId: p.householdId,
			areaHundredthsMu: p.areaHundredthsMu,
			firstYear: true,
			rateFenPerMu: DEMO_SEASON.firstYearSubsidyFenPerMu,
			amountFen: subsidyAmountFen(p.areaHundredthsMu, DEMO_SEASON.firstYearSubsidyFenPerMu),
			paidOn: i > 0 && random.chance(SUBSIDY_UNPAID_SHARE) ? null : SUBSIDY_PAID_ON
		}));
	await bulkInsert(tx, plantingSubsidies, subsidyRows);
	const postings: Posting[] = subsidyRows
		.filter((line) => line.paidOn)
		.map((line) => ({
			countyId,
			householdId: line.householdId,
			businessDate: line.paidOn!,
			amountFen: line.amountFen,
			kind: 'transfer',
			subtype: 'planting_subsidy',
			source: 'planting_subsidy',
			sourceId: line.id,
			sourceVersion: 1,
			note: `${DEMO_SEASON.year}`
		}));

	// Pickers: working-age people of the stations' townships, monitored households more often.
	const day = DEMO_SEASON.startsOn;
	const able = people.filter((p) => {
		const age = ageOn(p.birthDate, day);
		return age >= PICKER_AGES.min && age <= PICKER_AGES.max;
	});
	const weighted = able.flatMap((p) =>
		watched.has(p.householdId) ? Array(MONITORED_WEIGHT).fill(p) : [p]
	);
	const accountPickers = accountHome
		? able.filter((p) => p.householdId === accountHome.id).slice(0, 1)
		: [];
	const pickers = new Map(accountPickers.map((p) => [p.id, p]));
	while (pickers.size < Math.min(PICKERS, able.length)) {
		const p = random.pick(weighted);
		pickers.set(p.id, p);
	}
	const days = datesBetween(DEMO_SEASON.startsOn, DEMO_SEASON.endsOn);
	const dayWeights = days.map((d) => MONTH_WEIGHTS[d.slice(5, 7)] ?? 1);
	type Entry = typeof pickingEntries.$inferInsert & {
		id: string;
		stationId: string;
		pickedOn: string;
		amountFen: number;
		weightGrams: number;
		version: number;
	};
	const entryRows: Entry[] = [];
	const stationFor = (villageCode: string) => {
		const near = stations.filter((s) => villageCode.startsWith(s.township));
		return (
			near.find((s) => s.villageCode === villageCode) ?? random.pick(near.length ? near : stations)
		);
	};
	const weighIn = (
		picker: {
			memberId: string | null;
			householdId: string | null;
			name: string;
			idNumber: string | null;
		},
		station: string,
		times: number
	) => {
		const taken = new Set<string>();
		for (let i = 0; i < times; i++) {
			const pickedOn = days[random.weightedIndex(dayWeights)];
			if (taken.has(pickedOn)) continue;
			taken.add(pickedOn);
			const steps = (WEIGHT_GRAMS.max - WEIGHT_GRAMS.min) / WEIGHT_GRAMS.step;
			// Two dice: most loads are middling, a few very light or heavy.
			const weightGrams =
				WEIGHT_GRAMS.min +
				Math.round((random.int(0, steps) + random.int(0, steps)) / 2) * WEIGHT_GRAMS.step;
			// Flowers are picked at dawn and weighed in the morning (China Standard Time).
			const at = new Date(`${pickedOn}T06:00:00+08:00`);
			at.setTime(at.getTime() + random.int(0, 5 * 60 * 60) * 1000);
			entryRows.push({
				countyId,
				id: newId(),
				createdAt: at,
				updatedAt: at,
				seasonId,
				stationId: station,
				pickedOn,
				memberId: picker.memberId,
				householdId: picker.householdId,
				pickerName: picker.name,
				pickerIdNumber: picker.idNumber,
				weightGrams,
				rateFenPerKg: DEMO_SEASON.pickingRateFenPerKg,
				amountFen: pickingAmountFen(weightGrams, DEMO_SEASON.pickingRateFenPerKg),
				version: 1
			});
		}
	};
	for (const p of pickers.values()) {
		weighIn(
			{ memberId: p.id, householdId: p.householdId, name: p.name, idNumber: p.idNumber },
			stationFor(p.villageCode).id,
			random.int(WEIGH_INS_PER_PICKER.min, WEIGH_INS_PER_PICKER.max)
		);
	}
	for (const outside of OUTSIDE_PICKERS) {
		weighIn(
			{
				memberId: null,
				householdId: null,
				name: outside.name,
				idNumber: outside.addressCode ? outsideIdNumber(random, outside.addressCode) : null
			},
			random.pick(stations).id,
			random.int(WEIGH_INS_PER_PICKER.min, WEIGH_INS_PER_PICKER.max)
		);
	}
	// In the order they were weighed.
	entryRows.sort((a, b) => a.createdAt!.getTime() - b.createdAt!.getTime());

	// Weekly payments per station, paid the Tuesday after; the season's last week is unpaid.
	const lastWeek = weekStart(DEMO_SEASON.endsOn);
	const paymentRows: (typeof pickingPayments.$inferInsert)[] = [];
	const byStationWeek = new Map<string, Entry[]>();
	for (const e of entryRows) {
		const week = weekStart(e.pickedOn);
		if (week >= lastWeek) continue;
		const key = `${e.stationId}|${week}`;
		byStationWeek.set(key, [...(byStationWeek.get(key) ?? []), e]);
	}
	for (const [key, list] of byStationWeek) {
		const [stationId, week] = key.split('|');
		const paymentId = newId();
		const paidOn = addDaysTo(week, PAY_DAYS_AFTER_WEEK);
		paymentRows.push({
			countyId,
			id: paymentId,
			stationId,
			fromDate: week,
			toDate: addDaysTo(week, 6),
			paidOn,
			totalFen: list.reduce((sum, e) => sum + e.amountFen, 0),
			entries: list.length
		});
		for (const e of list) {
			e.paymentId = paymentId;
			if (e.householdId) {
				postings.push({
					countyId,
					householdId: e.householdId,
					memberId: e.memberId,
					businessDate: paidOn,
					amountFen: e.amountFen,
					kind: 'wage',
					subtype: 'picking',
					source: 'picking',
					sourceId: e.id,
					sourceVersion: 1,
					note: `${e.pickedOn} · ${gramsToKgText(e.weightGrams)} kg`
				});
			}
		}
	}
	await bulkInsert(tx, pickingPayments, paymentRows);
	await bulkInsert(tx, pickingEntries, entryRows);
	const posted = await postLedgerEntries(tx, actor, postings);
	const result: DemoPlantingResult = {
		stations: stations.length,
		plots: plotRows.length,
		subsidyLines: subsidyRows.length,
		entries: entryRows.length,
		payments: paymentRows.length,
		postings: posted
	};
	await recordAudit(tx, actor, {
		countyId,
		action: 'planting.demo_seed',
		entity: 'planting_season',
		entityId: seasonId,
		after: { seed: DEMO_PLANTING_SEED, ...result }
	});
	return result;
}
