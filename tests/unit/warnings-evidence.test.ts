import { describe, expect, it } from 'vitest';
import { evidenceLines } from '../../src/lib/warnings-evidence';

describe("a warning's evidence for people", () => {
	it('shows money, shares, years, dates and months by their names, in reading order, without ids', () => {
		const lines = evidenceLines(
			{
				dropPct: 42,
				onDate: '2026-11-30',
				perCapitaFen: 612_350,
				lineFen: 750_000,
				lineYear: 2026,
				recentFrom: '2026-08',
				jobId: '01a22e1d-0819-7102-9609-35335898d926',
				unknownCount: 12345,
				breakdown: { a: 1 }
			},
			'zh-CN'
		);
		expect(lines.map((l) => [l.key, l.value])).toEqual([
			['onDate', '2026年11月30日'],
			['perCapitaFen', '¥6,123.50'],
			['lineFen', '¥7,500.00'],
			['lineYear', '2026'],
			['recentFrom', '2026年8月'],
			['dropPct', '42%'],
			['unknownCount', '12,345']
		]);
		expect(lines.find((l) => l.key === 'perCapitaFen')?.label).toBe('人均纯收入');
		// A key without a label shows itself rather than nothing.
		expect(lines.find((l) => l.key === 'unknownCount')?.label).toBe('unknownCount');
	});
});
