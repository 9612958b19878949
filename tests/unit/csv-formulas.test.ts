import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { FORMULA_START, toCsv } from '../../src/lib/server/csv';
import { readRegistryFile } from '../../src/lib/server/households/registry/read';

const HOSTILE = [
	'=HYPERLINK("http://evil.example","x")',
	'+1+1',
	'-2+3',
	'@SUM(A1)',
	'\t=1+1',
	'\r=1+1',
	'=1+1\n第二行'
];

describe('CSV exports', () => {
	it('prefix every formula-like cell with a quote, including one with a line break', () => {
		const text = toCsv([['姓名'], ...HOSTILE.map((h) => [h]), ['王建国'], ['13900000000']]);
		expect(text.startsWith('\ufeff')).toBe(true);
		const cells = Papa.parse<string[]>(text.slice(1)).data.flat();
		expect(cells.filter((c) => FORMULA_START.test(c))).toEqual([]);
		expect(cells).toEqual(['姓名', ...HOSTILE.map((h) => `'${h}`), '王建国', '13900000000']);
	});

	it('come back as the values they were when imported', async () => {
		const header = ['户编号', '姓名', '证件号码', '与户主关系', '乡(镇)', '行政村'];
		const rows = HOSTILE.slice(0, 4).map((name, i) => [
			`130434108068000${i}`,
			name,
			'-1',
			'户主',
			'东代固镇',
			'@村'
		]);
		const sheet = await readRegistryFile(
			new TextEncoder().encode(toCsv([header, ...rows])),
			'x.csv'
		);
		expect(sheet.rows.map((r) => [r.cells.name, r.cells.idNumber, r.cells.village])).toEqual(
			HOSTILE.slice(0, 4).map((name) => [name, '-1', '@村'])
		);
	});
});
