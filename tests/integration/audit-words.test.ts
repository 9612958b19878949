import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditHeadline, describeAudit } from '../../src/lib/audit-words';
import { identityCheckCharacter } from '../../src/lib/identity';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { auditPage, listAudit } from '../../src/lib/server/audit';
import { wantedNames } from '../../src/lib/server/audit/names';
import type { Database, Db } from '../../src/lib/server/db';
import { addMember, createHousehold, updateMember } from '../../src/lib/server/households';
import { actorFor, buildWorld, type World } from './fixtures';
import { freshDatabase } from './helpers';

// The audit page's data names the household by its head and the people by name, and reads
// one page of rows plus one lookup per kind of name, however many rows the page shows.

const TODAY = '2026-11-29';
let database: Database;
let world: World;
let admin: UserActor;
let staff: UserActor;

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
	admin = (await actorFor(database.db, world.userIds.admin)).user;
	staff = (await actorFor(database.db, world.userIds.staffIn)).user;
});
afterAll(async () => {
	await database.close();
});

let sequence = 700;
function idNumber(birth: string): string {
	sequence += 2;
	const first17 = `130434${birth}${String(sequence).slice(-3)}`;
	return first17 + identityCheckCharacter(first17);
}
const person = (name: string, relation: string, birth: string) => ({
	name,
	idNumber: idNumber(birth),
	relation,
	labourCapacity: 'full',
	health: 'healthy',
	inSchool: '',
	workingAway: '',
	resident: 'on'
});

/** A household headed by 王秀英 with a son 李小军 who joined, then had his name corrected. */
async function familyWithHistory(number: string): Promise<{ householdId: string; ids: string[] }> {
	const head = person('王秀英', '户主', '19750312');
	const householdId = await createHousehold(
		database.db,
		staff,
		{
			householdNumber: number,
			villageCode: '130434108068',
			address: '',
			phone: '',
			registeredOn: '2020-05-01',
			head
		},
		TODAY
	);
	const son = person('李晓军', '之子', '20000601');
	const memberId = await addMember(
		database.db,
		staff,
		householdId,
		{ ...son, event: 'marriage_in', happenedOn: '2026-03-05' },
		TODAY
	);
	await updateMember(database.db, staff, householdId, memberId, { ...son, name: '李小军' }, TODAY);
	return { householdId, ids: [head.idNumber, son.idNumber] };
}

/** Counts the queries a function makes through the database handle. */
function counting(db: Db): { db: Db; queries: () => number } {
	let n = 0;
	const proxy = new Proxy(db, {
		get(target, key, receiver) {
			const value = Reflect.get(target, key, receiver);
			if (
				typeof value !== 'function' ||
				!/^(select|selectDistinct|selectDistinctOn|execute)$/.test(String(key))
			)
				return value;
			return (...args: unknown[]) => {
				n += 1;
				return (value as (...a: unknown[]) => unknown).apply(target, args);
			};
		}
	});
	return { db: proxy, queries: () => n };
}

describe('the audit page in words', () => {
	it('names the household by its head and the member by name, with no full identity number', async () => {
		const { householdId, ids } = await familyWithHistory('1304341080689901');
		const page = await auditPage(
			database.db,
			admin.countyId,
			{ entity: 'household', entityId: householdId },
			1
		);
		const lines = page.rows.map((row) => auditHeadline(describeAudit(row, page.names, 'zh-CN')));
		expect(lines).toEqual([
			'王秀英家 · 修改家庭成员 李小军 的信息',
			'王秀英家 · 新增家庭成员 李小军',
			'王秀英家 · 建档'
		]);
		const correction = describeAudit(page.rows[0], page.names, 'zh-CN');
		expect(correction.changes[0]).toEqual({
			label: '姓名/名称',
			before: '李晓军',
			after: '李小军'
		});
		// What the correction did not record a before for shows as it is now.
		expect(correction.changes).toContainEqual({
			label: '劳动能力',
			before: null,
			after: '有劳动能力'
		});
		const everything = JSON.stringify(
			page.rows.map((row) => {
				const { subject, phrase, changes } = describeAudit(row, page.names, 'zh-CN');
				return { subject, phrase, changes };
			})
		);
		for (const id of ids) {
			expect(everything).not.toContain(id);
			expect(everything).toContain(`${id.slice(0, 6)}********${id.slice(-4)}`);
		}
		expect(everything).not.toContain(householdId.slice(0, 13));
	});

	it('looks each kind of name up once per page, not once per row', async () => {
		for (let i = 2; i < 8; i++) await familyWithHistory(`130434108068990${i}`);
		const counted = counting(database.db);
		const page = await auditPage(counted.db, admin.countyId, { action: 'members.' }, 1);
		expect(page.rows.length).toBeGreaterThanOrEqual(12);
		const households = new Set(page.rows.map((r) => r.entityId));
		expect(households.size).toBeGreaterThanOrEqual(6);
		const rows = await listAudit(database.db, admin.countyId, { action: 'members.', limit: 50 });
		// The page's rows, one lookup per kind of record they point at, the county's options.
		expect(counted.queries()).toBe(1 + wantedNames(rows).size + 1);
		expect(counted.queries()).toBeLessThanOrEqual(5);
	});
});
