import { and, asc, count, eq, inArray, like } from 'drizzle-orm';
import type { Db } from '../db';
import { newId } from '../db/ids';
import type { UserActor } from '../auth/actor';
import { households } from '../households/schema';
import { monitoringRecords } from '../monitoring/schema';
import { recordVisit } from '../warnings/visits';
import {
	assistFromWarning,
	closeAssistedWarning,
	dismissWarning,
	identifyFromWarning,
	raiseStaffWarning,
	verifyWarning
} from '../warnings/workflow';
import { Random } from './random';

// The monitoring loop on the demo county, made through the loop's own functions: a grid
// member's visits (some today), warnings raised at the door, some verified, some overdue,
// and some closed by each decision. Dates count back from today, so the queue always has
// something due, something overdue and something to decide.

export const DEMO_LOOP_SEED = 1849;
/** 东代固镇: the demo grid member's villages are its three with the most households. */
const GRID_TOWNSHIP = '130434108';
const GRID_VILLAGE_COUNT = 3;

/** The villages the demo grid member visits. */
export async function demoGridVillages(db: Db, countyId: string): Promise<string[]> {
	const rows = await db
		.select({ code: households.villageCode, n: count() })
		.from(households)
		.where(
			and(eq(households.countyId, countyId), like(households.villageCode, `${GRID_TOWNSHIP}%`))
		)
		.groupBy(households.villageCode)
		.orderBy(asc(households.villageCode));
	return rows
		.sort((a, b) => Number(b.n) - Number(a.n) || a.code.localeCompare(b.code))
		.slice(0, GRID_VILLAGE_COUNT)
		.map((r) => r.code)
		.sort();
}

function daysBefore(today: string, days: number): string {
	const date = new Date(`${today}T00:00:00Z`);
	date.setUTCDate(date.getUTCDate() - days);
	return date.toISOString().slice(0, 10);
}

const SEEN = ['户主本人', '户主和老伴', '户主的儿媳', '老两口', '户主的母亲', '户主和孙子'];
const ROUTINE = [null, null, '一切如常', '麦子收完了，家里挺好', '儿子在微工厂上班，收入稳定'];

/** Warnings the demo grid member raised at the door, and what became of each. */
const RAISED: {
	daysAgo: number;
	changes: string;
	then: 'open' | 'verified' | 'identify' | 'assist' | 'dismiss';
}[] = [
	{ daysAgo: 20, changes: '户主脑梗住院，花了四万多，儿子请假在家照顾', then: 'identify' },
	{ daysAgo: 16, changes: '儿子从箱包厂离职两个月了，没找到活', then: 'assist' },
	{ daysAgo: 13, changes: '说是收入少了，其实女儿每月寄钱回来', then: 'dismiss' },
	{ daysAgo: 12, changes: '房子漏雨，东墙裂了一道缝', then: 'open' },
	{ daysAgo: 6, changes: '老伴摔断了腿，一直卧床', then: 'verified' },
	{ daysAgo: 1, changes: '户主查出慢性肾病，要长期透析', then: 'open' }
];

export interface DemoLoopResult {
	visits: number;
	warnings: number;
}

export async function seedDemoLoop(
	db: Db,
	grid: UserActor,
	staff: UserActor,
	today: string
): Promise<DemoLoopResult> {
	const random = new Random(DEMO_LOOP_SEED);
	const homes = await db
		.select({ id: households.id, status: monitoringRecords.status })
		.from(households)
		.leftJoin(
			monitoringRecords,
			and(
				eq(monitoringRecords.countyId, households.countyId),
				eq(monitoringRecords.householdId, households.id)
			)
		)
		.where(
			and(
				eq(households.countyId, grid.countyId),
				inArray(households.villageCode, grid.villageCodes)
			)
		)
		.orderBy(asc(households.householdNumber));
	if (homes.length < RAISED.length + 4) return { visits: 0, warnings: 0 };
	// Identification suits a household not monitored yet; the rest may be any.
	const ordinary = homes.filter((h) => h.status !== 'monitored' && h.status !== 'eliminated');
	const toIdentify = ordinary[0] ?? homes[0];
	const others = random.shuffle(homes.filter((h) => h.id !== toIdentify.id));
	let visits = 0;
	let raised = 0;
	const visit = async (householdId: string, on: string, changes: string | null, raise = false) => {
		const result = await recordVisit(
			db,
			grid,
			householdId,
			{ id: newId(), visitedOn: on, seen: random.pick(SEEN), changes, raiseWarning: raise },
			today
		);
		visits += 1;
		return result;
	};

	for (const [i, plan] of RAISED.entries()) {
		const householdId = plan.then === 'identify' ? toIdentify.id : others[i].id;
		const on = daysBefore(today, plan.daysAgo);
		const { warningId } = await visit(householdId, on, plan.changes, true);
		if (!warningId) continue;
		raised += 1;
		if (plan.then === 'open') continue;
		const verifiedOn = daysBefore(today, plan.daysAgo - 1);
		await verifyWarning(
			db,
			grid,
			warningId,
			{ verifiedOn, findings: `入户看了，情况属实：${plan.changes}` },
			today
		);
		const decidedOn = daysBefore(today, Math.max(0, plan.daysAgo - 3));
		if (plan.then === 'identify') {
			await identifyFromWarning(
				db,
				staff,
				warningId,
				{
					decidedOn,
					category: 'sudden',
					risks: ['illness'],
					note: '因病支出大，纳入突发严重困难户'
				},
				today
			);
		} else if (plan.then === 'assist') {
			await assistFromWarning(
				db,
				staff,
				warningId,
				{
					decidedOn,
					measure: 'employment',
					description: '安排到东代固箱包微工厂缝纫岗',
					responsibleName: '王建军',
					responsiblePhone: '13931000001',
					startedOn: decidedOn
				},
				today
			);
			await closeAssistedWarning(db, staff, warningId, { decidedOn }, today);
		} else if (plan.then === 'dismiss') {
			await dismissWarning(
				db,
				staff,
				warningId,
				{ decidedOn, reason: '女儿每月寄回 1,500 元，人均收入在监测线以上' },
				today
			);
		}
	}
	// Routine visits over the last two weeks, three of them today.
	const routine = others.slice(RAISED.length);
	for (const [i, home] of routine.slice(0, 12).entries()) {
		const on = i < 3 ? today : daysBefore(today, random.int(1, 14));
		await visit(home.id, on, random.pick(ROUTINE));
	}
	// Township staff heard of a fire in another of their townships' households.
	const [elsewhere] = await db
		.select({ id: households.id })
		.from(households)
		.where(and(eq(households.countyId, staff.countyId), like(households.villageCode, '130434205%')))
		.orderBy(asc(households.householdNumber))
		.limit(1);
	if (elsewhere) {
		await raiseStaffWarning(
			db,
			staff,
			elsewhere.id,
			{ note: '村干部反映家里失火，烧了粮仓' },
			today
		);
		raised += 1;
	}
	return { visits, warnings: raised };
}
