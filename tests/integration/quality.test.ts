import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db } from '../../src/lib/server/db';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { systemActor } from '../../src/lib/server/auth/actor';
import { newId } from '../../src/lib/server/db/ids';
import { DomainError } from '../../src/lib/server/errors';
import { updateHousehold, updateMember } from '../../src/lib/server/households';
import { households, members } from '../../src/lib/server/households/schema';
import {
	addMeasure,
	ensureCountyOptions,
	updateMonitoring,
	writeMonitoringRecord
} from '../../src/lib/server/monitoring';
import {
	listFindings,
	qualityCounts,
	recheckHousehold,
	runQualityChecks,
	setQualityRule
} from '../../src/lib/server/monitoring/quality';
import { assistanceMeasures, qualityFindings } from '../../src/lib/server/monitoring/schema';
import { actorFor, buildWorld, createHousehold, type World } from './fixtures';
import { freshDatabase } from './helpers';

const TODAY = '2026-11-15';
const VILLAGE_IN = '130434108068';
const VILLAGE_OUT = '130434205213';
let database: Database;
let db: Db;
let world: World;
let admin: UserActor;
let staff: UserActor;
let staffOut: UserActor;

beforeAll(async () => {
	database = await freshDatabase();
	db = database.db;
	world = await buildWorld(db);
	await ensureCountyOptions(db, world.countyA.id);
	admin = (await actorFor(db, world.userIds.admin)).user;
	staff = (await actorFor(db, world.userIds.staffIn)).user;
	staffOut = (await actorFor(db, world.userIds.staffOut)).user;
});
afterAll(async () => {
	await database.close();
});

async function findings(householdId: string): Promise<string[]> {
	const rows = await db
		.select({ rule: qualityFindings.ruleCode })
		.from(qualityFindings)
		.where(
			and(
				eq(qualityFindings.countyId, world.countyA.id),
				eq(qualityFindings.householdId, householdId)
			)
		);
	return rows.map((r) => r.rule).sort();
}

async function head(householdId: string) {
	const [row] = await db.select().from(members).where(eq(members.householdId, householdId));
	return row;
}

async function setHead(householdId: string, values: Partial<typeof members.$inferInsert>) {
	await db.update(members).set(values).where(eq(members.householdId, householdId));
}

async function monitored(householdId: string, risks = ['illness']) {
	await writeMonitoringRecord(db, systemActor('test'), world.countyA.id, householdId, {
		category: 'marginal',
		status: 'monitored',
		monitoredSince: '2026-01-10',
		risks
	});
}

/** Checks one household the way a write does, and the county the way the nightly run does. */
async function bothWays(householdId: string): Promise<string[]> {
	await recheckHousehold(db, world.countyA.id, householdId, TODAY);
	const one = await findings(householdId);
	await db.delete(qualityFindings).where(eq(qualityFindings.householdId, householdId));
	await runQualityChecks(db, world.countyA.id, TODAY);
	expect(await findings(householdId)).toEqual(one);
	return one;
}

describe('data-quality rules', () => {
	it('a clean household has no finding', async () => {
		const h = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		expect(await bothWays(h)).toEqual([]);
	});

	it('no_labour_support_unmarked: every member without labour, monitored, on 低保, not marked', async () => {
		const h = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		await monitored(h);
		await setHead(h, { labourCapacity: 'none' });
		await db.update(households).set({ minimumLivingAllowance: '是' }).where(eq(households.id, h));
		expect(await bothWays(h)).toContain('no_labour_support_unmarked');
		await db.update(households).set({ fullNoLabourSupport: true }).where(eq(households.id, h));
		expect(await bothWays(h)).not.toContain('no_labour_support_unmarked');
		// Support through a recorded 低保 measure counts too.
		await db
			.update(households)
			.set({ fullNoLabourSupport: false, minimumLivingAllowance: '否' })
			.where(eq(households.id, h));
		expect(await bothWays(h)).not.toContain('no_labour_support_unmarked');
		await addMeasure(db, admin, h, { measure: 'dibao', startedOn: '2026-02-01' });
		expect(await bothWays(h)).toContain('no_labour_support_unmarked');
	});

	it('water_risk_no_measure: fires without the measure, gone once it is recorded', async () => {
		const h = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		await monitored(h, ['drinking_water']);
		expect(await bothWays(h)).toContain('water_risk_no_measure');
		// Recorded through the monitoring domain: the write re-checks the household itself.
		await addMeasure(db, admin, h, { measure: 'drinking_water', startedOn: '2026-03-01' });
		expect(await findings(h)).not.toContain('water_risk_no_measure');
	});

	it('early_elimination: eliminated by assistance two months or less after identification', async () => {
		const h = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		await writeMonitoringRecord(db, systemActor('test'), world.countyA.id, h, {
			category: 'marginal',
			status: 'eliminated',
			monitoredSince: '2026-01-10',
			eliminatedOn: '2026-03-10',
			eliminationMethod: '帮扶消除',
			risks: ['illness']
		});
		expect(await bothWays(h)).toContain('early_elimination');
		await writeMonitoringRecord(db, systemActor('test'), world.countyA.id, h, {
			category: 'marginal',
			status: 'eliminated',
			monitoredSince: '2026-01-10',
			eliminatedOn: '2026-03-11',
			eliminationMethod: '帮扶消除',
			risks: ['illness']
		});
		expect(await bothWays(h)).not.toContain('early_elimination');
	});

	it('no_development_measure: members able to work and no development-type measure', async () => {
		const h = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		await monitored(h);
		expect(await bothWays(h)).toContain('no_development_measure');
		await addMeasure(db, admin, h, { measure: 'insurance', startedOn: '2026-03-01' });
		expect(await findings(h)).toContain('no_development_measure');
		await addMeasure(db, admin, h, { measure: 'employment', startedOn: '2026-03-01' });
		expect(await findings(h)).not.toContain('no_development_measure');
	});

	it('healthy_no_labour: 16–59, healthy, not in school, no labour; the age limits hold', async () => {
		const h = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		const person = await head(h);
		await setHead(h, { labourCapacity: 'none', birthDate: '2010-11-15' }); // 16 today
		expect(await bothWays(h)).toContain('healthy_no_labour');
		await setHead(h, { birthDate: '2010-11-16' }); // 15 until tomorrow
		expect(await bothWays(h)).not.toContain('healthy_no_labour');
		await setHead(h, { birthDate: '1966-11-16' }); // 59
		expect(await bothWays(h)).toContain('healthy_no_labour');
		await setHead(h, { birthDate: '1966-11-15' }); // 60 today
		expect(await bothWays(h)).not.toContain('healthy_no_labour');
		await setHead(h, { birthDate: '1980-01-01', health: 'chronic' });
		expect(await bothWays(h)).not.toContain('healthy_no_labour');
		const [row] = await db.select().from(qualityFindings).where(eq(qualityFindings.householdId, h));
		expect(row?.memberId ?? null).toBeNull();
		void person;
	});

	it('work place without months and months without place, per person', async () => {
		const h = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		await setHead(h, { workingAway: true, workPlace: '天津', workMonths: null });
		expect(await bothWays(h)).toEqual(['work_place_no_months']);
		const [row] = await db.select().from(qualityFindings).where(eq(qualityFindings.householdId, h));
		expect(row.memberId).toBe((await head(h)).id);
		await setHead(h, { workPlace: '', workMonths: 8 });
		expect(await bothWays(h)).toEqual(['work_months_no_place']);
		await setHead(h, { workPlace: '天津', workMonths: 8 });
		expect(await bothWays(h)).toEqual([]);
	});

	it('phone_invalid: empty or malformed; fixed through the household form, gone', async () => {
		const h = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		await db.update(households).set({ phone: null }).where(eq(households.id, h));
		expect(await bothWays(h)).toEqual(['phone_invalid']);
		await db.update(households).set({ phone: '1380013' }).where(eq(households.id, h));
		expect(await bothWays(h)).toEqual(['phone_invalid']);
		const [row] = await db.select().from(households).where(eq(households.id, h));
		await updateHousehold(db, staff, h, {
			householdNumber: row.householdNumber,
			villageCode: row.villageCode,
			address: '',
			phone: '13800138000'
		});
		expect(await findings(h)).toEqual([]);
	});

	it('health_empty and labour_invalid: registry people with an empty health or a word outside the list', async () => {
		const h = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		await setHead(h, { personNumber: 'P0001', healthStatus: null, labourSkill: '壮劳力' });
		expect(await bothWays(h)).toEqual(['health_empty', 'labour_invalid']);
		// Corrected through the member form: the write re-checks the household.
		const person = await head(h);
		await updateMember(
			db,
			staff,
			h,
			person.id,
			{
				name: person.name,
				idNumber: '',
				relation: person.relation,
				labourCapacity: 'full',
				labourSkill: '普通劳动力',
				health: 'healthy',
				inSchool: '',
				workingAway: '',
				resident: 'on'
			},
			TODAY
		);
		expect(await findings(h)).toEqual([]);
	});

	it('admins switch a rule off (its findings go) and tune its parameters; others cannot', async () => {
		const h = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		await db.update(households).set({ phone: null }).where(eq(households.id, h));
		await runQualityChecks(db, world.countyA.id, TODAY);
		expect(await findings(h)).toContain('phone_invalid');
		await setQualityRule(db, admin, 'phone_invalid', { enabled: '', params: {} }, TODAY);
		expect(await findings(h)).not.toContain('phone_invalid');
		await recheckHousehold(db, world.countyA.id, h, TODAY);
		expect(await findings(h)).not.toContain('phone_invalid');
		await setQualityRule(db, admin, 'phone_invalid', { enabled: 'on', params: {} }, TODAY);
		expect(await findings(h)).toContain('phone_invalid');

		await expect(
			setQualityRule(db, staff, 'phone_invalid', { enabled: '', params: {} }, TODAY)
		).rejects.toMatchObject({ code: 'not_found' });
		const refused = await setQualityRule(
			db,
			admin,
			'healthy_no_labour',
			{ enabled: 'on', params: { ageFrom: '60', ageTo: '16' } },
			TODAY
		).catch((e: DomainError) => e.issues.map((i) => `${i.field}:${i.key}`));
		expect(refused).toEqual(['ageTo:quality_error_age_range']);
		const refusedNumber = await setQualityRule(
			db,
			admin,
			'early_elimination',
			{ enabled: 'on', params: { months: '1e400' } },
			TODAY
		).catch((e: DomainError) => e.issues.map((i) => `${i.field}:${i.key}`));
		expect(refusedNumber).toEqual(['months:quality_error_number']);

		// Three months instead of two: an elimination at 2.5 months is now a finding.
		const e = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		await writeMonitoringRecord(db, systemActor('test'), world.countyA.id, e, {
			category: 'marginal',
			status: 'eliminated',
			monitoredSince: '2026-01-10',
			eliminatedOn: '2026-03-25',
			eliminationMethod: '帮扶消除',
			risks: ['illness']
		});
		await recheckHousehold(db, world.countyA.id, e, TODAY);
		expect(await findings(e)).not.toContain('early_elimination');
		await setQualityRule(
			db,
			admin,
			'early_elimination',
			{ enabled: 'on', params: { months: '3' } },
			TODAY
		);
		expect(await findings(e)).toContain('early_elimination');
		await setQualityRule(
			db,
			admin,
			'early_elimination',
			{ enabled: 'on', params: { months: '2' } },
			TODAY
		);
	});

	it('counts per township and lists findings in scope only', async () => {
		const inside = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		const outside = await createHousehold(db, world.countyA.id, VILLAGE_OUT);
		for (const h of [inside, outside])
			await db.update(households).set({ phone: '' }).where(eq(households.id, h));
		await runQualityChecks(db, world.countyA.id, TODAY);
		const staffCounts = await qualityCounts(db, staff);
		expect(staffCounts.every((c) => c.townshipCode === '130434108')).toBe(true);
		expect(staffCounts.find((c) => c.ruleCode === 'phone_invalid')?.findings).toBeGreaterThan(0);
		const adminTownships = new Set((await qualityCounts(db, admin)).map((c) => c.townshipCode));
		expect(adminTownships).toEqual(new Set(['130434108', '130434205']));
		const listed = await listFindings(db, staffOut, { rule: 'phone_invalid' });
		expect(listed.map((f) => f.householdId)).toContain(outside);
		expect(listed.map((f) => f.householdId)).not.toContain(inside);
	});

	it('the monitoring form re-checks the household it changed', async () => {
		const h = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		await updateMonitoring(
			db,
			staff,
			h,
			{ category: 'marginal', status: 'monitored', risks: ['drinking_water'], happenedOn: TODAY },
			TODAY
		);
		expect(await findings(h)).toEqual(['no_development_measure', 'water_risk_no_measure']);
		const measures = await db
			.select()
			.from(assistanceMeasures)
			.where(eq(assistanceMeasures.householdId, h));
		expect(measures).toEqual([]);
		void newId;
	});
});
