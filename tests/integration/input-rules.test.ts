import { isHttpError } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserActor } from '../../src/lib/server/auth/actor';
import type { Database } from '../../src/lib/server/db';
import { newId } from '../../src/lib/server/db/ids';
import { DomainError } from '../../src/lib/server/errors';
import { addMember } from '../../src/lib/server/households';
import { readForm } from '../../src/lib/server/http';
import { recordManualEntry } from '../../src/lib/server/income';
import { addMeasure, updateMonitoring } from '../../src/lib/server/monitoring';
import { createPlot, recordPickingEntry } from '../../src/lib/server/planting';
import { useDatabase } from '../../src/lib/server/startup';
import {
	actorFor,
	addPlantingWorld,
	buildWorld,
	identityNumber,
	type PlantingWorld,
	type World
} from './fixtures';
import { freshDatabase } from './helpers';

// The issue's cases, one by one: impossible and far dates, NUL in a note, decimal commas,
// one JSON type per field, and a body that cannot be read.

const TODAY = '2026-06-15';
let database: Database;
let world: World;
let planting: PlantingWorld;
let admin: UserActor;

beforeAll(async () => {
	database = await freshDatabase();
	useDatabase(database);
	world = await buildWorld(database.db);
	planting = await addPlantingWorld(database.db, world);
	admin = (await actorFor(database.db, world.userIds.admin)).user;
});
afterAll(async () => {
	await database.close();
});

/** The field issues a domain call was refused with, as { field: key }. */
async function refusal(work: Promise<unknown>): Promise<Record<string, string>> {
	try {
		await work;
	} catch (caught) {
		if (!(caught instanceof DomainError)) throw caught;
		return Object.fromEntries(caught.issues.map((i) => [i.field, i.key]));
	}
	throw new Error('was accepted');
}

async function issues(work: Promise<unknown>): Promise<DomainError['issues']> {
	try {
		await work;
	} catch (caught) {
		if (!(caught instanceof DomainError)) throw caught;
		return caught.issues;
	}
	throw new Error('was accepted');
}

const member = {
	name: '王小明',
	relation: '子',
	labourCapacity: 'ordinary',
	health: 'healthy',
	inSchool: '',
	workingAway: '',
	workPlace: '',
	workMonths: '',
	resident: 'on'
};

describe('dates', () => {
	it.each(['2026-02-30', '0000-01-01', '9999-12-31'])(
		'a manual ledger entry on %s is a field message',
		async (businessDate) => {
			const refused = await refusal(
				recordManualEntry(
					database.db,
					admin,
					world.households.inScope,
					{ businessDate, amount: '100', subtype: 'dibao' },
					TODAY
				)
			);
			expect(refused.businessDate).toMatch(/^ledger_error_(date|future)$/);
		}
	);

	it.each(['2026-02-30', '0000-01-01', '9999-12-31'])(
		'a measure starting on %s is a field message',
		async (startedOn) => {
			const refused = await refusal(
				addMeasure(database.db, admin, world.households.inScope, {
					measure: 'industry',
					startedOn
				})
			);
			expect(refused.startedOn).toBe('monitoring_error_date');
		}
	);

	it.each(['2026-02-30', '0000-01-01'])(
		'a monitoring change on %s is a field message',
		async (happenedOn) => {
			const refused = await refusal(
				updateMonitoring(
					database.db,
					admin,
					world.households.inScope,
					{ category: 'ordinary', status: 'normal', risks: [], happenedOn },
					TODAY
				)
			);
			expect(refused.happenedOn).toBe('monitoring_error_date');
		}
	);

	it.each(['2026-02-30', '0000-01-01'])(
		'a member who joined on %s is a field message',
		async (happenedOn) => {
			const refused = await refusal(
				addMember(
					database.db,
					admin,
					world.households.inScope,
					{ ...member, idNumber: identityNumber('20100101'), event: 'birth', happenedOn },
					TODAY
				)
			);
			expect(Object.keys(refused)).toContain('happenedOn');
		}
	);
});

describe('text', () => {
	it('a NUL in a note is a field message, and nothing is written', async () => {
		const refused = await refusal(
			recordManualEntry(
				database.db,
				admin,
				world.households.inScope,
				{ businessDate: '2026-06-01', amount: '100', subtype: 'dibao', note: 'a\u0000b' },
				TODAY
			)
		);
		expect(refused).toEqual({ note: 'input_error_control' });
	});

	it('a note may hold several lines', async () => {
		const entry = await recordManualEntry(
			database.db,
			admin,
			world.households.inScope,
			{ businessDate: '2026-06-01', amount: '100', subtype: 'dibao', note: '一\n二' },
			TODAY
		);
		expect(entry.note).toBe('一\n二');
	});
});

describe('decimal commas', () => {
	it('12,5 yuan is refused with how to write it; 1,234.50 is read', async () => {
		const refused = await issues(
			recordManualEntry(
				database.db,
				admin,
				world.households.inScope,
				{ businessDate: '2026-06-02', amount: '12,5', subtype: 'dibao' },
				TODAY
			)
		);
		expect(refused).toEqual([
			{ field: 'amount', key: 'input_error_comma', params: { example: '12.5' } }
		]);
		const entry = await recordManualEntry(
			database.db,
			admin,
			world.households.inScope,
			{ businessDate: '2026-06-02', amount: '1,234.50', subtype: 'dibao' },
			TODAY
		);
		expect(entry.amountFen).toBe(123450);
	});

	it('a measure amount of 1,23 is refused with how to write it', async () => {
		const refused = await issues(
			addMeasure(database.db, admin, world.households.inScope, {
				measure: 'industry',
				startedOn: '2026-06-01',
				amount: '1,23'
			})
		);
		expect(refused).toEqual([
			{ field: 'amount', key: 'input_error_comma', params: { example: '1.23' } }
		]);
	});

	it('a plot of 1,5 mu is refused with how to write it', async () => {
		const refused = await issues(
			createPlot(
				database.db,
				admin,
				{ householdId: world.households.inScope, area: '1,5', plantedOn: '2026-04-01' },
				TODAY
			)
		);
		expect(refused).toContainEqual({
			field: 'area',
			key: 'input_error_comma',
			params: { example: '1.5' }
		});
	});

	it('9,5 kg at the station is refused with how to write it', async () => {
		const refused = await issues(
			recordPickingEntry(
				database.db,
				admin,
				{
					id: newId(),
					stationId: planting.stationId,
					pickedOn: '2026-06-01',
					pickerName: '李四',
					weight: '9,5'
				},
				'2026-06-01'
			)
		);
		expect(refused).toContainEqual({
			field: 'weight',
			key: 'input_error_comma',
			params: { example: '9.5' }
		});
	});
});

describe('the weighing JSON: one type per field', () => {
	const weighIn = (extra: Record<string, unknown>) =>
		recordPickingEntry(
			database.db,
			admin,
			{
				id: newId(),
				stationId: planting.stationId,
				pickedOn: '2026-06-01',
				pickerName: '李四',
				...extra
			},
			'2026-06-01'
		);

	it('weightGrams must be a number: "50" is refused, not read as 50 kg', async () => {
		expect(await refusal(weighIn({ weightGrams: '50' }))).toEqual({
			weightGrams: 'input_error_weight_grams_type'
		});
	});

	it('weight must be text in kilograms: 50 is refused, not read as 50 g', async () => {
		expect(await refusal(weighIn({ weight: 50 }))).toEqual({
			weight: 'input_error_weight_type'
		});
	});

	it('weightGrams 12500 and weight "12.5" are the same weigh-in', async () => {
		const a = await weighIn({ weightGrams: 12500 });
		const b = await weighIn({ weight: '12.5' });
		expect(a.entry.weightGrams).toBe(12500);
		expect(b.entry.weightGrams).toBe(12500);
	});
});

describe('bodies that cannot be read', () => {
	const event = (request: Request) => ({ request }) as unknown as Parameters<typeof readForm>[0];

	async function status(request: Request): Promise<number> {
		try {
			await readForm(event(request));
			return 200;
		} catch (caught) {
			if (isHttpError(caught)) return caught.status;
			throw caught;
		}
	}

	it('a form post with no body or a broken one is a 400', async () => {
		const url = 'http://localhost/households/new';
		expect(await status(new Request(url, { method: 'POST' }))).toBe(400);
		expect(
			await status(
				new Request(url, {
					method: 'POST',
					body: 'garbage',
					headers: { 'content-type': 'multipart/form-data; boundary=x' }
				})
			)
		).toBe(400);
	});

	it('a body over the size limit is a 413', async () => {
		const tooLarge = Object.assign(new Error('Payload Too Large'), { status: 413 });
		const body = new ReadableStream({
			start(controller) {
				controller.error(tooLarge);
			}
		});
		const request = new Request('http://localhost/households/import', {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			duplex: 'half'
		} as RequestInit);
		expect(await status(request)).toBe(413);
	});
});
