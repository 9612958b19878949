import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { inTransaction } from '../../src/lib/server/db';
import { identityCheckCharacter } from '../../src/lib/identity';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { listAudit } from '../../src/lib/server/audit';
import {
	addMember,
	createHousehold,
	getHousehold,
	memberLeaves,
	updateMember
} from '../../src/lib/server/households';
import {
	incomeAccount,
	incomeAccounts,
	perCapitaAt,
	postLedgerEntry,
	recordManualEntry,
	reverseManualEntry
} from '../../src/lib/server/income';
import { householdStandings } from '../../src/lib/server/income/schema';
import { perCapitaAtMonthEnds } from '../../src/lib/server/income/account';
import {
	perCapitaOnFromStandings,
	villageCountsDifferences
} from '../../src/lib/server/income/standing-read';
import {
	incomeMonthsDifferences,
	programYearsDifferences,
	villageIncomeMonthsDifferences
} from '../../src/lib/server/income/months';
import {
	reevaluateCounty,
	refreshStandings,
	standingsJob
} from '../../src/lib/server/income/standings';
import { members } from '../../src/lib/server/households/schema';
import { newId } from '../../src/lib/server/db/ids';
import { setMonitoringLine } from '../../src/lib/server/settings';
import { todayInChina } from '../../src/lib/format';
import { actorFor, buildWorld, type World } from './fixtures';
import { freshDatabase } from './helpers';

// Business dates of the entries; the standings are evaluated on the real today (later).
const TODAY = '2026-11-29';
const VILLAGE = '130434108068';
let database: Database;
let world: World;
let staff: UserActor;
let admin: UserActor;

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
	staff = (await actorFor(database.db, world.userIds.staffIn)).user;
	admin = (await actorFor(database.db, world.userIds.admin)).user;
	await setMonitoringLine(database.db, world.countyA.id, 2026, 750000);
	await setMonitoringLine(database.db, world.countyA.id, 2025, 720000);
});
afterAll(async () => {
	await database.close();
});

let sequence = 700;
function idNumber(birth: string, male: boolean): string {
	sequence += 2;
	const first17 = `130434${birth}${String(sequence + (male ? 1 : 0)).slice(-3)}`;
	return first17 + identityCheckCharacter(first17);
}
const person = (name: string, birth: string, male: boolean, relation = '户主') => ({
	name,
	idNumber: idNumber(birth, male),
	relation,
	labourCapacity: 'full',
	health: 'healthy',
	inSchool: '',
	workingAway: '',
	resident: 'on'
});

let householdSequence = 0;
async function household(head: ReturnType<typeof person>, registeredOn = '2020-01-01') {
	householdSequence += 1;
	return createHousehold(
		database.db,
		staff,
		{
			householdNumber: `13043410806877${String(householdSequence).padStart(2, '0')}`,
			villageCode: VILLAGE,
			address: '',
			phone: '',
			registeredOn,
			head
		},
		TODAY
	);
}

async function join(
	householdId: string,
	who: ReturnType<typeof person>,
	event: string,
	on: string
) {
	return addMember(database.db, staff, householdId, { ...who, event, happenedOn: on }, TODAY);
}

async function manual(householdId: string, subtype: string, amount: string, businessDate: string) {
	return recordManualEntry(
		database.db,
		staff,
		householdId,
		{ subtype, amount, businessDate },
		TODAY
	);
}

async function payout(householdId: string, amountFen: number, businessDate: string) {
	return inTransaction(database.db, (tx) =>
		postLedgerEntry(tx, staff, {
			countyId: world.countyA.id,
			householdId,
			businessDate,
			amountFen,
			kind: 'transfer',
			subtype: 'anti_poverty_insurance',
			source: 'insurance'
		})
	);
}

async function storedStanding(householdId: string) {
	const [row] = await database.db
		.select()
		.from(householdStandings)
		.where(
			and(
				eq(householdStandings.countyId, world.countyA.id),
				eq(householdStandings.householdId, householdId)
			)
		);
	return row;
}

describe('the income account of the seed report’s two households', () => {
	it('(a) the couple on 低保: below the line before the payout, above after it, to the fen', async () => {
		const id = await household(person('刘振华', '19520304', true));
		const wife = await join(
			id,
			person('孙桂芝', '19550812', false, '配偶'),
			'marriage_in',
			'1976-02-01'
		);
		// 470 yuan a month for the two, December 2025 to November 2026.
		for (let m = 0; m < 12; m++) {
			const month = m === 0 ? '2025-12' : `2026-${String(m).padStart(2, '0')}`;
			await manual(id, 'dibao', '470', `${month}-15`);
		}
		await manual(id, 'pv_dividend', '3,000', '2026-06-30');
		await manual(id, 'temporary_job', '2000', '2026-03-20');
		await manual(id, 'medical', '90,000', '2026-08-10');
		await payout(id, 2_200_000, '2026-10-08');

		const before = await incomeAccount(database.db, world.countyA.id, id, '2026-09-30');
		expect(before).toMatchObject({
			from: '2025-10-01',
			to: '2026-09-30',
			residents: 2,
			// Ten months of 低保 (December to September), the dividend, the duty pay.
			netFen: 10 * 47000 + 300000 + 200000,
			perCapitaFen: 485000,
			lineFen: 750000,
			gapFen: -265000,
			belowLine: true,
			nearLine: false,
			noPerCapita: null
		});
		expect(before.largeExpenses.totalFen).toBe(9_000_000);
		expect(before.largeExpenses.entries.map((e) => e.amountFen)).toEqual([9_000_000]);

		const after = await incomeAccount(database.db, world.countyA.id, id, TODAY);
		expect(after.totals).toMatchObject({
			transfer: 12 * 47000 + 2_200_000,
			property: 300000,
			wage: 200000,
			large_expense: 9_000_000,
			production_cost: 0
		});
		expect(after).toMatchObject({
			netFen: 3_264_000,
			residents: 2,
			perCapitaFen: 1_632_000,
			gapFen: 882_000,
			belowLine: false
		});
		expect(after.monthly.map((m) => m.month)).toEqual([
			'2025-12',
			...Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`)
		]);
		expect(after.monthly.find((m) => m.month === '2026-10')!.netFen).toBe(47000 + 2_200_000);
		expect(after.monthly.find((m) => m.month === '2026-08')!.totals.large_expense).toBe(9_000_000);
		// The calendar years: 2026 so far, and December 2025 alone in 2025 (line 7,200 yuan).
		expect(after.thisYear).toMatchObject({ netFen: 3_264_000 - 47000, residents: 2 });
		expect(after.lastYear).toMatchObject({
			netFen: 47000,
			residents: 2,
			perCapitaFen: 23500,
			lineFen: 720000,
			gapFen: 23500 - 720000
		});

		// Month-ends, newest first, for "above the line for N months in a row".
		const ends = await perCapitaAtMonthEnds(database.db, world.countyA.id, [id], TODAY, 3);
		expect(ends.get(id)).toEqual([
			{
				onDate: '2026-10-31',
				perCapitaFen: (11 * 47000 + 300000 + 200000 + 2_200_000) / 2,
				lineFen: 750000
			},
			{ onDate: '2026-09-30', perCapitaFen: 485000, lineFen: 750000 },
			{ onDate: '2026-08-31', perCapitaFen: (9 * 47000 + 300000 + 200000) / 2, lineFen: 750000 }
		]);

		// The wife dies on 20 October: one resident after that date, two before.
		await memberLeaves(
			database.db,
			staff,
			id,
			wife,
			{ event: 'death', happenedOn: '2026-10-20' },
			TODAY
		);
		expect(await incomeAccount(database.db, world.countyA.id, id, TODAY)).toMatchObject({
			residents: 1,
			perCapitaFen: 3_264_000
		});
		expect((await incomeAccount(database.db, world.countyA.id, id, '2026-10-19')).residents).toBe(
			2
		);
		// The stored standing followed every posting and the death, on today's date.
		const stored = await storedStanding(id);
		const today = await incomeAccount(database.db, world.countyA.id, id, todayInChina());
		expect(stored).toMatchObject({
			evaluatedOn: todayInChina(),
			netFen: today.netFen,
			residents: 1,
			perCapitaFen: today.perCapitaFen,
			belowLine: today.belowLine,
			largeExpenseFen: today.largeExpenses.totalFen,
			reason: 'membership'
		});
	});

	it('(b) the family paying 57,593.50 yuan of medical costs: a birth changes the divisor', async () => {
		const id = await household(person('赵国庆', '19800101', true));
		await join(id, person('钱丽', '19820505', false, '配偶'), 'marriage_in', '2004-05-01');
		await join(id, person('赵小明', '20080808', true, '之子'), 'birth', '2008-08-08');
		for (let m = 1; m <= 11; m++)
			await manual(id, 'migrant_work', '3,000', `2026-${String(m).padStart(2, '0')}-25`);
		await manual(id, 'medical', '57593.50', '2026-07-01');
		await payout(id, 4_000_000, '2026-09-15');
		await join(id, person('赵小花', '20260510', false, '之女'), 'birth', '2026-05-10');

		const spring = await incomeAccount(database.db, world.countyA.id, id, '2026-04-30');
		expect(spring).toMatchObject({ residents: 3, netFen: 1_200_000, perCapitaFen: 400_000 });
		const now = await incomeAccount(database.db, world.countyA.id, id, TODAY);
		expect(now).toMatchObject({
			residents: 4,
			netFen: 3_300_000 + 4_000_000,
			perCapitaFen: 1_825_000,
			gapFen: 1_075_000,
			belowLine: false
		});
		expect(now.largeExpenses).toMatchObject({ totalFen: 5_759_350 });
		expect(now.largeExpenses.entries[0]).toMatchObject({
			amountFen: 5_759_350,
			subtype: 'medical'
		});
		// On 9 May the daughter was not born yet.
		expect((await incomeAccount(database.db, world.countyA.id, id, '2026-05-09')).residents).toBe(
			3
		);
	});

	it('says per-capita income cannot be computed when nobody lives at home (no division by zero)', async () => {
		const head = person('周大山', '19700101', true);
		const id = await household(head);
		await manual(id, 'migrant_work', '5,000', '2026-05-01');
		const [member] = (await incomeAccounts(database.db, world.countyA.id, [id], TODAY)).values();
		expect(member.residents).toBe(1);
		const view = await getHousehold(database.db, staff, id);
		await updateMember(
			database.db,
			staff,
			id,
			view.members[0].id,
			{ ...head, idNumber: '', resident: '' },
			TODAY
		);
		const account = await incomeAccount(database.db, world.countyA.id, id, TODAY);
		expect(account).toMatchObject({
			residents: 0,
			netFen: 500000,
			perCapitaFen: null,
			noPerCapita: 'no_residents',
			gapFen: null,
			belowLine: null
		});
		expect((await perCapitaAt(database.db, world.countyA.id, [id], TODAY)).get(id)).toBeNull();
		expect(await storedStanding(id)).toMatchObject({
			residents: 0,
			perCapitaFen: null,
			belowLine: null
		});
	});
});

/** The seeded random of the demo, so a failure can be replayed. */
function random(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state * 1664525 + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
}

describe('stored standings', () => {
	it('equal the ledger after random postings, reversals, membership events and a line change', async () => {
		const next = random(20261129);
		const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
		const ids: string[] = [];
		const entries: { household: string; id: string }[] = [];
		const joined: { household: string; member: string }[] = [];
		for (let i = 0; i < 6; i++) {
			const id = await household(person(`测${i}`, `1970010${i + 1}`, true), '2024-03-01');
			ids.push(id);
			// A second person in most households, so that someone can leave.
			const member = await join(
				id,
				person(`测${i}妻`, `1972020${i + 1}`, false, '配偶'),
				'marriage_in',
				'2025-12-01'
			);
			joined.push({ household: id, member });
		}
		const done = { posted: 0, reversed: 0, born: 0, left: 0 };
		const subtypes = ['migrant_work', 'dibao', 'pv_dividend', 'production_cost', 'medical'];
		for (let step = 0; step < 60; step++) {
			const id = pick(ids);
			// Mostly postings; a reversal, a birth and a departure in every eight steps.
			const action = ['post', 'post', 'reverse', 'post', 'birth', 'post', 'leave', 'post'][
				step % 8
			];
			if (action === 'post' || (action === 'reverse' && !entries.length)) {
				const month = String(1 + Math.floor(next() * 11)).padStart(2, '0');
				const year = next() < 0.3 ? '2025' : '2026';
				const entry = await manual(
					id,
					pick(subtypes),
					String(1 + Math.floor(next() * 300000) / 100),
					`${year}-${month}-1${Math.floor(next() * 9)}`
				);
				entries.push({ household: id, id: entry.id });
				done.posted++;
			} else if (action === 'reverse') {
				const index = Math.floor(next() * entries.length);
				const [entry] = entries.splice(index, 1);
				await reverseManualEntry(database.db, staff, entry.household, entry.id);
				done.reversed++;
			} else if (action === 'birth') {
				const birth = `2026-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)}`;
				await join(
					id,
					person(`测${step}子`, birth.replace(/-/g, ''), true, '之子'),
					'birth',
					birth
				);
				done.born++;
			} else if (joined.length) {
				const [leaving] = joined.splice(Math.floor(next() * joined.length), 1);
				await memberLeaves(
					database.db,
					staff,
					leaving.household,
					leaving.member,
					{ event: pick(['death', 'moved_out', 'marriage_out']), happenedOn: '2026-07-01' },
					TODAY
				);
				done.left++;
			}
		}
		// Every kind of change happened at least once.
		expect(Object.values(done).every((n) => n > 0)).toBe(true);
		const compare = async () => {
			const rows = await database.db
				.select()
				.from(householdStandings)
				.where(eq(householdStandings.countyId, world.countyA.id));
			const byId = new Map(rows.map((r) => [r.householdId, r]));
			const accounts = await incomeAccounts(database.db, world.countyA.id, ids, todayInChina());
			const differences: unknown[] = [];
			for (const id of ids) {
				const row = byId.get(id);
				const account = accounts.get(id)!;
				const expected = {
					evaluatedOn: account.onDate,
					netFen: account.netFen,
					residents: account.residents,
					perCapitaFen: account.perCapitaFen,
					lineFen: account.lineFen,
					belowLine: account.belowLine,
					nearLine: account.nearLine,
					largeExpenseFen: account.largeExpenses.totalFen
				};
				const actual = row && {
					evaluatedOn: row.evaluatedOn,
					netFen: row.netFen,
					residents: row.residents,
					perCapitaFen: row.perCapitaFen,
					lineFen: row.lineFen,
					belowLine: row.belowLine,
					nearLine: row.nearLine,
					largeExpenseFen: row.largeExpenseFen
				};
				if (JSON.stringify(actual) !== JSON.stringify(expected))
					differences.push({ id, expected, actual });
			}
			return { differences, rows: byId };
		};
		const first = await compare();
		expect(first.differences).toEqual([]);
		// The monthly summary the dashboard reads equals the ledger too.
		expect(await incomeMonthsDifferences(database.db, world.countyA.id)).toEqual([]);
		expect(await villageIncomeMonthsDifferences(database.db, world.countyA.id)).toEqual([]);
		expect(await programYearsDifferences(database.db, world.countyA.id)).toEqual([]);
		expect(await villageCountsDifferences(database.db, world.countyA.id)).toEqual([]);
		// Some of them are above the line, some below: the comparison meant something.
		const accounts = [
			...(await incomeAccounts(database.db, world.countyA.id, ids, todayInChina())).values()
		];
		expect(accounts.some((a) => a.netFen !== 0)).toBe(true);

		// A new line: stored rows are stale until the county is re-evaluated.
		const year = Number(todayInChina().slice(0, 4));
		await setMonitoringLine(database.db, world.countyA.id, year, 1_200_000);
		expect((await compare()).differences.length).toBeGreaterThan(0);
		const run = await reevaluateCounty(database.db, admin, world.countyA.id, 'line_change');
		const total = await database.db.$count(
			householdStandings,
			eq(householdStandings.countyId, world.countyA.id)
		);
		expect(run.households).toBe(total);
		const second = await compare();
		expect(second.differences).toEqual([]);
		expect(await villageCountsDifferences(database.db, world.countyA.id)).toEqual([]);
		expect([...second.rows.values()].every((r) => r.lineFen === 1_200_000)).toBe(true);
		const audit = await listAudit(database.db, world.countyA.id, {
			action: 'standings.reevaluate'
		});
		expect(audit).toHaveLength(1);
		expect(audit[0].after).toMatchObject({ reason: 'line_change', households: total });

		// The nightly job evaluates again on the business date it is given.
		await standingsJob.run(database.db, world.countyA.id, '2026-12-31');
		const [moved] = await database.db
			.select()
			.from(householdStandings)
			.where(eq(householdStandings.householdId, ids[0]));
		const account = await incomeAccount(database.db, world.countyA.id, ids[0], '2026-12-31');
		expect(moved).toMatchObject({
			evaluatedOn: '2026-12-31',
			netFen: account.netFen,
			perCapitaFen: account.perCapitaFen,
			reason: 'nightly'
		});
		// Restore today's standings for the next tests.
		await setMonitoringLine(database.db, world.countyA.id, year, 750000);
	});
});

describe('stored standings of people without membership history', () => {
	it('count a current resident with no events, and people with events by their events only', async () => {
		const id = await household(person('无史', '19650301', true), '2024-03-01');
		const leaving = await join(
			id,
			person('无史妻', '19670401', false, '配偶'),
			'marriage_in',
			'2025-12-01'
		);
		await memberLeaves(
			database.db,
			staff,
			id,
			leaving,
			{ event: 'moved_out', happenedOn: '2026-07-01' },
			TODAY
		);
		// Rows written without events (as older data and the demo have): counted while current.
		const bare = (name: string, birth: string, current: boolean) => ({
			countyId: world.countyA.id,
			id: newId(),
			householdId: id,
			name,
			idNumber: idNumber(birth, false),
			sex: 'female' as const,
			birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}`,
			relation: '之女',
			current,
			resident: true
		});
		await database.db
			.insert(members)
			.values([bare('无史女', '19900501', true), bare('无史二女', '19920601', false)]);
		await inTransaction(database.db, (tx) =>
			refreshStandings(tx, world.countyA.id, [id], 'membership')
		);
		const [account] = (
			await incomeAccounts(database.db, world.countyA.id, [id], todayInChina())
		).values();
		// The head (registered) and the daughter without history; not the wife who moved out.
		expect(account.residents).toBe(2);
		expect((await storedStanding(id)).residents).toBe(2);
	});
});

describe('per-capita income for the nightly rules', () => {
	it('reads the standings evaluated on the date, the ledger for any other, and both equal the account', async () => {
		const kept = await household(person('夜读', '19700301', true), '2024-03-01');
		await join(kept, person('夜读妻', '19720401', false, '配偶'), 'marriage_in', '2024-05-01');
		await manual(kept, 'migrant_work', '9000.00', '2026-06-28');
		const stale = await household(person('夜算', '19710301', true), '2024-03-01');
		await manual(stale, 'dibao', '470.00', '2026-09-15');
		const today = todayInChina();
		const ids = [kept, stale];
		const accounts = await incomeAccounts(database.db, world.countyA.id, ids, today);
		// Both were evaluated today by their postings: the standings answer, equal to the accounts.
		expect(await perCapitaOnFromStandings(database.db, world.countyA.id, ids, today)).toEqual(
			new Map(ids.map((id) => [id, accounts.get(id)!.perCapitaFen]))
		);
		expect(accounts.get(kept)!.perCapitaFen).toBe(450000);

		// Which path answered: a standing of today is read as it is (here made different from
		// the ledger on purpose); a standing of another day is not read, the ledger answers.
		const mark = (householdId: string, set: Partial<typeof householdStandings.$inferInsert>) =>
			database.db
				.update(householdStandings)
				.set(set)
				.where(
					and(
						eq(householdStandings.countyId, world.countyA.id),
						eq(householdStandings.householdId, householdId)
					)
				);
		await mark(kept, { perCapitaFen: 12345 });
		await mark(stale, { perCapitaFen: 12345, evaluatedOn: '2026-01-01' });
		const read = await perCapitaOnFromStandings(database.db, world.countyA.id, ids, today);
		expect(read.get(kept)).toBe(12345);
		expect(read.get(stale)).toBe(accounts.get(stale)!.perCapitaFen);
		// A household without a standing at all is computed too.
		await database.db
			.delete(householdStandings)
			.where(
				and(
					eq(householdStandings.countyId, world.countyA.id),
					eq(householdStandings.householdId, stale)
				)
			);
		expect(
			(await perCapitaOnFromStandings(database.db, world.countyA.id, [stale], today)).get(stale)
		).toBe(accounts.get(stale)!.perCapitaFen);
		await inTransaction(database.db, (tx) =>
			refreshStandings(tx, world.countyA.id, ids, 'posting')
		);
	});
});
