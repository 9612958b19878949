import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { systemActor } from '../../src/lib/server/auth/actor';
import { listAudit } from '../../src/lib/server/audit';
import {
	addDivision,
	getDivision,
	listTownships,
	listVillages,
	loadCountyDivisions,
	renameDivision
} from '../../src/lib/server/divisions';
import { DomainError } from '../../src/lib/server/errors';
import { freshDatabase } from './helpers';

let database: Database;
const actor = systemActor('test');

beforeAll(async () => {
	database = await freshDatabase();
});
afterAll(async () => {
	await database.close();
});

async function issueOf(
	work: Promise<unknown>
): Promise<{ code: string; field: string; key: string }> {
	try {
		await work;
	} catch (caught) {
		if (caught instanceof DomainError) {
			return { code: caught.code, field: caught.issues[0].field, key: caught.issues[0].key };
		}
		throw caught;
	}
	throw new Error('expected a DomainError');
}

describe('loading a county from the shipped division data', () => {
	it('loads Wei County with its 21 townships and 569 villages', async () => {
		const result = await loadCountyDivisions(database.db, actor, '130434');
		expect(result.county).toMatchObject({
			code: '130434',
			name: '魏县',
			cityName: '邯郸市',
			provinceName: '河北省'
		});
		expect(result.townshipsAdded).toBe(21);
		expect(result.villagesAdded).toBe(569);

		const townships = await listTownships(database.db, '130434');
		expect(townships).toHaveLength(21);
		expect(townships.reduce((n, t) => n + t.villageCount, 0)).toBe(569);
		expect(townships.find((t) => t.code === '130434108')?.name).toBe('东代固镇');

		const villages = await listVillages(database.db, '130434', '130434205');
		const lianzaolin = villages.find((v) => v.officialName === '连枣林村民委员会');
		expect(lianzaolin?.name).toBe('连枣林村');
	});

	it('loads again without duplicating and keeps a local rename', async () => {
		await renameDivision(database.db, actor, '130434', '130434205213', '连枣林');
		const again = await loadCountyDivisions(database.db, actor, '130434');
		expect(again.townshipsAdded).toBe(0);
		expect(again.villagesAdded).toBe(0);
		const village = await getDivision(database.db, '130434', '130434205213');
		expect(village.name).toBe('连枣林');
		expect(village.officialName).toBe('连枣林村民委员会');
	});

	it('keeps counties apart: Julu County is its own tenant', async () => {
		const julu = await loadCountyDivisions(database.db, actor, '130529');
		expect(julu.county.name).toBe('巨鹿县');
		expect(julu.villagesAdded).toBeGreaterThan(250);
		await expect(getDivision(database.db, '130529', '130434108')).rejects.toBeInstanceOf(
			DomainError
		);
	});

	it('refuses a malformed or unknown county code', async () => {
		expect(await issueOf(loadCountyDivisions(database.db, actor, '13043'))).toMatchObject({
			field: 'countyCode',
			key: 'divisions_error_county_code_format'
		});
		expect(await issueOf(loadCountyDivisions(database.db, actor, '999999'))).toMatchObject({
			field: 'countyCode',
			key: 'divisions_error_county_unknown'
		});
	});
});

describe('adding and renaming', () => {
	it('adds a village under a township and writes an audit row', async () => {
		const added = await addDivision(database.db, actor, '130434', {
			parentCode: '130434205',
			code: '130434205999',
			name: '新庄村'
		});
		expect(added).toMatchObject({
			level: 'village',
			parentCode: '130434205',
			countyCode: '130434'
		});
		const villages = await listVillages(database.db, '130434', '130434205');
		expect(villages.map((v) => v.code)).toContain('130434205999');

		const county = (await loadCountyDivisions(database.db, actor, '130434')).county;
		const audit = await listAudit(database.db, county.id, {
			entity: 'division',
			entityId: '130434205999'
		});
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({ action: 'divisions.add', actorLabel: 'test' });
	});

	it('refuses a code outside its township, a taken code and an empty name', async () => {
		expect(
			await issueOf(
				addDivision(database.db, actor, '130434', {
					parentCode: '130434205',
					code: '130434108999',
					name: 'X'
				})
			)
		).toMatchObject({ field: 'code', key: 'divisions_error_code_under_parent' });
		expect(
			await issueOf(
				addDivision(database.db, actor, '130434', {
					parentCode: '130434205',
					code: '130434205999',
					name: 'X'
				})
			)
		).toMatchObject({ code: 'conflict', field: 'code', key: 'divisions_error_code_taken' });
		expect(
			await issueOf(
				addDivision(database.db, actor, '130434', {
					parentCode: '130434205',
					code: '130434205998',
					name: '  '
				})
			)
		).toMatchObject({ field: 'name', key: 'divisions_error_name' });
		// A parent in another county is simply not there.
		expect(
			await issueOf(
				addDivision(database.db, actor, '130434', {
					parentCode: '130529100',
					code: '130529100999',
					name: 'X'
				})
			)
		).toMatchObject({ code: 'not_found' });
	});

	it('records the rename with before and after', async () => {
		await renameDivision(database.db, actor, '130434', '130434108', '东代固');
		const county = (await loadCountyDivisions(database.db, actor, '130434')).county;
		const [row] = await listAudit(database.db, county.id, {
			entity: 'division',
			entityId: '130434108'
		});
		expect(row).toMatchObject({
			action: 'divisions.rename',
			before: { name: '东代固镇' },
			after: { name: '东代固' }
		});
	});
});
