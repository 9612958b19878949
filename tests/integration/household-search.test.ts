import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import type { UserActor } from '../../src/lib/server/auth/actor';
import {
	exportHouseholdMembers,
	householdPageQuery,
	listHouseholds,
	type HouseholdFilter
} from '../../src/lib/server/households/list';
import { applyImport, previewImport } from '../../src/lib/server/households/import';
import { maintenanceRuns } from '../../src/lib/server/db/maintenance-schema';
import {
	runMaintenance,
	startMaintenance,
	tablesNeedingMaintenance
} from '../../src/lib/server/db/maintenance';
import { generateCountyCsv, type GeneratedCounty } from '../../scripts/generate-county';
import { actorFor, buildWorld, type World } from './fixtures';
import { expectedDriver, freshDatabase } from './helpers';

// A few thousand imported households: enough for a plan that loops per household to show
// in EXPLAIN, small enough for CI. Speed itself is measured by `npm run bench`.
const HOUSEHOLDS = 3_000;
const TODAY = '2026-11-29';
let database: Database;
let world: World;
let admin: UserActor;
let staff: UserActor;
let county: GeneratedCounty;

function rows<T>(result: unknown): T[] {
	return ((result as { rows?: T[] }).rows ?? result) as T[];
}

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
	admin = (await actorFor(database.db, world.userIds.admin)).user;
	staff = (await actorFor(database.db, world.userIds.staffIn)).user;
	county = await generateCountyCsv(database.db, 0, HOUSEHOLDS);
	const preview = await previewImport(database.db, admin, county.bytes, 'county.csv', TODAY);
	expect(preview.households.rejected).toBe(0);
	await applyImport(database.db, admin, county.bytes, 'county.csv', preview.fileHash, TODAY);
}, 120_000);
afterAll(async () => {
	await database.close();
});

interface PlanNode {
	'Node Type': string;
	'Relation Name'?: string;
	'Parent Relationship'?: string;
	'Actual Loops'?: number;
	'Index Name'?: string;
	Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
	return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function plan(actor: UserActor, filter: HouseholdFilter): Promise<PlanNode[]> {
	const query = householdPageQuery(database.db, actor, filter);
	const [row] = rows<{ 'QUERY PLAN': unknown }>(
		await database.db.execute(sql`explain (analyze, format json) ${query}`)
	);
	const raw = row['QUERY PLAN'];
	const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
	return nodes(parsed[0].Plan);
}

describe('the household search at county size', () => {
	it('records a statistics run after the import, so the planner knows the tables', async () => {
		const runs = await database.db
			.select()
			.from(maintenanceRuns)
			.where(eq(maintenanceRuns.reason, 'household_import'));
		expect(runs).toHaveLength(1);
		expect(runs[0].tables).toEqual(expect.arrayContaining(['households', 'members']));
		expect(runs[0].error).toBeNull();
		// PGlite has no autovacuum: the import vacuums there (and on a PostgreSQL server run
		// with autovacuum off); a PostgreSQL that vacuums itself only needs ANALYZE.
		const [setting] = rows<{ autovacuum: string }>(
			await database.db.execute(sql`select current_setting('autovacuum') as autovacuum`)
		);
		const vacuumsItself = expectedDriver !== 'pglite' && setting.autovacuum === 'on';
		expect(runs[0].kind).toBe(vacuumsItself ? 'analyze' : 'vacuum');
		const [stats] = rows<{ reltuples: number }>(
			await database.db.execute(
				sql`select reltuples::float8 as reltuples from pg_class where relname = 'members'`
			)
		);
		expect(Number(stats.reltuples)).toBeGreaterThanOrEqual(county.rows);
	});

	it('never scans members once per household, whatever was typed or chosen', async () => {
		const searches: HouseholdFilter[] = [
			{ query: '李' },
			{ query: '李红' },
			{ query: county.samples.idNumber.slice(-4) },
			{ query: county.samples.idNumber },
			{ query: county.samples.phone.slice(0, 7) },
			{ query: '李', townshipCode: world.townshipIn, status: 'monitored' },
			{ query: '王', category: 'ordinary', risk: 'illness' }
		];
		for (const filter of searches) {
			for (const actor of [admin, staff]) {
				const planNodes = await plan(actor, filter);
				const label = JSON.stringify(filter);
				// No correlated subquery evaluated per household …
				expect(
					planNodes.filter((n) => n['Parent Relationship'] === 'SubPlan'),
					label
				).toEqual([]);
				// … and every read of members happens once, not inside a loop over households.
				const memberScans = planNodes.filter((n) => n['Relation Name'] === 'members');
				// (A phone is found among households alone.)
				if (filter.query !== county.samples.phone.slice(0, 7))
					expect(memberScans.length, label).toBeGreaterThan(0);
				// (Within a chosen township, members may be read by household: a few rows each.)
				for (const scan of memberScans) {
					if (scan['Actual Loops'] === 1) continue;
					expect(scan['Index Name'], label).toBe('members_household_idx');
				}
			}
		}
	});

	it('finds households by the start of any name, one character included', async () => {
		// The generator gives every tenth household the surname 李 (the fixtures add one more).
		const li = await listHouseholds(database.db, admin, { query: '李' });
		expect(li.notice).toBeNull();
		expect(li.total).toBe(HOUSEHOLDS / 10 + 1);
		expect(li.capped).toBe(false);
		expect(li.items).toHaveLength(25);
		expect(li.items.every((h) => h.headName?.startsWith('李'))).toBe(true);
		const numbers = li.items.map((h) => h.householdNumber);
		expect(numbers).toEqual([...numbers].sort());
		const second = await listHouseholds(database.db, admin, { query: '李' }, 2);
		expect(second.total).toBe(li.total);
		expect(second.items[0].householdNumber > numbers[24]).toBe(true);
		const past = await listHouseholds(database.db, admin, { query: '李' }, 100);
		expect(past).toMatchObject({ items: [], total: HOUSEHOLDS / 10 + 1, capped: false });
		const given = await listHouseholds(database.db, admin, { query: '李红' });
		expect(given.total).toBeGreaterThan(0);
		expect(given.total).toBeLessThan(li.total);
		// Scope: staff find only their township's households.
		const mine = await listHouseholds(database.db, staff, { query: '李' }, 1, 500);
		expect(mine.total).toBeGreaterThan(0);
		expect(mine.items.every((h) => h.villageCode.startsWith(world.townshipIn))).toBe(true);
	});

	it('finds a household by ID (last 4 or whole), phone and household number', async () => {
		const { householdNumber, phone, idNumber } = county.samples;
		const byNumber = async (query: string) =>
			(await listHouseholds(database.db, admin, { query }, 1, 100)).items.map(
				(h) => h.householdNumber
			);
		expect(await byNumber(idNumber)).toEqual([householdNumber]);
		expect(await byNumber(idNumber.slice(-4))).toContain(householdNumber);
		expect(await byNumber(phone)).toEqual([householdNumber]);
		expect(await byNumber(phone.slice(0, 9))).toContain(householdNumber);
		expect(await byNumber(householdNumber)).toEqual([householdNumber]);
		expect(await byNumber(` ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)} `)).toEqual(
			[householdNumber]
		);
	});

	it('answers bad input quickly with a message or an empty list, never an error', async () => {
		const search = (query: string) => listHouseholds(database.db, admin, { query });
		// Only spaces or a NUL byte: nothing was typed, the whole list (counted up to 1,000).
		for (const query of ['   ', '\u0000', '\u3000']) {
			const all = await search(query);
			expect(all).toMatchObject({ notice: null, total: 1000, capped: true });
			expect(all.items).toHaveLength(25);
		}
		expect((await search('李\u0000')).total).toBe(HOUSEHOLDS / 10 + 1);
		for (const query of ['%', '_', '\\', "'", '李%', '%李']) {
			expect(await search(query), query).toMatchObject({ notice: null, total: 0, items: [] });
		}
		expect((await search('李'.repeat(200))).notice).toBe('search_too_long');
		expect((await search('1'.repeat(200))).notice).toBe('search_too_long');
		expect((await search('1')).notice).toBe('search_too_short_digits');
		expect((await search('130')).notice).toBe('search_too_short_digits');
	});

	it('says the search is too broad instead of reading more than its bound', async () => {
		const broad = await listHouseholds(database.db, admin, { query: '李' }, 1, 25, {
			branchCap: 100
		});
		expect(broad).toMatchObject({ notice: 'search_too_broad', total: 0, items: [] });
		// Every household number of the county starts with its code.
		const numbers = await listHouseholds(database.db, admin, { query: '130434' }, 1, 25, {
			branchCap: 100
		});
		expect(numbers.notice).toBe('search_too_broad');
		// Choosing a township narrows the lookup itself: the same surname is answered there.
		const inTownship = await listHouseholds(
			database.db,
			admin,
			{ query: '李', townshipCode: world.townshipIn },
			1,
			25,
			{ branchCap: 100 }
		);
		expect(inTownship.notice).toBeNull();
		expect(inTownship.total).toBeGreaterThan(0);
		expect(inTownship.items.every((h) => h.villageCode.startsWith(world.townshipIn))).toBe(true);
		const narrow = await listHouseholds(database.db, admin, { query: '李红梅' }, 1, 25, {
			branchCap: 1_000
		});
		expect(narrow.notice).toBeNull();
		expect(narrow.total).toBeGreaterThan(0);
	});

	it('exports the households the search finds', async () => {
		const exported = await exportHouseholdMembers(database.db, admin, { query: '李' });
		const households = new Set(exported.map((r) => r.household.householdNumber));
		expect(households.size).toBe(HOUSEHOLDS / 10 + 1);
		expect((await exportHouseholdMembers(database.db, admin, { query: '1' })).length).toBe(0);
	});
});

describe('maintenance of the embedded database', () => {
	it.skipIf(expectedDriver !== 'pglite')(
		'vacuums the tables that changed and records the run',
		async () => {
			await database.db.execute(
				sql`update members set work_place = 'x' where county_id = ${admin.countyId}`
			);
			// PGlite reports table statistics at most once a second.
			await database.db.execute(sql`select pg_stat_force_next_flush()`);
			await new Promise((r) => setTimeout(r, 1_100));
			await database.db.execute(sql`select 1`);
			expect(await tablesNeedingMaintenance(database.db)).toContain('members');
			const done = await runMaintenance(database.db, 'changes');
			expect(done).toContain('members');
			const [run] = await database.db
				.select()
				.from(maintenanceRuns)
				.where(eq(maintenanceRuns.reason, 'changes'));
			expect(run).toMatchObject({ kind: 'vacuum', error: null });
			expect(run.tables).toContain('members');
		}
	);

	it.skipIf(expectedDriver !== 'pglite')(
		'runs a full pass at start-up when none ran in the last day, and stops',
		async () => {
			const scheduler = startMaintenance(database, { startDelayMs: 0, intervalMs: 60_000 });
			let startUp: unknown[] = [];
			for (let i = 0; i < 100 && startUp.length === 0; i++) {
				await new Promise((r) => setTimeout(r, 100));
				startUp = await database.db
					.select()
					.from(maintenanceRuns)
					.where(eq(maintenanceRuns.reason, 'start-up'));
			}
			await scheduler.stop();
			expect(startUp).toHaveLength(1);
			// A second start the same day finds the recent run and does not repeat it.
			const again = startMaintenance(database, { startDelayMs: 0, intervalMs: 60_000 });
			await new Promise((r) => setTimeout(r, 500));
			await again.stop();
			const runs = await database.db
				.select()
				.from(maintenanceRuns)
				.where(eq(maintenanceRuns.reason, 'start-up'));
			expect(runs).toHaveLength(1);
		}
	);
});
