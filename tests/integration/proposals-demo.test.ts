import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { todayInChina } from '../../src/lib/format';
import { seedDemoCounty } from '../../src/lib/server/demo';
import { DEMO_ACCOUNTS } from '../../src/lib/server/demo/accounts';
import {
	eliminationCandidates,
	identificationCandidates,
	listProposals
} from '../../src/lib/server/monitoring/proposals';
import { qualityCounts } from '../../src/lib/server/monitoring/quality';
import { actorFor, createUser } from './fixtures';
import { freshDatabase } from './helpers';

// The demo seeds with the day it starts, so its proposals and candidates are read that day.
const TODAY = todayInChina();
let database: Database;
let staff: UserActor;
let admin: UserActor;

beforeAll(async () => {
	database = await freshDatabase();
	const seeded = await seedDemoCounty(database.db);
	const id = await createUser(database.db, seeded.countyId, 'township_staff', {
		username: 'demo-proposals-staff',
		townships: [...DEMO_ACCOUNTS.staff.townships]
	});
	staff = (await actorFor(database.db, id)).user;
	const adminId = await createUser(database.db, seeded.countyId, 'county_admin', {
		username: 'demo-proposals-admin'
	});
	admin = (await actorFor(database.db, adminId)).user;
}, 300_000);
afterAll(async () => {
	await database.close();
});

describe('the demo county’s proposals and findings', () => {
	it('shows candidates of both kinds', async () => {
		expect((await eliminationCandidates(database.db, staff, TODAY)).length).toBeGreaterThan(0);
		expect((await eliminationCandidates(database.db, admin, TODAY)).length).toBeGreaterThan(1);
		expect((await identificationCandidates(database.db, admin)).length).toBeGreaterThan(0);
		expect((await identificationCandidates(database.db, staff)).length).toBeGreaterThan(0);
	});

	it('has proposals of both kinds at several steps', async () => {
		const open = await listProposals(database.db, admin, { open: true });
		expect((await listProposals(database.db, staff, { open: true })).length).toBeGreaterThan(0);
		expect(new Set(open.map((p) => p.kind))).toEqual(new Set(['identify', 'eliminate']));
		expect(new Set(open.map((p) => p.status))).toEqual(
			new Set(['proposed', 'verified', 'noticed', 'township_reviewed'])
		);
		const decided = await listProposals(database.db, admin, { open: false });
		expect(decided.map((p) => p.status)).toContain('rejected');
	});

	it('has data-quality findings of several rules in the staff townships', async () => {
		const counts = await qualityCounts(database.db, staff);
		const rules = new Set(counts.map((c) => c.ruleCode));
		expect(rules.size).toBeGreaterThanOrEqual(3);
		expect(rules).toContain('work_place_no_months');
		expect(rules).toContain('healthy_no_labour');
	});
});
