import { isRedirect } from '@sveltejs/kit';
import { and, eq, inArray } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserActor } from '../../src/lib/server/auth/actor';
import type { Database } from '../../src/lib/server/db';
import { members } from '../../src/lib/server/households/schema';
import { ledgerEntries } from '../../src/lib/server/income/schema';
import { correctPickingEntry, paySheet } from '../../src/lib/server/planting';
import { saveWageSheet } from '../../src/lib/server/factories/wages';
import { pickingEntries, plots } from '../../src/lib/server/planting/schema';
import { applySyncBatch, MAX_BATCH, type SyncEntry } from '../../src/lib/server/sync';
import { buildRoster } from '../../src/lib/server/sync/roster';
import { useDatabase } from '../../src/lib/server/startup';
import { POST } from '../../src/routes/api/sync/+server';
import { actorFor, addFactoryWorld, addPlantingWorld, buildWorld, type World } from './fixtures';
import { freshDatabase } from './helpers';

// The offline outbox's endpoint (issue 13): every entry applied once by its phone-made id,
// whatever the network does to the batch, and each answered on its own.

const TODAY = '2026-11-30';
let database: Database;
let world: World;
let staff: UserActor;
let stationId: string;
let headId: string;

beforeAll(async () => {
	database = await freshDatabase();
	useDatabase(database);
	world = await buildWorld(database.db);
	({ stationId } = await addPlantingWorld(database.db, world));
	staff = (await actorFor(database.db, world.userIds.staffIn)).user;
	const [head] = await database.db
		.select({ id: members.id })
		.from(members)
		.where(eq(members.householdId, world.households.inScope));
	headId = head.id;
});
afterAll(async () => {
	await database.close();
});

/** A weigh-in on a day of its own, so each test counts only its own entries. */
function weighIn(day: string, grams = 12_500, extra: Record<string, unknown> = {}): SyncEntry {
	return {
		id: uuidv7(),
		kind: 'picking',
		payload: { stationId, pickedOn: day, memberId: headId, weightGrams: grams, ...extra }
	};
}

async function recordsOf(ids: string[]): Promise<number> {
	const rows = await database.db
		.select({ id: pickingEntries.id })
		.from(pickingEntries)
		.where(inArray(pickingEntries.id, ids));
	return rows.length;
}

async function postingsOf(ids: string[]): Promise<number> {
	const rows = await database.db
		.select({ id: ledgerEntries.id })
		.from(ledgerEntries)
		.where(and(eq(ledgerEntries.source, 'picking'), inArray(ledgerEntries.sourceId, ids)));
	return rows.length;
}

/** The endpoint as SvelteKit calls it, signed in as `user` (or nobody). */
async function post(body: string, user: UserActor | null = staff): Promise<Response> {
	const url = new URL('http://localhost/api/sync');
	const request = new Request(url, {
		method: 'POST',
		body,
		headers: { 'content-type': 'application/json', origin: url.origin }
	});
	const event = {
		url,
		request,
		params: {},
		route: { id: '/api/sync' },
		locals: { locale: 'zh-CN', user, session: null }
	};
	return (await POST(event as unknown as Parameters<typeof POST>[0])) as Response;
}

async function payDay(day: string, entries: number, fen: number) {
	return paySheet(
		database.db,
		staff,
		{
			stationId,
			period: 'day',
			date: day,
			paidOn: day,
			expectedEntries: String(entries),
			expectedFen: String(fen)
		},
		TODAY
	);
}

describe('the sync endpoint', () => {
	it('records the same batch sent twice once, and pays each entry once', async () => {
		const batch = Array.from({ length: 5 }, () => weighIn('2026-06-02'));
		const ids = batch.map((e) => e.id);
		const first = await post(JSON.stringify({ entries: batch }));
		expect(first.status).toBe(200);
		const second = await post(JSON.stringify({ entries: batch }));
		const firstAnswers = ((await first.json()) as { answers: { status: string }[] }).answers;
		const secondAnswers = ((await second.json()) as { answers: { status: string }[] }).answers;
		expect(firstAnswers.map((a) => a.status)).toEqual(Array(5).fill('accepted'));
		expect(secondAnswers.map((a) => a.status)).toEqual(Array(5).fill('duplicate'));
		expect(await recordsOf(ids)).toBe(5);
		await payDay('2026-06-02', 5, 5 * 1250);
		expect(await postingsOf(ids)).toBe(5);
		// A late replay after payment still writes nothing and posts nothing.
		await post(JSON.stringify({ entries: batch }));
		expect(await recordsOf(ids)).toBe(5);
		expect(await postingsOf(ids)).toBe(5);
	});

	it('records a batch sent from two tabs at the same moment once', async () => {
		const batch = Array.from({ length: 8 }, () => weighIn('2026-06-03'));
		const ids = batch.map((e) => e.id);
		const [a, b, c] = await Promise.all([
			applySyncBatch(database.db, staff, batch, TODAY),
			applySyncBatch(database.db, staff, batch, TODAY),
			post(JSON.stringify({ entries: batch }))
		]);
		const cAnswers = ((await c.json()) as { answers: { status: string }[] }).answers;
		// Each id accepted by exactly one of the three senders; the others were told "already had".
		for (let i = 0; i < batch.length; i++) {
			const statuses = [a[i].status, b[i].status, cAnswers[i].status].sort();
			expect(statuses).toEqual(['accepted', 'duplicate', 'duplicate']);
		}
		expect(await recordsOf(ids)).toBe(8);
		await payDay('2026-06-03', 8, 8 * 1250);
		expect(await postingsOf(ids)).toBe(8);
	});

	it('resumes a batch the server died in the middle of: the rest recorded, nothing twice', async () => {
		const batch = Array.from({ length: 10 }, () => weighIn('2026-06-04'));
		const ids = batch.map((e) => e.id);
		// The server applied the first four, then went away before answering.
		await applySyncBatch(database.db, staff, batch.slice(0, 4), TODAY);
		const answers = await applySyncBatch(database.db, staff, batch, TODAY);
		expect(answers.map((a) => a.status)).toEqual([
			...Array(4).fill('duplicate'),
			...Array(6).fill('accepted')
		]);
		expect(await recordsOf(ids)).toBe(10);
	});

	it('answers a conflict with both versions, and a corrected entry as already had', async () => {
		const entry = weighIn('2026-06-05', 10_000);
		await applySyncBatch(database.db, staff, [entry], TODAY);
		// The same id with another weight: not recorded, the server's version comes back.
		const [other] = await applySyncBatch(
			database.db,
			staff,
			[{ ...entry, payload: { ...entry.payload, weightGrams: 20_000, stationId } }],
			TODAY
		);
		expect(other.status).toBe('conflict');
		expect(other.reason).toMatch(/编号/);
		expect(other.record).toMatchObject({ id: entry.id, weightGrams: 10_000 });
		// Corrected on the server meanwhile: the phone's replay is the original, not a new entry.
		await correctPickingEntry(database.db, staff, entry.id, { weight: '11', version: '1' }, TODAY);
		const [replay] = await applySyncBatch(database.db, staff, [entry], TODAY);
		expect(replay.status).toBe('duplicate');
		expect(replay.record).toMatchObject({ weightGrams: 11_000, version: 2 });
		expect(await recordsOf([entry.id])).toBe(1);
	});

	it('rejects an entry with the reason in the person’s language, and applies the rest', async () => {
		const good = weighIn('2026-06-06');
		const future = weighIn('2027-06-06');
		const heavy = weighIn('2026-06-06', 500_000);
		const answers = await applySyncBatch(database.db, staff, [future, heavy, good], TODAY);
		expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected', 'accepted']);
		expect(answers[0].errors?.pickedOn).toMatch(/[\u4e00-\u9fff]/);
		expect(answers[1].errors?.weight).toMatch(/[\u4e00-\u9fff]/);
		expect(await recordsOf([future.id, heavy.id])).toBe(0);
		expect(await recordsOf([good.id])).toBe(1);
	});

	it('refuses a body that is not a batch, or a batch too large, and writes nothing', async () => {
		const batch = Array.from({ length: MAX_BATCH + 1 }, () => weighIn('2026-06-07'));
		const tooMany = await post(JSON.stringify({ entries: batch }));
		expect(tooMany.status).toBe(413);
		expect(((await tooMany.json()) as { message: string }).message).toMatch(/分批/);
		for (const body of ['{"entries":', '[]', '{"entries":[{"id":"x","kind":"picking"}]}']) {
			expect((await post(body)).status).toBe(400);
		}
		const twice = weighIn('2026-06-07');
		expect((await post(JSON.stringify({ entries: [twice, twice] }))).status).toBe(400);
		expect(await recordsOf([...batch.map((e) => e.id), twice.id])).toBe(0);
	});

	it('sends a visitor to sign in and applies nothing for them', async () => {
		const entry = weighIn('2026-06-08');
		const outcome = await post(JSON.stringify({ entries: [entry] }), null).catch((e: unknown) => e);
		expect(isRedirect(outcome)).toBe(true);
		expect(await recordsOf([entry.id])).toBe(0);
	});

	it('rejects a kind the person may not record, as not found', async () => {
		const owner = (await actorFor(database.db, world.userIds.owner)).user;
		const entry = weighIn('2026-06-08');
		const [answer] = await applySyncBatch(database.db, owner, [entry], TODAY);
		expect(answer.status).toBe('rejected');
		expect(await recordsOf([entry.id])).toBe(0);
	});

	it('records a plot made offline once by its id, and a different plot under it as a conflict', async () => {
		const entry: SyncEntry = {
			id: uuidv7(),
			kind: 'plot',
			payload: { householdId: world.households.inScope, area: '2.5', plantedOn: '2026-04-01' }
		};
		const [first] = await applySyncBatch(database.db, staff, [entry], TODAY);
		const [again] = await applySyncBatch(database.db, staff, [entry], TODAY);
		const [other] = await applySyncBatch(
			database.db,
			staff,
			[{ ...entry, payload: { ...entry.payload, plantedOn: '2026-04-02' } }],
			TODAY
		);
		expect([first.status, again.status, other.status]).toEqual([
			'accepted',
			'duplicate',
			'conflict'
		]);
		const rows = await database.db.select().from(plots).where(eq(plots.id, entry.id));
		expect(rows).toHaveLength(1);
		expect(rows[0].areaHundredthsMu).toBe(250);
	});
});

describe('a wage sheet typed offline', () => {
	it('is saved and posted once however often it is sent; a wage changed meanwhile is a conflict', async () => {
		const { factoryId, jobId } = await addFactoryWorld(database.db, world);
		const owner = (await actorFor(database.db, world.userIds.owner)).user;
		const sheet = (amount: string, seenVersion: number | null): SyncEntry => ({
			id: uuidv7(),
			kind: 'wage',
			payload: { factoryId, month: '2026-05', lines: [{ jobId, amount, seenVersion }] }
		});
		const postings = async () =>
			(
				await database.db
					.select({ id: ledgerEntries.id })
					.from(ledgerEntries)
					.where(eq(ledgerEntries.source, 'factory_wage'))
			).length;
		const first = sheet('2300', null);
		const [a] = await applySyncBatch(database.db, owner, [first], TODAY);
		const [b] = await applySyncBatch(database.db, owner, [first], TODAY);
		expect([a.status, b.status]).toEqual(['accepted', 'duplicate']);
		expect(await postings()).toBe(1);
		// Someone corrects the wage online; the phone, which saw version 1, sends another amount.
		await saveWageSheet(
			database.db,
			owner,
			factoryId,
			{ month: '2026-05', lines: [{ jobId, amount: '2400' }] },
			TODAY
		);
		const [c] = await applySyncBatch(database.db, owner, [sheet('2350', 1)], TODAY);
		expect(c.status).toBe('conflict');
		expect(c.reason).toMatch(/改过/);
		expect(c.record).toMatchObject({ lines: [{ jobId, amountFen: 240_000, version: 2 }] });
		// Having seen the server's version, the person keeps theirs: saved as version 3.
		const [d] = await applySyncBatch(database.db, owner, [sheet('2350', 2)], TODAY);
		expect(d.status).toBe('accepted');
		expect(d.record).toMatchObject({ lines: [{ amountFen: 235_000, version: 3 }] });
	});
});

describe('the roster a phone keeps', () => {
	it('holds only the person’s townships, and never a whole identity number', async () => {
		const roster = await buildRoster(database.db, staff, TODAY);
		expect(roster.person.userId).toBe(staff.userId);
		const pickers = roster.picking?.pickers ?? [];
		expect(pickers.length).toBeGreaterThan(0);
		expect(pickers.every((p) => staff.townshipCodes.includes(p.villageCode.slice(0, 9)))).toBe(
			true
		);
		expect(pickers.every((p) => p.idTail.length === 4)).toBe(true);
		expect(JSON.stringify(roster)).not.toMatch(/\d{17}[\dX]/);
		expect(roster.picking?.stations.map((s) => s.id)).toContain(stationId);
		expect(roster.visits).toBeNull();
		const outside = (await actorFor(database.db, world.userIds.staffOut)).user;
		const theirs = await buildRoster(database.db, outside, TODAY);
		const mine = new Set(pickers.map((p) => p.memberId));
		expect(theirs.picking?.pickers.some((p) => mine.has(p.memberId))).toBe(false);
	});
});

describe('the plot roster of a staff phone', () => {
	it('holds the households of the staff’s townships with names and last 4 only', async () => {
		const roster = await buildRoster(database.db, staff, TODAY);
		const plotRoster = roster.plots;
		expect(plotRoster).not.toBeNull();
		const ids = plotRoster?.households.map((h) => h.id) ?? [];
		expect(ids).toContain(world.households.inScope);
		expect(ids).not.toContain(world.households.outOfScope);
		const inTownships = (code: string) => staff.townshipCodes.includes(code.slice(0, 9));
		expect(plotRoster?.households.every((h) => inTownships(h.villageCode))).toBe(true);
		expect(Object.keys(plotRoster?.villages ?? {}).every(inTownships)).toBe(true);
		const household = plotRoster?.households.find((h) => h.id === world.households.inScope);
		expect(household?.people.length).toBeGreaterThan(0);
		expect(household?.people.every((p) => /^[\dX]{4}$/.test(p.idTail))).toBe(true);
		expect(household?.headName).toBe(household?.people[0].name);
		expect(JSON.stringify(plotRoster)).not.toMatch(/\d{17}[\dX]/);
		expect(plotRoster?.seedlingsPerMu).toBeGreaterThan(0);
	});

	it('is not kept by the phones of grid members or factory owners', async () => {
		const grid = (await actorFor(database.db, world.userIds.gridIn)).user;
		const owner = (await actorFor(database.db, world.userIds.owner)).user;
		expect((await buildRoster(database.db, grid, TODAY)).plots).toBeNull();
		expect((await buildRoster(database.db, owner, TODAY)).plots).toBeNull();
	});
});

describe('a home visit from the outbox', () => {
	it('records the visit and its warning once, however often the phone sends it', async () => {
		const { homeVisits, warnings } = await import('../../src/lib/server/warnings/schema');
		const grid = (await actorFor(database.db, world.userIds.gridIn)).user;
		const visit: SyncEntry = {
			id: uuidv7(),
			kind: 'visit',
			payload: {
				householdId: world.households.inScope,
				visitedOn: '2026-11-28',
				seen: true,
				changes: '',
				raiseWarning: true,
				warningNote: '户主上月摔伤，在家养伤，没有收入'
			}
		};
		const [first] = await applySyncBatch(database.db, grid, [visit], TODAY);
		expect(first.status).toBe('accepted');
		const [again] = await applySyncBatch(database.db, grid, [visit], TODAY);
		expect(again.status).toBe('duplicate');
		const visits = await database.db.select().from(homeVisits).where(eq(homeVisits.id, visit.id));
		expect(visits).toHaveLength(1);
		expect(visits[0].seen).toBe('见到家人');
		const raised = await database.db
			.select()
			.from(warnings)
			.where(and(eq(warnings.visitId, visit.id), eq(warnings.kind, 'visit')));
		expect(raised).toHaveLength(1);
		expect(raised[0].note).toContain('摔伤');
	});

	it('refuses a visit outside the grid member’s villages and writes nothing', async () => {
		const { homeVisits } = await import('../../src/lib/server/warnings/schema');
		const grid = (await actorFor(database.db, world.userIds.gridIn)).user;
		const visit: SyncEntry = {
			id: uuidv7(),
			kind: 'visit',
			payload: {
				householdId: world.households.outOfScope,
				visitedOn: '2026-11-28',
				seen: false
			}
		};
		const [answer] = await applySyncBatch(database.db, grid, [visit], TODAY);
		expect(answer.status).toBe('rejected');
		const rows = await database.db.select().from(homeVisits).where(eq(homeVisits.id, visit.id));
		expect(rows).toHaveLength(0);
	});
});
