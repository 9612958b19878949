// The import page reads its upload as it streams in (to a temporary file, hashed on the way):
// the same preview and the same result as the file read whole, and no file left behind.
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isActionFailure, isHttpError, isRedirect } from '@sveltejs/kit';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { useDatabase } from '../../src/lib/server/startup';
import { applyImport, previewImport } from '../../src/lib/server/households/import';
import { households, members, membershipEvents } from '../../src/lib/server/households/schema';
import { auditLog } from '../../src/lib/server/audit/schema';
import { todayInChina } from '../../src/lib/format';
import { translate } from '../../src/lib/i18n';
import { actions } from '../../src/routes/households/import/+page.server';
import { generateCountyCsv } from '../../scripts/generate-county';
import { freshDatabase } from './helpers';
import { actorFor, buildWorld } from './fixtures';
import { requestEvent, type Entry } from './routes';

const ROUTE = { routeId: '/households/import' } as Entry;
const opened: Database[] = [];

afterEach(async () => {
	for (const database of opened.splice(0)) await database.close();
});

async function county() {
	const database = await freshDatabase();
	opened.push(database);
	const world = await buildWorld(database.db);
	const admin = await actorFor(database.db, world.userIds.admin);
	return { database, world, admin };
}

type Action = (event: unknown) => Promise<unknown>;

/** Calls one of the page's actions as SvelteKit would, with this body; redirects are returned. */
async function post(
	database: Database,
	admin: Awaited<ReturnType<typeof actorFor>>,
	action: 'preview' | 'apply',
	body: BodyInit,
	headers: Record<string, string> = {}
): Promise<unknown> {
	useDatabase(database);
	const url = new URL(`http://localhost/households/import?/${action}`);
	const request = new Request(url, {
		method: 'POST',
		body,
		headers,
		duplex: 'half'
	} as RequestInit);
	try {
		return await (actions[action] as Action)(
			requestEvent(ROUTE, url, {}, request, admin, '127.0.0.1')
		);
	} catch (caught) {
		if (isRedirect(caught) || isHttpError(caught)) return caught;
		throw caught;
	}
}

function uploads(): string[] {
	return readdirSync(tmpdir()).filter((name) => name.startsWith('levee-upload-'));
}

/**
 * What the county holds after an import, without ids (each import makes its own), for the
 * generated file's households (18-digit numbers; the fixture's own have 16).
 */
async function registry(database: Database, countyId: string) {
	const db = database.db;
	const generated = sql`length(${households.householdNumber}) = 18`;
	const householdRows = await db
		.select({
			number: households.householdNumber,
			village: households.villageCode,
			phone: households.phone
		})
		.from(households)
		.where(and(eq(households.countyId, countyId), generated))
		.orderBy(asc(households.householdNumber));
	const memberRows = await db
		.select({
			number: households.householdNumber,
			idNumber: members.idNumber,
			name: members.name,
			relation: members.relation,
			phone: members.phone,
			health: members.healthStatus,
			labour: members.labourSkill
		})
		.from(members)
		.innerJoin(
			households,
			and(eq(households.countyId, members.countyId), eq(households.id, members.householdId))
		)
		.where(and(eq(members.countyId, countyId), generated))
		.orderBy(asc(members.idNumber));
	const [events] = await db
		.select({ n: count() })
		.from(membershipEvents)
		.where(eq(membershipEvents.countyId, countyId));
	const [audits] = await db
		.select({ n: count() })
		.from(auditLog)
		.where(and(eq(auditLog.countyId, countyId), sql`${auditLog.action} like 'import.%'`));
	return { householdRows, memberRows, events: events.n, audits: audits.n };
}

describe('the import upload, streamed', () => {
	// Two counties, a 5,000-household file previewed and applied on each: minutes on a busy machine.
	it(
		'gives a 5,000-household file the same preview and result as the file read whole',
		{
			timeout: 300_000
		},
		async () => {
			const today = todayInChina();
			const streamed = await county();
			const whole = await county();
			const file = await generateCountyCsv(streamed.database.db, 500_000, 505_000);
			expect(file.rows).toBeGreaterThan(14_000);

			const expected = await previewImport(
				whole.database.db,
				whole.admin.user,
				file.bytes,
				'county.csv',
				today
			);
			const form = new FormData();
			form.set(
				'file',
				new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: 'text/csv' }),
				'county.csv'
			);
			const before = uploads();
			const answer = await post(streamed.database, streamed.admin, 'preview', form);
			expect(answer).toEqual({ preview: expected, fileName: 'county.csv' });
			expect(expected.households).toMatchObject({ valid: 5000, new: 5000, rejected: 0 });

			const applyForm = new FormData();
			applyForm.set('fileHash', expected.fileHash);
			applyForm.set(
				'file',
				new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: 'text/csv' }),
				'county.csv'
			);
			const applied = await post(streamed.database, streamed.admin, 'apply', applyForm);
			const result = await applyImport(
				whole.database.db,
				whole.admin.user,
				file.bytes,
				'county.csv',
				expected.fileHash,
				today
			);
			expect(isRedirect(applied)).toBe(true);
			const location = new URL((applied as { location: string }).location, 'http://localhost');
			expect(Object.fromEntries(location.searchParams)).toEqual({
				created: String(result.households.created),
				updated: String(result.households.updated),
				unchanged: String(result.households.unchanged),
				people: String(result.members.created),
				rejected: '0'
			});
			expect(result.households.created).toBe(5000);
			expect(await registry(streamed.database, streamed.world.countyA.id)).toEqual(
				await registry(whole.database, whole.world.countyA.id)
			);
			expect(uploads()).toEqual(before);
		}
	);

	it('imports a file whose households are spread through it as the same file in order', async () => {
		const today = todayInChina();
		const streamed = await county();
		const whole = await county();
		const file = await generateCountyCsv(streamed.database.db, 700_000, 700_200);
		// Data rows dealt into seven piles: no household's rows stay together.
		const [header, ...lines] = new TextDecoder().decode(file.bytes).split('\n');
		const spread = lines
			.map((line, i) => ({ line, i }))
			.sort((a, b) => (a.i % 7) - (b.i % 7) || a.i - b.i)
			.map((x) => x.line);
		const spreadBytes = new TextEncoder().encode([header, ...spread].join('\n'));

		const expected = await previewImport(
			whole.database.db,
			whole.admin.user,
			file.bytes,
			'county.csv',
			today
		);
		const form = new FormData();
		form.set('file', new Blob([spreadBytes]), 'county.csv');
		const answer = (await post(streamed.database, streamed.admin, 'preview', form)) as {
			preview: typeof expected;
		};
		expect(answer.preview).toEqual({ ...expected, fileHash: answer.preview.fileHash });
		expect(expected.households).toMatchObject({ valid: 200, new: 200, rejected: 0 });

		const applyForm = new FormData();
		applyForm.set('fileHash', answer.preview.fileHash);
		applyForm.set('file', new Blob([spreadBytes]), 'county.csv');
		expect(isRedirect(await post(streamed.database, streamed.admin, 'apply', applyForm))).toBe(
			true
		);
		await applyImport(
			whole.database.db,
			whole.admin.user,
			file.bytes,
			'county.csv',
			expected.fileHash,
			today
		);
		expect(await registry(streamed.database, streamed.world.countyA.id)).toEqual(
			await registry(whole.database, whole.world.countyA.id)
		);
	});

	it('refuses a file changed since its preview, as before', async () => {
		const { database, admin } = await county();
		const file = await generateCountyCsv(database.db, 600_000, 600_020);
		const form = new FormData();
		form.set('fileHash', '0'.repeat(64));
		form.set('file', new Blob([file.bytes as Uint8Array<ArrayBuffer>]), 'county.csv');
		const answer = await post(database, admin, 'apply', form);
		expect(isActionFailure(answer)).toBe(true);
		expect(answer).toMatchObject({
			status: 409,
			data: { errors: { file: translate('import_error_file_changed') } }
		});
	});

	it('leaves no temporary file behind after an oversized, a broken or an unreadable upload', async () => {
		const { database, admin } = await county();
		const before = uploads();

		const huge = new FormData();
		huge.set('file', new Blob([new Uint8Array(41 * 1024 * 1024).fill(0x61)]), 'huge.csv');
		const tooLarge = await post(database, admin, 'preview', huge);
		expect(tooLarge).toMatchObject({
			status: 400,
			data: { errors: { file: translate('import_file_too_large', { limitMb: 40 }) } }
		});
		expect(uploads()).toEqual(before);

		// A body cut off before its closing boundary (a dropped connection).
		const broken = await post(
			database,
			admin,
			'preview',
			'--x\r\ncontent-disposition: form-data; name="file"; filename="a.csv"\r\n\r\n户编号,姓名\r\n1,2',
			{ 'content-type': 'multipart/form-data; boundary=x' }
		);
		expect(isHttpError(broken) && broken.status).toBe(400);
		expect(uploads()).toEqual(before);

		const picture = new FormData();
		picture.set('file', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])]), 'a.csv');
		expect(await post(database, admin, 'preview', picture)).toMatchObject({
			status: 400,
			data: { errors: { file: translate('import_file_not_spreadsheet') } }
		});
		expect(uploads()).toEqual(before);

		// A body that fails while it is read (adapter-node's BODY_SIZE_LIMIT stops it so).
		const failing = new ReadableStream({
			start(controller) {
				controller.enqueue(
					new TextEncoder().encode(
						'--x\r\ncontent-disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc'
					)
				);
				controller.error(Object.assign(new Error('Payload Too Large'), { status: 413 }));
			}
		});
		expect(
			await post(database, admin, 'preview', failing, {
				'content-type': 'multipart/form-data; boundary=x'
			})
		).toMatchObject({
			status: 400,
			data: { errors: { file: translate('import_file_too_large', { limitMb: 40 }) } }
		});
		expect(uploads()).toEqual(before);
	});

	it('tells a missing file from an empty one, as the form read whole did', async () => {
		const { database, admin } = await county();
		const none = new FormData();
		none.set('file', new Blob([]), '');
		expect(await post(database, admin, 'preview', none)).toMatchObject({
			data: { errors: { file: translate('import_file_missing') } }
		});
		const empty = new FormData();
		empty.set('file', new Blob([]), 'empty.csv');
		expect(await post(database, admin, 'preview', empty)).toMatchObject({
			data: { errors: { file: translate('import_file_empty') } }
		});
		expect(
			await post(database, admin, 'preview', 'a=1', {
				'content-type': 'application/x-www-form-urlencoded'
			})
		).toMatchObject({ data: { errors: { file: translate('import_file_missing') } } });
	});
});
