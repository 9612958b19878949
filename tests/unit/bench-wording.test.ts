import { describe, expect, it } from 'vitest';
import { missBy, ratioCheck, timeTarget } from '../../scripts/bench/wording';

describe('the bench table says by how much a target is missed', () => {
	it('a ratio just over 3× names itself and its small excess', () => {
		expect(ratioCheck(3.04)).toEqual({ ok: false, by: '3.04× (0.04× over 3×)' });
		expect(ratioCheck(3.004)).toEqual({ ok: false, by: '3.004× (0.004× over 3×)' });
		expect(ratioCheck(3.63)).toEqual({ ok: false, by: '3.63× (0.63× over 3×)' });
		expect(ratioCheck(3)).toEqual({ ok: true });
		expect(ratioCheck(null)).toBeNull();
	});

	it('a time over its limit gives the excess, and the multiple only when large', () => {
		expect(timeTarget(150, 50).by).toBe('150 ms: 100 ms over 50 ms (3.0× the limit)');
		expect(timeTarget(52, 50).by).toBe('52 ms: 2.0 ms over 50 ms');
		expect(timeTarget(50.4, 50).by).toBe('50 ms: 0.40 ms over 50 ms');
		expect(timeTarget(5300, 300).by).toBe('5.30 s: 5.00 s over 300 ms (17.7× the limit)');
		expect(timeTarget(49, 50)).toEqual({ ok: true });
	});

	it('a shortfall under one unit is not printed as 0', () => {
		expect(missBy(0.4)).toBe('0.40');
		expect(missBy(388.2)).toBe('388');
		expect(missBy(6820)).toBe('6,820');
	});
});
