import ExcelJS from 'exceljs';
import { and, count, eq } from 'drizzle-orm';
import { v7 as uuidv7, v4 as uuidv4 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { listAudit } from '../../src/lib/server/audit';
import { DomainError } from '../../src/lib/server/errors';
import { divisions } from '../../src/lib/server/divisions/schema';
import { members } from '../../src/lib/server/households/schema';
import { householdLedger } from '../../src/lib/server/income';
import { ledgerEntries } from '../../src/lib/server/income/schema';
import { updateMonitoring } from '../../src/lib/server/monitoring';
import {
	correctPickingEntry,
	createPlot,
	createSeason,
	createStation,
	exportPaymentSheet,
	generateSubsidies,
	getPlot,
	getSeason,
	householdPlanting,
	listStationDay,
	listSubsidies,
	paySheet,
	paySubsidies,
	paymentSheet,
	recordPickingEntry,
	remeasurePlot,
	retirePlot,
	searchPickers,
	seasonDashboard,
	updateSeason,
	voidPickingEntry,
	type PickingEntryInput
} from '../../src/lib/server/planting';
import { pickingEntries, plantingSubsidies } from '../../src/lib/server/planting/schema';
import { countySettings } from '../../src/lib/server/settings/schema';
import { actorFor, buildWorld, createHousehold, type World } from './fixtures';
import { expectedDriver, freshDatabase } from './helpers';

const TODAY = '2026-11-29';
const VILLAGE_IN = '130434108068';
let database: Database;
let world: World;
let admin: UserActor;
let adminB: UserActor;
let staff: UserActor;
let staffOut: UserActor;
let seasonId: string;
let stationId: string;
/** Heads of households in staff's township: pickers. */
let pickerA: { memberId: string; householdId: string; idNumber: string; name: string };
let pickerB: { memberId: string; householdId: string; idNumber: string; name: string };

async function headOf(householdId: string) {
	const [head] = await database.db
		.select()
		.from(members)
		.where(eq(members.householdId, householdId));
	return { memberId: head.id, householdId, idNumber: head.idNumber, name: head.name };
}

async function issues(work: Promise<unknown>): Promise<string[]> {
	try {
		await work;
	} catch (caught) {
		if (caught instanceof DomainError) {
			return caught.code === 'not_found'
				? ['not_found']
				: caught.issues.map((i) => `${i.field}:${i.key}`);
		}
		throw caught;
	}
	throw new Error('expected a DomainError');
}

async function ledgerFor(householdId: string, source: 'picking' | 'planting_subsidy') {
	return database.db
		.select()
		.from(ledgerEntries)
		.where(and(eq(ledgerEntries.householdId, householdId), eq(ledgerEntries.source, source)));
}

function entry(overrides: Partial<PickingEntryInput> = {}): PickingEntryInput {
	return {
		id: uuidv7(),
		stationId,
		pickedOn: '2026-06-10',
		memberId: pickerA.memberId,
		weightGrams: 12_500,
		...overrides
	};
}

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
	admin = (await actorFor(database.db, world.userIds.admin)).user;
	adminB = (await actorFor(database.db, world.userIds.adminB)).user;
	staff = (await actorFor(database.db, world.userIds.staffIn)).user;
	staffOut = (await actorFor(database.db, world.userIds.staffOut)).user;
	pickerA = await headOf(world.households.inScope);
	pickerB = await headOf(world.households.inScope2);
	seasonId = await createSeason(database.db, admin, {
		year: '2026',
		firstYearRate: '900',
		laterYearRate: '0',
		pickingRate: '1',
		seedlingsPerMu: '300',
		startsOn: '2026-05-01',
		endsOn: '2026-09-30'
	});
	stationId = await createStation(database.db, staff, {
		name: '连枣林收购点',
		villageCode: VILLAGE_IN
	});
});
afterAll(async () => {
	await database.close();
});

describe('seasons and rates', () => {
	it('runs on the database the suite was asked for', () => {
		expect(database.driver).toBe(expectedDriver);
	});

	it('opens a season with the report’s rates, once per year, by county admins only', async () => {
		const season = await getSeason(database.db, staff, seasonId);
		expect(season).toMatchObject({
			year: 2026,
			firstYearSubsidyFenPerMu: 90_000,
			laterYearSubsidyFenPerMu: 0,
			pickingRateFenPerKg: 100,
			seedlingsPerMu: 300
		});
		const again = {
			year: '2026',
			firstYearRate: '900',
			laterYearRate: '',
			pickingRate: '1',
			seedlingsPerMu: '300',
			startsOn: '2026-05-01',
			endsOn: '2026-09-30'
		};
		expect(await issues(createSeason(database.db, admin, again))).toEqual([
			'year:season_error_year_taken'
		]);
		expect(await issues(createSeason(database.db, staff, again))).toEqual(['not_found']);
		expect(
			await issues(
				createSeason(database.db, admin, {
					...again,
					year: '2027',
					firstYearRate: '0',
					pickingRate: '一元',
					startsOn: '2027-09-30',
					endsOn: '2027-05-01'
				})
			)
		).toEqual([
			'firstYearRate:season_error_rate_zero',
			'pickingRate:season_error_rate',
			'endsOn:season_error_window_order'
		]);
		expect(await issues(getSeason(database.db, adminB, seasonId))).toEqual(['not_found']);
		expect(await issues(getSeason(database.db, admin, 'not-a-uuid'))).toEqual(['not_found']);
	});
});

describe('plots', () => {
	it('records a plot in mu to the hundredth with default seedlings, and keeps every measurement', async () => {
		const id = await createPlot(
			database.db,
			staff,
			{ householdId: world.households.inScope, area: '1.25', plantedOn: '2026-03-15' },
			TODAY
		);
		let plot = await getPlot(database.db, staff, id);
		expect(plot).toMatchObject({
			areaHundredthsMu: 125,
			villageCode: VILLAGE_IN,
			seedlings: 375,
			plantedOn: '2026-03-15'
		});
		await remeasurePlot(database.db, staff, id, { area: '1.3', measuredOn: '2026-07-01' }, TODAY);
		plot = await getPlot(database.db, staff, id);
		expect(plot.areaHundredthsMu).toBe(130);
		expect(plot.measurements.map((m) => [m.measuredOn, m.areaHundredthsMu])).toEqual([
			['2026-07-01', 130],
			['2026-03-15', 125]
		]);
		expect(await issues(getPlot(database.db, staffOut, id))).toEqual(['not_found']);
		expect(await issues(getPlot(database.db, adminB, id))).toEqual(['not_found']);
	});

	it('refuses zero, negative and over-precise areas, future dates and places out of scope', async () => {
		const base = { householdId: world.households.inScope, plantedOn: '2026-03-15' };
		expect(await issues(createPlot(database.db, staff, { ...base, area: '0' }, TODAY))).toEqual([
			'area:plots_error_area_zero'
		]);
		expect(await issues(createPlot(database.db, staff, { ...base, area: '-2' }, TODAY))).toEqual([
			'area:plots_error_area_negative'
		]);
		expect(await issues(createPlot(database.db, staff, { ...base, area: '1.255' }, TODAY))).toEqual(
			['area:plots_error_area_precision']
		);
		expect(
			await issues(
				createPlot(database.db, staff, { ...base, area: '1', plantedOn: '2026-12-01' }, TODAY)
			)
		).toEqual(['plantedOn:plots_error_future']);
		// A village of another county, and a household the staff member cannot see.
		const [otherCountyVillage] = await database.db
			.select({ code: divisions.code })
			.from(divisions)
			.where(and(eq(divisions.countyCode, '130529'), eq(divisions.level, 'village')))
			.limit(1);
		expect(
			await issues(
				createPlot(
					database.db,
					staff,
					{ ...base, area: '1', villageCode: otherCountyVillage.code },
					TODAY
				)
			)
		).toEqual(['villageCode:plots_error_village_county']);
		expect(
			await issues(
				createPlot(
					database.db,
					staffOut,
					{ ...base, area: '1', villageCode: '130434205213' },
					TODAY
				)
			)
		).toEqual(['householdId:plots_error_household']);
	});
});

describe('subsidy generation and payment', () => {
	let firstYearPlot: string;
	let laterPlot: string;
	let retiredPlot: string;

	beforeAll(async () => {
		const household = await createHousehold(database.db, world.countyA.id, VILLAGE_IN, '赵春生');
		firstYearPlot = await createPlot(
			database.db,
			staff,
			{ householdId: household, area: '2.35', plantedOn: '2026-04-02' },
			TODAY
		);
		laterPlot = await createPlot(
			database.db,
			staff,
			{ householdId: household, area: '3', plantedOn: '2024-04-02' },
			TODAY
		);
		retiredPlot = await createPlot(
			database.db,
			staff,
			{ householdId: household, area: '1', plantedOn: '2026-04-20' },
			TODAY
		);
		await retirePlot(database.db, staff, retiredPlot, { retiredOn: '2026-08-01' }, TODAY);
	});

	it('pays the first-year rate on new plots, the later-year rate on older ones, and leaves out retired plots and zero lines', async () => {
		await generateSubsidies(database.db, staff, seasonId);
		let list = await listSubsidies(database.db, staff, seasonId, { status: 'all' });
		const byPlot = new Map(list.lines.map((l) => [l.plotId, l]));
		// 2.35 mu × 900 yuan = 2,115 yuan.
		expect(byPlot.get(firstYearPlot)).toMatchObject({
			firstYear: true,
			areaHundredthsMu: 235,
			rateFenPerMu: 90_000,
			amountFen: 211_500
		});
		// No later-year subsidy this season: the line is left out, and so is the retired plot.
		expect(byPlot.has(laterPlot)).toBe(false);
		expect(byPlot.has(retiredPlot)).toBe(false);

		await updateSeason(database.db, admin, seasonId, {
			year: '',
			firstYearRate: '900',
			laterYearRate: '100.5',
			pickingRate: '1',
			seedlingsPerMu: '300',
			startsOn: '2026-05-01',
			endsOn: '2026-09-30'
		});
		const refreshed = await generateSubsidies(database.db, staff, seasonId);
		expect(refreshed.created).toBeGreaterThanOrEqual(1);
		list = await listSubsidies(database.db, staff, seasonId, { status: 'all' });
		expect(list.lines.find((l) => l.plotId === laterPlot)).toMatchObject({
			firstYear: false,
			rateFenPerMu: 10_050,
			amountFen: 30_150
		});
		expect(list.lines.some((l) => l.plotId === retiredPlot)).toBe(false);
		// Out of scope: the other township's staff see none of these lines.
		const outside = await listSubsidies(database.db, staffOut, seasonId, { status: 'all' });
		expect(outside.lines).toHaveLength(0);
	});

	it('posts each paid line once as transfer income, even when "mark paid" is sent twice', async () => {
		const list = await listSubsidies(database.db, staff, seasonId, { status: 'unpaid' });
		const ids = list.lines.map((l) => l.id);
		const confirm = {
			confirmCount: String(ids.length),
			confirmFen: String(list.lines.reduce((sum, l) => sum + l.amountFen, 0))
		};
		const paid = await paySubsidies(
			database.db,
			staff,
			seasonId,
			{ lineIds: ids, paidOn: '2026-10-15', ...confirm },
			TODAY
		);
		expect(paid.paid).toBe(ids.length);
		expect(
			await issues(
				paySubsidies(
					database.db,
					staff,
					seasonId,
					{ lineIds: ids, paidOn: '2026-10-16', ...confirm },
					TODAY
				)
			)
		).toEqual([':subsidy_error_already_paid']);
		const line = list.lines.find((l) => l.plotId === firstYearPlot)!;
		const postings = await ledgerFor(line.householdId, 'planting_subsidy');
		expect(postings.filter((p) => p.sourceId === line.id)).toEqual([
			expect.objectContaining({
				kind: 'transfer',
				subtype: 'planting_subsidy',
				amountFen: 211_500,
				businessDate: '2026-10-15',
				sourceVersion: 1
			})
		]);
		const [row] = await database.db
			.select()
			.from(plantingSubsidies)
			.where(eq(plantingSubsidies.id, line.id));
		expect(row.paidOn).toBe('2026-10-15');
		// A paid line never changes when the list is generated again, even after a re-measure.
		await remeasurePlot(
			database.db,
			staff,
			firstYearPlot,
			{ area: '5', measuredOn: '2026-11-01' },
			TODAY
		);
		const again = await generateSubsidies(database.db, staff, seasonId);
		expect(again.paidKept).toBeGreaterThanOrEqual(1);
		const [still] = await database.db
			.select()
			.from(plantingSubsidies)
			.where(eq(plantingSubsidies.id, line.id));
		expect(still.amountFen).toBe(211_500);
		expect(
			await issues(
				paySubsidies(database.db, staff, seasonId, { lineIds: [], paidOn: '2026-10-16' }, TODAY)
			)
		).toEqual([':subsidy_error_none_chosen']);
		expect(
			await issues(
				paySubsidies(database.db, staff, seasonId, { lineIds: ids, paidOn: '2026-12-01' }, TODAY)
			)
		).toEqual(['paidOn:subsidy_error_paid_on_future']);
	});
});

describe('weigh-ins at the station', () => {
	it('computes the amount from grams and the season rate, rounding half up to the fen', async () => {
		const result = await recordPickingEntry(
			database.db,
			staff,
			entry({ weightGrams: 12_345 }),
			TODAY
		);
		// 12,345 g × 100 fen/kg = 1,234.5 fen → 1,235 fen.
		expect(result.entry).toMatchObject({
			weightGrams: 12_345,
			rateFenPerKg: 100,
			amountFen: 1_235,
			memberId: pickerA.memberId,
			householdId: pickerA.householdId,
			version: 1
		});
		expect(result.replayed).toBe(false);
		const typed = await recordPickingEntry(
			database.db,
			staff,
			entry({ weightGrams: undefined, weight: '8.4' }),
			TODAY
		);
		expect(typed.entry).toMatchObject({ weightGrams: 8_400, amountFen: 840 });
	});

	it('refuses zero, negative and too heavy weights, days outside the season and malformed ids', async () => {
		expect(
			await issues(recordPickingEntry(database.db, staff, entry({ weightGrams: 0 }), TODAY))
		).toEqual(['weight:picking_error_weight_zero']);
		expect(
			await issues(
				recordPickingEntry(
					database.db,
					staff,
					entry({ weightGrams: undefined, weight: '-3' }),
					TODAY
				)
			)
		).toEqual(['weight:picking_error_weight_negative']);
		expect(
			await issues(recordPickingEntry(database.db, staff, entry({ weightGrams: 100_001 }), TODAY))
		).toEqual(['weight:picking_error_weight_ceiling']);
		expect(
			await issues(recordPickingEntry(database.db, staff, entry({ pickedOn: '2026-10-02' }), TODAY))
		).toEqual(['pickedOn:picking_error_outside_season']);
		expect(
			await issues(recordPickingEntry(database.db, staff, entry({ pickedOn: '2025-06-02' }), TODAY))
		).toEqual(['pickedOn:picking_error_no_season']);
		expect(
			await issues(
				recordPickingEntry(database.db, staff, entry({ pickedOn: '2026-06-10' }), '2026-06-09')
			)
		).toEqual(['pickedOn:picking_error_future']);
		expect(
			await issues(recordPickingEntry(database.db, staff, entry({ id: 'not-an-id' }), TODAY))
		).toEqual(['id:picking_error_id']);
		expect(
			await issues(recordPickingEntry(database.db, staff, entry({ id: uuidv4() }), TODAY))
		).toEqual(['id:picking_error_id']);
		// Another township's staff, and another county's admin, do not see the station.
		expect(await issues(recordPickingEntry(database.db, staffOut, entry(), TODAY))).toEqual([
			'not_found'
		]);
		expect(await issues(recordPickingEntry(database.db, adminB, entry(), TODAY))).toEqual([
			'not_found'
		]);
		expect(
			await issues(recordPickingEntry(database.db, staff, entry({ stationId: 'x' }), TODAY))
		).toEqual(['not_found']);
	});

	it('follows the county’s weigh-in ceiling', async () => {
		await database.db
			.insert(countySettings)
			.values({ countyId: world.countyA.id, weighInCeilingGrams: 60_000 })
			.onConflictDoUpdate({
				target: countySettings.countyId,
				set: { weighInCeilingGrams: 60_000 }
			});
		expect(
			await issues(recordPickingEntry(database.db, staff, entry({ weightGrams: 60_001 }), TODAY))
		).toEqual(['weight:picking_error_weight_ceiling']);
		await database.db
			.update(countySettings)
			.set({ weighInCeilingGrams: 100_000 })
			.where(eq(countySettings.countyId, world.countyA.id));
	});

	it('records an outside picker unlinked, but only with a name and not with a registered number', async () => {
		expect(
			await issues(
				recordPickingEntry(database.db, staff, entry({ memberId: '', pickerName: '' }), TODAY)
			)
		).toEqual(['pickerName:picking_error_outside_name']);
		expect(
			await issues(
				recordPickingEntry(
					database.db,
					staff,
					entry({ memberId: '', pickerName: '外村人', pickerIdNumber: pickerB.idNumber }),
					TODAY
				)
			)
		).toEqual(['pickerIdNumber:picking_error_outside_registered']);
		const outside = await recordPickingEntry(
			database.db,
			staff,
			entry({ memberId: '', pickerName: '外来采摘人甲', pickedOn: '2026-06-20' }),
			TODAY
		);
		expect(outside.entry).toMatchObject({
			memberId: null,
			householdId: null,
			pickerName: '外来采摘人甲',
			amountFen: 1_250
		});
	});

	it('applies an entry idempotently by its id and refuses the same id with other content', async () => {
		const body = entry({ pickedOn: '2026-06-11', weightGrams: 9_000 });
		const first = await recordPickingEntry(database.db, staff, body, TODAY);
		const replay = await recordPickingEntry(database.db, staff, { ...body }, TODAY);
		expect(replay.replayed).toBe(true);
		expect(replay.entry.id).toBe(first.entry.id);
		const [{ n }] = await database.db
			.select({ n: count() })
			.from(pickingEntries)
			.where(eq(pickingEntries.id, String(body.id)));
		expect(n).toBe(1);
		expect(
			await issues(recordPickingEntry(database.db, staff, { ...body, weightGrams: 9_500 }, TODAY))
		).toEqual(['id:picking_error_replay_differs']);
		// Two phones racing with the same entry still make one row.
		const racing = entry({ pickedOn: '2026-06-11', weightGrams: 7_000 });
		const results = await Promise.all([
			recordPickingEntry(database.db, staff, racing, TODAY),
			recordPickingEntry(database.db, staff, { ...racing }, TODAY)
		]);
		expect(results.filter((r) => !r.replayed)).toHaveLength(1);
	});

	it('finds pickers by the last four of the ID, by phone and by name with village, own township first', async () => {
		const byTail = await searchPickers(database.db, staff, pickerA.idNumber.slice(-4), stationId);
		expect(byTail.map((m) => m.memberId)).toContain(pickerA.memberId);
		expect(byTail[0].maskedIdNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
		const byName = await searchPickers(
			database.db,
			staff,
			`${pickerA.name.slice(0, 2)}`,
			stationId
		);
		expect(byName.map((m) => m.memberId)).toContain(pickerA.memberId);
		expect(byName[0].nearby).toBe(true);
		const withVillage = await searchPickers(
			database.db,
			staff,
			`${pickerA.name} 不存在的村`,
			stationId
		);
		expect(withVillage).toHaveLength(0);
		expect(await issues(searchPickers(database.db, staff, '12', stationId))).toEqual([
			'q:field_search_digits'
		]);
	});
});

describe('corrections', () => {
	it('bumps the version of an unpaid entry, keeps its rate, and audits the change', async () => {
		const { entry: made } = await recordPickingEntry(
			database.db,
			staff,
			entry({ pickedOn: '2026-07-01', weightGrams: 10_000 }),
			TODAY
		);
		const fixed = await correctPickingEntry(database.db, staff, made.id, { weight: '11' }, TODAY);
		expect(fixed).toMatchObject({ version: 2, weightGrams: 11_000, amountFen: 1_100 });
		const audit = await listAudit(database.db, world.countyA.id, {
			entity: 'picking_entry',
			entityId: made.id
		});
		expect(audit.map((a) => a.action).sort()).toEqual([
			'picking.entry.correct',
			'picking.entry.create'
		]);
		expect(
			await issues(
				correctPickingEntry(database.db, staff, made.id, { weight: '11', version: '1' }, TODAY)
			)
		).toEqual([':picking_error_changed_meanwhile']);
		expect(
			await issues(correctPickingEntry(database.db, staffOut, made.id, { weight: '12' }, TODAY))
		).toEqual(['not_found']);
		await voidPickingEntry(database.db, staff, made.id);
		expect(
			await issues(correctPickingEntry(database.db, staff, made.id, { weight: '12' }, TODAY))
		).toEqual([':picking_error_voided']);
	});
});

describe('batch payment of a sheet', () => {
	const DAY = '2026-08-03';
	let entryA: string;
	let entryB: string;

	beforeAll(async () => {
		entryA = (
			await recordPickingEntry(
				database.db,
				staff,
				entry({ pickedOn: DAY, weightGrams: 20_000 }),
				TODAY
			)
		).entry.id;
		entryB = (
			await recordPickingEntry(
				database.db,
				staff,
				entry({ pickedOn: DAY, memberId: pickerB.memberId, weightGrams: 15_250 }),
				TODAY
			)
		).entry.id;
		await recordPickingEntry(
			database.db,
			staff,
			entry({ pickedOn: DAY, memberId: '', pickerName: '外来采摘人乙', weightGrams: 5_000 }),
			TODAY
		);
	});

	it('shows the day’s sheet per picker with totals', async () => {
		const sheet = await paymentSheet(database.db, staff, { stationId, period: 'day', date: DAY });
		expect(sheet.totals).toMatchObject({
			pickers: 3,
			entries: 3,
			grams: 40_250,
			amountFen: 4_025,
			unpaidFen: 4_025
		});
		expect(
			await issues(paymentSheet(database.db, staffOut, { stationId, period: 'day', date: DAY }))
		).toEqual(['not_found']);
	});

	it('refuses to pay a sheet that changed since it was shown', async () => {
		expect(
			await issues(
				paySheet(
					database.db,
					staff,
					{
						stationId,
						period: 'day',
						date: DAY,
						paidOn: '2026-08-05',
						expectedEntries: '2',
						expectedFen: '4025'
					},
					TODAY
				)
			)
		).toEqual([':picking_error_sheet_changed']);
	});

	it('posts each registered picker’s pay once, the outside picker none, even when paid twice at once', async () => {
		const pay = () =>
			paySheet(
				database.db,
				staff,
				{
					stationId,
					period: 'day',
					date: DAY,
					paidOn: '2026-08-05',
					expectedEntries: '3',
					expectedFen: '4025'
				},
				TODAY
			);
		const outcomes = await Promise.allSettled([pay(), pay()]);
		const done = outcomes.filter((o) => o.status === 'fulfilled');
		expect(done).toHaveLength(1);
		expect(
			(done[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof pay>>>).value
		).toMatchObject({
			entries: 3,
			totalFen: 4_025,
			posted: 2
		});
		const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
		expect((refused.reason as DomainError).issues[0].key).toMatch(
			/picking_error_sheet_(paid|changed)/
		);
		expect(await issues(pay())).toEqual([':picking_error_sheet_paid']);
		const postingsA = (await ledgerFor(pickerA.householdId, 'picking')).filter(
			(p) => p.sourceId === entryA
		);
		expect(postingsA).toEqual([
			expect.objectContaining({
				kind: 'wage',
				subtype: 'picking',
				amountFen: 2_000,
				sourceVersion: 1,
				businessDate: '2026-08-05',
				memberId: pickerA.memberId
			})
		]);
		const postingsB = (await ledgerFor(pickerB.householdId, 'picking')).filter(
			(p) => p.sourceId === entryB
		);
		expect(postingsB.map((p) => p.amountFen)).toEqual([1_525]);
		const sheet = await paymentSheet(database.db, staff, { stationId, period: 'day', date: DAY });
		expect(sheet.totals.unpaidFen).toBe(0);
		expect(sheet.payments).toHaveLength(1);
	});

	it('reverses and re-posts when a paid entry is corrected, and will not void it', async () => {
		await correctPickingEntry(database.db, staff, entryA, { weight: '21' }, TODAY);
		const postings = (await ledgerFor(pickerA.householdId, 'picking')).filter(
			(p) => p.sourceId === entryA
		);
		expect(postings.map((p) => [p.sourceVersion, p.amountFen]).sort()).toEqual([
			[1, -2_000],
			[1, 2_000],
			[2, 2_100]
		]);
		expect(postings.reduce((sum, p) => sum + p.amountFen, 0)).toBe(2_100);
		expect(await issues(voidPickingEntry(database.db, staff, entryA))).toEqual([
			':picking_error_void_paid'
		]);
		// Moving the paid weigh-in to the right picker moves the income between households.
		await correctPickingEntry(
			database.db,
			staff,
			entryA,
			{ weight: '21', memberId: pickerB.memberId },
			TODAY
		);
		const a = (await ledgerFor(pickerA.householdId, 'picking')).filter(
			(p) => p.sourceId === entryA
		);
		const b = (await ledgerFor(pickerB.householdId, 'picking')).filter(
			(p) => p.sourceId === entryA
		);
		expect(a.reduce((sum, p) => sum + p.amountFen, 0)).toBe(0);
		expect(b.map((p) => [p.sourceVersion, p.amountFen])).toEqual([[3, 2_100]]);
	});

	it('exports the sheet for the bank with full identity numbers, and audits the export', async () => {
		const file = await exportPaymentSheet(
			database.db,
			staff,
			{ stationId, period: 'day', date: DAY, which: 'all' },
			TODAY
		);
		const workbook = new ExcelJS.Workbook();
		await workbook.xlsx.load(file.body.buffer as ArrayBuffer);
		const sheet = workbook.worksheets[0];
		expect(sheet.getRow(3).values).toEqual([
			undefined,
			'序号',
			'姓名',
			'身份证号',
			'银行账号',
			'金额（元）',
			'签字'
		]);
		const ids: string[] = [];
		sheet.eachRow((row, n) => {
			if (n > 3) ids.push(String(row.getCell(3).value ?? ''));
		});
		expect(ids).toContain(pickerB.idNumber);
		const audit = await listAudit(database.db, world.countyA.id, {
			action: 'picking.sheet.export'
		});
		expect(audit).toHaveLength(1);
		expect(JSON.stringify(audit[0])).not.toContain(pickerB.idNumber);
	});
});

describe('a rate changed after payments', () => {
	it('keeps the rate each earlier entry was weighed at; new entries take the new rate', async () => {
		const before = await recordPickingEntry(
			database.db,
			staff,
			entry({ pickedOn: '2026-09-01', weightGrams: 10_000 }),
			TODAY
		);
		await updateSeason(database.db, admin, seasonId, {
			year: '',
			firstYearRate: '900',
			laterYearRate: '100.5',
			pickingRate: '1.2',
			seedlingsPerMu: '300',
			startsOn: '2026-05-01',
			endsOn: '2026-09-30'
		});
		const after = await recordPickingEntry(
			database.db,
			staff,
			entry({ pickedOn: '2026-09-01', weightGrams: 10_000 }),
			TODAY
		);
		expect(after.entry).toMatchObject({ rateFenPerKg: 120, amountFen: 1_200 });
		const day = await listStationDay(database.db, staff, stationId, '2026-09-01');
		expect(day.entries.find((e) => e.id === before.entry.id)).toMatchObject({
			rateFenPerKg: 100,
			amountFen: 1_000
		});
		// A correction of the old entry keeps its old rate too.
		const fixed = await correctPickingEntry(
			database.db,
			staff,
			before.entry.id,
			{ weight: '10.5' },
			TODAY
		);
		expect(fixed).toMatchObject({ rateFenPerKg: 100, amountFen: 1_050 });
		// The window cannot shrink past recorded weigh-ins.
		expect(
			await issues(
				updateSeason(database.db, admin, seasonId, {
					year: '',
					firstYearRate: '900',
					laterYearRate: '0',
					pickingRate: '1.2',
					seedlingsPerMu: '300',
					startsOn: '2026-05-01',
					endsOn: '2026-08-31'
				})
			)
		).toEqual(['endsOn:season_error_window_excludes_entries']);
	});
});

describe('what households and the county see', () => {
	it('shows a household its plots, subsidies and picking by month, and its ledger holds the pay', async () => {
		const planting = await householdPlanting(database.db, world.countyA.id, pickerB.householdId);
		const august = planting.pickingByMonth.find((m) => m.month === '2026-08');
		expect(august).toMatchObject({ entries: 2, grams: 15_250 + 21_000, paidFen: 1_525 + 2_100 });
		const ledger = await householdLedger(database.db, world.countyA.id, pickerB.householdId, TODAY);
		expect(ledger.entries.some((e) => e.source === 'picking' && e.amountFen === 1_525)).toBe(true);
	});

	it('counts pickers and planters from monitored households on the dashboard', async () => {
		await updateMonitoring(
			database.db,
			admin,
			pickerB.householdId,
			{
				category: 'marginal',
				status: 'monitored',
				risks: ['illness'],
				happenedOn: '2026-03-01',
				eliminationMethod: '',
				note: ''
			},
			TODAY
		);
		const dashboard = await seasonDashboard(database.db, staff, seasonId);
		expect(dashboard.picking.monitoredHouseholds).toBe(1);
		expect(dashboard.picking.outsidePickers).toBe(2);
		expect(dashboard.picking.households).toBe(2);
		expect(dashboard.perDay).toHaveLength(153);
		expect(dashboard.perDay.find((d) => d.date === '2026-08-03')?.grams).toBe(
			21_000 + 15_250 + 5_000
		);
		expect(dashboard.perWeek.map((w) => w.week)).toContain('2026-08-03');
		expect(dashboard.subsidies.paidFen).toBeGreaterThan(0);
		const outside = await seasonDashboard(database.db, staffOut, seasonId);
		expect(outside.picking.entries).toBe(0);
	});
});
