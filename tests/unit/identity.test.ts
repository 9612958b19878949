import { describe, expect, it } from 'vitest';
import {
	identityCheckCharacter,
	maskIdentityNumber,
	parseIdentityNumber
} from '../../src/lib/identity';

// 11010519491231002X is the standard's own example number.
describe('resident identity numbers', () => {
	it('computes the ISO 7064 MOD 11-2 check character', () => {
		expect(identityCheckCharacter('11010519491231002')).toBe('X');
		expect(identityCheckCharacter('13043419800101001')).toBe(
			'10X98765432'[
				[1, 3, 0, 4, 3, 4, 1, 9, 8, 0, 0, 1, 0, 1, 0, 0, 1]
					.map((d, i) => d * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i])
					.reduce((a, b) => a + b) % 11
			]
		);
	});

	it('derives birth date and sex from a valid number', () => {
		expect(parseIdentityNumber('11010519491231002x')).toEqual({
			ok: true,
			value: {
				number: '11010519491231002X',
				addressCode: '110105',
				birthDate: '1949-12-31',
				sex: 'female'
			}
		});
		const male = '13043419800101001' + identityCheckCharacter('13043419800101001');
		expect(parseIdentityNumber(male)).toMatchObject({
			ok: true,
			value: { sex: 'male', birthDate: '1980-01-01' }
		});
	});

	it('names what is wrong with a bad number', () => {
		expect(parseIdentityNumber('110105194912310021')).toEqual({
			ok: false,
			problem: 'check_character'
		});
		expect(parseIdentityNumber('11010519490231002X')).toEqual({ ok: false, problem: 'birth_date' });
		expect(parseIdentityNumber('1101051949123100')).toEqual({ ok: false, problem: 'format' });
		expect(parseIdentityNumber('11010519491231002Y')).toEqual({ ok: false, problem: 'format' });
		const future = '13043420300101001' + identityCheckCharacter('13043420300101001');
		expect(parseIdentityNumber(future, '2026-11-29')).toEqual({ ok: false, problem: 'birth_date' });
	});

	it('masks all but the first 6 and last 4 characters', () => {
		expect(maskIdentityNumber('11010519491231002X')).toBe('110105********002X');
	});
});
