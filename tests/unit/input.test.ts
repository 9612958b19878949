import { describe, expect, it } from 'vitest';
import {
	checkText,
	dateProblem,
	isCalendarDate,
	numberMessage,
	parseDecimal,
	parseKg,
	parseMuText,
	parseYuan,
	searchText
} from '../../src/lib/input';
import { parseKilograms, parseMu } from '../../src/lib/planting';
import { parseYuanToFen } from '../../src/lib/server/income';

describe('parseDecimal: one rule for commas', () => {
	// [typed, decimals, expected value or problem, hint]
	const cases: [string, number, number | string, string?][] = [
		['12.5', 2, 1250],
		['12', 2, 1200],
		['0.5', 3, 500],
		['.5', 3, 500],
		['12.', 2, 1200],
		['1,234.50', 2, 123450],
		['12,345', 2, 1234500],
		['1,234,567.8', 2, 123456780],
		['12,345.678', 3, 12345678],
		['１２。５', 3, 12500],
		['１２．５', 3, 12500],
		['１，２３４．５', 2, 123450],
		['¥1,234.50', 2, 123450],
		['￥ 88', 2, 8800],
		[' 12.5 ', 3, 12500],
		['12,5', 2, 'comma', '12.5'],
		['9,5', 3, 'comma', '9.5'],
		['1,23', 2, 'comma', '1.23'],
		['1,2345', 2, 'comma', '1.2345'],
		['１２，５', 2, 'comma', '12.5'],
		['1,234,5', 2, 'comma'],
		['12,34.5', 2, 'comma'],
		['1,234.5,6', 2, 'comma'],
		[',5', 2, 'comma'],
		['1234,567', 2, 'comma', '1234.567'],
		['12.345', 2, 'precision'],
		['12.3400', 2, 1234],
		['-1', 2, 'negative'],
		['－5', 2, 'negative'],
		['0', 2, 'zero'],
		['0.00', 2, 'zero'],
		['', 2, 'format'],
		['.', 2, 'format'],
		['abc', 2, 'format'],
		['NaN', 2, 'format'],
		['Infinity', 2, 'format'],
		['1e3', 2, 'format'],
		['0x10', 2, 'format'],
		['1.2.3', 2, 'format'],
		['12\u00005', 2, 'format'],
		['99999999999999999999', 2, 'too_large'],
		['10000000000', 2, 'too_large']
	];
	it.each(cases)('%s with %i decimals → %s', (typed, decimals, expected, hint) => {
		const result = parseDecimal(typed, { decimals });
		if (typeof expected === 'number') expect(result).toEqual({ ok: true, value: expected });
		else {
			expect(result).toMatchObject({ ok: false, problem: expected });
			if (hint !== undefined) expect(result).toMatchObject({ hint });
		}
	});

	it('allows zero and negatives only when asked', () => {
		expect(parseYuan('0', { allowZero: true })).toEqual({ ok: true, value: 0 });
		expect(parseYuan('-12.5', { allowNegative: true })).toEqual({ ok: true, value: -1250 });
		expect(parseYuan('1,000', { max: 99_999 })).toMatchObject({ ok: false, problem: 'too_large' });
	});

	it('reads money, weight and area the same way', () => {
		expect(parseYuan('12,5')).toMatchObject({ ok: false, problem: 'comma', hint: '12.5' });
		expect(parseKg('9,5')).toMatchObject({ ok: false, problem: 'comma', hint: '9.5' });
		expect(parseMuText('1,5')).toMatchObject({ ok: false, problem: 'comma', hint: '1.5' });
		expect(parseKilograms('9,5')).toMatchObject({ ok: false, problem: 'comma', hint: '9.5' });
		expect(parseMu('2,5')).toMatchObject({ ok: false, problem: 'comma', hint: '2.5' });
		expect(parseKilograms('12.5')).toEqual({ ok: true, value: 12500 });
		expect(parseYuanToFen('12,5')).toBeNull();
		expect(parseYuanToFen('1,234.50')).toBe(123450);
		expect(parseYuanToFen('0')).toBe(0);
	});

	it('tells how to write an ambiguous comma', () => {
		const result = parseYuan('12,5');
		if (result.ok) throw new Error('12,5 was read');
		expect(numberMessage(result, 'ledger_error_amount')).toEqual({
			key: 'input_error_comma',
			params: { example: '12.5' }
		});
		const unclear = parseYuan('1,234,5');
		if (unclear.ok) throw new Error('1,234,5 was read');
		expect(numberMessage(unclear, 'x')).toEqual({ key: 'input_error_comma_unclear' });
		expect(numberMessage({ ok: false, problem: 'format' }, 'ledger_error_amount')).toEqual({
			key: 'ledger_error_amount'
		});
	});
});

describe('dates', () => {
	const calendar: [string, boolean][] = [
		['2026-02-28', true],
		['2024-02-29', true],
		['2000-02-29', true],
		['2026-02-29', false],
		['1900-02-29', false],
		['2026-02-30', false],
		['2026-04-31', false],
		['2026-12-31', true],
		['2026-13-01', false],
		['2026-00-10', false],
		['2026-01-00', false],
		['0000-01-01', false],
		['+275760-09-13', false],
		['2026-1-5', false],
		['20260105', false],
		['2026-01-05T00:00', false],
		['', false]
	];
	it.each(calendar)('%s is a calendar date: %s', (value, expected) => {
		expect(isCalendarDate(value)).toBe(expected);
	});

	const today = '2026-11-30';
	const ranges: [string, Parameters<typeof dateProblem>[1], string | null][] = [
		['2026-11-30', { today }, null],
		['1900-01-01', { today }, null],
		['1899-12-31', { today }, 'range'],
		['2036-12-31', { today }, null],
		['2037-01-01', { today }, 'range'],
		['9999-12-31', { today }, 'range'],
		['2026-12-01', { today, notFuture: true }, 'future'],
		['2026-02-30', { today }, 'format'],
		['2020-01-01', { today, earliest: '2021-01-01' }, 'range']
	];
	it.each(ranges)('%s with %o → %s', (value, range, expected) => {
		expect(dateProblem(value, range)).toBe(expected);
	});
});

describe('text', () => {
	const cases: [unknown, { max: number; multiline?: boolean }, string | { problem: string }][] = [
		['  王建国 ', { max: 40 }, '王建国'],
		['a\u0000b', { max: 40 }, { problem: 'control' }],
		['\u0007', { max: 40 }, { problem: 'control' }],
		['\u001b[31m', { max: 40 }, { problem: 'control' }],
		['\u007f', { max: 40 }, { problem: 'control' }],
		['a\nb', { max: 40 }, { problem: 'control' }],
		['a\nb\tc', { max: 40, multiline: true }, 'a\nb\tc'],
		['a\u0000b', { max: 40, multiline: true }, { problem: 'control' }],
		['长'.repeat(41), { max: 40 }, { problem: 'too_long' }],
		['长'.repeat(40), { max: 40 }, '长'.repeat(40)],
		['😀'.repeat(40), { max: 40 }, '😀'.repeat(40)],
		// Half a surrogate pair (a JSON body can carry one): not text.
		['a\ud800b', { max: 40 }, { problem: 'control' }],
		['\udc00', { max: 40, multiline: true }, { problem: 'control' }],
		[12, { max: 40 }, ''],
		[undefined, { max: 40 }, '']
	];
	it.each(cases)('%j with %o', (value, options, expected) => {
		const result = checkText(value, options);
		if (typeof expected === 'string') expect(result).toEqual({ ok: true, value: expected });
		else expect(result).toMatchObject({ ok: false, ...expected });
	});

	it('cleans a search box instead of refusing it', () => {
		expect(searchText('\u0000')).toBe('');
		expect(searchText('王\u0000建国')).toBe('王 建国');
		expect(searchText('x'.repeat(500))).toHaveLength(100);
		expect(searchText(null)).toBe('');
	});
});
