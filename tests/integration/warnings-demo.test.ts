import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { users } from '../../src/lib/server/auth/schema';
import { seedDemoCounty } from '../../src/lib/server/demo';
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../../src/lib/server/demo/accounts';
import { todayInChina } from '../../src/lib/format';
import { gridHome, listWarnings, warningCounts } from '../../src/lib/server/warnings/queue';
import { homeVisits, warnings } from '../../src/lib/server/warnings/schema';
import { actorFor } from './fixtures';
import { freshDatabase } from './helpers';

let database: Database;

beforeAll(async () => {
	database = await freshDatabase();
	await seedDemoCounty(database.db);
	await seedDemoAccounts(database.db);
}, 120_000);
afterAll(async () => {
	await database.close();
});

async function signIn(username: string) {
	const [user] = await database.db.select().from(users).where(eq(users.username, username));
	return (await actorFor(database.db, user.id)).user;
}

describe('the demo county’s monitoring loop', () => {
	it('gives the grid member villages, visits today and warnings in every state', async () => {
		const today = todayInChina();
		const grid = await signIn(DEMO_ACCOUNTS.grid.username);
		expect(grid.role).toBe('grid_member');
		expect(grid.villageCodes.length).toBe(3);
		const home = await gridHome(database.db, grid, today);
		expect(home.visitsToday).toBeGreaterThanOrEqual(3);
		expect(home.open).toBeGreaterThanOrEqual(3);
		expect(home.overdue).toBeGreaterThanOrEqual(1);

		const all = await database.db.select().from(warnings);
		expect(new Set(all.map((w) => w.status))).toEqual(new Set(['open', 'verified', 'closed']));
		expect(new Set(all.filter((w) => w.decision).map((w) => w.decision))).toEqual(
			new Set(['identify', 'assist', 'dismiss'])
		);
		const byGrid = all.filter((w) => w.raisedBy === grid.userId);
		expect(byGrid.every((w) => w.kind === 'visit' && w.visitId)).toBe(true);
		const visits = await database.db.select().from(homeVisits);
		expect(visits.filter((v) => v.visitorId === grid.userId).length).toBeGreaterThanOrEqual(15);
	});

	it('shows the staff queue overdue first and the county its counts', async () => {
		const today = todayInChina();
		const staff = await signIn(DEMO_ACCOUNTS.staff.username);
		const queue = await listWarnings(database.db, staff, {}, today);
		expect(queue[0].overdue).toBe(true);
		expect(queue.some((w) => w.status === 'verified')).toBe(true);
		const admin = await signIn(DEMO_ACCOUNTS.admin.username);
		const counts = await warningCounts(database.db, admin, today);
		expect(new Set(counts.byTownship.map((c) => c.townshipCode)).size).toBeGreaterThanOrEqual(2);
	});
});
