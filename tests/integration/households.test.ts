import { and, count, eq, sql } from 'drizzle-orm';
import { villageCountsDifferences } from '../../src/lib/server/income/standing-read';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { identityCheckCharacter } from '../../src/lib/identity';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { listAudit } from '../../src/lib/server/audit';
import { DomainError } from '../../src/lib/server/errors';
import {
	addMember,
	createHousehold,
	getHousehold,
	listHouseholds,
	memberLeaves,
	updateMember
} from '../../src/lib/server/households';
import { applyImport, previewImport } from '../../src/lib/server/households/import';
import { registryExportTable } from '../../src/lib/server/households/export';
import { households, members } from '../../src/lib/server/households/schema';
import {
	householdLedger,
	incomeStanding,
	postLedgerEntry,
	recordManualEntry,
	reverseManualEntry
} from '../../src/lib/server/income';
import { ledgerEntries } from '../../src/lib/server/income/schema';
import { getMonitoring, updateMonitoring } from '../../src/lib/server/monitoring';
import { setMonitoringLine } from '../../src/lib/server/settings';
import { inTransaction } from '../../src/lib/server/db';
import { newId } from '../../src/lib/server/db/ids';
import { actorFor, buildWorld, type World } from './fixtures';
import { freshDatabase } from './helpers';

const TODAY = '2026-11-29';
let database: Database;
let world: World;
let admin: UserActor;
let staff: UserActor;
let staffOut: UserActor;

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
	admin = (await actorFor(database.db, world.userIds.admin)).user;
	staff = (await actorFor(database.db, world.userIds.staffIn)).user;
	staffOut = (await actorFor(database.db, world.userIds.staffOut)).user;
});
afterAll(async () => {
	await database.close();
});

let sequence = 500;
function idNumber(birth: string, male: boolean): string {
	sequence += 2;
	const first17 = `130434${birth}${String(sequence + (male ? 1 : 0)).slice(-3)}`;
	return first17 + identityCheckCharacter(first17);
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

const person = (overrides: Record<string, unknown> = {}) => ({
	name: '王秀英',
	idNumber: idNumber('19750312', false),
	relation: '户主',
	labourCapacity: 'full',
	health: 'healthy',
	inSchool: '',
	workingAway: '',
	resident: 'on',
	...overrides
});

describe('households and their members', () => {
	it('creates a household with its head, deriving birth date and sex from the number', async () => {
		const head = person();
		const id = await createHousehold(
			database.db,
			staff,
			{
				householdNumber: '1304341080680901',
				villageCode: '130434108068',
				address: '东代固12号',
				phone: '13812340000',
				registeredOn: '2020-05-01',
				head
			},
			TODAY
		);
		const view = await getHousehold(database.db, staff, id);
		expect([view.townshipName, view.villageName]).toEqual(['东代固镇', '东代固社区']);
		expect(view.members).toHaveLength(1);
		expect(view.members[0]).toMatchObject({
			name: '王秀英',
			sex: 'female',
			birthDate: '1975-03-12',
			current: true
		});
		expect(view.members[0].maskedIdNumber).toBe(
			`${String(head.idNumber).slice(0, 6)}********${String(head.idNumber).slice(-4)}`
		);
		expect(view.membershipHistory.map((e) => e.kind)).toEqual(['registered']);
	});

	it('gives precise messages for a bad identity number, a village outside scope and a taken number', async () => {
		const number = idNumber('19800101', true);
		const wrongCheck = number.slice(0, 17) + (number[17] === '1' ? '2' : '1');
		expect(
			await issues(
				createHousehold(
					database.db,
					staff,
					{
						householdNumber: '1304342050000001',
						villageCode: '130434205213',
						address: '',
						phone: '123',
						registeredOn: TODAY,
						head: person({ idNumber: wrongCheck })
					},
					TODAY
				)
			)
		).toEqual([
			'villageCode:households_error_village_scope',
			'phone:households_error_phone',
			'head.idNumber:members_error_id_check'
		]);
		expect(
			await issues(
				createHousehold(
					database.db,
					admin,
					{
						householdNumber: 'x1',
						villageCode: '130529100201',
						address: '',
						phone: '',
						registeredOn: TODAY,
						head: person({ idNumber: '130434198002301234' })
					},
					TODAY
				)
			)
		).toEqual([
			'householdNumber:households_error_number',
			'villageCode:households_error_village_outside',
			'head.idNumber:members_error_id_birth_date'
		]);
	});

	it('records births and departures as dated events and refuses a person in two households', async () => {
		const child = idNumber('20240601', true);
		await addMember(
			database.db,
			staff,
			world.households.inScope,
			{
				...person({ name: '王浩然', idNumber: child, relation: '之子' }),
				event: 'birth',
				happenedOn: '2024-06-01'
			},
			TODAY
		);
		expect(
			await issues(
				addMember(
					database.db,
					admin,
					world.households.outOfScope,
					{
						...person({ name: '王浩然', idNumber: child, relation: '之子' }),
						event: 'moved_in',
						happenedOn: '2025-01-01'
					},
					TODAY
				)
			)
		).toEqual(['idNumber:members_error_in_other_household']);

		const view = await getHousehold(database.db, staff, world.households.inScope);
		const boy = view.members.find((m) => m.name === '王浩然')!;
		await memberLeaves(
			database.db,
			staff,
			world.households.inScope,
			boy.id,
			{ event: 'moved_out', happenedOn: '2025-03-01' },
			TODAY
		);
		// Having left, the boy may now join the other household, keeping his history.
		await addMember(
			database.db,
			admin,
			world.households.outOfScope,
			{
				...person({ name: '王浩然', idNumber: child, relation: '之孙子' }),
				event: 'moved_in',
				happenedOn: '2025-03-02'
			},
			TODAY
		);
		const [row] = await database.db
			.select()
			.from(members)
			.where(and(eq(members.countyId, world.countyA.id), eq(members.idNumber, child)));
		expect(row).toMatchObject({ householdId: world.households.outOfScope, current: true });
		const before = await getHousehold(database.db, admin, world.households.inScope);
		expect(before.membershipHistory.map((e) => `${e.kind}@${e.happenedOn}`)).toEqual([
			'moved_out@2025-03-01',
			'birth@2024-06-01'
		]);
		expect(before.members.find((m) => m.id === boy.id)).toBeUndefined();
	});

	it('keeps the registered identity number when an edit leaves the masked field empty', async () => {
		const view = await getHousehold(database.db, staff, world.households.inScope);
		const head = view.members.find((m) => m.relation === '户主')!;
		const [before] = await database.db.select().from(members).where(eq(members.id, head.id));
		await updateMember(
			database.db,
			staff,
			world.households.inScope,
			head.id,
			{ ...person({ name: head.name, idNumber: '' }), health: 'chronic' },
			TODAY
		);
		const [after] = await database.db.select().from(members).where(eq(members.id, head.id));
		expect(after).toMatchObject({
			idNumber: before.idNumber,
			health: 'chronic',
			birthDate: before.birthDate
		});
	});

	it('answers not found for a malformed id instead of failing', async () => {
		expect(
			await updateMonitoring(
				database.db,
				staff,
				'not-a-uuid',
				{ category: 'ordinary', status: 'not_monitored', risks: [], happenedOn: TODAY },
				TODAY
			).catch((e) => e)
		).toMatchObject({ code: 'not_found' });
		expect(
			await recordManualEntry(
				database.db,
				staff,
				'not-a-uuid',
				{ businessDate: TODAY, amount: '1', subtype: 'dibao' },
				TODAY
			).catch((e) => e)
		).toMatchObject({ code: 'not_found' });
		expect(
			await reverseManualEntry(database.db, staff, world.households.inScope, 'nope').catch((e) => e)
		).toMatchObject({ code: 'not_found' });
	});

	it('never leaves a household empty', async () => {
		const view = await getHousehold(database.db, admin, world.households.otherCounty).catch(
			(e) => e
		);
		expect(view).toBeInstanceOf(DomainError);
		const single = await createHousehold(
			database.db,
			admin,
			{
				householdNumber: '1304342052130999',
				villageCode: '130434205213',
				address: '',
				phone: '',
				registeredOn: TODAY,
				head: person({ idNumber: idNumber('19500101', true), name: '张老汉' })
			},
			TODAY
		);
		const [head] = (await getHousehold(database.db, admin, single)).members;
		expect(
			await issues(
				memberLeaves(
					database.db,
					admin,
					single,
					head.id,
					{ event: 'death', happenedOn: '2026-01-01' },
					TODAY
				)
			)
		).toEqual([':members_error_last_member']);
	});

	it('finds households by name, phone, number and the last 4 ID digits within scope', async () => {
		const byName = await listHouseholds(database.db, staff, { query: '王秀' });
		expect(byName.items.map((h) => h.headName)).toContain('王秀英');
		const last4 = String(person().idNumber);
		expect(last4).toHaveLength(18);
		const [someone] = await database.db.select().from(members).where(eq(members.name, '王秀英'));
		const byDigits = await listHouseholds(database.db, staff, {
			query: someone.idNumber.slice(-4)
		});
		expect(byDigits.items.some((h) => h.headName === '王秀英')).toBe(true);
		expect((await listHouseholds(database.db, staffOut, { query: '王秀' })).items).toHaveLength(0);
		const page = await listHouseholds(database.db, admin, {}, 1, 2);
		expect(page.items).toHaveLength(2);
		expect(page.total).toBeGreaterThanOrEqual(4);
	});
});

describe('the monitoring record', () => {
	it('keeps a dated history of every status change and filters the list by it', async () => {
		const id = world.households.inScope2;
		expect(
			await issues(
				updateMonitoring(
					database.db,
					staff,
					id,
					{ category: 'ordinary', status: 'monitored', risks: [], happenedOn: TODAY },
					TODAY
				)
			)
		).toEqual([
			'category:monitoring_error_monitored_needs_category',
			'risks:monitoring_error_no_risk'
		]);
		await updateMonitoring(
			database.db,
			staff,
			id,
			{
				category: 'sudden',
				status: 'monitored',
				risks: ['illness', 'accident'],
				happenedOn: '2025-04-10'
			},
			TODAY
		);
		await updateMonitoring(
			database.db,
			staff,
			id,
			{
				category: 'sudden',
				status: 'eliminated',
				risks: ['illness'],
				happenedOn: '2026-10-01',
				eliminationMethod: '帮扶消除'
			},
			TODAY
		);
		const view = await getMonitoring(database.db, world.countyA.id, id);
		expect(view).toMatchObject({
			status: 'eliminated',
			monitoredSince: '2025-04-10',
			eliminatedOn: '2026-10-01',
			risks: ['illness']
		});
		expect(view.history.map((h) => `${h.status}@${h.happenedOn}`)).toEqual([
			'eliminated@2026-10-01',
			'monitored@2025-04-10'
		]);
		const eliminated = await listHouseholds(database.db, admin, { status: 'eliminated' });
		expect(eliminated.items.map((h) => h.id)).toEqual([id]);
		const byRisk = await listHouseholds(database.db, admin, { risk: 'illness' });
		expect(byRisk.items.map((h) => h.id)).toEqual([id]);
	});
});

describe('the income ledger', () => {
	it('posts manual income and large expenses, and sums net income without the expenses', async () => {
		const id = world.households.inScope;
		await recordManualEntry(
			database.db,
			staff,
			id,
			{ businessDate: '2026-03-15', amount: '3,000', subtype: 'pv_dividend' },
			TODAY
		);
		await recordManualEntry(
			database.db,
			staff,
			id,
			{ businessDate: '2026-05-01', amount: '470.00', subtype: 'dibao' },
			TODAY
		);
		await recordManualEntry(
			database.db,
			staff,
			id,
			{ businessDate: '2026-06-20', amount: '57593.50', subtype: 'medical' },
			TODAY
		);
		await recordManualEntry(
			database.db,
			staff,
			id,
			{ businessDate: '2026-04-02', amount: '200', subtype: 'production_cost' },
			TODAY
		);
		const ledger = await householdLedger(database.db, world.countyA.id, id, TODAY);
		expect(ledger.thisYear.totals).toMatchObject({
			property: 300000,
			transfer: 47000,
			large_expense: 5759350,
			production_cost: 20000
		});
		expect(ledger.thisYear.netFen).toBe(300000 + 47000 - 20000);
	});

	it('compares per-capita net income of the last 12 months with the county’s line', async () => {
		const id = world.households.inScope2;
		await recordManualEntry(
			database.db,
			staff,
			id,
			{ businessDate: '2026-02-01', amount: '6,000', subtype: 'migrant_work' },
			TODAY
		);
		await recordManualEntry(
			database.db,
			staff,
			id,
			{ businessDate: '2026-03-01', amount: '900', subtype: 'medical' },
			TODAY
		);
		const before = await incomeStanding(database.db, world.countyA.id, id, TODAY);
		expect(before).toMatchObject({
			netFen: 600000,
			residents: 1,
			perCapitaFen: 600000,
			lineFen: null,
			belowLine: null
		});
		await setMonitoringLine(database.db, world.countyA.id, 2026, 800000);
		const after = await incomeStanding(database.db, world.countyA.id, id, TODAY);
		expect(after).toMatchObject({ lineFen: 800000, belowLine: true });
		await recordManualEntry(
			database.db,
			staff,
			id,
			{ businessDate: '2026-04-01', amount: '2,500', subtype: 'dibao' },
			TODAY
		);
		expect(await incomeStanding(database.db, world.countyA.id, id, TODAY)).toMatchObject({
			perCapitaFen: 850000,
			belowLine: false
		});
	});

	it('refuses a negative, absurd or future amount, and a member of another household', async () => {
		const id = world.households.inScope;
		expect(
			await issues(
				recordManualEntry(
					database.db,
					staff,
					id,
					{ businessDate: '2027-01-01', amount: '-5', subtype: 'dibao' },
					TODAY
				)
			)
		).toEqual(['businessDate:ledger_error_future', 'amount:ledger_error_amount']);
		expect(
			await issues(
				recordManualEntry(
					database.db,
					staff,
					id,
					{ businessDate: TODAY, amount: '5000000', subtype: 'nope', memberId: newId() },
					TODAY
				)
			)
		).toEqual([
			'subtype:ledger_error_subtype',
			'amount:ledger_error_ceiling',
			'memberId:ledger_error_member'
		]);
		const out = await recordManualEntry(
			database.db,
			staffOut,
			id,
			{ businessDate: TODAY, amount: '5', subtype: 'dibao' },
			TODAY
		).catch((e) => e);
		expect(out).toMatchObject({ code: 'not_found' });
	});

	it('corrects by a reversing entry, never by editing, and reverses only once', async () => {
		const id = world.households.inScope;
		const entry = await recordManualEntry(
			database.db,
			staff,
			id,
			{ businessDate: '2026-07-01', amount: '1000', subtype: 'livestock_sale' },
			TODAY
		);
		const reversal = await reverseManualEntry(database.db, staff, id, entry.id);
		expect(reversal).toMatchObject({ amountFen: -100000, reversesEntryId: entry.id });
		expect(await issues(reverseManualEntry(database.db, staff, id, entry.id))).toEqual([
			':ledger_error_already_reversed'
		]);
		const [original] = await database.db
			.select()
			.from(ledgerEntries)
			.where(eq(ledgerEntries.id, entry.id));
		expect(original.amountFen).toBe(100000);
		const ledger = await householdLedger(database.db, world.countyA.id, id, TODAY);
		expect(ledger.entries.find((e) => e.id === entry.id)?.reversed).toBe(true);
		expect(ledger.thisYear.totals.operating).toBe(0);
	});

	it('posts a retried request once, by its id, and a program record once per version', async () => {
		const id = world.households.inScope;
		const clientId = newId();
		const first = await recordManualEntry(
			database.db,
			staff,
			id,
			{ id: clientId, businessDate: '2026-08-01', amount: '88', subtype: 'pension' },
			TODAY
		);
		const again = await recordManualEntry(
			database.db,
			staff,
			id,
			{ id: clientId, businessDate: '2026-08-01', amount: '88', subtype: 'pension' },
			TODAY
		);
		expect(again.id).toBe(first.id);
		const sourceId = newId();
		const post = () =>
			inTransaction(database.db, (tx) =>
				postLedgerEntry(tx, staff, {
					countyId: world.countyA.id,
					householdId: id,
					businessDate: '2026-09-01',
					amountFen: 250000,
					kind: 'wage',
					subtype: 'factory_wage',
					source: 'factory_wage',
					sourceId
				})
			);
		await post();
		await post();
		const [{ n }] = await database.db
			.select({ n: count() })
			.from(ledgerEntries)
			.where(eq(ledgerEntries.sourceId, sourceId));
		expect(n).toBe(1);
		const audit = await listAudit(database.db, world.countyA.id, {
			entity: 'household',
			entityId: id,
			action: 'ledger.'
		});
		expect(audit.length).toBeGreaterThanOrEqual(6);
	});
});

const HEADER = [
	'序号',
	'乡(镇)',
	'行政村',
	'户编号',
	'姓名',
	'证件号码',
	'与户主关系',
	'性别',
	'联系电话',
	'健康状况',
	'劳动技能',
	'监测对象类别',
	'致贫/返贫风险1',
	'识别监测时间',
	'风险是否已消除',
	'产业帮扶'
];

function csv(rows: string[][]): Uint8Array {
	const lines = [['魏县防返贫监测对象信息表'], HEADER, ...rows].map((r) =>
		r.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')
	);
	return new TextEncoder().encode('\ufeff' + lines.join('\r\n'));
}

describe('importing the national registry export', () => {
	const headA = idNumber('19680405', true);
	const wifeA = idNumber('19700101', false);
	const headB = idNumber('19550909', false);
	const bad = idNumber('19900101', true);
	const badCheck = bad.slice(0, 17) + (bad[17] === '1' ? '2' : '1');
	let file: Uint8Array;

	it('previews every rejected row with its reason before writing anything', async () => {
		const [existing] = await database.db.select().from(members).where(eq(members.name, '王秀英'));
		file = csv([
			[
				'1',
				'东代固镇',
				'东代固社区',
				'1304341080689001',
				'李建国',
				headA,
				'户主',
				'男',
				'13900000001',
				'健康',
				'普通劳动力',
				'边缘易致贫户',
				'因病',
				'202403',
				'否',
				'种植金银花2亩'
			],
			[
				'2',
				'东代固镇',
				'东代固社区',
				'1304341080689001',
				'赵桂兰',
				wifeA,
				'配偶',
				'女',
				'',
				'长期慢性病',
				'弱劳动力或半劳动力',
				'',
				'',
				'',
				'',
				''
			],
			[
				'3',
				'前大磨乡',
				'连枣林村',
				'1304342052139002',
				'孙秀兰',
				headB,
				'户主',
				'女',
				'',
				'健康',
				'丧失劳动力',
				'',
				'',
				'',
				'',
				''
			],
			[
				'4',
				'前大磨乡',
				'连枣林村',
				'1304342052139003',
				'错号码',
				badCheck,
				'户主',
				'男',
				'',
				'健康',
				'普通劳动力',
				'',
				'',
				'',
				'',
				''
			],
			[
				'5',
				'东代固镇',
				'东代固社区',
				'1304341080680901',
				existing.name,
				existing.idNumber,
				'户主',
				'女',
				'',
				'患有大病',
				'普通劳动力',
				'',
				'',
				'',
				'',
				''
			]
		]);
		const before = await database.db.select({ n: count() }).from(households);
		const preview = await previewImport(database.db, admin, file, 'export.csv', TODAY);
		expect(preview.households).toEqual({
			valid: 3,
			new: 2,
			updated: 1,
			unchanged: 0,
			rejected: 1
		});
		expect(preview.members).toEqual({ valid: 4, new: 3, updated: 1, unchanged: 0 });
		expect(preview.problems).toEqual([
			{ rowNumber: 6, column: '证件号码', key: 'import_error_id_check' }
		]);
		expect(preview.updatedPeople.map((p) => p.name)).toEqual(['王秀英']);
		expect(await database.db.select({ n: count() }).from(households)).toEqual(before);
	});

	it('writes nothing at all when the write fails half-way', async () => {
		const preview = await previewImport(database.db, admin, file, 'export.csv', TODAY);
		const before = await database.db.select({ n: count() }).from(members);
		// A trigger makes the last table of the import fail, after households and people were written.
		await database.db.execute(
			sql`create function levee_test_fail() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`
		);
		await database.db.execute(
			sql`create trigger levee_test_fail before insert on assistance_measures for each row execute function levee_test_fail()`
		);
		await expect(
			applyImport(database.db, admin, file, 'export.csv', preview.fileHash, TODAY)
		).rejects.toThrow();
		await database.db.execute(sql`drop trigger levee_test_fail on assistance_measures`);
		await database.db.execute(sql`drop function levee_test_fail()`);
		expect(await database.db.select({ n: count() }).from(members)).toEqual(before);
		const found = await database.db
			.select()
			.from(households)
			.where(eq(households.householdNumber, '1304341080689001'));
		expect(found).toHaveLength(0);
	});

	it('writes valid households in one go and updates people already in the county', async () => {
		const preview = await previewImport(database.db, admin, file, 'export.csv', TODAY);
		const result = await applyImport(
			database.db,
			admin,
			file,
			'export.csv',
			preview.fileHash,
			TODAY
		);
		expect(result).toEqual({
			households: { created: 2, updated: 1, unchanged: 0 },
			members: { created: 3, updated: 1, unchanged: 0 },
			rejectedHouseholds: 1,
			aliasesRemembered: 0
		});
		const [xiuying] = await database.db.select().from(members).where(eq(members.name, '王秀英'));
		expect(xiuying.health).toBe('serious');
		const [li] = await database.db
			.select()
			.from(households)
			.where(eq(households.householdNumber, '1304341080689001'));
		const monitoring = await getMonitoring(database.db, world.countyA.id, li.id);
		expect(monitoring).toMatchObject({
			category: 'marginal',
			status: 'monitored',
			monitoredSince: '2024-03-01',
			risks: ['illness']
		});
		expect(monitoring.measures.map((m) => m.measure)).toEqual(['industry']);
		// The dashboard's counts per village took the new households and their standings.
		expect(await villageCountsDifferences(database.db, world.countyA.id)).toEqual([]);

		// Importing the same file again duplicates nobody.
		const again = await applyImport(
			database.db,
			admin,
			file,
			'export.csv',
			preview.fileHash,
			TODAY
		);
		expect(again.members).toEqual({ created: 0, updated: 0, unchanged: 4 });
		expect(again.households).toEqual({ created: 0, updated: 0, unchanged: 3 });
		const [{ n }] = await database.db
			.select({ n: count() })
			.from(members)
			.where(eq(members.idNumber, headA));
		expect(n).toBe(1);
		expect((await getMonitoring(database.db, world.countyA.id, li.id)).measures).toHaveLength(1);
	});

	it('refuses a file that is not a spreadsheet, lacks columns, or changed since the preview', async () => {
		expect(
			await issues(
				previewImport(
					database.db,
					admin,
					new TextEncoder().encode('%PDF-1.4 binary'),
					'x.pdf',
					TODAY
				)
			)
		).toEqual(['file:import_file_not_spreadsheet']);
		const missing = new TextEncoder().encode('户编号,姓名\n1,张三\n');
		expect((await issues(previewImport(database.db, admin, missing, 'x.csv', TODAY)))[0]).toMatch(
			/^file:import_file_header_not_found|^file:import_error_column_missing/
		);
		expect(
			await issues(applyImport(database.db, admin, file, 'x.csv', 'a'.repeat(64), TODAY))
		).toEqual(['file:import_error_file_changed']);
		expect(
			await previewImport(database.db, staff, file, 'x.csv', TODAY).catch((e) => e)
		).toMatchObject({ code: 'not_found' });
	});

	it('exports the filtered list with identity numbers masked unless revealed', async () => {
		const [header, ...rows] = await registryExportTable(
			database.db,
			admin,
			{ query: '1304341080689001' },
			false,
			TODAY
		);
		const col = (name: string) => header.indexOf(name);
		expect(rows.map((r) => r[col('姓名')])).toEqual(['李建国', '赵桂兰']);
		expect(rows[0][col('证件号码')]).toBe(`${headA.slice(0, 6)}********${headA.slice(-4)}`);
		expect(rows[0][col('监测对象类别')]).toBe('边缘易致贫户');
		expect(rows[0][col('风险是否已消除')]).toBe('否');
		expect(rows[0][col('致贫/返贫风险1')]).toBe('因病');
		const [, ...revealed] = await registryExportTable(
			database.db,
			admin,
			{ query: '1304341080689001' },
			true,
			TODAY
		);
		expect(revealed[0][col('证件号码')]).toBe(headA);
	});
});
