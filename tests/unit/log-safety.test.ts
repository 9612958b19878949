import { DrizzleQueryError } from 'drizzle-orm/errors';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeError } from '../../src/lib/server/db/errors';
import { log, redact } from '../../src/lib/server/logger';

const ID = '130434199001013133';
const ID_X = '11010519491231002X';

describe('masking identity numbers in log text', () => {
	it.each([
		[`member ${ID} saved`, 'member 130434********3133 saved'],
		[`ID${ID}`, 'ID130434********3133'],
		[`idNumber=${ID}&name=x`, 'idNumber=130434********3133&name=x'],
		[`证件号码${ID}张三`, '证件号码130434********3133张三'],
		[`${ID_X}abc`, '110105********002Xabc'],
		[`a${ID_X.toLowerCase()}`, 'a110105********002x'],
		[`{"id":"${ID}"}`, '{"id":"130434********3133"}'],
		[`${ID},${ID_X}`, '130434********3133,110105********002X'],
		['old 130434900101313 and ID130434900101313x', 'old 130434******313 and ID130434******313x']
	])('%s', (text, expected) => {
		expect(redact(text)).toBe(expected);
		expect(redact(text)).not.toContain('19900101');
	});

	it('leaves phone numbers, amounts, ids and dates alone', () => {
		const text =
			'phone 13911110001 amount 125000 fen id 0193a6e2-7c1d-7b3e-9c55-3f2b8a1d4e10 date 2026-11-30 village 130434108068';
		expect(redact(text)).toBe(text);
	});
});

describe('failed queries in the log', () => {
	const failed = new DrizzleQueryError(
		'insert into "members" ("name", "id_number", "notes") values ($1, $2, $3)',
		['王秀英', ID, '低保户，丈夫去年病故'],
		Object.assign(new Error('invalid input syntax for type date: "2026-02-30"'), {
			code: '22007'
		})
	);

	it('names the query and the reason but no parameter', () => {
		const text = describeError(failed);
		expect(text).toContain('Failed query: insert into "members"');
		expect(text).toContain('[22007] invalid input syntax for type date: "…"');
		expect(text).not.toContain('王秀英');
		expect(text).not.toContain('病故');
		expect(text).not.toContain('2026-02-30');
		expect(text).not.toContain('199001');
		expect(text).toMatch(/\n\s+at /);
	});

	it('keeps an ordinary error’s message and stack', () => {
		const text = describeError(new TypeError('x is not a function'));
		expect(text).toMatch(/^TypeError: x is not a function\n\s+at /);
		expect(describeError('plain')).toBe('plain');
	});

	afterEach(() => vi.restoreAllMocks());

	it('writes no parameter even when an error’s own text is logged', () => {
		const lines: string[] = [];
		vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
			lines.push(String(chunk));
			return true;
		});
		log.error('Unhandled error', { error: failed.stack, text: String(failed) });
		log.error(failed.message);
		const written = lines.join('');
		expect(written).toContain('params: [not logged]');
		expect(written).not.toContain('王秀英');
		expect(written).not.toContain('病故');
		expect(written).not.toContain('19900101');
	});
});
