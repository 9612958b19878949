// The import validates rows as they stream by (RegistryIndex, then RegistryValidator): the same
// households and problems as holding the whole file, with households whose rows are spread
// through the file, and duplicate identity numbers far apart.
import { describe, expect, it } from 'vitest';
import { identityCheckCharacter } from '../../src/lib/identity';
import type { RawCells, RawRow, RawSheet } from '../../src/lib/server/households/registry/read';
import {
	RegistryIndex,
	RegistryValidator,
	validateRegistryRows,
	type ParsedHousehold,
	type ValidationContext
} from '../../src/lib/server/households/registry/validate';

const context: ValidationContext = {
	countyCode: '130434',
	villages: [{ code: '130434205201', name: '连枣林村', townshipName: '前大磨乡' }],
	today: '2025-06-30'
};

/** A valid number, different for each sequence (400 a day from 1980-01-01). */
function id(sequence: number, male: boolean): string {
	const day = new Date(Date.UTC(1980, 0, 1) + Math.floor(sequence / 400) * 86_400_000);
	const birth = day.toISOString().slice(0, 10).replaceAll('-', '');
	// The sequence's last digit is odd for men.
	const seq = String((sequence % 400) * 2 + (male ? 1 : 0)).padStart(3, '0');
	const first17 = `130434${birth}${seq}`;
	return first17 + identityCheckCharacter(first17);
}

function row(rowNumber: number, cells: RawCells): RawRow {
	return {
		rowNumber,
		cells: { township: '前大磨乡', village: '连枣林村', sex: '', ...cells }
	};
}

function person(rowNumber: number, household: string, relation: string, idNumber: string): RawRow {
	return row(rowNumber, { householdNumber: household, name: `人${rowNumber}`, relation, idNumber });
}

function sheetOf(rows: RawRow[]): RawSheet {
	return { format: 'csv', headerRowNumber: 1, headers: [], rows, missingRequired: [] };
}

/** Validates as the import does, and notes at which row each household came out. */
function streamed(rows: RawRow[]) {
	const index = new RegistryIndex();
	for (const r of rows) index.add(r);
	const validator = new RegistryValidator(context, index.lastRowOf);
	const out: { atRow: number; household: ParsedHousehold }[] = [];
	let mostOpen = 0;
	for (const r of rows) {
		const household = validator.add(r);
		if (household) out.push({ atRow: r.rowNumber, household });
		mostOpen = Math.max(
			mostOpen,
			(validator as unknown as { open: Map<string, unknown> }).open.size
		);
	}
	const rest = validator.finish();
	return { index, out, rest, mostOpen, validator };
}

describe('the streaming registry validator', () => {
	it('gives households whose rows are spread through the file as when the file is held whole', () => {
		const rows = [
			person(2, 'H1', '户主', id(1, true)),
			person(3, 'H2', '户主', id(2, true)),
			person(4, 'H1', '配偶', id(3, false)),
			person(5, 'H3', '之子', id(4, true)), // H3 has no head: rejected
			person(6, 'H2', '之女', id(5, false)),
			row(7, {}), // a note under the table (only place columns filled)
			person(8, 'H1', '之子', id(6, true))
		];
		const whole = validateRegistryRows(sheetOf(rows), context);
		const { out, rest, validator } = streamed(rows);

		// Each household leaves as soon as its last row is read.
		expect(out.map((o) => [o.household.householdNumber, o.atRow])).toEqual([
			['H2', 6],
			['H1', 8]
		]);
		expect(rest.households).toEqual([]);
		expect(whole.households.map((h) => h.householdNumber)).toEqual(['H1', 'H2']);
		expect(whole.households[0].members.map((m) => m.rowNumber)).toEqual([2, 4, 8]);
		expect(whole.households[0].rowNumbers).toEqual([2, 4, 8]);
		expect(whole.rejected).toEqual([{ householdNumber: 'H3', rowNumbers: [5] }]);
		expect(whole.problems).toEqual([
			{ rowNumber: 5, field: 'relation', key: 'import_error_head_missing' }
		]);
		expect(whole.ignoredRows).toEqual([7]);
		expect(rest.validation).toEqual({
			rejected: whole.rejected,
			problems: whole.problems,
			ignoredRows: whole.ignoredRows,
			maskedIds: 0,
			aliasesUsed: []
		});
		expect([validator.households, validator.members]).toEqual([2, 5]);

		// Without an index every household stays open to the end: the same answer.
		const held = new RegistryValidator(context);
		for (const r of rows) expect(held.add(r)).toBeNull();
		const all = held.finish();
		expect(all.households.map((h) => h.householdNumber)).toEqual(['H1', 'H2']);
		expect(all.validation).toEqual(rest.validation);
	});

	it('finds a duplicate identity number thousands of rows apart, holding only open households', () => {
		const rows: RawRow[] = [];
		for (let h = 0; h < 3000; h++) {
			rows.push(person(2 + 2 * h, `N${h}`, '户主', id(h, true)));
			rows.push(person(3 + 2 * h, `N${h}`, '配偶', id(h + 3000, false)));
		}
		// The first head's number again, 6,000 rows later, in a household of its own.
		rows.push(person(6002, 'LATE', '户主', id(0, true)));
		const { out, rest, mostOpen, index } = streamed(rows);
		expect(index.rows).toBe(6001);
		expect(index.lastRowOf.size).toBe(3001);
		expect(out).toHaveLength(3000);
		expect(mostOpen).toBe(1);
		expect(rest.validation.problems).toEqual([
			{
				rowNumber: 6002,
				field: 'idNumber',
				key: 'import_error_id_duplicate',
				params: { firstRow: 2 }
			}
		]);
		expect(rest.validation.rejected).toEqual([{ householdNumber: 'LATE', rowNumbers: [6002] }]);
		expect(rest.validation).toEqual(
			(({ households: _, ...v }) => v)(validateRegistryRows(sheetOf(rows), context))
		);
	});

	it('counts masked identity numbers in the index pass, as validation reports them', () => {
		const rows = [
			person(2, 'H1', '户主', '130434********3133'),
			person(3, 'H1', '配偶', id(1, false)),
			row(4, { name: '' })
		];
		const { index, rest } = streamed(rows);
		expect([index.rows, index.people, index.maskedIds]).toEqual([3, 2, 1]);
		expect(rest.validation.maskedIds).toBe(1);
	});
});
