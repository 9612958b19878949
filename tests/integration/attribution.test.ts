import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { inTransaction } from '../../src/lib/server/db';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { DomainError } from '../../src/lib/server/errors';
import { postLedgerEntries, type Posting } from '../../src/lib/server/income';
import { attribution } from '../../src/lib/server/income/attribution';
import { writeMonitoringRecord } from '../../src/lib/server/monitoring';
import { setMonitoringLine } from '../../src/lib/server/settings';
import { actorFor, buildWorld, createHousehold, type World } from './fixtures';
import { freshDatabase } from './helpers';

const ON = '2026-11-29';
let database: Database;
let world: World;
let admin: UserActor;
let staffIn: UserActor;
let staffOut: UserActor;

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
	admin = (await actorFor(database.db, world.userIds.admin)).user;
	staffIn = (await actorFor(database.db, world.userIds.staffIn)).user;
	staffOut = (await actorFor(database.db, world.userIds.staffOut)).user;
	await setMonitoringLine(database.db, world.countyA.id, 2025, 700000);
	await setMonitoringLine(database.db, world.countyA.id, 2026, 750000);
});
afterAll(async () => {
	await database.close();
});

function posting(
	householdId: string,
	source: Posting['source'],
	kind: Posting['kind'],
	subtype: string,
	businessDate: string,
	amountFen: number
): Posting {
	return {
		countyId: world.countyA.id,
		householdId,
		businessDate,
		amountFen,
		kind,
		subtype,
		source
	};
}

async function post(postings: Posting[]) {
	await inTransaction(database.db, (tx) => postLedgerEntries(tx, admin, postings));
}

describe('attribution', () => {
	it('splits a household’s income by program this year and last, and since monitoring began', async () => {
		// One person at home (the fixture's head, no membership history).
		const id = await createHousehold(database.db, world.countyA.id, '130434108068', '郭玉兰');
		await inTransaction(database.db, (tx) =>
			writeMonitoringRecord(tx, admin, world.countyA.id, id, {
				category: 'marginal',
				status: 'monitored',
				monitoredSince: '2025-06-01',
				risks: ['illness']
			})
		);
		await post([
			posting(id, 'manual', 'transfer', 'dibao', '2024-09-15', 40000),
			posting(id, 'manual', 'transfer', 'dibao', '2025-03-15', 47000),
			posting(id, 'factory_wage', 'wage', 'factory_wage', '2025-08-31', 250000),
			posting(id, 'factory_wage', 'wage', 'factory_wage', '2026-08-31', 260000),
			posting(id, 'factory_wage', 'wage', 'factory_wage', '2026-09-30', 270000),
			posting(id, 'picking', 'wage', 'picking', '2026-06-10', 2015),
			posting(id, 'insurance', 'transfer', 'anti_poverty_insurance', '2026-10-08', 2_200_000),
			// Costs and large expenses are not income a program brought.
			posting(id, 'manual', 'large_expense', 'medical', '2026-08-10', 9_000_000)
		]);
		const result = await attribution(database.db, staffIn, {
			householdId: id,
			year: 2026,
			onDate: ON
		});
		expect(result.programs).toEqual([
			{ program: 'factory_wage', thisYearFen: 530000, lastYearFen: 250000 },
			{ program: 'picking', thisYearFen: 2015, lastYearFen: 0 },
			{ program: 'insurance', thisYearFen: 2_200_000, lastYearFen: 0 },
			{ program: 'manual:dibao', thisYearFen: 0, lastYearFen: 47000 }
		]);
		// The 12 months before 1 June 2025 against the 12 months to 29 November 2026.
		expect(result.sinceMonitoring).toMatchObject({
			monitoredSince: '2025-06-01',
			before: { from: '2024-06-01', to: '2025-05-31' },
			recent: { from: '2025-11-30', to: ON },
			totalChangeFen: 530000 + 2015 + 2_200_000 - 87000
		});
		expect(result.sinceMonitoring!.programs).toContainEqual({
			program: 'manual:dibao',
			beforeFen: 87000,
			recentFen: 0,
			changeFen: -87000
		});
		// Someone else's township: not found.
		await expect(
			attribution(database.db, staffOut, { householdId: id, year: 2026, onDate: ON })
		).rejects.toBeInstanceOf(DomainError);
	});

	it('names the program whose income grew most for each household lifted above the line', async () => {
		// Below the line a year ago (7,000 yuan for 2025), above it now (7,500 for 2026).
		const byFactory = await createHousehold(
			database.db,
			world.countyA.id,
			'130434108068',
			'冯志强'
		);
		const byPlanting = await createHousehold(
			database.db,
			world.countyA.id,
			'130434108068',
			'韩淑珍'
		);
		const stillBelow = await createHousehold(
			database.db,
			world.countyA.id,
			'130434108068',
			'曹德胜'
		);
		const notKnown = await createHousehold(database.db, world.countyA.id, '130434108068', '蒋文华');
		const otherTownship = await createHousehold(
			database.db,
			world.countyA.id,
			'130434205213',
			'彭秀云'
		);
		await post([
			posting(byFactory, 'manual', 'transfer', 'dibao', '2025-05-15', 500000),
			posting(byFactory, 'factory_wage', 'wage', 'factory_wage', '2026-05-31', 600000),
			posting(byFactory, 'manual', 'transfer', 'dibao', '2026-05-15', 400000),
			posting(byPlanting, 'manual', 'transfer', 'dibao', '2025-10-15', 47000),
			posting(notKnown, 'factory_wage', 'wage', 'factory_wage', '2026-05-31', 900000),
			posting(byPlanting, 'planting_subsidy', 'transfer', 'planting_subsidy', '2026-04-01', 500000),
			posting(byPlanting, 'picking', 'wage', 'picking', '2026-08-20', 300000),
			posting(stillBelow, 'factory_wage', 'wage', 'factory_wage', '2026-05-31', 100000),
			posting(otherTownship, 'manual', 'transfer', 'pension', '2025-01-20', 30000),
			posting(otherTownship, 'insurance', 'transfer', 'migrant_worker', '2026-03-01', 900000)
		]);
		const county = await attribution(database.db, admin, { year: 2026, onDate: ON });
		const lifted = new Map(county.lifted.households.map((h) => [h.householdId, h]));
		expect(lifted.get(byFactory)).toMatchObject({
			program: 'factory_wage',
			growthFen: 600000,
			perCapitaBeforeFen: 500000,
			perCapitaNowFen: 1_000_000
		});
		// 5,000 yuan of subsidy grew more than 3,000 of picking pay.
		expect(lifted.get(byPlanting)).toMatchObject({
			program: 'planting_subsidy',
			growthFen: 500000
		});
		expect(lifted.has(stillBelow)).toBe(false);
		// No income on record a year ago: not known to have been below the line.
		expect(lifted.has(notKnown)).toBe(false);
		expect(lifted.get(otherTownship)).toMatchObject({ program: 'insurance' });
		expect(county.lifted.byProgram).toEqual(
			expect.arrayContaining([
				{ program: 'factory_wage', households: 1 },
				{ program: 'planting_subsidy', households: 1 },
				// The household of the first test rose with its 22,000 yuan payout.
				{ program: 'insurance', households: 2 }
			])
		);
		expect(county.programs.find((p) => p.program === 'insurance')!.thisYearFen).toBe(
			2_200_000 + 900000
		);
		// Township staff see their township only.
		const township = await attribution(database.db, staffIn, { year: 2026, onDate: ON });
		expect(township.lifted.households.map((h) => h.householdId)).not.toContain(otherTownship);
		expect(township.lifted.households.map((h) => h.householdId)).toContain(byFactory);
		expect(township.programs.find((p) => p.program === 'insurance')!.thisYearFen).toBe(2_200_000);
		// Other roles have no county view.
		const owner = (await actorFor(database.db, world.userIds.owner)).user;
		await expect(attribution(database.db, owner, { year: 2026 })).rejects.toBeInstanceOf(
			DomainError
		);
	});
});
