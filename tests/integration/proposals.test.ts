import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, type Database, type Db } from '../../src/lib/server/db';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { systemActor } from '../../src/lib/server/auth/actor';
import { listAudit } from '../../src/lib/server/audit';
import { DomainError } from '../../src/lib/server/errors';
import { members } from '../../src/lib/server/households/schema';
import { postLedgerEntries, postLedgerEntry, type Posting } from '../../src/lib/server/income';
import { householdStandings } from '../../src/lib/server/income/schema';
import {
	ensureCountyOptions,
	getMonitoring,
	writeMonitoringRecord
} from '../../src/lib/server/monitoring';
import {
	eliminationCandidates,
	getProposal,
	identificationCandidates,
	monthEndsBefore,
	proposeHousehold,
	recordProposalStep,
	type StepInput
} from '../../src/lib/server/monitoring/proposals';
import { monitoringProposals } from '../../src/lib/server/monitoring/schema';
import { setMonitoringLine } from '../../src/lib/server/settings';
import { countySettings } from '../../src/lib/server/settings/schema';
import { raiseWarning } from '../../src/lib/server/warnings';
import { warnings } from '../../src/lib/server/warnings/schema';
import { actorFor, buildWorld, createHousehold, type World } from './fixtures';
import { freshDatabase } from './helpers';

const TODAY = '2026-11-15';
const VILLAGE_IN = '130434108068';
const VILLAGE_OUT = '130434205213';
const LINE = 700_000; // 7,000 yuan per person per year
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
	for (const year of [2025, 2026]) await setMonitoringLine(db, world.countyA.id, year, LINE);
	admin = (await actorFor(db, world.userIds.admin)).user;
	staff = (await actorFor(db, world.userIds.staffIn)).user;
	staffOut = (await actorFor(db, world.userIds.staffOut)).user;
});
afterAll(async () => {
	await database.close();
});

async function issueKeys(work: Promise<unknown>): Promise<string[]> {
	try {
		await work;
	} catch (caught) {
		if (caught instanceof DomainError) return caught.issues.map((i) => `${i.field}:${i.key}`);
		throw caught;
	}
	return [];
}

/** A standing as the account work will keep it: written directly for the fixtures. */
async function setStanding(
	householdId: string,
	standing: {
		perCapitaFen: number;
		belowLine: boolean;
		nearLine?: boolean;
		largeExpenseFen?: number;
	}
) {
	await db.insert(householdStandings).values({
		countyId: world.countyA.id,
		householdId,
		evaluatedOn: TODAY,
		netFen: standing.perCapitaFen,
		residents: 1,
		perCapitaFen: standing.perCapitaFen,
		lineFen: LINE,
		belowLine: standing.belowLine,
		nearLine: standing.nearLine ?? false,
		largeExpenseFen: standing.largeExpenseFen ?? 0,
		reason: 'test'
	});
}

async function monitoredHousehold(village = VILLAGE_IN): Promise<string> {
	const id = await createHousehold(db, world.countyA.id, village);
	await writeMonitoringRecord(db, systemActor('test'), world.countyA.id, id, {
		category: 'marginal',
		status: 'monitored',
		monitoredSince: '2025-03-01',
		risks: ['illness']
	});
	return id;
}

/**
 * Wage income of `fen` on the 15th of each month from `from` (YYYY-MM) to October 2026,
 * posted as one batch, as an import brings a household's history: the monitoring rules then
 * judge the whole history, not each month as if it were the only one.
 */
async function monthlyIncome(
	householdId: string,
	from: string,
	fen: number,
	kind: 'wage' | 'transfer' = 'wage'
) {
	const postings: Posting[] = [];
	for (let month = from; month <= '2026-10';) {
		postings.push({
			countyId: world.countyA.id,
			householdId,
			businessDate: `${month}-15`,
			amountFen: fen,
			kind,
			subtype: kind === 'wage' ? 'public_welfare_job' : 'dibao',
			source: 'manual'
		});
		const [y, m] = month.split('-').map(Number);
		month = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
	}
	await inTransaction(db, (tx) => postLedgerEntries(tx, systemActor('test'), postings));
}

describe('identification candidates', () => {
	it('lists households not monitored below the line, or near it with a large expense', async () => {
		const below = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		const nearWithExpense = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		const nearNoExpense = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		const above = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		const monitoredBelow = await monitoredHousehold();
		const otherTownship = await createHousehold(db, world.countyA.id, VILLAGE_OUT);
		await setStanding(below, { perCapitaFen: 500_000, belowLine: true });
		await setStanding(nearWithExpense, {
			perCapitaFen: 720_000,
			belowLine: false,
			nearLine: true,
			largeExpenseFen: 5_759_350
		});
		await setStanding(nearNoExpense, { perCapitaFen: 720_000, belowLine: false, nearLine: true });
		await setStanding(above, { perCapitaFen: 1_500_000, belowLine: false });
		await setStanding(monitoredBelow, { perCapitaFen: 300_000, belowLine: true });
		await setStanding(otherTownship, { perCapitaFen: 300_000, belowLine: true });

		const forStaff = (await identificationCandidates(db, staff)).map((c) => c.householdId);
		expect(forStaff).toContain(below);
		expect(forStaff).toContain(nearWithExpense);
		expect(forStaff).not.toContain(nearNoExpense);
		expect(forStaff).not.toContain(above);
		expect(forStaff).not.toContain(monitoredBelow);
		expect(forStaff).not.toContain(otherTownship);
		expect((await identificationCandidates(db, admin)).map((c) => c.householdId)).toContain(
			otherTownship
		);

		// Once proposed, it leaves the candidate list.
		await proposeHousehold(
			db,
			staff,
			{ kind: 'identify', householdId: below, category: 'marginal', risks: ['illness'] },
			TODAY
		);
		expect((await identificationCandidates(db, staff)).map((c) => c.householdId)).not.toContain(
			below
		);
	});
});

describe('elimination candidates', () => {
	it('month-ends are the last days of the whole months before today', () => {
		expect(monthEndsBefore('2026-11-15', 3)).toEqual(['2026-10-31', '2026-09-30', '2026-08-31']);
		expect(monthEndsBefore('2026-03-01', 2)).toEqual(['2026-02-28', '2026-01-31']);
	});

	it('N months above the line: a candidate; N − 1: not; open warning: not; no labour on transfers: not', async () => {
		const stable = await monitoredHousehold();
		await monthlyIncome(stable, '2025-06', 100_000);
		// Above the line only from June 2026: five month-ends of six.
		const fiveMonths = await monitoredHousehold();
		await postLedgerEntry(db, systemActor('test'), {
			countyId: world.countyA.id,
			householdId: fiveMonths,
			businessDate: '2026-06-15',
			amountFen: 800_000,
			kind: 'wage',
			subtype: 'public_welfare_job',
			source: 'manual'
		});
		// One payment and nothing since raises an income-drop warning; staff dismissed it.
		await db
			.update(warnings)
			.set({ status: 'closed', decision: 'dismiss', closedOn: '2026-11-20' })
			.where(eq(warnings.householdId, fiveMonths));
		const warned = await monitoredHousehold();
		await monthlyIncome(warned, '2025-06', 100_000);
		await raiseWarning(db, systemActor('test'), {
			countyId: world.countyA.id,
			householdId: warned,
			kind: 'staff',
			source: 'person',
			raisedOn: '2026-11-01'
		});
		const noLabour = await monitoredHousehold();
		await db
			.update(members)
			.set({ labourCapacity: 'none' })
			.where(eq(members.householdId, noLabour));
		await monthlyIncome(noLabour, '2025-06', 100_000, 'transfer');
		const expense = await monitoredHousehold();
		await monthlyIncome(expense, '2025-06', 100_000);
		await postLedgerEntry(db, systemActor('test'), {
			countyId: world.countyA.id,
			householdId: expense,
			businessDate: '2026-07-02',
			amountFen: 3_000_000,
			kind: 'large_expense',
			subtype: 'medical',
			source: 'manual'
		});

		const found = (await eliminationCandidates(db, staff, TODAY)).map((c) => c.householdId);
		expect(found).toContain(stable);
		expect(found).not.toContain(fiveMonths);
		expect(found).not.toContain(warned);
		expect(found).not.toContain(noLabour);
		expect(found).not.toContain(expense);

		// The county's setting decides N: at five months the second household qualifies.
		await db
			.insert(countySettings)
			.values({ countyId: world.countyA.id, eliminationStableMonths: 5 })
			.onConflictDoUpdate({
				target: countySettings.countyId,
				set: { eliminationStableMonths: 5 }
			});
		try {
			expect((await eliminationCandidates(db, staff, TODAY)).map((c) => c.householdId)).toContain(
				fiveMonths
			);
		} finally {
			await db.delete(countySettings).where(eq(countySettings.countyId, world.countyA.id));
		}

		expect(
			await issueKeys(
				proposeHousehold(
					db,
					staff,
					{ kind: 'eliminate', householdId: noLabour, eliminationMethod: '自然消除' },
					TODAY
				)
			)
		).toEqual(['householdId:proposals_error_no_labour_transfers']);
		expect(
			await issueKeys(
				proposeHousehold(
					db,
					staff,
					{ kind: 'eliminate', householdId: warned, eliminationMethod: '帮扶消除' },
					TODAY
				)
			)
		).toEqual(['householdId:proposals_error_open_warning']);
		expect(
			await issueKeys(
				proposeHousehold(
					db,
					staff,
					{ kind: 'eliminate', householdId: fiveMonths, eliminationMethod: '帮扶消除' },
					TODAY
				)
			)
		).toEqual(['householdId:proposals_error_not_stable']);
		expect(
			await issueKeys(
				proposeHousehold(
					db,
					staff,
					{ kind: 'eliminate', householdId: expense, eliminationMethod: '帮扶消除' },
					TODAY
				)
			)
			// The expense also raised a large-expense warning, still open: both are said.
		).toContain('householdId:proposals_error_expense_unresolved');
	});
});

async function walk(
	actor: UserActor,
	id: string,
	steps: [Parameters<typeof recordProposalStep>[3], StepInput][]
) {
	for (const [step, input] of steps) await recordProposalStep(db, actor, id, step, input, TODAY);
}

describe('the review steps', () => {
	it('identification: in order, with a long enough notice, approved by the county only', async () => {
		const household = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		await setStanding(household, { perCapitaFen: 400_000, belowLine: true });
		expect(
			await issueKeys(
				proposeHousehold(
					db,
					staff,
					{ kind: 'identify', householdId: household, category: 'ordinary', risks: [] },
					TODAY
				)
			)
		).toEqual(['category:proposals_error_category', 'risks:proposals_error_no_risk']);
		const id = await proposeHousehold(
			db,
			staff,
			{
				kind: 'identify',
				householdId: household,
				category: 'sudden',
				risks: ['illness', 'accident'],
				proposedOn: '2026-10-20'
			},
			TODAY
		);
		// A second open proposal of the same kind is refused.
		expect(
			await issueKeys(
				proposeHousehold(
					db,
					staff,
					{ kind: 'identify', householdId: household, category: 'sudden', risks: ['illness'] },
					TODAY
				)
			)
		).toEqual(['householdId:proposals_error_already_open']);
		// Out of order: the village review before home verification.
		expect(
			await issueKeys(
				recordProposalStep(
					db,
					staff,
					id,
					'village_review',
					{ happenedOn: '2026-10-22', noticeFrom: '2026-10-22', noticeUntil: '2026-10-28' },
					TODAY
				)
			)
		).toEqual([':proposals_error_out_of_order']);
		// Verification needs findings, and cannot precede the proposal.
		expect(
			await issueKeys(
				recordProposalStep(db, staff, id, 'verified', { happenedOn: '2026-10-19' }, TODAY)
			)
		).toEqual(['happenedOn:proposals_error_before_previous', 'findings:proposals_error_findings']);
		await recordProposalStep(
			db,
			staff,
			id,
			'verified',
			{ happenedOn: '2026-10-21', byName: '网格员 李红', findings: '丈夫住院三个月，妻子务农' },
			TODAY
		);
		// Four days of notice is short of the county's five.
		expect(
			await issueKeys(
				recordProposalStep(
					db,
					staff,
					id,
					'village_review',
					{ happenedOn: '2026-10-23', noticeFrom: '2026-10-23', noticeUntil: '2026-10-27' },
					TODAY
				)
			)
		).toEqual(['noticeUntil:proposals_error_notice_short']);
		await recordProposalStep(
			db,
			staff,
			id,
			'village_review',
			{
				happenedOn: '2026-10-23',
				byName: '村两委',
				noticeFrom: '2026-10-23',
				noticeUntil: '2026-10-28'
			},
			TODAY
		);
		// The township review waits until the notice has ended.
		expect(
			await issueKeys(
				recordProposalStep(db, staff, id, 'township_review', { happenedOn: '2026-10-28' }, TODAY)
			)
		).toEqual(['happenedOn:proposals_error_notice_running']);
		await recordProposalStep(
			db,
			staff,
			id,
			'township_review',
			{ happenedOn: '2026-10-29', byName: '东代固镇 王主任' },
			TODAY
		);
		// Township staff cannot approve: the county decides.
		await expect(
			recordProposalStep(db, staff, id, 'approved', { happenedOn: '2026-11-02' }, TODAY)
		).rejects.toMatchObject({ code: 'not_found' });
		expect(
			await issueKeys(
				recordProposalStep(
					db,
					staff,
					id,
					'rejected',
					{ happenedOn: '2026-11-02', reason: 'x' },
					TODAY
				)
			)
		).toEqual([':proposals_error_county_decides']);
		await recordProposalStep(
			db,
			admin,
			id,
			'approved',
			{ happenedOn: '2026-11-03', byName: '县防返贫办' },
			TODAY
		);

		const monitoring = await getMonitoring(db, world.countyA.id, household);
		expect(monitoring.status).toBe('monitored');
		expect(monitoring.category).toBe('sudden');
		expect(monitoring.risks.sort()).toEqual(['accident', 'illness']);
		expect(monitoring.monitoredSince).toBe('2026-11-03');
		expect(monitoring.history[0]).toMatchObject({
			happenedOn: '2026-11-03',
			status: 'monitored',
			category: 'sudden'
		});
		const view = await getProposal(db, admin, id, TODAY);
		expect(view.proposal.status).toBe('approved');
		expect(view.nextStep).toBeNull();
		expect(view.steps.map((s) => [s.step, s.happenedOn, s.byName])).toEqual([
			['proposed', '2026-10-20', staff.label],
			['verified', '2026-10-21', '网格员 李红'],
			['village_review', '2026-10-23', '村两委'],
			['township_review', '2026-10-29', '东代固镇 王主任'],
			['approved', '2026-11-03', '县防返贫办']
		]);
		const audit = await listAudit(db, world.countyA.id, {
			entity: 'household',
			entityId: household
		});
		expect(audit.map((r) => r.action)).toEqual(
			expect.arrayContaining([
				'proposal.identify',
				'proposal.verified',
				'proposal.village_review',
				'proposal.township_review',
				'proposal.approved'
			])
		);
		// Decided: no further step.
		expect(
			await issueKeys(
				recordProposalStep(
					db,
					admin,
					id,
					'rejected',
					{ happenedOn: '2026-11-04', reason: '重复' },
					TODAY
				)
			)
		).toEqual([':proposals_error_decided']);
	});

	it('elimination: approval sets the status, keeps the record; an open warning stops every step', async () => {
		const household = await monitoredHousehold();
		await monthlyIncome(household, '2025-06', 100_000);
		const id = await proposeHousehold(
			db,
			staff,
			{
				kind: 'eliminate',
				householdId: household,
				eliminationMethod: '帮扶消除',
				proposedOn: '2026-11-02'
			},
			TODAY
		);
		await walk(staff, id, [
			['verified', { happenedOn: '2026-11-03', findings: '女儿在微工厂上班，收入稳定' }],
			[
				'village_review',
				{ happenedOn: '2026-11-04', noticeFrom: '2026-11-04', noticeUntil: '2026-11-09' }
			]
		]);
		const { warning } = await raiseWarning(db, systemActor('test'), {
			countyId: world.countyA.id,
			householdId: household,
			kind: 'visit',
			source: 'person',
			raisedOn: '2026-11-10'
		});
		expect(
			await issueKeys(
				recordProposalStep(db, staff, id, 'township_review', { happenedOn: '2026-11-10' }, TODAY)
			)
		).toEqual([':proposals_error_open_warning']);
		await db
			.update(warnings)
			.set({ status: 'closed', closedOn: '2026-11-11' })
			.where(eq(warnings.id, warning.id));
		await recordProposalStep(db, staff, id, 'township_review', { happenedOn: '2026-11-11' }, TODAY);
		// A new warning between the township review and approval: re-checked at approval.
		const second = await raiseWarning(db, systemActor('test'), {
			countyId: world.countyA.id,
			householdId: household,
			kind: 'staff',
			source: 'person',
			raisedOn: '2026-11-12'
		});
		expect(
			await issueKeys(
				recordProposalStep(db, admin, id, 'approved', { happenedOn: '2026-11-13' }, TODAY)
			)
		).toEqual([':proposals_error_open_warning']);
		expect((await getMonitoring(db, world.countyA.id, household)).status).toBe('monitored');
		await db
			.update(warnings)
			.set({ status: 'closed', closedOn: '2026-11-13' })
			.where(eq(warnings.id, second.warning.id));
		await recordProposalStep(db, admin, id, 'approved', { happenedOn: '2026-11-14' }, TODAY);
		const monitoring = await getMonitoring(db, world.countyA.id, household);
		expect(monitoring).toMatchObject({
			status: 'eliminated',
			eliminatedOn: '2026-11-14',
			eliminationMethod: '帮扶消除',
			category: 'marginal',
			monitoredSince: '2025-03-01'
		});
		expect(monitoring.risks).toEqual(['illness']);
		expect(monitoring.history.map((h) => [h.happenedOn, h.status])).toEqual([
			['2026-11-14', 'eliminated'],
			['2025-03-01', 'monitored']
		]);
	});

	it('rejects at any step with a reason; another can be proposed afterwards', async () => {
		const household = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		const propose = () =>
			proposeHousehold(
				db,
				staff,
				{ kind: 'identify', householdId: household, category: 'marginal', risks: ['disaster'] },
				TODAY
			);
		const id = await propose();
		await recordProposalStep(
			db,
			staff,
			id,
			'verified',
			{ happenedOn: TODAY, findings: '房屋受损' },
			TODAY
		);
		expect(
			await issueKeys(recordProposalStep(db, staff, id, 'rejected', { happenedOn: TODAY }, TODAY))
		).toEqual(['reason:proposals_error_reason']);
		await recordProposalStep(
			db,
			staff,
			id,
			'rejected',
			{ happenedOn: TODAY, reason: '核实后收入高于监测线' },
			TODAY
		);
		const [row] = await db
			.select()
			.from(monitoringProposals)
			.where(
				and(eq(monitoringProposals.countyId, world.countyA.id), eq(monitoringProposals.id, id))
			);
		expect(row).toMatchObject({ status: 'rejected', rejectionReason: '核实后收入高于监测线' });
		expect((await getMonitoring(db, world.countyA.id, household)).status).toBe('not_monitored');
		expect(await propose()).not.toBe(id);
	});

	it('a proposal outside the staff member’s townships is not found', async () => {
		const household = await createHousehold(db, world.countyA.id, VILLAGE_IN);
		const id = await proposeHousehold(
			db,
			admin,
			{ kind: 'identify', householdId: household, category: 'marginal', risks: ['illness'] },
			TODAY
		);
		await expect(getProposal(db, staffOut, id, TODAY)).rejects.toMatchObject({
			code: 'not_found'
		});
		await expect(
			recordProposalStep(db, staffOut, id, 'verified', { happenedOn: TODAY, findings: 'x' }, TODAY)
		).rejects.toMatchObject({ code: 'not_found' });
		await expect(
			proposeHousehold(
				db,
				staffOut,
				{ kind: 'identify', householdId: household, category: 'marginal', risks: ['illness'] },
				TODAY
			)
		).rejects.toMatchObject({ code: 'not_found' });
	});
});
