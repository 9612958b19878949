import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { newId } from '../../src/lib/server/db/ids';
import { systemActor, type UserActor } from '../../src/lib/server/auth/actor';
import { createGridMember, listUsers, setGridVillages } from '../../src/lib/server/auth/users';
import { auditLog } from '../../src/lib/server/audit/schema';
import { DomainError } from '../../src/lib/server/errors';
import { membershipEvents, members } from '../../src/lib/server/households/schema';
import { getMonitoring } from '../../src/lib/server/monitoring';
import { assistanceMeasures } from '../../src/lib/server/monitoring/schema';
import { raiseWarning } from '../../src/lib/server/warnings';
import {
	householdWarnings,
	listWarnings,
	warningCounts,
	warningDetail
} from '../../src/lib/server/warnings/queue';
import { homeVisits, warnings, warningSteps } from '../../src/lib/server/warnings/schema';
import { PHOTO_MAX_BYTES, recordVisit } from '../../src/lib/server/warnings/visits';
import {
	assistFromWarning,
	closeAssistedWarning,
	dismissWarning,
	identifyFromWarning,
	raiseStaffWarning,
	verifyWarning
} from '../../src/lib/server/warnings/workflow';
import { actorFor, createHousehold, buildWorld, PASSWORD, type World } from './fixtures';
import { freshDatabase } from './helpers';

const TODAY = '2026-11-30';
/** Another village of 东代固镇: staffIn's township, not the grid member's village. */
const OTHER_VILLAGE = '130434108069';

let database: Database;
let world: World;
let admin: UserActor;
let staff: UserActor;
let staffOut: UserActor;
let grid: UserActor;

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
	admin = (await actorFor(database.db, world.userIds.admin)).user;
	staff = (await actorFor(database.db, world.userIds.staffIn)).user;
	staffOut = (await actorFor(database.db, world.userIds.staffOut)).user;
	grid = (await actorFor(database.db, world.userIds.gridIn)).user;
});
afterAll(async () => {
	await database.close();
});

/** A household of its own for each test, so tests do not share warnings. */
function household(village = '130434108068'): Promise<string> {
	return createHousehold(database.db, world.countyA.id, village, '孙志刚');
}

async function openWarning(
	householdId: string,
	raisedOn = '2026-11-20',
	kind: 'visit' | 'staff' = 'visit'
) {
	const { warning } = await raiseWarning(database.db, systemActor('test'), {
		countyId: world.countyA.id,
		householdId,
		kind,
		source: 'person',
		note: '户主住院',
		raisedOn
	});
	return warning.id;
}

async function verified(householdId: string): Promise<string> {
	const id = await openWarning(householdId);
	await verifyWarning(
		database.db,
		grid,
		id,
		{ verifiedOn: '2026-11-21', findings: '户主住院二十天，自付三万元' },
		TODAY
	);
	return id;
}

async function refusal(work: Promise<unknown>): Promise<DomainError> {
	const caught = await work.then(
		() => null,
		(e: unknown) => e
	);
	expect(caught).toBeInstanceOf(DomainError);
	return caught as DomainError;
}

const fields = (e: DomainError) => e.issues.map((i) => `${i.field}:${i.key}`);

async function rowCount(table: typeof warnings | typeof homeVisits | typeof warningSteps) {
	const [row] = await database.db.select({ n: count() }).from(table);
	return Number(row.n);
}

describe('home visits', () => {
	it('records a visit once for one phone-made id, and refuses the id with other content', async () => {
		const h = await household();
		const id = newId();
		const input = { id, visitedOn: '2026-11-29', seen: '户主本人', changes: '一切如常' };
		const first = await recordVisit(database.db, grid, h, input, TODAY);
		const again = await recordVisit(database.db, grid, h, input, TODAY);
		expect(first.recorded).toBe(true);
		expect(again.recorded).toBe(false);
		const rows = await database.db.select().from(homeVisits).where(eq(homeVisits.householdId, h));
		expect(rows).toHaveLength(1);
		const other = await refusal(
			recordVisit(database.db, grid, h, { ...input, seen: '老伴' }, TODAY)
		);
		expect(other.code).toBe('conflict');
		expect(fields(other)).toEqual(['id:visits_error_id_conflict']);
	});

	it('refuses a missing or non-v7 id, a future date, a date before the household, and no one seen', async () => {
		const h = await household();
		await database.db.insert(membershipEvents).values({
			countyId: world.countyA.id,
			id: newId(),
			householdId: h,
			memberId: (await database.db.select().from(members).where(eq(members.householdId, h)))[0].id,
			kind: 'registered',
			happenedOn: '2020-03-01'
		});
		const before = await rowCount(homeVisits);
		const bad = await refusal(
			recordVisit(
				database.db,
				grid,
				h,
				{ id: '6ba7b810-9dad-11d1-80b4-00c04fd430c8', visitedOn: '2026-12-01', seen: ' ' },
				TODAY
			)
		);
		expect(fields(bad)).toEqual([
			'id:visits_error_id',
			'seen:visits_error_seen',
			'visitedOn:visits_error_future'
		]);
		const early = await refusal(
			recordVisit(
				database.db,
				grid,
				h,
				{ id: newId(), visitedOn: '2020-02-29', seen: '户主' },
				TODAY
			)
		);
		expect(fields(early)).toEqual(['visitedOn:visits_error_before_household']);
		// The day the household's record begins is allowed.
		await recordVisit(
			database.db,
			grid,
			h,
			{ id: newId(), visitedOn: '2020-03-01', seen: '户主' },
			TODAY
		);
		expect(await rowCount(homeVisits)).toBe(before + 1);
	});

	it('checks the photo by its bytes and its size', async () => {
		const h = await household();
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
		const disguised = new TextEncoder().encode('<svg onload=alert(1)>');
		const huge = new Uint8Array(PHOTO_MAX_BYTES + 1);
		huge.set([0xff, 0xd8, 0xff]);
		const base = { visitedOn: '2026-11-29', seen: '户主' };
		const wrong = await refusal(
			recordVisit(database.db, grid, h, { ...base, id: newId(), photo: disguised }, TODAY)
		);
		expect(fields(wrong)).toEqual(['photo:visits_error_photo_type']);
		const large = await refusal(
			recordVisit(database.db, grid, h, { ...base, id: newId(), photo: huge }, TODAY)
		);
		expect(fields(large)).toEqual(['photo:visits_error_photo_size']);
		const ok = await recordVisit(database.db, grid, h, { ...base, id: newId(), photo: png }, TODAY);
		const [row] = await database.db.select().from(homeVisits).where(eq(homeVisits.id, ok.id));
		expect(row.photoType).toBe('image/png');
		expect(Buffer.from(row.photo ?? '', 'base64')).toEqual(Buffer.from(png));
	});

	it('raises a visit warning in the same transaction, never a second open one', async () => {
		const h = await household();
		const first = await recordVisit(
			database.db,
			grid,
			h,
			{ id: newId(), visitedOn: '2026-11-27', seen: '户主', changes: '住院了', raiseWarning: true },
			TODAY
		);
		expect(first.warningRaised).toBe(true);
		const [warning] = await database.db.select().from(warnings).where(eq(warnings.householdId, h));
		expect(warning).toMatchObject({
			kind: 'visit',
			source: 'person',
			status: 'open',
			raisedOn: '2026-11-27',
			visitId: first.id,
			note: '住院了',
			raisedBy: grid.userId
		});
		// 2 working days after a Friday: the Tuesday.
		expect(warning.dueOn).toBe('2026-12-01');
		const second = await recordVisit(
			database.db,
			grid,
			h,
			{
				id: newId(),
				visitedOn: '2026-11-29',
				seen: '老伴',
				changes: '还在住院',
				raiseWarning: true
			},
			TODAY
		);
		expect(second).toMatchObject({ recorded: true, warningRaised: false, warningId: warning.id });
		const open = await database.db.select().from(warnings).where(eq(warnings.householdId, h));
		expect(open).toHaveLength(1);
		// Raising needs words about what changed; then nothing at all is written.
		const visitsBefore = await rowCount(homeVisits);
		const silent = await refusal(
			recordVisit(
				database.db,
				grid,
				h,
				{ id: newId(), visitedOn: '2026-11-29', seen: '户主', raiseWarning: true },
				TODAY
			)
		);
		expect(fields(silent)).toEqual(['changes:visits_error_warning_needs_changes']);
		expect(await rowCount(homeVisits)).toBe(visitsBefore);
	});

	it('staff raise a staff warning; households and owners may not', async () => {
		const h = await household();
		const raised = await raiseStaffWarning(
			database.db,
			staff,
			h,
			{ note: '听村干部说家里失火' },
			TODAY
		);
		const [row] = await database.db
			.select()
			.from(warnings)
			.where(eq(warnings.id, raised.warningId));
		expect(row).toMatchObject({ kind: 'staff', raisedOn: TODAY, status: 'open' });
		const empty = await refusal(raiseStaffWarning(database.db, admin, h, { note: '' }, TODAY));
		expect(fields(empty)).toEqual(['note:warnings_error_note']);
		const byGrid = await refusal(raiseStaffWarning(database.db, grid, h, { note: 'x' }, TODAY));
		expect(byGrid.code).toBe('not_found');
	});
});

describe('grid member scope', () => {
	it('answers not found for a household of another village, everywhere', async () => {
		const elsewhere = await household(OTHER_VILLAGE);
		const warningId = await openWarning(elsewhere);
		const before = await rowCount(warningSteps);
		for (const work of [
			// Thunks: each call starts only after the one before has been refused.
			() =>
				recordVisit(
					database.db,
					grid,
					elsewhere,
					{ id: newId(), visitedOn: '2026-11-29', seen: '户主' },
					TODAY
				),
			() => warningDetail(database.db, grid, warningId, TODAY),
			() =>
				verifyWarning(
					database.db,
					grid,
					warningId,
					{ verifiedOn: TODAY, findings: '看过了' },
					TODAY
				),
			() => warningDetail(database.db, staffOut, warningId, TODAY)
		]) {
			expect((await refusal(work())).code).toBe('not_found');
		}
		expect(await rowCount(warningSteps)).toBe(before);
		const mine = await listWarnings(database.db, grid, {}, TODAY);
		expect(mine.map((w) => w.id)).not.toContain(warningId);
		const staffs = await listWarnings(database.db, staff, {}, TODAY);
		expect(staffs.map((w) => w.id)).toContain(warningId);
	});
});

describe('the workflow', () => {
	it('verifies at home: not before the warning, not in the future, not twice', async () => {
		const h = await household();
		const id = await openWarning(h, '2026-11-20');
		const early = await refusal(
			verifyWarning(database.db, grid, id, { verifiedOn: '2026-11-19', findings: '看过' }, TODAY)
		);
		expect(fields(early)).toEqual(['verifiedOn:warnings_error_verified_before_raised']);
		const future = await refusal(
			verifyWarning(database.db, grid, id, { verifiedOn: '2026-12-01', findings: '' }, TODAY)
		);
		expect(fields(future)).toEqual([
			'verifiedOn:warnings_error_future',
			'findings:warnings_error_findings'
		]);
		await verifyWarning(
			database.db,
			grid,
			id,
			{ verifiedOn: '2026-11-20', findings: '确实住院' },
			TODAY
		);
		const [row] = await database.db.select().from(warnings).where(eq(warnings.id, id));
		expect(row).toMatchObject({
			status: 'verified',
			verifiedOn: '2026-11-20',
			verifiedBy: grid.userId,
			findings: '确实住院'
		});
		const twice = await refusal(
			verifyWarning(database.db, staff, id, { verifiedOn: TODAY, findings: '再看' }, TODAY)
		);
		expect(fields(twice)).toEqual([':warnings_error_already_verified']);
		const detail = await warningDetail(database.db, staff, id, TODAY);
		expect(detail.steps.map((s) => [s.step, s.happenedOn, s.byLabel])).toEqual([
			['raised', '2026-11-20', 'test'],
			['verified', '2026-11-20', grid.label]
		]);
		expect(detail.canDecide).toBe(true);
		const audits = await database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.entityId, h), eq(auditLog.action, 'warnings.verified')));
		expect(audits).toHaveLength(1);
	});

	it('refuses a decision without verification, and grid members may not decide', async () => {
		const h = await household();
		const id = await openWarning(h);
		const early = await refusal(
			dismissWarning(database.db, staff, id, { decidedOn: TODAY, reason: '不困难' }, TODAY)
		);
		expect(fields(early)).toEqual([':warnings_error_not_verified']);
		const v = await verified(await household());
		const byGrid = await refusal(
			dismissWarning(database.db, grid, v, { decidedOn: TODAY, reason: '不困难' }, TODAY)
		);
		expect(byGrid.code).toBe('not_found');
	});

	it('dismisses with a reason, then refuses anything on the closed warning', async () => {
		const id = await verified(await household());
		const empty = await refusal(
			dismissWarning(database.db, staff, id, { decidedOn: TODAY, reason: '  ' }, TODAY)
		);
		expect(fields(empty)).toEqual(['reason:warnings_error_reason']);
		const early = await refusal(
			dismissWarning(database.db, staff, id, { decidedOn: '2026-11-20', reason: '有' }, TODAY)
		);
		expect(fields(early)).toEqual(['decidedOn:warnings_error_decided_before_verified']);
		await dismissWarning(
			database.db,
			staff,
			id,
			{ decidedOn: TODAY, reason: '儿子已回乡就业，收入稳定' },
			TODAY
		);
		const [row] = await database.db.select().from(warnings).where(eq(warnings.id, id));
		expect(row).toMatchObject({
			status: 'closed',
			decision: 'dismiss',
			decisionReason: '儿子已回乡就业，收入稳定',
			closedOn: TODAY,
			closedBy: staff.userId
		});
		for (const work of [
			() => dismissWarning(database.db, staff, id, { decidedOn: TODAY, reason: '再次' }, TODAY),
			() => closeAssistedWarning(database.db, admin, id, { decidedOn: TODAY }, TODAY),
			() => verifyWarning(database.db, grid, id, { verifiedOn: TODAY, findings: 'x' }, TODAY)
		]) {
			expect(fields(await refusal(work()))).toEqual([':warnings_error_closed']);
		}
	});

	it('identifies as monitored: the record changes and its history gains a dated entry', async () => {
		const h = await household();
		const id = await verified(h);
		const bad = await refusal(
			identifyFromWarning(
				database.db,
				staff,
				id,
				{ decidedOn: TODAY, category: 'ordinary', risks: ['no_such_risk'] },
				TODAY
			)
		);
		expect(fields(bad)).toEqual([
			'category:monitoring_error_monitored_needs_category',
			'risks:monitoring_error_risk'
		]);
		await identifyFromWarning(
			database.db,
			staff,
			id,
			{ decidedOn: '2026-11-25', category: 'sudden', risks: ['illness', 'accident'] },
			TODAY
		);
		const record = await getMonitoring(database.db, world.countyA.id, h);
		expect(record.status).toBe('monitored');
		expect(record.category).toBe('sudden');
		expect(record.monitoredSince).toBe('2026-11-25');
		expect([...record.risks].sort()).toEqual(['accident', 'illness']);
		expect(record.history[0]).toMatchObject({
			happenedOn: '2026-11-25',
			status: 'monitored',
			category: 'sudden',
			note: '户主住院二十天，自付三万元'
		});
		const [row] = await database.db.select().from(warnings).where(eq(warnings.id, id));
		expect(row).toMatchObject({ status: 'closed', decision: 'identify', closedOn: '2026-11-25' });
	});

	it('assists with several measures tied to the warning, then closes it', async () => {
		const h = await household();
		const id = await verified(h);
		const noMeasure = await refusal(
			closeAssistedWarning(database.db, staff, id, { decidedOn: TODAY }, TODAY)
		);
		expect(fields(noMeasure)).toEqual([':warnings_error_no_measure']);
		const measure = {
			decidedOn: TODAY,
			measure: 'employment',
			description: '安排到东代固箱包微工厂上班',
			responsibleName: '王建军',
			responsiblePhone: '13931000001',
			startedOn: '2026-12-01'
		};
		const unknown = await refusal(
			assistFromWarning(
				database.db,
				staff,
				id,
				{ ...measure, measure: 'spaceship', responsibleName: '' },
				TODAY
			)
		);
		expect(fields(unknown)).toEqual([
			'measure:monitoring_error_measure',
			'responsibleName:warnings_error_responsible_name'
		]);
		const first = await assistFromWarning(database.db, staff, id, measure, TODAY);
		await assistFromWarning(
			database.db,
			admin,
			id,
			{ ...measure, measure: 'insurance', description: '防贫保理赔' },
			TODAY
		);
		const measures = await database.db
			.select()
			.from(assistanceMeasures)
			.where(eq(assistanceMeasures.warningId, id));
		expect(measures.map((m) => m.measure).sort()).toEqual(['employment', 'insurance']);
		expect(measures.find((m) => m.id === first)).toMatchObject({
			householdId: h,
			responsibleName: '王建军',
			responsiblePhone: '13931000001',
			startedOn: '2026-12-01'
		});
		await closeAssistedWarning(database.db, staff, id, { decidedOn: TODAY }, TODAY);
		const detail = await warningDetail(database.db, staff, id, TODAY);
		expect(detail.status).toBe('closed');
		expect(detail.decision).toBe('assist');
		expect(detail.steps.map((s) => s.step)).toEqual([
			'raised',
			'verified',
			'assisted',
			'assisted',
			'closed'
		]);
		expect(detail.measures).toHaveLength(2);
		const closedAudits = await database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.entityId, h), eq(auditLog.action, 'warnings.closed')));
		expect(closedAudits).toHaveLength(1);
	});

	it('gives one of two concurrent decisions, and the other a clear message', async () => {
		const id = await verified(await household());
		const results = await Promise.allSettled([
			dismissWarning(database.db, staff, id, { decidedOn: TODAY, reason: '不困难' }, TODAY),
			identifyFromWarning(
				database.db,
				admin,
				id,
				{ decidedOn: TODAY, category: 'marginal', risks: ['illness'] },
				TODAY
			)
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const [failed] = results.filter((r) => r.status === 'rejected');
		const reason = (failed as PromiseRejectedResult).reason as DomainError;
		expect(reason).toBeInstanceOf(DomainError);
		expect(reason.issues.map((i) => i.key)).toEqual([
			expect.stringMatching(/^warnings_error_(changed|closed)$/)
		]);
		const decisions = await database.db
			.select()
			.from(warningSteps)
			.where(eq(warningSteps.warningId, id));
		expect(decisions.filter((s) => s.step === 'dismissed' || s.step === 'identified')).toHaveLength(
			1
		);
	});
});

describe('queues', () => {
	it('lists overdue first, then by due date, and counts by township, kind and age', async () => {
		const h1 = await household();
		const h2 = await household();
		const h3 = await household();
		const late = await openWarning(h1, '2026-10-01');
		const soon = await openWarning(h2, '2026-11-28');
		const staffKind = await openWarning(h3, '2026-11-27', 'staff');
		const list = await listWarnings(database.db, staff, {}, TODAY);
		const order = list.map((w) => w.id).filter((i) => [late, soon, staffKind].includes(i));
		expect(order).toEqual([late, staffKind, soon]);
		expect(list.find((w) => w.id === late)?.overdue).toBe(true);
		expect(list.find((w) => w.id === soon)?.overdue).toBe(false);
		const onlyStaff = await listWarnings(database.db, grid, { kind: 'staff' }, TODAY);
		expect(onlyStaff.map((w) => w.id)).toContain(staffKind);
		expect(onlyStaff.every((w) => w.kind === 'staff')).toBe(true);

		const counts = await warningCounts(database.db, admin, TODAY);
		const [open] = await database.db
			.select({ n: count() })
			.from(warnings)
			.where(and(eq(warnings.countyId, world.countyA.id), eq(warnings.status, 'open')));
		const [verifiedCount] = await database.db
			.select({ n: count() })
			.from(warnings)
			.where(and(eq(warnings.countyId, world.countyA.id), eq(warnings.status, 'verified')));
		expect(counts.open).toBe(Number(open.n) + Number(verifiedCount.n));
		expect(Object.values(counts.byAge).reduce((a, b) => a + b, 0)).toBe(counts.open);
		expect(counts.byAge.over_30).toBeGreaterThanOrEqual(1);
		const staffCell = counts.byTownship.find(
			(c) => c.townshipCode === '130434108' && c.kind === 'staff'
		);
		expect(staffCell?.count).toBeGreaterThanOrEqual(1);
		expect(staffCell?.townshipName).toBe('东代固镇');
		const mine = await householdWarnings(database.db, world.countyA.id, h1, TODAY);
		expect(mine).toEqual([expect.objectContaining({ id: late, overdue: true })]);
	});
});

describe('grid member accounts', () => {
	it('township staff create grid members for their own villages only', async () => {
		const created = await createGridMember(database.db, staff, {
			displayName: '赵网格',
			username: `zhao${Date.now() % 100000}`,
			phone: '',
			password: PASSWORD,
			villageCodes: ['130434108068', OTHER_VILLAGE]
		});
		expect(created.role).toBe('grid_member');
		expect(created.villageCodes).toEqual(['130434108068', OTHER_VILLAGE]);
		const outside = await refusal(
			createGridMember(database.db, staff, {
				displayName: '钱网格',
				username: 'qianwangge',
				phone: '',
				password: PASSWORD,
				villageCodes: ['130434205213']
			})
		);
		expect(fields(outside)).toEqual(['villageCodes:grid_error_villages']);
		const listed = await listUsers(database.db, staff, {});
		expect(listed.map((u) => u.id)).toContain(created.id);
		expect((await listUsers(database.db, staffOut, {})).map((u) => u.id)).not.toContain(created.id);
		const moved = await setGridVillages(database.db, staff, created.id, [OTHER_VILLAGE]);
		expect(moved).toEqual([OTHER_VILLAGE]);
		expect(
			(await refusal(setGridVillages(database.db, staffOut, created.id, ['130434205213']))).code
		).toBe('not_found');
		// The new scope holds at the next request: the grid member now sees the other village.
		const actor = (await actorFor(database.db, created.id)).user;
		expect(actor.villageCodes).toEqual([OTHER_VILLAGE]);
	});
});
