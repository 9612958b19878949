// The registry's own values survive an import and the export unchanged (技能劳动力 stays
// 技能劳动力), and villages are found as staff write them.
import Papa from 'papaparse';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { identityCheckCharacter } from '../../src/lib/identity';
import REGISTRY from '../../src/lib/registry-words.json';
import { addDivision, addVillageAlias, removeVillageAlias } from '../../src/lib/server/divisions';
import { villageAliases } from '../../src/lib/server/divisions/schema';
import { DomainError } from '../../src/lib/server/errors';
import { registryExportTable } from '../../src/lib/server/households/export';
import { applyImport, previewImport } from '../../src/lib/server/households/import';
import { households, members } from '../../src/lib/server/households/schema';
import { createHousehold } from '../../src/lib/server/households';
import { actorFor, buildWorld, type World } from './fixtures';
import { freshDatabase } from './helpers';

const TODAY = '2026-11-29';
let database: Database;
let world: World;
let admin: UserActor;

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
	admin = (await actorFor(database.db, world.userIds.admin)).user;
});
afterAll(async () => {
	await database.close();
});

let sequence = 100;
let householdsSeen = 5000;
function idNumber(birth = '19700101', male = true): string {
	sequence += 2;
	const first17 = `130434${birth}${String(sequence + (male ? 1 : 0)).slice(-3)}`;
	return first17 + identityCheckCharacter(first17);
}

type Row = Record<string, string>;

function csv(rows: Row[]): Uint8Array {
	const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
	return new TextEncoder().encode(
		'\ufeff' + Papa.unparse([header, ...rows.map((r) => header.map((h) => r[h] ?? ''))])
	);
}

/** A head of household in 东代固镇, with the columns given. */
function head(householdNumber: string, columns: Row = {}): Row {
	return {
		乡镇: '东代固镇',
		行政村: '东代固居民委员会',
		户编号: householdNumber,
		姓名: '王建国',
		证件号码: idNumber(),
		与户主关系: '户主',
		性别: '男',
		...columns
	};
}

async function importRows(rows: Row[], today = TODAY) {
	const file = csv(rows);
	const preview = await previewImport(database.db, admin, file, 'file.csv', today);
	const result = await applyImport(database.db, admin, file, 'file.csv', preview.fileHash, today);
	return { preview, result };
}

/** The exported rows of some households, as header → cell. */
async function exported(numbers: string[]): Promise<Row[]> {
	const [header, ...rows] = await registryExportTable(database.db, admin, {}, true, TODAY);
	const number = header.indexOf('户编号');
	return rows
		.filter((r) => numbers.includes(r[number]))
		.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

const MONITORED = {
	监测对象类别: '边缘易致贫户',
	'致贫/返贫风险1': '因病',
	识别监测时间: '202401',
	风险是否已消除: '否'
};

// Each list of the national registry, the column it lives in, and what a household needs
// around it to be valid. Person lists go on a second member, household lists on the head.
const LISTS: { column: string; values: readonly string[]; person: boolean; around?: Row }[] = [
	{ column: '劳动技能', values: REGISTRY.labourSkills, person: true },
	{ column: '健康状况', values: REGISTRY.healthStates, person: true },
	{ column: '在校生状况', values: [...REGISTRY.schooling, '非在校生'], person: true },
	{ column: '文化程度', values: REGISTRY.education, person: true },
	{ column: '民族', values: REGISTRY.ethnicities, person: true },
	{ column: '务工状况', values: REGISTRY.workStatuses, person: true },
	{ column: '与户主关系', values: REGISTRY.relations, person: true },
	{ column: '是否参加大病保险', values: ['是', '否'], person: true },
	{ column: '户类型', values: REGISTRY.householdTypes, person: false },
	{ column: '脱贫属性', values: REGISTRY.povertyExitTypes, person: false },
	{ column: '享受低保政策情况', values: ['是', '否'], person: false },
	{ column: '享受特困供养政策情况', values: ['是', '否'], person: false },
	{ column: '整户无劳动能力兜底保障户', values: ['是', '否'], person: false },
	{ column: '危房户', values: ['是', '否'], person: false },
	{ column: '饮水安全', values: ['是', '否'], person: false },
	{
		column: '监测对象类别',
		values: ['脱贫不稳定户', '边缘易致贫户', '突发严重困难户'],
		person: false,
		around: { ...MONITORED }
	},
	{
		column: '致贫/返贫风险1',
		values: Object.values(REGISTRY.risks),
		person: false,
		around: { ...MONITORED }
	},
	{
		column: '风险消除方式',
		values: REGISTRY.eliminationMethods,
		person: false,
		around: { ...MONITORED, 风险是否已消除: '是', 消除监测时间: '202406' }
	}
];

describe('every registry value list survives import and export unchanged', () => {
	it.each(LISTS.map((list, i) => ({ ...list, i })))(
		'$column',
		async ({ column, values, person, around, i }) => {
			const rows: Row[] = [];
			const numbers: string[] = [];
			values.forEach((value, j) => {
				const number = `13043410806890${String(i).padStart(2, '0')}${String(j).padStart(2, '0')}`;
				numbers.push(number);
				const cells = { ...around, ...(person ? {} : { [column]: value }) };
				rows.push(head(number, cells));
				if (person) {
					rows.push({
						...head(number),
						姓名: '王小红',
						证件号码: idNumber('20010203', false),
						性别: '女',
						与户主关系: column === '与户主关系' ? value : '之女',
						...(column === '与户主关系' ? {} : { [column]: value })
					});
				}
			});
			const { preview } = await importRows(rows);
			expect(preview.problems).toEqual([]);
			const out = await exported(numbers);
			const written = out
				.filter((r) => (person ? r['与户主关系'] !== '户主' : r['与户主关系'] === '户主'))
				.map((r) => r[column]);
			expect(written).toEqual([...values]);

			// And the export, imported again, changes nothing.
			const again = await previewImport(
				database.db,
				admin,
				csv(out.map((r) => ({ ...r, 序号: '' }))),
				'again.csv',
				TODAY
			);
			expect(again.problems).toEqual([]);
			expect(again.households.unchanged).toBe(values.length);
			expect(again.members.updated).toBe(0);
		}
	);

	it('keeps the registry’s value and derives Levee’s category beside it', async () => {
		const number = '1304341080689901';
		await importRows([
			head(number, { 劳动技能: '技能劳动力', 健康状况: '残疾' }),
			{
				...head(number),
				姓名: '王大山',
				证件号码: idNumber('19450101'),
				与户主关系: '之父',
				劳动技能: '丧失劳动力'
			}
		]);
		const [h] = await database.db
			.select()
			.from(households)
			.where(eq(households.householdNumber, number));
		const people = await database.db
			.select()
			.from(members)
			.where(and(eq(members.countyId, world.countyA.id), eq(members.householdId, h.id)));
		expect(
			people
				.map((p) => [p.labourSkill, p.labourCapacity, p.healthStatus, p.health])
				.sort((a, b) => String(a[0]).localeCompare(String(b[0])))
		).toEqual([
			['丧失劳动力', 'none', null, 'healthy'],
			['技能劳动力', 'full', '残疾', 'disabled']
		]);
	});
});

describe('the household forms', () => {
	it('store the registry’s 劳动技能 as chosen and derive Levee’s category from it', async () => {
		const id = await createHousehold(
			database.db,
			admin,
			{
				householdNumber: '1304341080688801',
				villageCode: '130434108068',
				address: '',
				phone: '',
				registeredOn: TODAY,
				head: {
					name: '李技能',
					idNumber: idNumber('19800101'),
					relation: '户主',
					labourSkill: '技能劳动力',
					health: 'chronic',
					schooling: '',
					ethnicity: '回族',
					education: '高中',
					workingAway: '',
					resident: 'on',
					inSchool: '',
					labourCapacity: ''
				}
			},
			TODAY
		);
		const [person] = await database.db.select().from(members).where(eq(members.householdId, id));
		expect(person).toMatchObject({
			labourSkill: '技能劳动力',
			labourCapacity: 'full',
			healthStatus: '长期慢性病',
			ethnicity: '回族',
			education: '高中',
			inSchool: false
		});
		const [row] = await exported(['1304341080688801']);
		expect(row).toMatchObject({ 劳动技能: '技能劳动力', 健康状况: '长期慢性病', 民族: '回族' });
	});
});

describe('villages as staff write them', () => {
	async function villageOf(village: string, township = '东代固镇') {
		const number = `130434108068${String(++householdsSeen).padStart(4, '0')}`;
		const preview = await previewImport(
			database.db,
			admin,
			csv([head(number, { 乡镇: township, 行政村: village })]),
			'v.csv',
			TODAY
		);
		return preview;
	}

	it.each([
		['东代固居民委员会', '130434108068'],
		['东代固社区', '130434108068'],
		['房小庄居民委员会', '130434108072'],
		['北代固村民委员会', '130434108212'],
		['北代固村', '130434108212']
	])('finds %s by its official or everyday name', async (written) => {
		const preview = await villageOf(written);
		expect(preview.problems).toEqual([]);
		expect(preview.villageAliases).toEqual([]);
	});

	it('finds 东代固村 and 房小庄村 by their core, and remembers the spelling', async () => {
		const number = '1304341080680777';
		const rows = [
			head(number, { 行政村: '东代固村' }),
			head('1304341080720777', { 行政村: '房小庄村' })
		];
		const { preview, result } = await importRows(rows);
		expect(preview.problems).toEqual([]);
		expect(preview.villageAliases).toEqual([
			{ villageCode: '130434108068', villageName: '东代固居民委员会', alias: '东代固村' },
			{ villageCode: '130434108072', villageName: '房小庄居民委员会', alias: '房小庄村' }
		]);
		expect(result.aliasesRemembered).toBe(2);
		const [h] = await database.db
			.select()
			.from(households)
			.where(eq(households.householdNumber, number));
		expect(h.villageCode).toBe('130434108068');
		// The next import matches at once.
		expect((await villageOf('房小庄村')).villageAliases).toEqual([]);
	});

	it('matches an alias an admin added, and forgets it when removed', async () => {
		await addVillageAlias(database.db, admin, '130434', '130434108070', '张固庄子');
		const found = await villageOf('张固庄子');
		expect(found.problems).toEqual([]);
		expect(found.villageAliases).toEqual([]);
		await expect(
			addVillageAlias(database.db, admin, '130434', '130434108071', '张固庄子')
		).rejects.toMatchObject({ issues: [{ key: 'registry_alias_error_taken' }] });
		await removeVillageAlias(database.db, admin, '130434', '130434108070', '张固庄子');
		expect((await villageOf('张固庄子')).problems.map((p) => p.key)).toEqual([
			'import_error_village_unknown'
		]);
		const left = await database.db
			.select()
			.from(villageAliases)
			.where(eq(villageAliases.alias, '张固庄子'));
		expect(left).toEqual([]);
	});

	it('refuses a core two villages share, naming both', async () => {
		await addDivision(database.db, admin, '130434', {
			parentCode: '130434108',
			code: '130434108299',
			name: '东代固村民委员会'
		}).catch((e) => {
			if (!(e instanceof DomainError)) throw e;
		});
		const preview = await villageOf('东代固');
		expect(preview.problems).toEqual([
			{
				rowNumber: 2,
				column: '行政村',
				key: 'registry_error_village_ambiguous',
				params: {
					township: '东代固镇',
					village: '东代固',
					candidates: '东代固居民委员会、东代固村民委员会'
				}
			}
		]);
	});
});
