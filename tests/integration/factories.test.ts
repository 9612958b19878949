import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { newId } from '../../src/lib/server/db/ids';
import { identityCheckCharacter } from '../../src/lib/identity';
import { systemActor, type UserActor } from '../../src/lib/server/auth/actor';
import { listAudit } from '../../src/lib/server/audit';
import { auditLog } from '../../src/lib/server/audit/schema';
import { DomainError } from '../../src/lib/server/errors';
import {
	addFactoryOwner,
	correctJob,
	countyFactories,
	createFactory,
	endJob,
	exportFactories,
	findPeople,
	getFactory,
	getJob,
	getWageSheet,
	hire,
	householdJobs,
	listWorkers,
	ownerHome,
	removeFactoryOwner,
	saveWageSheet,
	updateFactory,
	type FactoryInput
} from '../../src/lib/server/factories';
import { creditCheckCharacter } from '../../src/lib/server/factories/rules';
import { factoryJobs, factoryWages } from '../../src/lib/server/factories/schema';
import { members } from '../../src/lib/server/households/schema';
import { householdLedger, incomeBetween, postLedgerEntry } from '../../src/lib/server/income';
import { ledgerEntries } from '../../src/lib/server/income/schema';
import { writeMonitoringRecord } from '../../src/lib/server/monitoring';
import { countySettings } from '../../src/lib/server/settings/schema';
import { actorFor, createHousehold, createUser, type World, buildWorld } from './fixtures';
import { freshDatabase } from './helpers';

const TODAY = '2026-06-15';
let database: Database;
let world: World;
let admin: UserActor;
let adminB: UserActor;
let staff: UserActor;
let staffOut: UserActor;
let owner: UserActor;
/** A second owner, of a second factory: the one who must not reach the first. */
let otherOwner: UserActor;
let factoryId: string;
let otherFactoryId: string;

const VILLAGE = '130434108068';

let sequence = 700;
function idNumber(birth: string, male = true): string {
	sequence += 2;
	const first17 = `130434${birth}${String(sequence + (male ? 1 : 0)).slice(-3)}`;
	return first17 + identityCheckCharacter(first17);
}

/** A current member of a household, inserted directly. */
async function person(householdId: string, name: string, birth = '19850620') {
	const id = newId();
	const number = idNumber(birth);
	await database.db.insert(members).values({
		countyId: world.countyA.id,
		id,
		householdId,
		name,
		idNumber: number,
		sex: 'male',
		birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
		relation: '之子'
	});
	return { id, idNumber: number, name };
}

async function issues(work: Promise<unknown>): Promise<string[]> {
	try {
		await work;
	} catch (caught) {
		if (caught instanceof DomainError) return caught.issues.map((i) => `${i.field}:${i.key}`);
		throw caught;
	}
	throw new Error('expected a DomainError');
}

async function notFound(work: Promise<unknown>): Promise<boolean> {
	try {
		await work;
		return false;
	} catch (caught) {
		if (caught instanceof DomainError && caught.code === 'not_found') return true;
		throw caught;
	}
}

function creditCode(body = '91130434MA0A1B2C3'): string {
	return body + creditCheckCharacter(body);
}

const factory = (overrides: Partial<Record<keyof FactoryInput, string>> = {}): FactoryInput => ({
	name: '东代固镇前街扶贫微工厂',
	villageCode: VILLAGE,
	floorArea: '1200',
	buildingCost: '1,600,000',
	enterpriseName: '魏县鑫达箱包有限公司',
	enterpriseContact: '刘海涛',
	enterprisePhone: '13803101234',
	creditCode: creditCode(),
	products: '书包、箱包',
	leaseStart: '2021-03-01',
	leaseEnd: '2031-02-28',
	annualRent: '36000',
	status: 'operating',
	openedOn: '2021-03-15',
	...overrides
});

const hireInput = (overrides: Record<string, string> = {}) => ({
	jobTitle: '缝纫工',
	payBasis: 'monthly',
	startedOn: '2026-01-05',
	...overrides
});

async function ledgerOf(householdId: string) {
	return database.db
		.select()
		.from(ledgerEntries)
		.where(
			and(eq(ledgerEntries.householdId, householdId), eq(ledgerEntries.source, 'factory_wage'))
		)
		.orderBy(ledgerEntries.createdAt);
}

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
	admin = (await actorFor(database.db, world.userIds.admin)).user;
	adminB = (await actorFor(database.db, world.userIds.adminB)).user;
	staff = (await actorFor(database.db, world.userIds.staffIn)).user;
	staffOut = (await actorFor(database.db, world.userIds.staffOut)).user;
	factoryId = await createFactory(database.db, admin, factory());
	otherFactoryId = await createFactory(
		database.db,
		admin,
		factory({
			name: '前大磨乡连枣林毛绒玩具微工厂',
			villageCode: '130434205213',
			creditCode: '',
			products: '毛绒玩具'
		})
	);
	await addFactoryOwner(database.db, admin, factoryId, world.userIds.owner);
	owner = (await actorFor(database.db, world.userIds.owner)).user;
	const otherOwnerId = await createUser(database.db, world.countyA.id, 'factory_owner', {
		username: 'other-owner'
	});
	await addFactoryOwner(database.db, admin, otherFactoryId, otherOwnerId);
	otherOwner = (await actorFor(database.db, otherOwnerId)).user;
});
afterAll(async () => {
	await database.close();
});

describe('the factory registry', () => {
	it('registers a factory with its lease, products and owner, and audits it', async () => {
		const view = await getFactory(database.db, admin, factoryId);
		expect(view.products).toEqual(['书包', '箱包']);
		expect(view.buildingCostFen).toBe(160_000_000);
		expect(view.annualRentFen).toBe(3_600_000);
		expect(view.villageName).not.toBe('');
		expect(view.owners.map((o) => o.userId)).toEqual([world.userIds.owner]);
		expect(owner.factoryIds).toEqual([factoryId]);
		const audit = await listAudit(database.db, world.countyA.id, { entityId: factoryId });
		expect(audit.map((a) => a.action)).toEqual(
			expect.arrayContaining(['factories.create', 'factories.owner_add'])
		);
	});

	it('refuses precise mistakes and writes nothing', async () => {
		expect(
			await issues(
				createFactory(
					database.db,
					admin,
					factory({
						name: '',
						villageCode: '130529100200',
						floorArea: '12',
						creditCode: creditCode().slice(0, 17) + '0',
						leaseStart: '2025-01-01',
						leaseEnd: '2024-12-31',
						enterprisePhone: '12345'
					})
				)
			)
		).toEqual(
			expect.arrayContaining([
				'name:factories_error_name',
				'villageCode:factories_error_village',
				'floorArea:factories_error_area',
				'creditCode:factories_error_credit_check',
				'leaseEnd:factories_error_lease_end',
				'enterprisePhone:factories_error_phone'
			])
		);
		expect(await issues(createFactory(database.db, admin, factory()))).toEqual([
			'name:factories_error_name_taken'
		]);
	});

	it('belongs to county admins: staff, owners and other counties cannot register or change one', async () => {
		expect(await notFound(createFactory(database.db, staff, factory({ name: '别的' })))).toBe(true);
		expect(await notFound(updateFactory(database.db, owner, factoryId, factory()))).toBe(true);
		expect(await notFound(getFactory(database.db, adminB, factoryId))).toBe(true);
		expect(await notFound(getFactory(database.db, staffOut, factoryId))).toBe(true);
		expect((await getFactory(database.db, staff, factoryId)).name).toBe('东代固镇前街扶贫微工厂');
	});

	it('attaches only factory-owner accounts, and detaches them', async () => {
		expect(
			await issues(addFactoryOwner(database.db, admin, factoryId, world.userIds.staffIn))
		).toEqual(['userId:factories_error_owner']);
		expect(
			await issues(addFactoryOwner(database.db, admin, factoryId, world.userIds.owner))
		).toEqual(['userId:factories_error_owner_already']);
		const extra = await createUser(database.db, world.countyA.id, 'factory_owner', {
			username: 'extra-owner'
		});
		await addFactoryOwner(database.db, admin, factoryId, extra);
		await removeFactoryOwner(database.db, admin, factoryId, extra);
		expect((await getFactory(database.db, admin, factoryId)).owners).toHaveLength(1);
		expect(await issues(removeFactoryOwner(database.db, admin, factoryId, extra))).toEqual([
			'userId:factories_error_owner_not_attached'
		]);
	});
});

describe('hiring', () => {
	let household: string;
	let worker: { id: string; idNumber: string; name: string };

	beforeAll(async () => {
		household = await createHousehold(database.db, world.countyA.id, VILLAGE, '赵文博');
		worker = await person(household, '赵小燕', '19950310');
	});

	it('finds registered people by identity number, household phone, or name within a village', async () => {
		const byId = await findPeople(database.db, owner, factoryId, { query: worker.idNumber }, TODAY);
		expect(byId.map((p) => p.name)).toEqual(['赵小燕']);
		expect(byId[0].maskedIdNumber).toBe(
			`${worker.idNumber.slice(0, 6)}********${worker.idNumber.slice(-4)}`
		);
		const byName = await findPeople(
			database.db,
			owner,
			factoryId,
			{ query: '赵小', villageCode: VILLAGE },
			TODAY
		);
		expect(byName.map((p) => p.memberId)).toEqual([worker.id]);
		expect(
			await issues(findPeople(database.db, owner, factoryId, { query: '赵小燕' }, TODAY))
		).toEqual(['village:jobs_error_search_village']);
		expect(await notFound(findPeople(database.db, staff, factoryId, { query: '赵' }, TODAY))).toBe(
			true
		);
	});

	it('refuses a start before the factory opened, in the future, or without a job', async () => {
		expect(
			await issues(
				hire(
					database.db,
					owner,
					factoryId,
					hireInput({ memberId: worker.id, startedOn: '2021-03-14', jobTitle: '' }),
					TODAY
				)
			)
		).toEqual(['jobTitle:jobs_error_title', 'startedOn:jobs_error_before_opened']);
		expect(
			await issues(
				hire(
					database.db,
					owner,
					factoryId,
					hireInput({ memberId: worker.id, startedOn: '2026-06-16' }),
					TODAY
				)
			)
		).toEqual(['startedOn:jobs_error_start_future']);
	});

	it('hires a registered person once, and refuses a second open job at the same factory', async () => {
		const jobId = await hire(
			database.db,
			owner,
			factoryId,
			hireInput({ memberId: worker.id }),
			TODAY
		);
		const [job] = await database.db.select().from(factoryJobs).where(eq(factoryJobs.id, jobId));
		expect(job.householdId).toBe(household);
		expect(job.workerIdNumber).toBe(worker.idNumber);
		expect(
			await issues(hire(database.db, owner, factoryId, hireInput({ memberId: worker.id }), TODAY))
		).toEqual([':jobs_error_open_job']);
		// The same person may work at another factory at the same time.
		await hire(database.db, otherOwner, otherFactoryId, hireInput({ memberId: worker.id }), TODAY);
		const audit = await listAudit(database.db, world.countyA.id, { action: 'jobs.hire' });
		expect(JSON.stringify(audit)).not.toContain(worker.idNumber);
	});

	it('records a worker from outside the registry, checking the identity number', async () => {
		const outsider = (idNumber: string, name = '孙丽') => ({
			...hireInput(),
			workerName: name,
			idNumber,
			homeVillage: '山东省冠县东古城镇前屯村'
		});
		const first17 = '37152519900101234';
		const good = first17 + identityCheckCharacter(first17);
		const wrongCheck = first17 + (good.endsWith('1') ? '2' : '1');
		expect(await issues(hire(database.db, owner, factoryId, outsider(wrongCheck), TODAY))).toEqual([
			'idNumber:jobs_error_id_check'
		]);
		expect(
			await issues(hire(database.db, owner, factoryId, outsider('3715251990'), TODAY))
		).toEqual(['idNumber:jobs_error_id_format']);
		const jobId = await hire(database.db, owner, factoryId, outsider(good), TODAY);
		const [job] = await database.db.select().from(factoryJobs).where(eq(factoryJobs.id, jobId));
		expect(job.householdId).toBeNull();
		expect(job.memberId).toBeNull();
		expect(job.homeVillage).toBe('山东省冠县东古城镇前屯村');
	});

	it('links a typed-in number the registry knows, unless the name differs', async () => {
		const known = await person(household, '赵小军', '19970701');
		expect(
			await issues(
				hire(
					database.db,
					owner,
					factoryId,
					{ ...hireInput(), workerName: '赵晓军', idNumber: known.idNumber, homeVillage: '本村' },
					TODAY
				)
			)
		).toEqual(['idNumber:jobs_error_id_other_name']);
		const jobId = await hire(
			database.db,
			owner,
			factoryId,
			{ ...hireInput(), workerName: '赵小军', idNumber: known.idNumber, homeVillage: '本村' },
			TODAY
		);
		const [job] = await database.db.select().from(factoryJobs).where(eq(factoryJobs.id, jobId));
		expect(job.memberId).toBe(known.id);
		expect(job.householdId).toBe(household);
	});

	it('refuses anyone under 16', async () => {
		const child = await person(household, '赵小宝', '20120101');
		expect(
			await issues(hire(database.db, owner, factoryId, hireInput({ memberId: child.id }), TODAY))
		).toEqual(['memberId:jobs_error_too_young']);
	});
});

describe('an owner reaches only their own factory', () => {
	it('answers not found for another factory’s pages, workers, hires and wages', async () => {
		const household = await createHousehold(database.db, world.countyA.id, '130434205213', '钱进');
		const [head] = await database.db
			.select()
			.from(members)
			.where(eq(members.householdId, household));
		const theirJob = await hire(
			database.db,
			otherOwner,
			otherFactoryId,
			hireInput({ memberId: head.id }),
			TODAY
		);
		expect(await notFound(getFactory(database.db, owner, otherFactoryId))).toBe(true);
		expect(await notFound(listWorkers(database.db, owner, otherFactoryId, TODAY))).toBe(true);
		expect(await notFound(getJob(database.db, owner, otherFactoryId, theirJob))).toBe(true);
		expect(
			await notFound(
				hire(database.db, owner, otherFactoryId, hireInput({ memberId: head.id }), TODAY)
			)
		).toBe(true);
		expect(
			await notFound(
				endJob(
					database.db,
					owner,
					otherFactoryId,
					theirJob,
					{ endedOn: TODAY, reason: 'resigned' },
					TODAY
				)
			)
		).toBe(true);
		expect(await notFound(getWageSheet(database.db, owner, otherFactoryId, '2026-05', TODAY))).toBe(
			true
		);
		// Another factory's worker slipped into one's own sheet is nobody either.
		expect(
			await notFound(
				saveWageSheet(
					database.db,
					owner,
					factoryId,
					{ month: '2026-05', lines: [{ jobId: theirJob, amount: '3000' }] },
					TODAY
				)
			)
		).toBe(true);
		// The job through one's own factory's address does not exist either.
		expect(await notFound(getJob(database.db, owner, factoryId, theirJob))).toBe(true);
		const [wages] = await database.db
			.select()
			.from(factoryWages)
			.where(eq(factoryWages.jobId, theirJob));
		expect(wages).toBeUndefined();
		// Township staff read their township's factory and change nothing.
		expect(
			await notFound(
				saveWageSheet(database.db, staff, factoryId, { month: '2026-05', lines: [] }, TODAY)
			)
		).toBe(true);
	});
});

describe('monthly wages and the household ledger', () => {
	let household: string;
	let worker: { id: string; idNumber: string; name: string };
	let jobId: string;
	let outsideJob: string;

	beforeAll(async () => {
		household = await createHousehold(database.db, world.countyA.id, VILLAGE, '周国庆');
		worker = await person(household, '周丽娟', '19880808');
		jobId = await hire(
			database.db,
			owner,
			factoryId,
			hireInput({ memberId: worker.id, startedOn: '2026-02-20' }),
			TODAY
		);
		const first17 = '41092819920505123';
		outsideJob = await hire(
			database.db,
			owner,
			factoryId,
			{
				...hireInput({ startedOn: '2026-01-02' }),
				workerName: '吴芳',
				idNumber: first17 + identityCheckCharacter(first17),
				homeVillage: '河南省濮阳市清丰县固城乡'
			},
			TODAY
		);
	});

	it('lists everyone employed in the month on the sheet', async () => {
		const january = await getWageSheet(database.db, owner, factoryId, '2026-01', TODAY);
		expect(january.lines.map((l) => l.jobId)).not.toContain(jobId);
		const march = await getWageSheet(database.db, owner, factoryId, '2026-03', TODAY);
		expect(march.lines.map((l) => l.jobId)).toEqual(expect.arrayContaining([jobId, outsideJob]));
		expect(march.lines.every((l) => l.amountFen === null)).toBe(true);
		// A month beyond today shows this month's sheet instead.
		expect((await getWageSheet(database.db, owner, factoryId, '2027-01', TODAY)).month).toBe(
			'2026-06'
		);
	});

	it('refuses a wage for a month the person was not employed, and saves nothing of the sheet', async () => {
		expect(
			await issues(
				saveWageSheet(
					database.db,
					owner,
					factoryId,
					{
						month: '2026-01',
						lines: [
							{ jobId, amount: '3000' },
							{ jobId: outsideJob, amount: '2800' }
						]
					},
					TODAY
				)
			)
		).toEqual([`amount:${jobId}:wages_error_not_employed`]);
		const saved = await database.db
			.select()
			.from(factoryWages)
			.where(eq(factoryWages.jobId, outsideJob));
		expect(saved).toHaveLength(0);
	});

	it('refuses negative wages, typos, wages above the ceiling, and future months', async () => {
		const sheet = (month: string, amount: string) =>
			saveWageSheet(database.db, owner, factoryId, { month, lines: [{ jobId, amount }] }, TODAY);
		expect(await issues(sheet('2026-03', '-3200'))).toEqual([
			`amount:${jobId}:wages_error_negative`
		]);
		expect(await issues(sheet('2026-03', '3千2'))).toEqual([`amount:${jobId}:wages_error_amount`]);
		expect(await issues(sheet('2026-03', '20000.01'))).toEqual([
			`amount:${jobId}:wages_error_ceiling`
		]);
		expect(await issues(sheet('2026-07', '3200'))).toEqual(['month:wages_error_future_month']);
		expect(await issues(sheet('2021-02', '3200'))).toEqual(['month:wages_error_before_opened']);
		expect(await ledgerOf(household)).toHaveLength(0);
		// The ceiling is the county's setting, not a constant.
		await database.db
			.insert(countySettings)
			.values({ countyId: world.countyA.id, monthlyWageCeilingFen: 1_000_000 });
		expect(await issues(sheet('2026-03', '12000'))).toEqual([
			`amount:${jobId}:wages_error_ceiling`
		]);
		await database.db.delete(countySettings).where(eq(countySettings.countyId, world.countyA.id));
	});

	it('posts each saved wage to the household ledger, and a correction reverses and reposts', async () => {
		const month = (m: string, amount: string, other = '') =>
			saveWageSheet(
				database.db,
				owner,
				factoryId,
				{
					month: m,
					lines: [
						{ jobId, amount },
						{ jobId: outsideJob, amount: other }
					]
				},
				TODAY
			);
		expect(await month('2026-03', '3,200', '2900')).toEqual({ month: '2026-03', changed: 2 });
		expect(await month('2026-04', '3350.50')).toEqual({ month: '2026-04', changed: 1 });
		let entries = await ledgerOf(household);
		expect(entries.map((e) => [e.businessDate, e.amountFen, e.kind, e.subtype])).toEqual([
			['2026-03-31', 320_000, 'wage', 'factory_wage'],
			['2026-04-30', 335_050, 'wage', 'factory_wage']
		]);
		expect(entries.every((e) => e.memberId === worker.id)).toBe(true);

		// The owner typed 3,200 for March; it was 3,020.
		expect(await month('2026-03', '3020', '2900')).toEqual({ month: '2026-03', changed: 1 });
		entries = await ledgerOf(household);
		const march = entries.filter((e) => e.businessDate === '2026-03-31');
		expect(march.map((e) => [e.amountFen, e.sourceVersion, e.reversesEntryId !== null])).toEqual([
			[320_000, 1, false],
			[-320_000, 1, true],
			[302_000, 2, false]
		]);
		const [wage] = await database.db
			.select()
			.from(factoryWages)
			.where(and(eq(factoryWages.jobId, jobId), eq(factoryWages.month, '2026-03-01')));
		expect([wage.amountFen, wage.version]).toEqual([302_000, 2]);
		const income = await incomeBetween(
			database.db,
			world.countyA.id,
			household,
			'2026-03-01',
			'2026-04-30'
		);
		expect(income.totals.wage).toBe(302_000 + 335_050);

		// Saving the same sheet again changes nothing and posts nothing.
		expect(await month('2026-03', '3020.00', '2900')).toEqual({ month: '2026-03', changed: 0 });
		expect(await ledgerOf(household)).toHaveLength(entries.length);

		const audit = await listAudit(database.db, world.countyA.id, { action: 'wages.save' });
		const correction = audit.find(
			(a) =>
				JSON.stringify(a.before).includes('320000') && JSON.stringify(a.after).includes('302000')
		);
		expect(correction).toBeDefined();
	});

	it('posts nothing for a worker from outside the registry, and a zero wage reverses', async () => {
		const outsider = await database.db
			.select()
			.from(ledgerEntries)
			.where(eq(ledgerEntries.sourceId, outsideJob));
		expect(outsider).toHaveLength(0);
		const [wage] = await database.db
			.select()
			.from(factoryWages)
			.where(eq(factoryWages.jobId, outsideJob));
		expect(wage.amountFen).toBe(290_000);
		const allPostings = await database.db
			.select()
			.from(ledgerEntries)
			.where(eq(ledgerEntries.sourceId, wage.id));
		expect(allPostings).toHaveLength(0);

		// April paid nothing after all: the April entry is reversed, nothing new is posted.
		await saveWageSheet(
			database.db,
			owner,
			factoryId,
			{ month: '2026-04', lines: [{ jobId, amount: '0' }] },
			TODAY
		);
		const april = (await ledgerOf(household)).filter((e) => e.businessDate === '2026-04-30');
		expect(april.reduce((sum, e) => sum + e.amountFen, 0)).toBe(0);
		expect(april).toHaveLength(2);
	});

	it('shows the jobs and wages on the household page, linked to the factory for its staff', async () => {
		const staffView = await householdJobs(database.db, staff, world.countyA.id, household);
		expect(staffView).toHaveLength(1);
		expect(staffView[0].factoryId).toBe(factoryId);
		expect(staffView[0].canOpenFactory).toBe(true);
		expect(staffView[0].wages).toEqual([
			{ month: '2026-04', amountFen: 0 },
			{ month: '2026-03', amountFen: 302_000 }
		]);
		const ledger = await householdLedger(database.db, world.countyA.id, household, TODAY);
		expect(ledger.entries.some((e) => e.source === 'factory_wage')).toBe(true);
		const ownView = await householdJobs(
			database.db,
			{ ...staff, role: 'household', householdId: household },
			world.countyA.id,
			household
		);
		expect(ownView[0].canOpenFactory).toBe(false);
	});

	it("shows a member's job on the household they live in now, not only the one it names", async () => {
		// The job keeps the household the worker belonged to when hired; a person who has
		// moved since is found through their member row.
		const earlier = await createHousehold(database.db, world.countyA.id, VILLAGE, '吴德明');
		const namesHousehold = (id: string) =>
			database.db
				.update(factoryJobs)
				.set({ householdId: id })
				.where(and(eq(factoryJobs.countyId, world.countyA.id), eq(factoryJobs.id, jobId)));
		await namesHousehold(earlier);
		try {
			const view = await householdJobs(database.db, staff, world.countyA.id, household);
			expect(view.map((j) => j.jobId)).toEqual([jobId]);
			expect(await householdJobs(database.db, staff, world.countyA.id, earlier)).toHaveLength(1);
		} finally {
			await namesHousehold(household);
		}
	});

	it('records a departure; the end cannot precede the start or a saved wage, or be left twice', async () => {
		const leave = (endedOn: string, reason = 'family') =>
			endJob(database.db, owner, factoryId, jobId, { endedOn, reason }, TODAY);
		expect(await issues(leave('2026-02-19'))).toEqual(['endedOn:jobs_error_end_before_start']);
		expect(await issues(leave('2026-06-16'))).toEqual(['endedOn:jobs_error_end_future']);
		expect(await issues(leave('2026-03-31'))).toEqual(['endedOn:jobs_error_wages_after_end']);
		expect(await issues(leave('2026-05-10', 'bored'))).toEqual(['reason:jobs_error_reason']);
		await leave('2026-05-10');
		expect(await issues(leave('2026-05-11'))).toEqual([':jobs_error_already_left']);
		// May still counts (the last day is in it); June does not.
		await saveWageSheet(
			database.db,
			owner,
			factoryId,
			{ month: '2026-05', lines: [{ jobId, amount: '1100' }] },
			TODAY
		);
		expect(
			await issues(
				saveWageSheet(
					database.db,
					owner,
					factoryId,
					{ month: '2026-06', lines: [{ jobId, amount: '1100' }] },
					TODAY
				)
			)
		).toEqual([`amount:${jobId}:wages_error_not_employed`]);
		const june = await getWageSheet(database.db, owner, factoryId, '2026-06', TODAY);
		expect(june.lines.map((l) => l.jobId)).not.toContain(jobId);
		// Rehired later: a new job, not overlapping the old one.
		expect(
			await issues(
				hire(
					database.db,
					owner,
					factoryId,
					hireInput({ memberId: worker.id, startedOn: '2026-05-01' }),
					TODAY
				)
			)
		).toEqual(['startedOn:jobs_error_overlap']);
		const again = await hire(
			database.db,
			owner,
			factoryId,
			hireInput({ memberId: worker.id, startedOn: '2026-06-01' }),
			TODAY
		);
		expect(again).not.toBe(jobId);
		const entries = await ledgerOf(household);
		expect(entries.reduce((sum, e) => sum + e.amountFen, 0)).toBe(302_000 + 110_000);
	});

	it('corrects hiring details, but not a start after a saved wage', async () => {
		expect(
			await issues(
				correctJob(
					database.db,
					owner,
					factoryId,
					jobId,
					{ jobTitle: '包装工', payBasis: 'piece_rate', startedOn: '2026-04-01' },
					TODAY
				)
			)
		).toEqual(['startedOn:jobs_error_wages_before_start']);
		await correctJob(
			database.db,
			owner,
			factoryId,
			jobId,
			{ jobTitle: '包装工', payBasis: 'piece_rate', startedOn: '2026-02-21' },
			TODAY
		);
		const job = await getJob(database.db, owner, factoryId, jobId);
		expect([job.jobTitle, job.payBasis, job.startedOn]).toEqual([
			'包装工',
			'piece_rate',
			'2026-02-21'
		]);
		expect(job.householdId).toBeNull();
		expect((await getJob(database.db, admin, factoryId, jobId)).householdId).not.toBeNull();
	});
});

describe('two phones at once', () => {
	it('hire the same person once, and keep the ledger equal to the wage', async () => {
		const household = await createHousehold(database.db, world.countyA.id, VILLAGE, '蒋志刚');
		const worker = await person(household, '蒋小雨', '19930303');
		const hires = await Promise.allSettled(
			[0, 1].map(() =>
				hire(database.db, owner, factoryId, hireInput({ memberId: worker.id }), TODAY)
			)
		);
		expect(hires.filter((h) => h.status === 'fulfilled')).toHaveLength(1);
		const refused = hires.find((h) => h.status === 'rejected') as PromiseRejectedResult;
		expect(refused.reason).toBeInstanceOf(DomainError);
		expect((refused.reason as DomainError).issues[0].key).toBe('jobs_error_open_job');
		const jobId = (hires.find((h) => h.status === 'fulfilled') as PromiseFulfilledResult<string>)
			.value;

		const saves = await Promise.allSettled(
			['3100', '3300'].map((amount) =>
				saveWageSheet(
					database.db,
					owner,
					factoryId,
					{ month: '2026-02', lines: [{ jobId, amount }] },
					TODAY
				)
			)
		);
		for (const save of saves)
			if (save.status === 'rejected') expect(save.reason).toBeInstanceOf(DomainError);
		const [wage] = await database.db
			.select()
			.from(factoryWages)
			.where(eq(factoryWages.jobId, jobId));
		const posted = (await ledgerOf(household)).reduce((sum, e) => sum + e.amountFen, 0);
		expect(posted).toBe(wage.amountFen);
	});
});

describe('the registry after hiring', () => {
	it('keeps the opening day before the first hire and an occupied factory open', async () => {
		expect(
			await issues(
				updateFactory(database.db, admin, factoryId, factory({ openedOn: '2026-02-01' }))
			)
		).toEqual(['openedOn:factories_error_opened_after_hire']);
		expect(
			await issues(updateFactory(database.db, admin, factoryId, factory({ status: 'closed' })))
		).toEqual(['status:factories_error_close_with_workers']);
		await updateFactory(database.db, admin, factoryId, factory({ products: '书包、箱包、拉杆箱' }));
		expect((await getFactory(database.db, admin, factoryId)).products).toHaveLength(3);
	});
});

describe('what the owner and the county read', () => {
	const today = '2026-11-20';
	let reportFactory: string;
	let monitoredHousehold: string;

	beforeAll(async () => {
		reportFactory = await createFactory(
			database.db,
			admin,
			factory({ name: '东代固镇后街服装微工厂', creditCode: '', openedOn: '2025-01-01' })
		);
		await addFactoryOwner(database.db, admin, reportFactory, world.userIds.owner);
		owner = (await actorFor(database.db, world.userIds.owner)).user;
		monitoredHousehold = await createHousehold(database.db, world.countyA.id, VILLAGE, '孟凡强');
		await writeMonitoringRecord(
			database.db,
			systemActor('test'),
			world.countyA.id,
			monitoredHousehold,
			{
				category: 'unstable',
				status: 'monitored',
				monitoredSince: '2024-05-01',
				risks: ['illness']
			}
		);
		const ordinary = await createHousehold(database.db, world.countyA.id, VILLAGE, '韩立新');
		// Before the hire the monitored household earned 1,000 yuan a month in wages.
		for (const month of ['2026-01', '2026-02', '2026-03', '2026-04']) {
			await postLedgerEntry(database.db, systemActor('test'), {
				countyId: world.countyA.id,
				householdId: monitoredHousehold,
				businessDate: `${month}-20`,
				amountFen: 100_000,
				kind: 'wage',
				subtype: 'temporary_job',
				source: 'manual'
			});
		}
		const a = await person(monitoredHousehold, '孟小红', '19900101');
		const b = await person(ordinary, '韩冬梅', '19920202');
		const jobA = await hire(
			database.db,
			owner,
			reportFactory,
			hireInput({ memberId: a.id, startedOn: '2026-05-06' }),
			today
		);
		const jobB = await hire(
			database.db,
			owner,
			reportFactory,
			hireInput({ memberId: b.id, startedOn: '2026-05-06' }),
			today
		);
		for (const month of ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10']) {
			await saveWageSheet(
				database.db,
				owner,
				reportFactory,
				{
					month,
					lines: [
						{ jobId: jobA, amount: '3000' },
						{ jobId: jobB, amount: '3500' }
					]
				},
				today
			);
		}
		await saveWageSheet(
			database.db,
			owner,
			reportFactory,
			{ month: '2026-11', lines: [{ jobId: jobA, amount: '3000' }] },
			today
		);
	});

	it('gives the owner headcount, monitored workers, this month’s sheet and six months of totals', async () => {
		const home = await ownerHome(database.db, owner, today);
		const mine = home.find((f) => f.id === reportFactory)!;
		expect(mine.headcount).toBe(2);
		expect(mine.fromMonitored).toBe(1);
		expect(mine.thisMonth).toEqual({ month: '2026-11', employed: 2, saved: 1 });
		expect(mine.lastMonth).toEqual({ month: '2026-10', employed: 2, saved: 2 });
		expect(mine.sixMonths.map((m) => [m.month, m.totalFen])).toEqual([
			['2026-06', 650_000],
			['2026-07', 650_000],
			['2026-08', 650_000],
			['2026-09', 650_000],
			['2026-10', 650_000],
			['2026-11', 300_000]
		]);
		expect(await ownerHome(database.db, admin, today)).toEqual([]);
	});

	it('gives the county each factory’s people, wages and the income increase of monitored workers', async () => {
		const view = await countyFactories(database.db, admin, today);
		const row = view.rows.find((r) => r.id === reportFactory)!;
		expect([row.headcount, row.local, row.monitored]).toEqual([2, 2, 1]);
		expect(row.wagesFen).toBe(6 * 650_000 + 300_000);
		expect(row.averageWageFen).toBe(Math.trunc((6 * 650_000 + 300_000) / 13));
		// 3,000 a month employed (May–October) against 1,000 a month before (January–April).
		expect(row.increaseFen).toBe(200_000);
		expect(row.increaseWorkers).toBe(1);
		expect(view.totals.factories).toBe(view.rows.length);
		expect(view.totals.headcount).toBe(view.rows.reduce((s, r) => s + r.headcount, 0));
		expect(await notFound(countyFactories(database.db, owner, today))).toBe(true);
		const filtered = await countyFactories(database.db, admin, today, {
			townshipCode: '130434205'
		});
		expect(filtered.rows.map((r) => r.id)).toEqual([otherFactoryId]);
	});

	it('shares a family’s increase between its workers, so it is comparable with one wage', async () => {
		const family = await createHousehold(database.db, world.countyA.id, VILLAGE, '齐卫东');
		await writeMonitoringRecord(database.db, systemActor('test'), world.countyA.id, family, {
			category: 'marginal',
			status: 'monitored',
			monitoredSince: '2024-05-01',
			risks: ['illness']
		});
		// 1,000 a month before; then husband and wife both work at the factory for 2,500 each.
		for (const month of ['2026-01', '2026-02', '2026-03', '2026-04'])
			await postLedgerEntry(database.db, systemActor('test'), {
				countyId: world.countyA.id,
				householdId: family,
				businessDate: `${month}-20`,
				amountFen: 100_000,
				kind: 'wage',
				subtype: 'temporary_job',
				source: 'manual'
			});
		const shop = await createFactory(
			database.db,
			admin,
			factory({ name: '齐家两口子上班的微工厂', creditCode: '', openedOn: '2025-01-01' })
		);
		await addFactoryOwner(database.db, admin, shop, world.userIds.owner);
		// The owner's factories are read when they sign in: a fresh session sees the new one.
		const shopOwner = (await actorFor(database.db, world.userIds.owner)).user;
		const husband = await person(family, '齐卫东', '19800303');
		const wife = await person(family, '齐桂芝', '19820404');
		const jobs = [];
		for (const p of [husband, wife])
			jobs.push(
				await hire(
					database.db,
					shopOwner,
					shop,
					hireInput({ memberId: p.id, startedOn: '2026-05-06' }),
					today
				)
			);
		for (const month of ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'])
			await saveWageSheet(
				database.db,
				shopOwner,
				shop,
				{ month, lines: jobs.map((jobId) => ({ jobId, amount: '2500' })) },
				today
			);
		const row = (await countyFactories(database.db, admin, today)).rows.find((r) => r.id === shop)!;
		// The family gained 4,000 a month (5,000 − 1,000): 2,000 for each of its two workers,
		// not 4,000 each, which read as more than either of them earns.
		expect(row.averageWageFen).toBe(250_000);
		expect(row.increaseFen).toBe(200_000);
		expect(row.increaseWorkers).toBe(2);
		expect(row.increaseFen!).toBeLessThanOrEqual(row.averageWageFen!);
	});

	it('exports the county view as a spreadsheet, audited', async () => {
		const file = await exportFactories(database.db, admin, {}, today);
		const workbook = new ExcelJS.Workbook();
		await workbook.xlsx.load(file.body.buffer as ArrayBuffer);
		const sheet = workbook.worksheets[0];
		const names = sheet.getColumn(4).values.map(String);
		expect(names).toContain('东代固镇后街服装微工厂');
		expect(sheet.getColumn(8).values.slice(3)).toContain('运营中');
		expect(String(sheet.getRow(2).getCell(14).value)).toBe('监测户务工人员月均增收（元）');
		const [audit] = await database.db
			.select()
			.from(auditLog)
			.where(eq(auditLog.action, 'factories.export'));
		expect(audit).toBeDefined();
	});
});
