import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { newId } from '../../src/lib/server/db/ids';
import { DomainError } from '../../src/lib/server/errors';
import { systemActor, type UserActor } from '../../src/lib/server/auth/actor';
import { auditLog } from '../../src/lib/server/audit/schema';
import { members } from '../../src/lib/server/households/schema';
import {
	incomeBetween,
	postLedgerEntry,
	reverseLedgerEntry,
	type LedgerEntry,
	type Posting
} from '../../src/lib/server/income';
import { factoryWages } from '../../src/lib/server/factories/schema';
import { plantingSubsidies } from '../../src/lib/server/planting/schema';
import { monitoringLines } from '../../src/lib/server/settings/schema';
import { warnings } from '../../src/lib/server/warnings/schema';
import {
	ownEntries,
	ownEntry,
	ownFamily,
	ownHome,
	ownMoney,
	revealOwnIdNumber
} from '../../src/lib/server/households/own-account';
import { ownReports, reportDifficulty } from '../../src/lib/server/households/self-report';
import {
	actorFor,
	addFactoryWorld,
	addInsuranceWorld,
	addPlantingWorld,
	buildWorld,
	type FactoryWorld,
	type PlantingWorld,
	type World
} from './fixtures';
import { freshDatabase } from './helpers';

const TODAY = '2026-11-30';
let database: Database;
let world: World;
let factory: FactoryWorld;
let planting: PlantingWorld;
let self: UserActor;
let other: UserActor;
let staff: UserActor;
let headId: string;
const posted: Record<string, LedgerEntry> = {};

/** Posts one entry to the signed-in household's ledger (the test household, 王建国家). */
async function post(name: string, posting: Omit<Posting, 'countyId' | 'householdId'>) {
	posted[name] = await postLedgerEntry(database.db, systemActor('test'), {
		countyId: world.countyA.id,
		householdId: world.households.inScope,
		...posting
	});
	return posted[name];
}

beforeAll(async () => {
	database = await freshDatabase();
	const db = database.db;
	world = await buildWorld(db);
	factory = await addFactoryWorld(db, world);
	planting = await addPlantingWorld(db, world);
	self = (await actorFor(db, world.userIds.householdSelf)).user;
	other = (await actorFor(db, world.userIds.householdOther)).user;
	staff = (await actorFor(db, world.userIds.staffIn)).user;
	const countyId = world.countyA.id;
	await db.insert(monitoringLines).values({ countyId, year: 2026, lineFenPerPerson: 700_000 });
	const [head] = await db
		.select()
		.from(members)
		.where(eq(members.householdId, world.households.inScope));
	headId = head.id;
	// A second resident, so per-person amounts are the family's halves.
	await db.insert(members).values({
		countyId,
		id: newId(),
		householdId: world.households.inScope,
		name: '王小花',
		idNumber: '130434200001010026',
		sex: 'female',
		birthDate: '2000-01-01',
		relation: '女'
	});
	const wageId = newId();
	await db.insert(factoryWages).values({
		countyId,
		id: wageId,
		jobId: factory.jobId,
		month: '2026-10-01',
		amountFen: 260_000
	});
	const subsidyId = newId();
	await db.insert(plantingSubsidies).values({
		countyId,
		id: subsidyId,
		seasonId: planting.seasonId,
		plotId: planting.plotId,
		householdId: world.households.inScope,
		areaHundredthsMu: 175,
		firstYear: true,
		rateFenPerMu: 90_000,
		amountFen: 157_500,
		paidOn: '2026-06-15'
	});
	await post('picking', {
		memberId: headId,
		businessDate: '2026-06-05',
		amountFen: 1250,
		kind: 'wage',
		subtype: 'picking',
		source: 'picking',
		sourceId: planting.entryId,
		note: '2026-06-01 · 12.5 kg'
	});
	await post('wage', {
		memberId: headId,
		businessDate: '2026-10-31',
		amountFen: 260_000,
		kind: 'wage',
		subtype: 'factory_wage',
		source: 'factory_wage',
		sourceId: wageId
	});
	await post('subsidy', {
		businessDate: '2026-06-15',
		amountFen: 157_500,
		kind: 'transfer',
		subtype: 'planting_subsidy',
		source: 'planting_subsidy',
		sourceId: subsidyId
	});
	await post('insurance', {
		businessDate: '2026-09-20',
		amountFen: 4_000_000,
		kind: 'transfer',
		subtype: 'anti_poverty_insurance',
		source: 'insurance'
	});
	await post('dividend', {
		businessDate: '2025-12-20',
		amountFen: 300_000,
		kind: 'property',
		subtype: 'pv_dividend',
		source: 'manual'
	});
	await post('cost', {
		businessDate: '2026-03-01',
		amountFen: 50_000,
		kind: 'production_cost',
		subtype: 'production_cost',
		source: 'manual'
	});
	await post('mistake', {
		businessDate: '2026-11-01',
		amountFen: 999_900,
		kind: 'operating',
		subtype: 'livestock_sale',
		source: 'manual'
	});
	posted.reversal = await reverseLedgerEntry(db, systemActor('test'), countyId, posted.mistake.id);
});

afterAll(async () => {
	await database.close();
});

async function refusal(work: Promise<unknown>): Promise<DomainError> {
	const caught = await work.then(
		() => null,
		(error: unknown) => error
	);
	expect(caught).toBeInstanceOf(DomainError);
	return caught as DomainError;
}

describe("the household's own account", () => {
	it('adds up to the ledger, in the four groups, for the family and per person', async () => {
		const { db } = database;
		const money = await ownMoney(db, world.countyA.id, world.households.inScope, TODAY);
		const ledger = await incomeBetween(
			db,
			world.countyA.id,
			world.households.inScope,
			'2026-01-01',
			TODAY
		);
		expect(money.thisYear.groups).toEqual({
			work: ledger.totals.wage,
			farm: ledger.totals.operating,
			property: ledger.totals.property,
			support: ledger.totals.transfer
		});
		// Picking 12.50 + wages 2,600 = 2,612.50; the reversed sheep sale cancels out.
		expect(money.thisYear.groups.work).toBe(261_250);
		expect(money.thisYear.groups.farm).toBe(0);
		expect(money.thisYear.netFen).toBe(ledger.netFen);
		expect(money.thisYear.perPersonFen).toBe(Math.trunc(ledger.netFen / 2));
		expect(money.lastYear.groups.property).toBe(300_000);
		// Over the last 12 months the family is far above a 7,000 yuan line.
		expect(money.standing.residents).toBe(2);
		expect(money.standing.belowLine).toBe(false);
		expect(money.standing.differenceFen).toBe(money.standing.perCapitaFen! - 700_000);
	});

	it('lists entries as what they were, newest first, without a mistake and its reversal', async () => {
		const { entries, pages, total } = await ownEntries(database.db, self, 1);
		expect(total).toBe(6);
		expect(pages).toBe(1);
		const ids = entries.map((e) => e.id);
		expect(ids).not.toContain(posted.mistake.id);
		expect(ids).not.toContain(posted.reversal.id);
		expect(ids[0]).toBe(posted.wage.id);
		const byId = new Map(entries.map((e) => [e.id, e]));
		expect(byId.get(posted.picking.id)?.detail).toEqual({
			type: 'picking',
			stationName: expect.stringMatching(/^东代固收购点/),
			pickedOn: '2026-06-01',
			weightGrams: 12_500
		});
		expect(byId.get(posted.picking.id)?.memberName).toBe('王建国');
		expect(byId.get(posted.wage.id)?.detail).toEqual({
			type: 'wage',
			factoryName: expect.stringMatching(/^东代固扶贫微工厂/),
			month: '2026-10'
		});
		expect(byId.get(posted.subsidy.id)?.detail).toEqual({
			type: 'subsidy',
			year: 2026,
			areaHundredthsMu: 175
		});
		expect(byId.get(posted.insurance.id)?.detail).toEqual({ type: 'insurance' });
		expect(byId.get(posted.cost.id)?.group).toBe('cost');
	});

	it('pages the entries and keeps a page number inside the pages there are', async () => {
		const second = await ownEntries(database.db, self, 2, 4);
		expect(second).toMatchObject({ page: 2, pages: 2, total: 6 });
		expect(second.entries).toHaveLength(2);
		const beyond = await ownEntries(database.db, self, 99, 4);
		expect(beyond.page).toBe(2);
		const first = await ownEntries(database.db, self, -3, 4);
		expect(first.page).toBe(1);
		expect(first.entries.map((e) => e.id)).not.toEqual(second.entries.map((e) => e.id));
	});

	it('opens its own entry; another household, staff or a cancelled entry is not found', async () => {
		const entry = await ownEntry(database.db, self, posted.subsidy.id);
		expect(entry.amountFen).toBe(157_500);
		expect((await refusal(ownEntry(database.db, other, posted.subsidy.id))).code).toBe('not_found');
		expect((await refusal(ownEntry(database.db, staff, posted.subsidy.id))).code).toBe('not_found');
		expect((await refusal(ownEntry(database.db, self, posted.reversal.id))).code).toBe('not_found');
		expect((await refusal(ownEntry(database.db, self, 'not-an-id'))).code).toBe('not_found');
	});

	it("shows another household nothing of this one's", async () => {
		const home = await ownHome(database.db, other, TODAY);
		expect(home.household.id).toBe(world.households.outOfScope);
		expect(home.latest).toEqual([]);
		expect(home.money.thisYear.netFen).toBe(0);
		expect((await refusal(ownHome(database.db, staff, TODAY))).code).toBe('not_found');
	});

	it("shows the family's plots, picking and insurance, and its own ID numbers on request", async () => {
		const insured = await addInsuranceWorld(database.db, world);
		const family = await ownFamily(database.db, self, TODAY);
		expect(family.plots).toEqual([
			{ villageName: expect.any(String), areaHundredthsMu: 150, plantedOn: '2025-04-10' }
		]);
		expect(family.picking[0]).toMatchObject({ month: '2026-06', grams: 12_500 });
		// The insurance domain's own view: the worker's cover and the claim reported on it.
		expect(family.insurance.policies.map((p) => p.schemeName)).toEqual(['务工人员意外伤害保险']);
		expect(family.insurance.claims.map((c) => [c.id, c.status])).toEqual([
			[insured.claimId, 'reported']
		]);
		expect(family.members.map((p) => p.maskedIdNumber).join()).not.toMatch(/\d{18}/);
		const full = await revealOwnIdNumber(database.db, self, headId);
		expect(full).toMatch(/^130434\d{11}[\dX]$/);
		const [audit] = await database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'members.reveal_id'), eq(auditLog.actorUserId, self.userId)));
		expect(audit).toBeDefined();
		expect((await refusal(revealOwnIdNumber(database.db, other, headId))).code).toBe('not_found');
	});
});

describe('a difficulty the household reports (自主申报)', () => {
	const keys = (error: DomainError) => error.issues.map((i) => `${i.field}:${i.key}`);

	it('refuses an empty report, absurd amounts and a made-up id, writing nothing', async () => {
		const { db } = database;
		const report = (input: Record<string, unknown>) =>
			refusal(reportDifficulty(db, other, { id: newId(), ...input } as never, TODAY));
		expect(keys(await report({ what: '', amount: '', note: '' }))).toEqual([
			'what:my_report_error_what'
		]);
		expect(keys(await report({ what: 'illness', amount: '99999999999', note: '' }))).toEqual([
			'amount:my_report_error_amount_large'
		]);
		expect(keys(await report({ what: 'illness', amount: '-500', note: '' }))).toEqual([
			'amount:my_report_error_amount'
		]);
		expect(keys(await report({ what: 'illness', amount: '三千', note: '' }))).toEqual([
			'amount:my_report_error_amount'
		]);
		expect(keys(await report({ what: 'other', amount: '', note: '  ' }))).toEqual([
			'note:my_report_error_note'
		]);
		expect(keys(await report({ what: 'illness', amount: '', note: 'x'.repeat(501) }))).toEqual([
			'note:input_error_too_long'
		]);
		expect(
			keys(
				await refusal(
					reportDifficulty(
						db,
						other,
						{ id: '00000000-0000-4000-8000-000000000000', what: 'illness', amount: '', note: '' },
						TODAY
					)
				)
			)
		).toEqual([':my_report_error_id']);
		const rows = await db
			.select()
			.from(warnings)
			.where(eq(warnings.householdId, world.households.outOfScope));
		expect(rows).toEqual([]);
	});

	it('raises one warning on its record, once per id, and shows how far it has come', async () => {
		const { db } = database;
		const id = newId();
		const input = { id, what: 'illness', amount: '3,000.50', note: '老伴住院了' };
		const first = await reportDifficulty(db, self, input, TODAY);
		const again = await reportDifficulty(db, self, input, TODAY);
		expect(first).toEqual({ reportId: id, recorded: true });
		expect(again).toEqual({ reportId: id, recorded: false });
		const rows = await db
			.select()
			.from(warnings)
			.where(
				and(eq(warnings.householdId, world.households.inScope), eq(warnings.kind, 'self_report'))
			);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			id,
			source: 'household',
			status: 'open',
			evidence: { what: 'illness', amountFen: 300_050 },
			note: '老伴住院了',
			raisedBy: self.userId
		});
		const audits = await db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'warning.raise'), eq(auditLog.actorUserId, self.userId)));
		expect(audits).toHaveLength(1);

		// A new report while the last is open: the family is told, nothing is added.
		const second = await refusal(
			reportDifficulty(db, self, { id: newId(), what: 'lost_job', amount: '', note: '' }, TODAY)
		);
		expect(second.code).toBe('conflict');

		expect((await ownReports(db, self)).map((r) => r.progress)).toEqual(['received']);
		await db
			.update(warnings)
			.set({ status: 'verified', verifiedOn: TODAY })
			.where(eq(warnings.id, id));
		expect((await ownReports(db, self))[0]).toMatchObject({
			progress: 'visited',
			what: 'illness',
			amountFen: 300_050
		});
		await db
			.update(warnings)
			.set({ status: 'closed', closedOn: TODAY, decision: 'assist' })
			.where(eq(warnings.id, id));
		expect((await ownReports(db, self))[0].progress).toBe('done');
		// Another household never sees it.
		expect(await ownReports(db, other)).toEqual([]);
		expect((await refusal(ownReports(db, staff))).code).toBe('not_found');
	});
});
