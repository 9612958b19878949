import { and, eq, sql, type SQLWrapper } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { newId } from '../../src/lib/server/db/ids';
import { identityCheckCharacter } from '../../src/lib/identity';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { DomainError } from '../../src/lib/server/errors';
import { findPeople, peopleQuery } from '../../src/lib/server/factories';
import { parsePersonQuery } from '../../src/lib/server/households/find-people';
import { households, members } from '../../src/lib/server/households/schema';
import { ledgerEntries } from '../../src/lib/server/income/schema';
import {
	createPlot,
	createSeason,
	createStation,
	generateSubsidies,
	getPicker,
	listSubsidies,
	paySheet,
	paySubsidies,
	pickerSearchQuery,
	recentPayments,
	recordPickingEntry,
	reviewSubsidies,
	searchPickers
} from '../../src/lib/server/planting';
import { pickingEntries, plantingSubsidies } from '../../src/lib/server/planting/schema';
import {
	actorFor,
	addFactoryWorld,
	buildWorld,
	createHousehold,
	identityNumber,
	type World
} from './fixtures';
import { freshDatabase } from './helpers';

// The field screens that move money (issue 10 items 6–8, issue 16 item 1): a search that
// never chooses for the person and costs one index scan, and payments that are made only
// as confirmed.

const TODAY = '2026-11-29';
const DAY = '2026-09-30';
const VILLAGE_IN = '130434108068';
const FAMILY_PHONE = '13912345678';

let database: Database;
let world: World;
let admin: UserActor;
let staff: UserActor;
let staffOut: UserActor;
let owner: UserActor;
let factoryId: string;
let seasonId: string;
let stationId: string;
/** One family sharing a phone: who is who. */
const family: Record<
	'head' | 'spouse' | 'grandfather' | 'teen' | 'child' | 'regular',
	{ id: string; idNumber: string; name: string }
> = {} as never;

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

async function planOf(query: SQLWrapper): Promise<string> {
	const result = await database.db.execute(sql`explain ${query}`);
	const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<
		string,
		string
	>[];
	return rows.map((r) => Object.values(r)[0]).join('\n');
}

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
	admin = (await actorFor(database.db, world.userIds.admin)).user;
	staff = (await actorFor(database.db, world.userIds.staffIn)).user;
	staffOut = (await actorFor(database.db, world.userIds.staffOut)).user;
	factoryId = (await addFactoryWorld(database.db, world)).factoryId;
	owner = (await actorFor(database.db, world.userIds.owner)).user;
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
	// A family of six on one phone: two parents, a grandfather of 76, a 15-year-old, a
	// 6-year-old, and a grown son who has picked at this station this year.
	const householdId = newId();
	await database.db.insert(households).values({
		countyId: world.countyA.id,
		id: householdId,
		householdNumber: `${VILLAGE_IN}9001`,
		villageCode: VILLAGE_IN,
		phone: FAMILY_PHONE
	});
	const people = {
		head: ['郝建军', '1980-03-02', '户主'],
		spouse: ['苗秀云', '1982-07-19', '配偶'],
		grandfather: ['郝老栓', '1950-01-15', '父亲'],
		teen: ['郝小雨', '2011-10-20', '之女'],
		child: ['郝小宝', '2020-05-06', '之子'],
		regular: ['郝大伟', '2004-02-11', '之子']
	} as const;
	for (const [role, [name, birth, relation]] of Object.entries(people)) {
		const id = newId();
		const idNumber = identityNumber(birth.replaceAll('-', ''));
		await database.db.insert(members).values({
			countyId: world.countyA.id,
			id,
			householdId,
			name,
			idNumber,
			sex: 'male',
			birthDate: birth,
			relation
		});
		family[role as keyof typeof family] = { id, idNumber, name };
	}
	await recordPickingEntry(
		database.db,
		staff,
		{
			id: uuidv7(),
			stationId,
			pickedOn: '2026-06-10',
			memberId: family.regular.id,
			weightGrams: 9_000
		},
		TODAY
	);
});
afterAll(async () => {
	await database.close();
});

describe('picker search never chooses for the person', () => {
	it('orders a shared phone by who is likely picking and marks children under 16', async () => {
		const found = await searchPickers(database.db, staff, FAMILY_PHONE, stationId, DAY);
		const ids = found.map((f) => f.memberId);
		expect(ids).toHaveLength(6);
		// Picked at this station this year first, then adults 16–70, then older, then children.
		expect(ids[0]).toBe(family.regular.id);
		expect(found[0].pickedHere).toBe(true);
		expect(new Set(ids.slice(1, 3))).toEqual(new Set([family.head.id, family.spouse.id]));
		expect(ids[3]).toBe(family.grandfather.id);
		expect(new Set(ids.slice(4))).toEqual(new Set([family.teen.id, family.child.id]));
		expect(found.filter((f) => f.child).map((f) => f.memberId)).toEqual(ids.slice(4));
		expect(found.slice(0, 4).every((f) => !f.child && !f.outsideScope)).toBe(true);
		// Without a station, no one counts as a regular: adults still come before children.
		const anywhere = await searchPickers(database.db, staff, FAMILY_PHONE, null, DAY);
		expect(anywhere.slice(-2).every((f) => f.child)).toBe(true);
	});

	it('refuses to record a weight for a child, on the server too', async () => {
		const weigh = (memberId: string) =>
			recordPickingEntry(
				database.db,
				staff,
				{ id: uuidv7(), stationId, pickedOn: DAY, memberId, weightGrams: 5_000 },
				TODAY
			);
		expect(await issues(weigh(family.child.id))).toEqual(['memberId:field_error_picker_child']);
		expect(await issues(weigh(family.teen.id))).toEqual(['memberId:field_error_picker_child']);
		expect((await weigh(family.grandfather.id)).replayed).toBe(false);
		// The screen without JavaScript cannot choose a child by address either.
		expect(await getPicker(database.db, staff, family.child.id, DAY)).toBeNull();
		expect((await getPicker(database.db, staff, family.head.id, DAY))?.name).toBe('郝建军');
	});

	it('shows another township’s staff only an exact identity number, with minimal details', async () => {
		expect(await searchPickers(database.db, staffOut, FAMILY_PHONE, null, DAY)).toEqual([]);
		const byName = await searchPickers(database.db, staffOut, '郝', null, DAY);
		expect(byName.map((f) => f.memberId)).not.toContain(family.head.id);
		const byTail = await searchPickers(
			database.db,
			staffOut,
			family.head.idNumber.slice(-4),
			null,
			DAY
		);
		expect(byTail.map((f) => f.memberId)).not.toContain(family.head.id);
		const [card] = await searchPickers(database.db, staffOut, family.head.idNumber, null, DAY);
		expect(card).toMatchObject({
			memberId: family.head.id,
			name: '郝**',
			villageName: '',
			birthYear: '',
			outsideScope: true
		});
		expect(card.maskedIdNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
		// Their own staff see everything.
		const [own] = await searchPickers(database.db, staff, family.head.idNumber, stationId, DAY);
		expect(own).toMatchObject({ name: '郝建军', outsideScope: false });
	});

	it('answers odd input fast or with a message, never an error', async () => {
		const ask = (q: string) => searchPickers(database.db, staff, q, stationId, DAY);
		expect(await ask('%')).toEqual([]);
		expect(await ask('_')).toEqual([]);
		expect(await ask('%%__\\')).toEqual([]);
		expect(await ask('   ')).toEqual([]);
		expect(await ask('\u0000')).toEqual([]);
		expect((await ask('郝\u0000')).map((f) => f.memberId)).toContain(family.head.id);
		expect((await ask('郝')).length).toBeGreaterThan(0);
		expect(await issues(ask('郝'.repeat(200)))).toEqual(['q:field_search_too_long']);
		expect(await issues(ask('1'.repeat(200)))).toEqual(['q:field_search_too_long']);
		expect(await issues(ask('12'))).toEqual(['q:field_search_digits']);
		expect(parsePersonQuery(' 139 1234 5678 ')).toEqual({ kind: 'phone', phone: FAMILY_PHONE });
	});
});

describe('hire search', () => {
	it('lists adults before the old, hides children, and chooses no one', async () => {
		const found = await findPeople(database.db, owner, factoryId, { query: FAMILY_PHONE }, TODAY);
		const ids = found.map((f) => f.memberId);
		expect(ids).not.toContain(family.child.id);
		expect(ids).not.toContain(family.teen.id);
		expect(ids.at(-1)).toBe(family.grandfather.id);
		expect(new Set(ids.slice(0, 3))).toEqual(
			new Set([family.head.id, family.spouse.id, family.regular.id])
		);
		expect(await issues(findPeople(database.db, owner, factoryId, { query: '%' }, TODAY))).toEqual([
			'village:jobs_error_search_village'
		]);
		expect(
			await findPeople(
				database.db,
				owner,
				factoryId,
				{ query: '%', villageCode: VILLAGE_IN },
				TODAY
			)
		).toEqual([]);
		expect(
			await issues(findPeople(database.db, owner, factoryId, { query: 'x'.repeat(200) }, TODAY))
		).toEqual(['q:field_search_too_long']);
		expect(await findPeople(database.db, owner, factoryId, { query: '\u0000 ' }, TODAY)).toEqual(
			[]
		);
	});
});

describe('search plans at county size', () => {
	const SURNAMES = ['李', '王', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];

	beforeAll(async () => {
		const otherStations: string[] = [];
		for (let i = 0; i < 9; i++) {
			otherStations.push(
				await createStation(database.db, admin, {
					name: `收购点${i}`,
					villageCode: i % 2 ? VILLAGE_IN : '130434205213'
				})
			);
		}
		// 3,000 households of three in the staff's township and the next one.
		const villages = [VILLAGE_IN, '130434205213'];
		for (let batch = 0; batch < 6; batch++) {
			const hh: (typeof households.$inferInsert)[] = [];
			const mm: (typeof members.$inferInsert)[] = [];
			for (let i = 0; i < 500; i++) {
				const n = batch * 500 + i;
				const id = newId();
				hh.push({
					countyId: world.countyA.id,
					id,
					householdNumber: `G${String(n).padStart(6, '0')}`,
					villageCode: villages[n % 2],
					phone: `137${String(n).padStart(8, '0')}`
				});
				for (let k = 0; k < 3; k++) {
					// A birth date per person (unique), so the identity numbers are too.
					const idx = n * 3 + k;
					const q = Math.floor(idx / 50);
					const birth = `${1950 + (idx % 50)}-${String(1 + (Math.floor(q / 28) % 12)).padStart(2, '0')}-${String(1 + (q % 28)).padStart(2, '0')}`;
					const first17 = `130434${birth.replaceAll('-', '')}200`;
					mm.push({
						countyId: world.countyA.id,
						id: newId(),
						householdId: id,
						name: `${SURNAMES[(n + k) % SURNAMES.length]}${'红军秀英建国桂兰'[Math.floor(n / 10) % 8]}${k}`,
						idNumber: first17 + identityCheckCharacter(first17),
						sex: k === 1 ? 'female' : 'male',
						birthDate: birth,
						relation: k === 0 ? '户主' : '之子'
					});
				}
			}
			await database.db.insert(households).values(hh);
			await database.db.insert(members).values(mm);
			// A season's weigh-ins at this and nine other stations.
			await database.db.insert(pickingEntries).values(
				mm.slice(0, 1000).map((m, i) => ({
					countyId: world.countyA.id,
					id: newId(),
					seasonId,
					stationId: i % 10 === 0 ? stationId : otherStations[i % 9],
					pickedOn: `2026-0${5 + (i % 5)}-1${i % 10}`,
					memberId: m.id,
					householdId: m.householdId,
					pickerName: m.name,
					pickerIdNumber: m.idNumber,
					weightGrams: 10_000,
					rateFenPerKg: 100,
					amountFen: 1_000
				}))
			);
		}
	});

	const station = () => ({ id: stationId, villageCode: VILLAGE_IN });
	const cases: [string, string, RegExp][] = [
		['a one-character surname', '李', /members_name_idx|Seq Scan on members/],
		['a two-character name', '王红', /members_name_idx/],
		['a household phone', '13700001234', /households_phone_idx/],
		['the last 4 of an ID', '0123', /members_id_last4_idx/],
		['a whole ID number', '130434195001010011', /members_id_number_unique/]
	];

	for (const [what, q, index] of cases) {
		it(`finds pickers by ${what} with one index query, no loop per household`, async () => {
			const parsed = parsePersonQuery(q)!;
			const plan = await planOf(pickerSearchQuery(database.db, staff, parsed, station(), DAY));
			if (process.env.SHOW_PLANS) console.log(what, '\n' + plan);
			// The only subplan is the station's regulars: one range scan, run once and hashed.
			expect(plan).not.toMatch(/\(SubPlan \d/);
			expect(plan).toMatch(/hashed SubPlan/);
			expect(plan).toMatch(/picking_entries_station_day_idx/);
			expect(plan).toMatch(index);
			// The name is never searched inside a per-household condition.
			expect(plan).not.toMatch(/Seq Scan on households/);
		});
	}

	it('finds people to hire the same way', async () => {
		const byPhone = await planOf(
			peopleQuery(database.db, owner, parsePersonQuery('13700001234')!, undefined, TODAY)
		);
		expect(byPhone).not.toMatch(/SubPlan/);
		expect(byPhone).toMatch(/households_phone_idx/);
		const byName = await planOf(
			peopleQuery(
				database.db,
				owner,
				parsePersonQuery('王红')!,
				(column) => sql`left(${column}, 12) = ${VILLAGE_IN}`,
				TODAY
			)
		);
		expect(byName).not.toMatch(/SubPlan/);
		expect(byName).toMatch(/members_name_idx/);
		// Never the village's households once per person found (22 s at 60,000 people).
		expect(byName).not.toMatch(/households_village_idx/);
	});

	it('still finds the right people among thousands', async () => {
		const found = await searchPickers(database.db, staff, '13700001234', stationId, DAY);
		expect(found).toHaveLength(3);
		const named = await searchPickers(database.db, staff, '王红', stationId, DAY);
		expect(named.length).toBeGreaterThan(0);
		expect(named.every((f) => f.name.startsWith('王红'))).toBe(true);
		// Staff of 东代固镇 see only their own township's people by name.
		expect(named.every((f) => f.villageCode.startsWith('130434108'))).toBe(true);
	});
});

describe('paying only as confirmed', () => {
	let lineIds: string[];

	beforeAll(async () => {
		for (const area of ['1.5', '2']) {
			await createPlot(
				database.db,
				staff,
				{
					householdId: await createHousehold(database.db, world.countyA.id, VILLAGE_IN, '种花户'),
					area,
					plantedOn: '2026-03-15'
				},
				TODAY
			);
		}
		await generateSubsidies(database.db, staff, seasonId);
		lineIds = (await listSubsidies(database.db, staff, seasonId, { status: 'unpaid' })).lines.map(
			(l) => l.id
		);
		expect(lineIds.length).toBeGreaterThanOrEqual(2);
	});

	async function paidLines() {
		const rows = await database.db
			.select({ id: plantingSubsidies.id })
			.from(plantingSubsidies)
			.where(
				and(eq(plantingSubsidies.seasonId, seasonId), sql`${plantingSubsidies.paidOn} is not null`)
			);
		return rows.length;
	}

	it('pays subsidy lines only with a selection and the confirmed count and total', async () => {
		const paidOn = '2026-10-15';
		expect(
			await issues(paySubsidies(database.db, staff, seasonId, { lineIds: [], paidOn }, TODAY))
		).toEqual([':subsidy_error_none_chosen']);
		// Chosen but not confirmed: nothing paid.
		expect(
			await issues(paySubsidies(database.db, staff, seasonId, { lineIds, paidOn }, TODAY))
		).toEqual([':field_error_pay_unconfirmed']);
		const review = await reviewSubsidies(database.db, staff, seasonId, { lineIds, paidOn }, TODAY);
		expect(review.count).toBe(lineIds.length);
		// A stale page: it confirmed fewer lines (or another total) than it sends.
		expect(
			await issues(
				paySubsidies(
					database.db,
					staff,
					seasonId,
					{
						lineIds,
						paidOn,
						confirmCount: String(review.count - 1),
						confirmFen: String(review.totalFen)
					},
					TODAY
				)
			)
		).toEqual([':field_error_pay_changed']);
		expect(
			await issues(
				paySubsidies(
					database.db,
					staff,
					seasonId,
					{
						lineIds,
						paidOn,
						confirmCount: String(review.count),
						confirmFen: String(review.totalFen + 1)
					},
					TODAY
				)
			)
		).toEqual([':field_error_pay_changed']);
		expect(await paidLines()).toBe(0);
		const ledgerBefore = await database.db.select({ id: ledgerEntries.id }).from(ledgerEntries);
		// As confirmed: paid.
		const paid = await paySubsidies(
			database.db,
			staff,
			seasonId,
			{
				lineIds: review.lineIds,
				paidOn,
				confirmCount: String(review.count),
				confirmFen: String(review.totalFen)
			},
			TODAY
		);
		expect(paid).toMatchObject({ paid: review.count, paidFen: review.totalFen });
		expect(await paidLines()).toBe(review.count);
		const ledgerAfter = await database.db.select({ id: ledgerEntries.id }).from(ledgerEntries);
		expect(ledgerAfter.length - ledgerBefore.length).toBe(review.count);
	});

	it('pays a picking sheet only with the confirmed count and total', async () => {
		const sheet = { stationId, period: 'day', date: '2026-06-10', paidOn: '2026-06-12' };
		expect(await issues(paySheet(database.db, staff, sheet, TODAY))).toEqual([
			':field_error_pay_unconfirmed'
		]);
		expect(
			await issues(paySheet(database.db, staff, { ...sheet, expectedEntries: '1' }, TODAY))
		).toEqual([':field_error_pay_unconfirmed']);
		expect(
			await issues(
				paySheet(database.db, staff, { ...sheet, expectedEntries: '1', expectedFen: '899' }, TODAY)
			)
		).toEqual([':picking_error_sheet_changed']);
		const done = await paySheet(
			database.db,
			staff,
			{ ...sheet, expectedEntries: '1', expectedFen: '900' },
			TODAY
		);
		expect(done).toMatchObject({ entries: 1, totalFen: 900 });
	});
});

describe('recent payments', () => {
	it('lists payments by the day paid, newest first, whenever they were entered', async () => {
		// Entered in this order: a payment for 8月2日, then one back-dated to 7月2日, then 8月20日.
		const days = [
			['2026-08-01', '2026-08-02'],
			['2026-07-01', '2026-07-02'],
			['2026-08-19', '2026-08-20']
		];
		for (const [day, paidOn] of days) {
			await recordPickingEntry(
				database.db,
				staff,
				{ id: uuidv7(), stationId, pickedOn: day, memberId: family.head.id, weightGrams: 1_000 },
				TODAY
			);
			await paySheet(
				database.db,
				staff,
				{ stationId, period: 'day', date: day, paidOn, expectedEntries: '1', expectedFen: '100' },
				TODAY
			);
		}
		const recent = await recentPayments(database.db, staff, 10);
		const paidOns = recent.map((p) => p.paidOn);
		expect(paidOns).toEqual([...paidOns].sort().reverse());
		expect(paidOns.slice(0, 3)).toEqual(['2026-08-20', '2026-08-02', '2026-07-02']);
		// A short list keeps the latest days, not the latest entered.
		expect((await recentPayments(database.db, staff, 2)).map((p) => p.paidOn)).toEqual([
			'2026-08-20',
			'2026-08-02'
		]);
	});
});
