import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inTransaction, onBeforeCommit, type Database } from '../../src/lib/server/db';
import { addToIncomeMonths } from '../../src/lib/server/income/months';
import { newId } from '../../src/lib/server/db/ids';
import { systemActor, type UserActor } from '../../src/lib/server/auth/actor';
import { auditLog } from '../../src/lib/server/audit/schema';
import { addFactoryOwner, saveWageSheet } from '../../src/lib/server/factories';
import { factories, factoryJobs } from '../../src/lib/server/factories/schema';
import { households, members } from '../../src/lib/server/households/schema';
import {
	postLedgerEntries,
	postLedgerEntry,
	reverseLedgerEntry,
	type Posting
} from '../../src/lib/server/income';
import { ledgerEntries } from '../../src/lib/server/income/schema';
import {
	pickingEntries,
	plantingSeasons,
	weighingStations
} from '../../src/lib/server/planting/schema';
import { setMonitoringLine } from '../../src/lib/server/settings';
import { todayInChina } from '../../src/lib/format';
import { raiseInsuranceClaimWarning } from '../../src/lib/server/warnings/evaluate';
import {
	NightlyStopped,
	dueBusinessDate,
	lastNightlyRuns,
	rulesJob,
	runDueNightlyJobs,
	runNightlyJob,
	runRulesForCounty,
	startNightly,
	type NightlyJob
} from '../../src/lib/server/warnings/nightly';
import { scheduledRuns } from '../../src/lib/server/warnings/nightly-schema';
import { warningSteps, warnings } from '../../src/lib/server/warnings/schema';
import { addDaysTo, dropMonths, latestFullMonth } from '../../src/lib/server/warnings/rules';
import { actorFor, createHousehold, identityNumber, type World, buildWorld } from './fixtures';
import { freshDatabase } from './helpers';

// The rules at a posting are evaluated on today's date in China, so every date here is
// counted from today.
const TODAY = todayInChina();
const YEAR = Number(TODAY.slice(0, 4));
const LINE = 780_000; // 7,800 yuan per person per year
const VILLAGE = '130434108068';
const demo = systemActor('test');
// Income before the six months the drop rule compares, inside the 12-month window.
const BACKGROUND = addDaysTo(TODAY, -260);

let database: Database;
let world: World;
let countyId: string;

/** A household of `residents` resident members, in the township of the test world. */
async function household(residents: number): Promise<string> {
	const id = await createHousehold(database.db, countyId, VILLAGE);
	for (let i = 1; i < residents; i += 1)
		await database.db.insert(members).values({
			countyId,
			id: newId(),
			householdId: id,
			name: `成员${i}`,
			idNumber: identityNumber('19900101'),
			sex: 'female',
			birthDate: '1990-01-01',
			relation: '之女'
		});
	return id;
}

function posting(
	householdId: string,
	amountFen: number,
	overrides: Partial<Posting> = {}
): Posting {
	return {
		countyId,
		householdId,
		businessDate: TODAY,
		amountFen,
		kind: 'wage',
		subtype: 'public_welfare_job',
		source: 'manual',
		...overrides
	};
}

function post(householdId: string, amountFen: number, overrides: Partial<Posting> = {}) {
	return inTransaction(database.db, (tx) =>
		postLedgerEntry(tx, demo, posting(householdId, amountFen, overrides))
	);
}

async function warningsOf(householdId: string) {
	return database.db
		.select()
		.from(warnings)
		.where(and(eq(warnings.countyId, countyId), eq(warnings.householdId, householdId)))
		.orderBy(warnings.raisedAt);
}

async function kindsOf(householdId: string): Promise<string[]> {
	return (await warningsOf(householdId)).map((w) => w.kind).sort();
}

/** What people do at the end of the workflow (the "loop" work builds the real one). */
async function closeAll(householdId: string) {
	await database.db
		.update(warnings)
		.set({ status: 'closed', decision: 'dismiss', closedOn: TODAY })
		.where(and(eq(warnings.countyId, countyId), eq(warnings.householdId, householdId)));
}

/** A moment of a China business day, at `hour` o'clock China time. */
function chinaTime(date: string, hour: number): Date {
	return new Date(`${date}T${String(hour).padStart(2, '0')}:00:00+08:00`);
}

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
	countyId = world.countyA.id;
	for (const year of [YEAR - 1, YEAR]) await setMonitoringLine(database.db, countyId, year, LINE);
});
afterAll(async () => {
	await database.close();
});

describe('rules at a posting', () => {
	it('raise the warning inside the posting’s transaction, with its evidence and audit', async () => {
		const id = await household(2);
		// 6,000 yuan for two people: 3,000 per person, under the 7,800 line.
		const seenInside = await inTransaction(database.db, async (tx) => {
			await postLedgerEntry(tx, demo, posting(id, 600_000));
			let inside: string[] = [];
			// Runs after the rules, still before the commit.
			onBeforeCommit(tx, async () => {
				const rows = await tx.select().from(warnings).where(eq(warnings.householdId, id));
				inside = rows.map((w) => w.kind);
			});
			return () => inside;
		});
		expect(seenInside()).toEqual(['income_below_line']);
		const [warning] = await warningsOf(id);
		expect(warning).toMatchObject({
			kind: 'income_below_line',
			source: 'rule',
			status: 'open',
			raisedOn: TODAY,
			raisedBy: null,
			ruleKey: `income_below_line:${YEAR}`
		});
		expect(warning.evidence).toMatchObject({
			perCapitaFen: 300_000,
			lineFen: LINE,
			gapFen: 480_000,
			onDate: TODAY
		});
		expect(warning.dueOn > TODAY).toBe(true);
		const steps = await database.db
			.select()
			.from(warningSteps)
			.where(eq(warningSteps.warningId, warning.id));
		expect(steps.map((s) => s.step)).toEqual(['raised']);
		const [audit] = await database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.entityId, id), eq(auditLog.action, 'warning.raise')));
		expect(audit.after).toMatchObject({
			kind: 'income_below_line',
			trigger: 'posting',
			triggeredBy: 'test'
		});
	});

	it('raise nothing for a posting that is rolled back', async () => {
		const id = await household(1);
		await expect(
			inTransaction(database.db, async (tx) => {
				await postLedgerEntry(tx, demo, posting(id, 100_000));
				throw new Error('the program record failed');
			})
		).rejects.toThrow('the program record failed');
		expect(await warningsOf(id)).toEqual([]);
	});

	it('raise one open warning of a kind from 20 postings at the same moment', async () => {
		const id = await household(3);
		await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				inTransaction(database.db, (tx) => postLedgerEntry(tx, demo, posting(id, 10_000 + i)))
			)
		);
		const open = (await warningsOf(id)).filter((w) => w.status === 'open');
		expect(open.map((w) => w.kind)).toEqual(['income_below_line']);
	});

	it('raise near the line at the line and not above the margin', async () => {
		const atLine = await household(1);
		await post(atLine, LINE);
		expect(await kindsOf(atLine)).toEqual(['income_near_line']);
		const aboveMargin = await household(1);
		await post(aboveMargin, (LINE * 110) / 100);
		expect(await kindsOf(aboveMargin)).toEqual([]);
	});

	it('leave warnings open when a reversal brings the income back (people close them)', async () => {
		const id = await household(1);
		await post(id, 1_200_000, { kind: 'operating', subtype: 'sheep' });
		const cost = await post(id, 800_000, { kind: 'production_cost', subtype: 'feed' });
		expect(await kindsOf(id)).toEqual(['income_below_line']);
		await inTransaction(database.db, (tx) => reverseLedgerEntry(tx, demo, countyId, cost.id));
		const [warning] = await warningsOf(id);
		expect(warning.status).toBe('open');
		expect(await kindsOf(id)).toEqual(['income_below_line']);
	});

	it('do not raise a closed warning again for the same year', async () => {
		const id = await household(1);
		await post(id, 100_000);
		expect(await kindsOf(id)).toEqual(['income_below_line']);
		await closeAll(id);
		await post(id, 100_000);
		expect((await warningsOf(id)).length).toBe(1);
	});

	it('see the corrected ledger, not the moment between a reversal and its re-posting', async () => {
		const id = await household(1);
		const [first] = await inTransaction(database.db, async (tx) => [
			await postLedgerEntry(
				tx,
				demo,
				posting(id, 900_000, { businessDate: addDaysTo(TODAY, -300) })
			)
		]);
		expect(await kindsOf(id)).toEqual([]);
		// A correction of 9,000 to 8,900 yuan: without the reposting, the household has nothing.
		await inTransaction(database.db, async (tx) => {
			await reverseLedgerEntry(tx, demo, countyId, first.id);
			await postLedgerEntry(
				tx,
				demo,
				posting(id, 890_000, { businessDate: addDaysTo(TODAY, -300) })
			);
		});
		expect(await kindsOf(id)).toEqual([]);
	});

	it('raise a large expense against the 12 months before it, once per expense', async () => {
		const id = await household(2);
		// 40,000 yuan of wages (20,000 per person: far above the line), then 20,000 of medical bills.
		await post(id, 4_000_000, { businessDate: BACKGROUND });
		await post(id, 1_999_999, {
			kind: 'large_expense',
			subtype: 'medical',
			businessDate: addDaysTo(TODAY, -100)
		});
		expect(await kindsOf(id)).toEqual([]);
		const expense = await post(id, 2_000_000, {
			kind: 'large_expense',
			subtype: 'medical',
			businessDate: addDaysTo(TODAY, -10)
		});
		const [warning] = await warningsOf(id);
		expect(warning.kind).toBe('large_expense');
		expect(warning.evidence).toMatchObject({
			entryId: expense.id,
			amountFen: 2_000_000,
			annualNetFen: 4_000_000,
			sharePct: 50,
			thresholdPct: 50
		});
		await closeAll(id);
		await post(id, 10_000);
		expect((await warningsOf(id)).length).toBe(1);
	});

	it('run once per batch, for every household the batch posted to', async () => {
		const poor = await household(2);
		const fine = await household(1);
		const near = await household(1);
		await inTransaction(database.db, (tx) =>
			postLedgerEntries(tx, demo, [
				posting(poor, 100_000),
				posting(poor, 100_000),
				posting(fine, 2_000_000),
				posting(near, 800_000)
			])
		);
		expect(await kindsOf(poor)).toEqual(['income_below_line']);
		expect(await kindsOf(fine)).toEqual([]);
		expect(await kindsOf(near)).toEqual(['income_near_line']);
	});
});

describe('a factory wage sheet', () => {
	it('corrected to zero for a worker raises the income-drop warning for the household', async () => {
		const id = await household(3);
		const owner = await addOwnerFactory(id);
		// A property dividend 11 months ago keeps the household above the line all along.
		await post(id, 3_000_000, {
			kind: 'property',
			subtype: 'pv_dividend',
			businessDate: addDaysTo(TODAY, -330)
		});
		// Six months of 3,000 yuan wages, the latest month first (so no month ever looks like a drop).
		const months = dropMonths(TODAY);
		for (const month of [...months].reverse())
			await saveWageSheet(
				database.db,
				owner.actor,
				owner.factoryId,
				{ month, lines: [{ jobId: owner.jobId, amount: '3000' }] },
				TODAY
			);
		expect(await kindsOf(id)).toEqual([]);

		// The owner corrects the latest full month: the worker earned nothing.
		await saveWageSheet(
			database.db,
			owner.actor,
			owner.factoryId,
			{ month: latestFullMonth(TODAY), lines: [{ jobId: owner.jobId, amount: '0' }] },
			TODAY
		);
		const [warning, ...others] = await warningsOf(id);
		expect(others).toEqual([]);
		expect(warning.kind).toBe('income_drop');
		expect(warning.evidence).toMatchObject({
			earlierFen: 900_000,
			recentFen: 600_000,
			dropPct: 33,
			recentTo: latestFullMonth(TODAY),
			thresholdPct: 30
		});
	});
});

/** A factory in the township with an owner account and an open job of the household's head. */
async function addOwnerFactory(householdId: string) {
	const factoryId = newId();
	await database.db.insert(factories).values({
		countyId,
		id: factoryId,
		name: `规则测试微工厂${factoryId.slice(-6)}`,
		villageCode: VILLAGE,
		floorAreaM2: 1000,
		enterpriseName: '魏县测试箱包有限公司',
		status: 'operating',
		openedOn: '2020-05-01'
	});
	const admin = (await actorFor(database.db, world.userIds.admin)).user;
	await addFactoryOwner(database.db, admin, factoryId, world.userIds.owner);
	const [head] = await database.db
		.select()
		.from(members)
		.where(eq(members.householdId, householdId));
	const jobId = newId();
	await database.db.insert(factoryJobs).values({
		countyId,
		id: jobId,
		factoryId,
		memberId: head.id,
		householdId,
		workerName: head.name,
		workerIdNumber: head.idNumber,
		jobTitle: '缝纫工',
		payBasis: 'monthly',
		startedOn: '2024-03-01'
	});
	const actor: UserActor = (await actorFor(database.db, world.userIds.owner)).user;
	return { factoryId, jobId, actor, head };
}

async function endedJob(householdId: string, endedOn: string, factoryId: string) {
	const [head] = await database.db
		.select()
		.from(members)
		.where(eq(members.householdId, householdId));
	const jobId = newId();
	await database.db.insert(factoryJobs).values({
		countyId,
		id: jobId,
		factoryId,
		memberId: head.id,
		householdId,
		workerName: head.name,
		workerIdNumber: head.idNumber,
		jobTitle: '包装工',
		payBasis: 'monthly',
		startedOn: '2025-01-01',
		endedOn
	});
	return jobId;
}

describe('the nightly rules', () => {
	it('raise the time rules nobody posts for: a job gap, a season without picking', async () => {
		const jobless = await household(2);
		const rehired = await household(2);
		const picker = await household(2);
		// Enough income to be above the line, so only the time rules speak.
		for (const id of [jobless, rehired, picker])
			await post(id, 4_000_000, { businessDate: BACKGROUND });
		const { factoryId } = await addOwnerFactory(await household(1));
		const jobId = await endedJob(jobless, addDaysTo(TODAY, -30), factoryId);
		await endedJob(rehired, addDaysTo(TODAY, -40), factoryId);
		await database.db.insert(factoryJobs).values({
			countyId,
			id: newId(),
			factoryId,
			householdId: rehired,
			workerName: '再就业',
			workerIdNumber: identityNumber('19920202'),
			jobTitle: '质检员',
			payBasis: 'monthly',
			startedOn: addDaysTo(TODAY, -5)
		});
		await pickingSeasons(picker);
		// A posting does not run the time rules.
		await post(jobless, 100);
		expect(await kindsOf(jobless)).toEqual([]);

		const result = await runNightlyJob(database.db, rulesJob, countyId, TODAY);
		expect(result).toBe('ran');
		const [jobWarning] = await warningsOf(jobless);
		expect(jobWarning).toMatchObject({ kind: 'job_ended', ruleKey: `job:${jobId}` });
		expect(jobWarning.evidence).toMatchObject({
			daysWithoutJob: 30,
			gapDays: 30,
			endedOn: addDaysTo(TODAY, -30)
		});
		expect(await kindsOf(rehired)).toEqual([]);
		expect(await kindsOf(picker)).toEqual(['picking_stopped']);
		const [run] = await lastNightlyRuns(database.db, countyId);
		expect(run).toMatchObject({ job: 'rules', businessDate: TODAY, error: null });
		expect(run.counts?.job_ended).toBeGreaterThanOrEqual(1);
		expect(run.counts?.households).toBeGreaterThanOrEqual(5);

		// Closed by people, the same job is not raised again the next night.
		await closeAll(jobless);
		await runNightlyJob(database.db, rulesJob, countyId, addDaysTo(TODAY, 1));
		expect((await warningsOf(jobless)).length).toBe(1);
	});

	it('raise an income drop that no posting showed: the months moved on', async () => {
		const id = await household(2);
		// Wages of the three earlier months, written as they were months ago (no rules then).
		const [first, second, third] = dropMonths(TODAY);
		const rows = [first, second, third].map((month) => ({
			countyId,
			id: newId(),
			householdId: id,
			businessDate: `${month}-28`,
			amountFen: 300_000,
			kind: 'wage' as const,
			subtype: 'factory_wage',
			source: 'manual' as const
		}));
		await inTransaction(database.db, async (tx) => {
			await tx.insert(ledgerEntries).values(rows);
			await addToIncomeMonths(
				tx,
				rows.map((r) => ({ ...r, entries: 1 }))
			);
		});
		expect(await kindsOf(id)).toEqual([]);
		await runRulesForCounty(database.db, countyId, TODAY);
		const drop = (await warningsOf(id)).find((w) => w.kind === 'income_drop');
		expect(drop?.evidence).toMatchObject({ earlierFen: 900_000, recentFen: 0, dropPct: 100 });
	});

	it('go through every household of the county in batches', async () => {
		const [{ n }] = await database.db
			.select({ n: count() })
			.from(households)
			.where(eq(households.countyId, countyId));
		const counts = await runRulesForCounty(database.db, countyId, TODAY, undefined, 3);
		expect(counts.households).toBe(n);
		// Everything was raised the first time: a second pass the same day raises nothing.
		expect(counts.raised).toBe(0);
		// A household with nothing on record has no income on record, not no income.
		expect(await kindsOf(world.households.inScope)).toEqual([]);
	});

	it('run a job once per day, even when two servers try at the same moment', async () => {
		const calls: string[] = [];
		const job: NightlyJob = {
			name: 'count-once',
			run: async (_db, county, date) => {
				calls.push(`${county}:${date}`);
				return { done: 1 };
			}
		};
		const now = chinaTime('2031-03-03', 3);
		const [a, b] = await Promise.all([
			runDueNightlyJobs(database.db, { now, jobs: [job] }),
			runDueNightlyJobs(database.db, { now, jobs: [job] })
		]);
		const results = [...a, ...b].map((r) => r.result).sort();
		// Two counties in the world: each ran once, the other server found them done.
		expect(results).toEqual(['already', 'already', 'ran', 'ran']);
		expect(calls.sort()).toEqual(
			[`${world.countyA.id}:2031-03-03`, `${world.countyB.id}:2031-03-03`].sort()
		);
		expect(
			(await runDueNightlyJobs(database.db, { now: chinaTime('2031-03-03', 23), jobs: [job] })).map(
				(r) => r.result
			)
		).toEqual(['already', 'already']);
	});

	it('count the night from 02:00 China time', () => {
		expect(dueBusinessDate(chinaTime('2031-03-03', 1))).toBe('2031-03-02');
		expect(dueBusinessDate(chinaTime('2031-03-03', 2))).toBe('2031-03-03');
	});

	it('catch up the missed day at start-up, and not repeat it after a restart', async () => {
		const calls: string[] = [];
		const job: NightlyJob = {
			name: 'catch-up',
			run: async (_db, county, date) => {
				if (county === countyId) calls.push(date);
				return {};
			}
		};
		// The server ran on 4 March, then was down through the night of the 5th; it starts at 09:00.
		await runDueNightlyJobs(database.db, { now: chinaTime('2031-03-04', 3), jobs: [job] });
		const first = startNightly(database, {
			now: () => chinaTime('2031-03-05', 9),
			startDelayMs: 0,
			jobs: [job]
		});
		await vi.waitFor(() => expect(calls).toEqual(['2031-03-04', '2031-03-05']), { timeout: 5000 });
		await first.stop();
		// A restart the same day finds the day done.
		const second = startNightly(database, {
			now: () => chinaTime('2031-03-05', 11),
			startDelayMs: 60_000,
			jobs: [job]
		});
		await second.runNow();
		await second.stop();
		expect(calls).toEqual(['2031-03-04', '2031-03-05']);
		const rows = await database.db
			.select()
			.from(scheduledRuns)
			.where(and(eq(scheduledRuns.countyId, countyId), eq(scheduledRuns.job, 'catch-up')));
		expect(rows.map((r) => r.businessDate).sort()).toEqual(['2031-03-04', '2031-03-05']);
		expect(rows.every((r) => r.finishedAt !== null)).toBe(true);
	});

	it('take over a run whose server died, withdraw one stopped by a shutdown, record a failure', async () => {
		const job: NightlyJob = { name: 'crashy', run: async () => ({ done: 1 }) };
		const now = chinaTime('2031-04-01', 3);
		await database.db.insert(scheduledRuns).values({
			countyId,
			id: newId(),
			job: 'crashy',
			businessDate: '2031-04-01',
			startedAt: new Date(now.getTime() - 60 * 60 * 1000)
		});
		expect(await runNightlyJob(database.db, job, countyId, '2031-04-01', { now })).toBe('already');
		const later = new Date(now.getTime() + 3 * 60 * 60 * 1000);
		expect(await runNightlyJob(database.db, job, countyId, '2031-04-01', { now: later })).toBe(
			'ran'
		);

		const stopped = new AbortController();
		stopped.abort();
		expect(
			await runNightlyJob(database.db, rulesJob, countyId, '2031-04-02', { signal: stopped.signal })
		).toBe('stopped');
		expect(await runsOf('rules', '2031-04-02')).toEqual([]);

		const failing: NightlyJob = {
			name: 'failing',
			run: async () => {
				throw new Error('no database');
			}
		};
		expect(await runNightlyJob(database.db, failing, countyId, '2031-04-02')).toBe('failed');
		const [failed] = await runsOf('failing', '2031-04-02');
		expect(failed.error).toBe('no database');
		expect(failed.finishedAt).not.toBeNull();
		expect(new NightlyStopped().message).toContain('stopped');
	});
});

describe('an insurance claim', () => {
	it('raises one warning per claim, for the insurance domain', async () => {
		const id = await household(2);
		await post(id, 4_000_000, { businessDate: BACKGROUND });
		const claim = {
			countyId,
			householdId: id,
			claimId: newId(),
			eventDate: addDaysTo(TODAY, -3),
			amountFen: 2_200_000
		};
		const first = await inTransaction(database.db, (tx) =>
			raiseInsuranceClaimWarning(tx, demo, claim)
		);
		expect(first.raised).toBe(true);
		expect(first.warning?.evidence).toMatchObject({ claimId: claim.claimId, amountFen: 2_200_000 });
		const again = await inTransaction(database.db, (tx) =>
			raiseInsuranceClaimWarning(tx, demo, claim)
		);
		expect(again).toMatchObject({ raised: false, warning: { id: first.warning?.id } });
		await closeAll(id);
		expect((await raiseInsuranceClaimWarning(database.db, demo, claim)).raised).toBe(false);
		const other = await raiseInsuranceClaimWarning(database.db, demo, {
			...claim,
			claimId: newId()
		});
		expect(other.raised).toBe(true);
		expect((await warningsOf(id)).length).toBe(2);
	});
});

async function runsOf(job: string, businessDate: string) {
	return database.db
		.select()
		.from(scheduledRuns)
		.where(
			and(
				eq(scheduledRuns.countyId, countyId),
				eq(scheduledRuns.job, job),
				eq(scheduledRuns.businessDate, businessDate)
			)
		);
}

/**
 * Last year's and this year's seasons, with the household's head picking last season only.
 * This season began 60 days ago and lasts 151 days: a third of it (51 days) has passed.
 */
async function pickingSeasons(householdId: string): Promise<void> {
	const startsOn = addDaysTo(TODAY, -60);
	const endsOn = addDaysTo(TODAY, 90);
	const thisYear = Number(startsOn.slice(0, 4));
	const thisId = newId();
	const lastId = newId();
	await database.db.insert(plantingSeasons).values([
		{
			countyId,
			id: lastId,
			year: thisYear - 1,
			startsOn: addDaysTo(startsOn, -365),
			endsOn: addDaysTo(endsOn, -365)
		},
		{ countyId, id: thisId, year: thisYear, startsOn, endsOn }
	]);
	const stationId = newId();
	await database.db
		.insert(weighingStations)
		.values({ countyId, id: stationId, name: '规则测试收购点', villageCode: VILLAGE });
	const [head] = await database.db
		.select()
		.from(members)
		.where(eq(members.householdId, householdId));
	await database.db.insert(pickingEntries).values({
		countyId,
		id: newId(),
		seasonId: lastId,
		stationId,
		pickedOn: addDaysTo(startsOn, -340),
		memberId: head.id,
		householdId,
		pickerName: head.name,
		weightGrams: 30_000,
		rateFenPerKg: 100,
		amountFen: 3_000
	});
}
