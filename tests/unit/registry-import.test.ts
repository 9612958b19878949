import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { identityCheckCharacter } from '../../src/lib/identity';
import {
	fieldForHeader,
	REQUIRED_COLUMNS,
	REQUIRED_FIELDS,
	templateHeaderRow
} from '../../src/lib/server/households/registry/columns';
import {
	readRegistryFile,
	RegistryFileError,
	type RawSheet
} from '../../src/lib/server/households/registry/read';
import {
	IMPORT_FILE_KEYS,
	IMPORT_PROBLEM_KEYS,
	validateRegistryRows,
	type ValidationContext
} from '../../src/lib/server/households/registry/validate';

const context: ValidationContext = {
	countyCode: '130434',
	villages: [
		{ code: '130434205201', name: '连枣林村民委员会', townshipName: '前大磨乡' },
		{ code: '130434108201', name: '东代固村', townshipName: '东代固镇' },
		// Another county's village must not resolve.
		{ code: '130529100201', name: '大名村', townshipName: '大街乡' }
	],
	today: '2025-06-30'
};

/** A valid 18-character number: address 130434, birth YYYYMMDD, 3-digit sequence. */
function id(birth: string, sequence: string): string {
	const first17 = `130434${birth}${sequence}`;
	return first17 + identityCheckCharacter(first17);
}

/** The same number with a wrong check character. */
function withWrongCheck(number: string): string {
	return number.slice(0, 17) + (number[17] === '1' ? '2' : '1');
}

const HEADERS = [
	'序号',
	'省',
	'市（州）',
	'县(市、区、旗)',
	'乡(镇)',
	'行政村',
	'自然村',
	'户编号',
	'人编号',
	'姓名',
	'证件号码',
	'人数',
	'与户主关系',
	'性别',
	'民族',
	'联系电话',
	'文化程度',
	'在校生状况',
	'健康状况',
	'劳动技能',
	'务工状况',
	'务工所在地',
	'务工时间（月）',
	'是否参加大病保险',
	'户类型',
	'脱贫属性',
	'脱贫年度',
	'人均纯收入',
	'监测对象类别',
	'致贫/返贫风险1',
	'致贫/返贫风险2',
	'识别监测时间',
	'风险是否已消除',
	'风险消除方式',
	'消除监测时间',
	'产业帮扶',
	'就业帮扶',
	'公益岗位帮扶',
	'金融帮扶'
];

type Person = Record<string, string>;

const PLACE: Person = {
	省: '河北省',
	'市（州）': '邯郸市',
	'县(市、区、旗)': '魏县',
	'乡(镇)': '前大磨乡',
	行政村: '连枣林村'
};

function csvLine(cells: readonly string[]): string {
	return cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
}

function csv(people: (Person | 'blank' | string)[], headers = HEADERS): string {
	const lines = ['魏县防返贫监测对象信息表', csvLine(headers)];
	for (const p of people) {
		if (p === 'blank') lines.push(headers.map(() => '').join(','));
		else if (typeof p === 'string') lines.push(csvLine([p]));
		else lines.push(csvLine(headers.map((h) => ({ ...PLACE, ...p })[h] ?? '')));
	}
	return lines.join('\r\n') + '\r\n';
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** GBK bytes without iconv: invert Node's (full-ICU) GBK decoder over all two-byte codes. */
function gbk(text: string): Uint8Array {
	const table = new Map<string, [number, number]>();
	const decoder = new TextDecoder('gbk');
	for (let lead = 0x81; lead <= 0xfe; lead++) {
		for (let trail = 0x40; trail <= 0xfe; trail++) {
			if (trail === 0x7f) continue;
			const ch = decoder.decode(new Uint8Array([lead, trail]));
			if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, [lead, trail]);
		}
	}
	const bytes: number[] = [];
	for (const ch of text) {
		const c = ch.charCodeAt(0);
		if (c < 0x80) bytes.push(c);
		else {
			const pair = table.get(ch);
			if (!pair) throw new Error(`not in GBK: ${ch}`);
			bytes.push(...pair);
		}
	}
	return new Uint8Array(bytes);
}

async function read(bytes: Uint8Array, name = 'export.csv'): Promise<RawSheet> {
	return readRegistryFile(bytes, name);
}

async function fileError(bytes: Uint8Array, name: string, maxBytes?: number): Promise<unknown> {
	try {
		await readRegistryFile(bytes, name, { maxBytes });
	} catch (e) {
		return e;
	}
	throw new Error('expected a RegistryFileError');
}

const HEAD = id('19680305', '011');
const SPOUSE = id('19700812', '022');
const CHILD = id('20120901', '042');
const WORKER = id('19851120', '031');

const validPeople: Person[] = [
	{
		序号: '1',
		户编号: '130434205201001',
		人编号: '13043420520100101',
		姓名: '张三',
		证件号码: HEAD,
		人数: '3',
		与户主关系: '户主',
		性别: '男',
		民族: '汉族',
		联系电话: '138 1234 5678',
		文化程度: '初中',
		健康状况: '健康',
		劳动技能: '普通劳动力',
		是否参加大病保险: '是',
		户类型: '监测户',
		人均纯收入: '9,120.50',
		监测对象类别: '边缘易致贫户',
		'致贫/返贫风险1': '因病',
		'致贫/返贫风险2': '因学',
		识别监测时间: '202203',
		风险是否已消除: '是',
		风险消除方式: '帮扶消除',
		消除监测时间: '2023-06',
		产业帮扶: '金银花种植2亩',
		就业帮扶: '微工厂务工',
		公益岗位帮扶: '/'
	},
	{
		序号: '2',
		户编号: '130434205201001',
		姓名: '李四',
		证件号码: SPOUSE,
		与户主关系: '配偶',
		性别: '女',
		健康状况: '长期慢性病',
		劳动技能: '弱劳动力或半劳动力',
		监测对象类别: '边缘易致贫户',
		'致贫/返贫风险1': '因病',
		产业帮扶: '金银花种植2亩'
	},
	{
		序号: '3',
		户编号: '130434205201001',
		姓名: '张小花',
		证件号码: CHILD,
		与户主关系: '之女',
		在校生状况: '小学',
		健康状况: '健康'
	},
	{
		序号: '4',
		'乡(镇)': '东代固镇',
		行政村: '东代固村民委员会',
		户编号: '130434108201002',
		姓名: '王五',
		证件号码: WORKER.toLowerCase(),
		与户主关系: '户主',
		性别: '男',
		联系电话: '0310-7654321',
		劳动技能: '技能劳动力',
		务工状况: '省外务工',
		务工所在地: '北京市',
		'务工时间（月）': '10',
		脱贫年度: '2019'
	}
];

function expectValidHouseholds(sheet: RawSheet): void {
	const result = validateRegistryRows(sheet, context);
	expect(result.problems).toEqual([]);
	expect(result.rejected).toEqual([]);
	expect(result.households).toHaveLength(2);
	const [first, second] = result.households;

	expect(first).toMatchObject({
		householdNumber: '130434205201001',
		villageCode: '130434205201',
		phone: '13812345678',
		householdType: '监测户',
		netIncomePerCapitaFen: 912050,
		monitoring: {
			category: '边缘易致贫户',
			risks: ['因病', '因学'],
			identifiedMonth: '202203',
			riskEliminated: true,
			eliminationMethod: '帮扶消除',
			eliminatedMonth: '202306'
		},
		measures: [
			{ type: 'industry', text: '金银花种植2亩' },
			{ type: 'employment', text: '微工厂务工' }
		],
		rowNumbers: [3, 4, 5]
	});
	expect(
		first.members.map((m) => [m.rowNumber, m.name, m.idNumber, m.birthDate, m.sex, m.isHead])
	).toEqual([
		[3, '张三', HEAD, '1968-03-05', 'male', true],
		[4, '李四', SPOUSE, '1970-08-12', 'female', false],
		[5, '张小花', CHILD, '2012-09-01', 'female', false]
	]);
	expect(first.members[0]).toMatchObject({
		personNumber: '13043420520100101',
		health: 'healthy',
		labour: 'full',
		seriousIllnessInsurance: true,
		inSchool: false,
		workingAway: null
	});
	expect(first.members[1]).toMatchObject({ health: 'chronic_illness', labour: 'partial' });
	expect(first.members[2]).toMatchObject({ inSchool: true, schooling: '小学', labour: null });

	expect(second).toMatchObject({
		householdNumber: '130434108201002',
		villageCode: '130434108201',
		phone: '0310-7654321',
		povertyExitYear: 2019,
		monitoring: null,
		measures: [],
		rowNumbers: [6]
	});
	expect(second.members[0]).toMatchObject({
		idNumber: WORKER,
		sex: 'male',
		labour: 'full',
		workingAway: { status: '省外务工', place: '北京市', months: 10 }
	});
}

describe('registry columns', () => {
	it('accepts the common spellings of a header', () => {
		expect(fieldForHeader('县（市、区）')).toBe('county');
		expect(fieldForHeader('县(市、区、旗)')).toBe('county');
		expect(fieldForHeader('市(州)')).toBe('city');
		expect(fieldForHeader('身份证号码')).toBe('idNumber');
		expect(fieldForHeader('身份证号')).toBe('idNumber');
		expect(fieldForHeader('电话')).toBe('phone');
		expect(fieldForHeader('务工时间(月)')).toBe('workMonths');
		expect(fieldForHeader(' 户编号\n')).toBe('householdNumber');
		expect(fieldForHeader('*姓名')).toBe('name');
		expect(fieldForHeader('致贫返贫风险3')).toBe('risk3');
		expect(fieldForHeader('备注')).toBeNull();
	});

	it('lists the required columns and builds a template header', () => {
		expect([...REQUIRED_FIELDS].sort()).toEqual(
			['householdNumber', 'idNumber', 'name', 'relation', 'township', 'village'].sort()
		);
		expect(REQUIRED_COLUMNS).toEqual([
			'乡(镇)',
			'行政村',
			'户编号',
			'姓名',
			'证件号码',
			'与户主关系'
		]);
		expect(templateHeaderRow({ requiredOnly: true })).toEqual(REQUIRED_COLUMNS);
		const full = templateHeaderRow();
		expect(full[0]).toBe('序号');
		expect(full).toContain('致贫/返贫风险5');
		expect(full.map((h) => fieldForHeader(h))).not.toContain(null);
	});
});

describe('reading a registry file', () => {
	it('reads a UTF-8 CSV with a BOM and a title row above the header', async () => {
		const sheet = await read(utf8('\ufeff' + csv(validPeople)));
		expect(sheet.format).toBe('csv');
		expect(sheet.headerRowNumber).toBe(2);
		expect(sheet.missingRequired).toEqual([]);
		expect(sheet.rows.map((r) => r.rowNumber)).toEqual([3, 4, 5, 6]);
		expect(sheet.rows[0].cells).toMatchObject({
			name: '张三',
			idNumber: HEAD,
			township: '前大磨乡'
		});
		expectValidHouseholds(sheet);
	});

	it('reads a GBK CSV', async () => {
		const sheet = await read(gbk(csv(validPeople)));
		expect(sheet.headers.find((h) => h.field === 'workMonths')?.text).toBe('务工时间（月）');
		expectValidHouseholds(sheet);
	});

	it('reads an XLSX: merged title, numbers, dates, rich text and formulas', async () => {
		const workbook = new ExcelJS.Workbook();
		const sheet = workbook.addWorksheet('监测对象');
		sheet.addRow(['魏县防返贫监测对象信息表']);
		sheet.mergeCells(1, 1, 1, HEADERS.length);
		sheet.addRow(HEADERS);
		for (const p of validPeople) sheet.addRow(HEADERS.map((h) => ({ ...PLACE, ...p })[h] ?? ''));
		const col = (header: string): number => HEADERS.indexOf(header) + 1;
		// A household number typed as a number (15 digits, exact in a double).
		sheet.getCell(6, col('户编号')).value = 130434108201002;
		sheet.getCell(3, col('姓名')).value = { richText: [{ text: '张' }, { text: '三' }] };
		sheet.getCell(3, col('识别监测时间')).value = new Date(Date.UTC(2022, 2, 15));
		sheet.getCell(3, col('人均纯收入')).value = { formula: 'ROUND(27361.5/3,2)', result: 9120.5 };
		sheet.getCell(6, col('务工时间（月）')).value = 10;
		const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());

		// The extension is not what decides the format.
		const raw = await read(bytes, 'export.csv');
		expect(raw.format).toBe('xlsx');
		expect(raw.headerRowNumber).toBe(2);
		expect(raw.rows[3].cells.householdNumber).toBe('130434108201002');
		expect(raw.rows[0].cells.identifiedMonth).toBe('202203');
		expectValidHouseholds(raw);
	});

	it('keeps every digit of an identity number stored as a number, and flags it', async () => {
		// An 18-digit number is beyond 2^53: even when the double happens to hold it exactly,
		// nothing tells that apart from one Excel rounded, so the row is refused.
		let exact = '';
		for (let s = 1; exact === '' && s < 1000; s++) {
			const candidate = id('19680305', String(s).padStart(3, '0'));
			if (!candidate.endsWith('X') && BigInt(Number(candidate)) === BigInt(candidate)) {
				exact = candidate;
			}
		}
		const workbook = new ExcelJS.Workbook();
		const sheet = workbook.addWorksheet('Sheet1');
		sheet.addRow(HEADERS);
		sheet.addRow(HEADERS.map((h) => ({ ...PLACE, ...validPeople[0] })[h] ?? ''));
		sheet.getCell(2, HEADERS.indexOf('证件号码') + 1).value = Number(exact);
		const raw = await read(new Uint8Array(await workbook.xlsx.writeBuffer()), 'a.xlsx');
		expect(raw.rows[0].cells.idNumber).toBe(exact);
		expect(raw.rows[0].imprecise).toEqual(['idNumber']);
		const result = validateRegistryRows(raw, context);
		expect(result.problems).toEqual([
			{ rowNumber: 2, field: 'idNumber', key: 'import_error_stored_as_number' }
		]);
		expect(result.rejected).toEqual([{ householdNumber: '130434205201001', rowNumbers: [2] }]);
	});

	it('reports a missing required column', async () => {
		const headers = HEADERS.filter((h) => h !== '证件号码');
		const sheet = await read(utf8(csv(validPeople, headers)));
		expect(sheet.missingRequired).toEqual(['idNumber']);
		expect(validateRegistryRows(sheet, context)).toEqual({
			households: [],
			rejected: [],
			ignoredRows: [],
			maskedIds: 0,
			aliasesUsed: [],
			problems: [
				{
					rowNumber: 2,
					field: 'idNumber',
					key: 'import_error_column_missing',
					params: { column: '证件号码' }
				}
			]
		});
	});

	it('refuses files that are not spreadsheets', async () => {
		const pdf = await fileError(utf8('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), 'a.csv');
		expect(pdf).toBeInstanceOf(RegistryFileError);
		expect((pdf as RegistryFileError).problem).toEqual({ kind: 'not_spreadsheet' });

		const garbage = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 256);
		expect(((await fileError(garbage, 'a.xlsx')) as RegistryFileError).kind).toBe(
			'not_spreadsheet'
		);
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
		expect(((await fileError(png, 'a.png')) as RegistryFileError).kind).toBe('not_spreadsheet');
		// A ZIP that is not a workbook.
		const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Array<number>(60).fill(0)]);
		expect(((await fileError(zip, 'a.xlsx')) as RegistryFileError).kind).toBe('not_spreadsheet');

		const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
		expect(((await fileError(xls, 'a.xls')) as RegistryFileError).kind).toBe('unsupported_excel');
		expect(((await fileError(new Uint8Array(0), 'a.csv')) as RegistryFileError).kind).toBe('empty');
		const letter = utf8('各乡镇：\n请于本月底前报送监测对象名单。\n县防返贫办\n');
		expect(((await fileError(letter, 'a.csv')) as RegistryFileError).kind).toBe('header_not_found');
	});

	it('refuses a file over the size limit before parsing it', async () => {
		// Garbage that would fail to parse: the size must be what stops it.
		const big = new Uint8Array(20 * 1024 * 1024 + 1).fill(0x89);
		expect(((await fileError(big, 'a.xlsx')) as RegistryFileError).problem).toEqual({
			kind: 'too_large',
			limitBytes: 20 * 1024 * 1024
		});
		const small = utf8(csv(validPeople));
		expect(((await fileError(small, 'a.csv', 100)) as RegistryFileError).problem).toEqual({
			kind: 'too_large',
			limitBytes: 100
		});
	});
});

describe('validating registry rows', () => {
	const head = (household: string, identity: string, extra: Person = {}): Person => ({
		户编号: household,
		姓名: '某某',
		证件号码: identity,
		与户主关系: '户主',
		...extra
	});

	it('reports each row problem with its key and row, and rejects the whole household', async () => {
		const people: (Person | 'blank' | string)[] = [
			head('H-A', HEAD), // 3: valid
			{ 户编号: 'H-B', 姓名: '无户主', 证件号码: SPOUSE, 与户主关系: '配偶' }, // 4
			head('H-C', withWrongCheck(CHILD)), // 5
			head('H-D', HEAD), // 6: the number of row 3 again
			head('H-E', WORKER, { '乡(镇)': '大街乡', 行政村: '大名村' }), // 7: another county
			head('H-F', id('19900101', '051'), { 联系电话: '12345', 劳动技能: '半劳力' }), // 8
			'blank', // 9
			'制表人：赵六', // 10: a note under the table
			head('H-G', id('19900102', '051'), {
				// 11
				监测对象类别: '监测户',
				'致贫/返贫风险1': '因病',
				识别监测时间: '202203'
			}),
			head('H-H', id('19900103', '051'), {
				// 12
				监测对象类别: '脱贫不稳定户',
				'致贫/返贫风险1': '因灾',
				识别监测时间: '203001'
			}),
			head('H-I', id('19900104', '051'), {
				// 13
				监测对象类别: '突发严重困难户',
				'致贫/返贫风险1': '因意外事故',
				识别监测时间: '202203',
				风险是否已消除: '是',
				风险消除方式: '自然消除',
				消除监测时间: '202101'
			}),
			head('H-J', id('19900105', '051'), { 性别: '女' }), // 14: the number says male
			head('H-K', '1.30434E+17'), // 15: re-saved from Excel
			head('H-L', id('19900106', '051')), // 16
			head('H-L', id('19900106', '062')), // 17: a second head
			{ 户编号: 'H-M', 证件号码: id('19900107', '051'), 与户主关系: '户主' } // 18: no name
		];
		const sheet = await read(utf8(csv(people)));
		const result = validateRegistryRows(sheet, context);

		expect(result.problems).toEqual([
			{ rowNumber: 4, field: 'relation', key: 'import_error_head_missing' },
			{ rowNumber: 5, field: 'idNumber', key: 'import_error_id_check' },
			{
				rowNumber: 6,
				field: 'idNumber',
				key: 'import_error_id_duplicate',
				params: { firstRow: 3 }
			},
			{
				rowNumber: 7,
				field: 'village',
				key: 'import_error_village_unknown',
				params: { township: '大街乡', village: '大名村' }
			},
			{ rowNumber: 8, field: 'phone', key: 'import_error_phone_invalid' },
			{
				rowNumber: 8,
				field: 'labourSkill',
				key: 'import_error_labour_invalid',
				params: { value: '半劳力' }
			},
			{
				rowNumber: 11,
				field: 'monitoringCategory',
				key: 'import_error_category_invalid',
				params: { value: '监测户' }
			},
			{
				rowNumber: 12,
				field: 'identifiedMonth',
				key: 'import_error_month_future',
				params: { value: '203001' }
			},
			{ rowNumber: 13, field: 'eliminatedMonth', key: 'import_error_eliminated_before_identified' },
			{ rowNumber: 14, field: 'sex', key: 'import_error_sex_mismatch' },
			{ rowNumber: 15, field: 'idNumber', key: 'import_error_stored_as_number' },
			{
				rowNumber: 17,
				field: 'relation',
				key: 'import_error_head_multiple',
				params: { firstRow: 16 }
			},
			{ rowNumber: 18, field: 'name', key: 'import_error_name_empty' }
		]);
		expect(result.households.map((h) => h.householdNumber)).toEqual(['H-A']);
		expect(result.rejected).toEqual([
			{ householdNumber: 'H-B', rowNumbers: [4] },
			{ householdNumber: 'H-C', rowNumbers: [5] },
			{ householdNumber: 'H-D', rowNumbers: [6] },
			{ householdNumber: 'H-E', rowNumbers: [7] },
			{ householdNumber: 'H-F', rowNumbers: [8] },
			{ householdNumber: 'H-G', rowNumbers: [11] },
			{ householdNumber: 'H-H', rowNumbers: [12] },
			{ householdNumber: 'H-I', rowNumbers: [13] },
			{ householdNumber: 'H-J', rowNumbers: [14] },
			{ householdNumber: 'H-K', rowNumbers: [15] },
			{ householdNumber: 'H-L', rowNumbers: [16, 17] },
			{ householdNumber: 'H-M', rowNumbers: [18] }
		]);
		expect(result.ignoredRows).toEqual([10]);
		// Identity numbers never travel in a problem.
		const text = JSON.stringify(result.problems);
		expect(text).not.toMatch(/\d{17}[\dX]/);
	});

	it('rejects monitoring details without a category and a missing risk or month', async () => {
		const sheet = await read(
			utf8(
				csv([
					head('H-1', HEAD, { 识别监测时间: '202203' }),
					head('H-2', SPOUSE, { 监测对象类别: '脱贫不稳定户' }),
					head('H-3', CHILD, {
						监测对象类别: '脱贫不稳定户',
						'致贫/返贫风险1': '因病、因残',
						识别监测时间: '2022年3月',
						风险消除方式: '帮扶消除'
					})
				])
			)
		);
		expect(validateRegistryRows(sheet, context).problems).toEqual([
			{ rowNumber: 3, field: 'monitoringCategory', key: 'import_error_category_missing' },
			{ rowNumber: 4, field: 'risk1', key: 'import_error_risk_missing' },
			{ rowNumber: 4, field: 'identifiedMonth', key: 'import_error_month_missing' },
			{ rowNumber: 5, field: 'riskEliminated', key: 'import_error_elimination_not_marked' }
		]);
	});
});

describe('import messages', () => {
	const load = (name: string): Record<string, string> => ({
		...(JSON.parse(
			readFileSync(new URL(`../../messages/${name}`, import.meta.url), 'utf8')
		) as Record<string, string>),
		// Keys added for the registry work live in its own message folder.
		...(JSON.parse(
			readFileSync(new URL(`../../messages/registry/${name}`, import.meta.url), 'utf8')
		) as Record<string, string>)
	});

	it('has Chinese and English text for every key', () => {
		const keys = [...IMPORT_PROBLEM_KEYS, ...Object.values(IMPORT_FILE_KEYS)];
		for (const file of ['zh-CN.json', 'en.json']) {
			const messages = load(file);
			for (const key of keys) expect(messages[key]?.trim(), `${file} ${key}`).toBeTruthy();
		}
	});
});
