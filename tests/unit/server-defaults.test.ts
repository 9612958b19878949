import { describe, expect, it } from 'vitest';
import { SERVER_DEFAULTS } from '../../src/lib/server/defaults';
import { MAX_CSV_BYTES, MAX_XLSX_BYTES } from '../../src/lib/server/households/import';

/** adapter-node's reading of BODY_SIZE_LIMIT: a number with an optional K, M or G (1024s). */
function bytes(limit: string): number {
	const multiplier = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[limit.slice(-1).toUpperCase()];
	return multiplier ? Number(limit.slice(0, -1)) * multiplier : Number(limit);
}

describe('the built server’s defaults', () => {
	it('take the largest import the page allows, form and all', () => {
		const largestFile = Math.max(MAX_CSV_BYTES, MAX_XLSX_BYTES);
		// The multipart envelope around the file is a few hundred bytes; leave a megabyte.
		expect(bytes(SERVER_DEFAULTS.BODY_SIZE_LIMIT)).toBeGreaterThan(largestFile + 1024 ** 2);
	});

	it('let requests in flight finish well inside the 10 s a stop may take', () => {
		expect(Number(SERVER_DEFAULTS.SHUTDOWN_TIMEOUT)).toBeGreaterThan(0);
		expect(Number(SERVER_DEFAULTS.SHUTDOWN_TIMEOUT)).toBeLessThanOrEqual(6);
	});
});
