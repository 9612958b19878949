// Read + validate speed of a county-size registry export: 100,000 households (~300,000 rows)
// as a UTF-8 CSV with every column, built in memory.
// Usage: npx tsx scripts/bench-import-parse.ts [households] [csv|xlsx]
import ExcelJS from 'exceljs';
import { identityCheckCharacter } from '../src/lib/identity';
import { templateHeaderRow } from '../src/lib/server/households/registry/columns';
import { readRegistryFile } from '../src/lib/server/households/registry/read';
import {
	validateRegistryRows,
	type ImportVillage
} from '../src/lib/server/households/registry/validate';

const householdCount = Number(process.argv[2] ?? 100_000);
const format = process.argv[3] === 'xlsx' ? 'xlsx' : 'csv';
const TOWNSHIPS = 20;
const VILLAGES_PER_TOWNSHIP = 15;

const villages: ImportVillage[] = [];
for (let t = 0; t < TOWNSHIPS; t++) {
	for (let v = 0; v < VILLAGES_PER_TOWNSHIP; v++) {
		villages.push({
			code: `130434${String(100 + t).padStart(3, '0')}${String(200 + v).padStart(3, '0')}`,
			name: `第${v + 1}村民委员会`,
			townshipName: `第${t + 1}镇`
		});
	}
}

// Unique valid identity numbers: birth day from a 20,000-day span, then the sequence.
const BASE_DAY = Date.UTC(1950, 0, 1);
function identityNumber(i: number): string {
	const birth = new Date(BASE_DAY + (i % 20_000) * 86_400_000).toISOString().slice(0, 10);
	const first17 = `130434${birth.replace(/-/g, '')}${String(Math.floor(i / 20_000)).padStart(3, '0')}`;
	return first17 + identityCheckCharacter(first17);
}

// Built in a function so the generated lines are garbage before the clock starts.
function generate(): { bytes: Uint8Array; rows: number } {
	const headers = templateHeaderRow();
	const column = new Map(headers.map((h, i) => [h, i]));
	const lines = ['魏县防返贫监测对象信息表', headers.join(',')];
	let person = 0;
	for (let h = 0; h < householdCount; h++) {
		const village = villages[h % villages.length];
		const size = 2 + (h % 3);
		const monitored = h % 10 === 0;
		for (let m = 0; m < size; m++) {
			const cells = new Array<string>(headers.length).fill('');
			const set = (header: string, value: string): void => {
				const index = column.get(header);
				if (index === undefined) throw new Error(`no column ${header}`);
				cells[index] = value;
			};
			set('序号', String(person + 1));
			set('省', '河北省');
			set('市（州）', '邯郸市');
			set('县(市、区、旗)', '魏县');
			set('乡(镇)', village.townshipName);
			set('行政村', village.name.replace('村民委员会', '村'));
			set('户编号', `13043400${String(h).padStart(7, '0')}`);
			set('姓名', `村民${person}`);
			set('证件号码', identityNumber(person));
			set('人数', String(size));
			set('与户主关系', m === 0 ? '户主' : m === 1 ? '配偶' : '之子');
			set('民族', '汉族');
			set('联系电话', m === 0 ? `138${String(h).padStart(8, '0')}` : '');
			set('健康状况', m === 1 ? '长期慢性病' : '健康');
			set('劳动技能', m === 2 ? '丧失劳动力' : '普通劳动力');
			set('务工状况', m === 0 ? '省外务工' : '');
			set('务工所在地', m === 0 ? '北京市' : '');
			set('务工时间（月）', m === 0 ? '10' : '');
			set('人均纯收入', '9120.50');
			if (monitored) {
				set('监测对象类别', '边缘易致贫户');
				set('致贫/返贫风险1', '因病');
				set('识别监测时间', '202203');
				set('风险是否已消除', '否');
				set('产业帮扶', '金银花种植2亩');
			}
			lines.push(cells.join(','));
			person++;
		}
	}
	return { bytes: new TextEncoder().encode(lines.join('\r\n')), rows: lines.length - 2 };
}

const generated = generate();
const rows = generated.rows;
let bytes = generated.bytes;
if (format === 'xlsx') {
	const workbook = new ExcelJS.Workbook();
	const worksheet = workbook.addWorksheet('Sheet1');
	for (const line of new TextDecoder().decode(bytes).split('\r\n'))
		worksheet.addRow(line.split(','));
	bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
}

const started = performance.now();
const sheet = await readRegistryFile(bytes, `bench.${format}`, {
	maxBytes: Number.POSITIVE_INFINITY
});
const read = performance.now();
const result = validateRegistryRows(sheet, { countyCode: '130434', villages, today: '2025-06-30' });
const done = performance.now();

if (result.problems.length > 0 || result.households.length !== householdCount) {
	throw new Error(
		`unexpected: ${result.problems.length} problems, ${result.households.length} households`
	);
}
const seconds = (done - started) / 1000;
console.log(
	`${householdCount} households, ${rows} rows, ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB ${format.toUpperCase()}`
);
console.log(
	`read ${((read - started) / 1000).toFixed(2)} s, validate ${((done - read) / 1000).toFixed(2)} s, ` +
		`total ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} rows/s`
);
