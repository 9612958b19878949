import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { userVillages } from '../../src/lib/server/auth/schema';
import { DomainError } from '../../src/lib/server/errors';
import { members } from '../../src/lib/server/households/schema';
import { incomeBetween } from '../../src/lib/server/income';
import { ledgerEntries } from '../../src/lib/server/income/schema';
import {
	carryOverSurplus,
	claimablePolicies,
	createScheme,
	decideClaim,
	enrol,
	enrolmentCandidates,
	exportPolicies,
	fundView,
	getClaim,
	householdInsurance,
	investigateClaim,
	listClaims,
	listSchemes,
	payClaim,
	reportClaim,
	topUpFund,
	updateRule,
	type Scheme,
	type SchemeInput
} from '../../src/lib/server/insurance';
import { insuranceClaims, insuranceFundEntries } from '../../src/lib/server/insurance/schema';
import { setMonitoringLine } from '../../src/lib/server/settings';
import { warnings } from '../../src/lib/server/warnings/schema';
import { getLocale, overwriteGetLocale } from '../../src/lib/paraglide/runtime';
import {
	actorFor,
	addPlantingWorld,
	buildWorld,
	createHousehold,
	createUser,
	type World
} from './fixtures';
import { expectedDriver, freshDatabase } from './helpers';

const TODAY = '2026-06-15';
const VILLAGE = '130434108068';

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
	const gridId = await createUser(database.db, world.countyA.id, 'grid_member', {
		username: 'grid-insurance'
	});
	await database.db.insert(userVillages).values({ userId: gridId, villageCode: VILLAGE });
	grid = (await actorFor(database.db, gridId)).user;
	await setMonitoringLine(database.db, world.countyA.id, 2026, 750_000);
}, 120_000);
afterAll(async () => {
	await database?.close();
});

/** The issue of a refused call: its code and first field/key. */
async function refusal(work: Promise<unknown>): Promise<string> {
	try {
		await work;
	} catch (caught) {
		if (caught instanceof DomainError)
			return `${caught.code}:${caught.issues.map((i) => `${i.field}=${i.key}`).join(',')}`;
		throw caught;
	}
	return 'accepted';
}

const ANTI_POVERTY: Omit<SchemeInput, 'year'> = {
	kind: 'anti_poverty',
	name: '防贫保',
	insurer: '中国人保魏县支公司',
	coverage: 'monitored_households',
	premium: '50',
	budget: '4000000',
	events: ['illness', 'accident', 'natural_disaster'],
	deductible: '5000',
	maximum: '100000',
	bands: '5000:60, 15000:70, 30000:80, 50000:90'
};

/** A new household in staff's village, enrolled under the scheme from `coverFrom`. */
async function enrolledHousehold(s: Scheme, coverFrom = '2026-01-01') {
	const householdId = await createHousehold(database.db, world.countyA.id, VILLAGE, '方秀兰');
	await enrol(database.db, staff, s.id, { keys: [`household:${householdId}`], coverFrom }, TODAY);
	const [policy] = await claimablePolicies(database.db, staff, householdId);
	return { householdId, policyId: policy.id };
}

const LOOKS = {
	housing: { choice: 'poor', note: '土坯房，屋顶漏雨' },
	largeItems: { choice: 'poor', note: '无车辆农机' },
	furniture: { choice: 'ordinary', note: '旧电视一台' },
	children: { choice: 'ordinary', note: '一个孩子上初中' }
};

async function reported(s: Scheme, loss = '57593.50') {
	const { householdId, policyId } = await enrolledHousehold(s);
	const claim = await reportClaim(
		database.db,
		staff,
		{ householdId, policyId, eventType: 'illness', eventDate: '2026-05-17', loss },
		TODAY
	);
	return { householdId, policyId, claim };
}

async function approved(s: Scheme, loss = '57593.50') {
	const r = await reported(s, loss);
	await investigateClaim(database.db, staff, r.claim.id, { looks: LOOKS }, TODAY);
	const claim = await decideClaim(database.db, admin, r.claim.id, { decision: 'approve' }, TODAY);
	return { ...r, claim };
}

describe('schemes and rules', () => {
	it('creates a scheme per year and kind, refuses a second one and a broken rule', async () => {
		const s = await createScheme(database.db, admin, { ...ANTI_POVERTY, year: '2023' }, TODAY);
		expect(s.rule.bands).toHaveLength(4);
		expect(s.rule.maximumFen).toBe(10_000_000);
		expect(
			await refusal(
				createScheme(database.db, admin, { ...ANTI_POVERTY, year: String(s.year) }, TODAY)
			)
		).toBe('invalid:kind=insurance_error_scheme_exists');
		expect(
			await refusal(
				createScheme(
					database.db,
					admin,
					{ ...ANTI_POVERTY, year: '2019', bands: '5000:60, 4000:70' },
					TODAY
				)
			)
		).toContain('bands=insurance_error_band_order');
		expect(
			await refusal(createScheme(database.db, staff, { ...ANTI_POVERTY, year: '2019' }, TODAY))
		).toBe('not_found:=error_not_found');
	});
});

describe('claims: every transition, and the bad input the issue names', () => {
	let s: Scheme;
	beforeAll(async () => {
		s = await createScheme(database.db, admin, { ...ANTI_POVERTY, year: '2026' }, TODAY);
		// Enough money for every payout of this block.
		await topUpFund(
			database.db,
			admin,
			s.id,
			{ amount: '1000000', businessDate: TODAY, note: '县财政预拨' },
			TODAY
		);
	});

	it("reports → investigates (看四算一) → approves the rule's amount → pays into the ledger once", async () => {
		const r = await reported(s);
		expect(r.claim.status).toBe('reported');
		const [warning] = await database.db
			.select()
			.from(warnings)
			.where(and(eq(warnings.householdId, r.householdId), eq(warnings.kind, 'insurance_claim')));
		expect(warning.evidence).toMatchObject({ claimId: r.claim.id, amountFen: 5_759_350 });

		const investigated = await investigateClaim(
			database.db,
			staff,
			r.claim.id,
			{ looks: LOOKS },
			TODAY
		);
		expect(investigated.status).toBe('investigated');
		expect(investigated.investigation?.looks.housing).toEqual({
			choice: 'poor',
			note: '土坯房，屋顶漏雨'
		});
		expect(investigated.investigation?.lineFen).toBe(750_000);

		const decided = await decideClaim(
			database.db,
			admin,
			r.claim.id,
			{ decision: 'approve' },
			TODAY
		);
		expect(decided.status).toBe('approved');
		expect(decided.ruleAmountFen).toBe(3_933_415);
		expect(decided.approvedAmountFen).toBe(3_933_415);

		const before = await incomeBetween(
			database.db,
			world.countyA.id,
			r.householdId,
			'2026-01-01',
			'2026-12-31'
		);
		const paid = await payClaim(database.db, admin, r.claim.id, { paidOn: TODAY }, TODAY);
		expect(paid.status).toBe('paid');
		const after = await incomeBetween(
			database.db,
			world.countyA.id,
			r.householdId,
			'2026-01-01',
			'2026-12-31'
		);
		expect(after.totals.transfer - before.totals.transfer).toBe(3_933_415);
		const [entry] = await database.db
			.select()
			.from(ledgerEntries)
			.where(eq(ledgerEntries.sourceId, r.claim.id));
		expect(entry).toMatchObject({
			kind: 'transfer',
			subtype: 'insurance_payout',
			source: 'insurance'
		});

		const detail = await getClaim(database.db, admin, r.claim.id);
		expect(detail.steps.map((step) => [step.step, step.byLabel])).toEqual([
			['reported', staff.label],
			['investigated', staff.label],
			['approved', admin.label],
			['paid', admin.label]
		]);
		const mine = await householdInsurance(database.db, admin, r.householdId);
		expect(mine.claims).toEqual([
			expect.objectContaining({ id: r.claim.id, status: 'paid', paidAmountFen: 3_933_415 })
		]);
		expect(await refusal(payClaim(database.db, admin, r.claim.id, {}, TODAY))).toBe(
			'conflict:=insurance_error_already_paid'
		);
	});

	it('rejects with a reason, and nothing follows a rejection', async () => {
		const r = await reported(s, '6000');
		await investigateClaim(database.db, staff, r.claim.id, { looks: LOOKS }, TODAY);
		expect(
			await refusal(decideClaim(database.db, admin, r.claim.id, { decision: 'reject' }, TODAY))
		).toBe('invalid:reason=insurance_error_reason_reject');
		const rejected = await decideClaim(
			database.db,
			admin,
			r.claim.id,
			{ decision: 'reject', reason: '人均收入高于监测线，家庭条件较好' },
			TODAY
		);
		expect(rejected.status).toBe('rejected');
		expect(await refusal(payClaim(database.db, admin, r.claim.id, {}, TODAY))).toContain(
			'insurance_error_transition'
		);
		expect(
			await refusal(decideClaim(database.db, admin, r.claim.id, { decision: 'approve' }, TODAY))
		).toContain('insurance_error_transition');
	});

	it('refuses a decision without an investigation, and paying what is not approved', async () => {
		const r = await reported(s);
		expect(
			await refusal(decideClaim(database.db, admin, r.claim.id, { decision: 'approve' }, TODAY))
		).toBe('invalid:=insurance_error_not_investigated');
		expect(await refusal(payClaim(database.db, admin, r.claim.id, {}, TODAY))).toContain(
			'insurance_error_transition'
		);
		await investigateClaim(database.db, staff, r.claim.id, { looks: LOOKS }, TODAY);
		expect(
			await refusal(investigateClaim(database.db, staff, r.claim.id, { looks: LOOKS }, TODAY))
		).toContain('insurance_error_transition');
	});

	it("approves less than the rule only with a reason, never more than the rule's amount", async () => {
		const r = await reported(s);
		await investigateClaim(database.db, staff, r.claim.id, { looks: LOOKS }, TODAY);
		expect(
			await refusal(
				decideClaim(
					database.db,
					admin,
					r.claim.id,
					{ decision: 'approve', amount: '39334.16' },
					TODAY
				)
			)
		).toBe('invalid:amount=insurance_error_above_rule');
		expect(
			await refusal(
				decideClaim(database.db, admin, r.claim.id, { decision: 'approve', amount: '30000' }, TODAY)
			)
		).toBe('invalid:reason=insurance_error_reason_lower');
		const lower = await decideClaim(
			database.db,
			admin,
			r.claim.id,
			{ decision: 'approve', amount: '30000', reason: '部分费用已由大病保险报销' },
			TODAY
		);
		expect(lower.approvedAmountFen).toBe(3_000_000);
		expect(lower.ruleAmountFen).toBe(3_933_415);
	});

	it('refuses an event in the future, before the scheme year, before the cover, or not covered', async () => {
		const { householdId, policyId } = await enrolledHousehold(s, '2026-03-01');
		const report = (fields: Record<string, string>) =>
			refusal(
				reportClaim(
					database.db,
					staff,
					{
						householdId,
						policyId,
						eventType: 'illness',
						eventDate: '2026-05-01',
						loss: '9000',
						...fields
					},
					TODAY
				)
			);
		expect(await report({ eventDate: '2026-06-16' })).toBe(
			'invalid:eventDate=insurance_error_future'
		);
		expect(await report({ eventDate: '2025-12-31' })).toBe(
			'invalid:eventDate=insurance_error_outside_year'
		);
		expect(await report({ eventDate: '2026-02-28' })).toBe(
			'invalid:eventDate=insurance_error_not_insured'
		);
		expect(await report({ eventType: 'fire' })).toBe(
			'invalid:eventType=insurance_error_event_not_covered'
		);
		expect(await report({ loss: '12,5' })).toBe('invalid:loss=input_error_comma');
		const claims = await database.db
			.select()
			.from(insuranceClaims)
			.where(eq(insuranceClaims.householdId, householdId));
		expect(claims).toEqual([]);
	});

	it('lets a grid member report in their villages only, and not investigate', async () => {
		const { householdId, policyId } = await enrolledHousehold(s);
		const claim = await reportClaim(
			database.db,
			grid,
			{ householdId, policyId, eventType: 'accident', eventDate: '2026-06-01', loss: '7000' },
			TODAY
		);
		expect(claim.reportedBy).toBe(grid.userId);
		expect(
			await refusal(investigateClaim(database.db, grid, claim.id, { looks: LOOKS }, TODAY))
		).toBe('not_found:=error_not_found');
		const outside = await createHousehold(database.db, world.countyA.id, '130434205213');
		expect(await refusal(claimablePolicies(database.db, grid, outside))).toBe(
			'not_found:=error_not_found'
		);
		expect(await refusal(getClaim(database.db, staffOut, claim.id))).toBe(
			'not_found:=error_not_found'
		);
		const queue = await listClaims(database.db, grid, { status: 'reported' });
		expect(queue.claims.map((c) => c.id)).toContain(claim.id);
		const outQueue = await listClaims(database.db, staffOut, {});
		expect(outQueue.claims.map((c) => c.id)).not.toContain(claim.id);
	});

	it('takes a client-made id once: a retried report records one claim', async () => {
		const { householdId, policyId } = await enrolledHousehold(s);
		const { newId } = await import('../../src/lib/server/db/ids');
		const id = newId();
		const input = {
			id,
			householdId,
			policyId,
			eventType: 'illness',
			eventDate: '2026-04-01',
			loss: '8000'
		};
		await reportClaim(database.db, staff, input, TODAY);
		await reportClaim(database.db, staff, input, TODAY);
		const rows = await database.db
			.select()
			.from(insuranceClaims)
			.where(eq(insuranceClaims.householdId, householdId));
		expect(rows).toHaveLength(1);
	});

	it(`pays once when two admins click "pay" at the same moment (${expectedDriver})`, async () => {
		const r = await approved(s);
		const results = await Promise.allSettled([
			payClaim(database.db, admin, r.claim.id, { paidOn: TODAY }, TODAY),
			payClaim(database.db, admin, r.claim.id, { paidOn: TODAY }, TODAY),
			payClaim(database.db, admin, r.claim.id, { paidOn: TODAY }, TODAY)
		]);
		expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
		for (const x of results.filter((x) => x.status === 'rejected'))
			expect((x as PromiseRejectedResult).reason).toBeInstanceOf(DomainError);
		const entries = await database.db
			.select()
			.from(ledgerEntries)
			.where(eq(ledgerEntries.sourceId, r.claim.id));
		expect(entries).toHaveLength(1);
		const payouts = await database.db
			.select()
			.from(insuranceFundEntries)
			.where(eq(insuranceFundEntries.claimId, r.claim.id));
		expect(payouts).toHaveLength(1);
	});
});

describe('fund arithmetic', () => {
	it('collects premiums at enrolment, pays out, refuses to go below zero until an admin tops up', async () => {
		const s = await createScheme(
			database.db,
			admin,
			{
				...ANTI_POVERTY,
				kind: 'migrant_worker',
				year: '2026',
				events: ['accident'],
				premium: '60',
				deductible: '0',
				maximum: '50000',
				bands: '0:100'
			},
			TODAY
		);
		const householdId = await createHousehold(database.db, world.countyA.id, VILLAGE, '刘志强');
		const [head] = await database.db
			.select()
			.from(members)
			.where(eq(members.householdId, householdId));
		await database.db
			.update(members)
			.set({ workingAway: true, workPlace: '天津' })
			.where(eq(members.id, head.id));
		const candidates = await enrolmentCandidates(database.db, staff, s, { villageCode: VILLAGE });
		const mine = candidates.find((c) => c.memberId === head.id);
		expect(mine).toMatchObject({ objectKind: 'worker', workPlace: '天津', enrolled: false });
		const result = await enrol(database.db, staff, s.id, { keys: [mine!.key] }, TODAY);
		expect(result).toEqual({ enrolled: 1, alreadyEnrolled: 0, premiumFen: 6_000 });
		expect(await enrol(database.db, staff, s.id, { keys: [mine!.key] }, TODAY)).toEqual({
			enrolled: 0,
			alreadyEnrolled: 1,
			premiumFen: 0
		});
		let fund = await fundView(database.db, admin, s.id);
		expect(fund.premiumsFen).toBe(6_000);
		expect(fund.balanceFen).toBe(6_000);
		expect(fund.months[5]).toEqual({ month: '2026-06', premiumsFen: 6_000, payoutsFen: 0 });

		const [policy] = await claimablePolicies(database.db, staff, householdId);
		const claim = await reportClaim(
			database.db,
			staff,
			{ householdId, policyId: policy.id, eventType: 'accident', eventDate: TODAY, loss: '100' },
			TODAY
		);
		await investigateClaim(database.db, staff, claim.id, { looks: LOOKS }, TODAY);
		await decideClaim(database.db, admin, claim.id, { decision: 'approve' }, TODAY);
		// 100 yuan against a 60-yuan fund: refused, nothing written.
		expect(await refusal(payClaim(database.db, admin, claim.id, {}, TODAY))).toBe(
			'invalid:=insurance_error_fund_short'
		);
		expect((await getClaim(database.db, admin, claim.id)).claim.status).toBe('approved');
		expect((await fundView(database.db, admin, s.id)).balanceFen).toBe(6_000);

		expect(
			await refusal(
				topUpFund(database.db, admin, s.id, { amount: '500', businessDate: TODAY, note: '' }, TODAY)
			)
		).toBe('invalid:note=insurance_error_top_up_note');
		expect(
			await refusal(
				topUpFund(
					database.db,
					staff,
					s.id,
					{ amount: '500', businessDate: TODAY, note: 'x' },
					TODAY
				)
			)
		).toBe('not_found:=error_not_found');
		await topUpFund(
			database.db,
			admin,
			s.id,
			{ amount: '500', businessDate: TODAY, note: '县财政追加' },
			TODAY
		);
		await payClaim(database.db, admin, claim.id, {}, TODAY);
		fund = await fundView(database.db, admin, s.id);
		expect([fund.premiumsFen, fund.topUpsFen, fund.payoutsFen, fund.balanceFen]).toEqual([
			6_000, 50_000, 10_000, 46_000
		]);
		expect(fund.months[5].payoutsFen).toBe(10_000);
	});

	it("carries a year's surplus into next year's scheme once, and only when its claims are settled", async () => {
		const old = await createScheme(
			database.db,
			admin,
			{
				...ANTI_POVERTY,
				kind: 'industry',
				year: '2024',
				events: ['fire'],
				deductible: '0',
				bands: '0:80'
			},
			TODAY
		);
		await topUpFund(
			database.db,
			admin,
			old.id,
			{ amount: '1200', businessDate: '2024-03-01', note: '预拨' },
			TODAY
		);
		expect(
			await refusal(
				carryOverSurplus(database.db, admin, old.id, { businessDate: '2024-12-31' }, TODAY)
			)
		).toBe('invalid:=insurance_error_no_next_scheme');
		const next = await createScheme(
			database.db,
			admin,
			{
				...ANTI_POVERTY,
				kind: 'industry',
				year: '2025',
				events: ['fire'],
				deductible: '0',
				bands: '0:80'
			},
			TODAY
		);
		expect(
			await refusal(
				carryOverSurplus(database.db, admin, old.id, { businessDate: '2024-06-30' }, TODAY)
			)
		).toBe('invalid:businessDate=insurance_error_carry_too_early');
		const carried = await carryOverSurplus(
			database.db,
			admin,
			old.id,
			{ businessDate: '2024-12-31' },
			TODAY
		);
		expect(carried).toEqual({ amountFen: 120_000, nextSchemeId: next.id });
		expect((await fundView(database.db, admin, old.id)).balanceFen).toBe(0);
		const nextFund = await fundView(database.db, admin, next.id);
		expect([nextFund.carriedInFen, nextFund.balanceFen]).toEqual([120_000, 120_000]);
		expect(
			await refusal(
				carryOverSurplus(database.db, admin, old.id, { businessDate: '2024-12-31' }, TODAY)
			)
		).toBe('invalid:=insurance_error_no_surplus');
	});

	it('keeps the amount a claim was decided with when the rule changes afterwards', async () => {
		const s = await createScheme(
			database.db,
			admin,
			{
				...ANTI_POVERTY,
				kind: 'migrant_worker',
				year: '2025',
				events: ['accident'],
				deductible: '0',
				bands: '0:50'
			},
			TODAY
		);
		const householdId = await createHousehold(database.db, world.countyA.id, VILLAGE);
		const [head] = await database.db
			.select()
			.from(members)
			.where(eq(members.householdId, householdId));
		await database.db.update(members).set({ workingAway: true }).where(eq(members.id, head.id));
		await enrol(
			database.db,
			staff,
			s.id,
			{ keys: [`member:${head.id}`], coverFrom: '2025-01-01' },
			TODAY
		);
		const [policy] = await claimablePolicies(database.db, staff, householdId);
		const claim = await reportClaim(
			database.db,
			staff,
			{
				householdId,
				policyId: policy.id,
				eventType: 'accident',
				eventDate: '2025-08-01',
				loss: '1000'
			},
			TODAY
		);
		await investigateClaim(database.db, staff, claim.id, { looks: LOOKS }, TODAY);
		const decided = await decideClaim(database.db, admin, claim.id, { decision: 'approve' }, TODAY);
		expect([decided.ruleAmountFen, decided.ruleVersion]).toEqual([50_000, 1]);
		const changed = await updateRule(database.db, admin, s.id, {
			deductible: '0',
			maximum: '50000',
			bands: '0:80'
		});
		expect(changed.ruleVersion).toBe(2);
		const after = await getClaim(database.db, admin, claim.id);
		expect([
			after.claim.approvedAmountFen,
			after.claim.ruleVersion,
			after.payout.amountFen
		]).toEqual([50_000, 1, 80_000]);
	});
});

describe('industry insurance candidates', () => {
	it('names a honeysuckle plot with its area, in the person’s language', async () => {
		const { plotId } = await addPlantingWorld(database.db, world);
		const s = await createScheme(
			database.db,
			admin,
			{
				...ANTI_POVERTY,
				kind: 'industry',
				year: '2023',
				events: ['fire'],
				deductible: '0',
				bands: '0:80'
			},
			TODAY
		);
		const requestLocale = getLocale;
		const labelIn = async (locale: 'zh-CN' | 'en') => {
			overwriteGetLocale(() => locale);
			const found = await enrolmentCandidates(database.db, staff, s, {});
			return found.find((c) => c.objectRef === plotId)?.label;
		};
		try {
			expect(await labelIn('en')).toBe('Honeysuckle plot, 1.50 mu');
			expect(await labelIn('zh-CN')).toBe('金银花地 1.50 亩');
		} finally {
			overwriteGetLocale(requestLocale);
		}
	});
});

describe('the enrolment list for the insurer', () => {
	it('exports the scheme’s enrolments in scope as XLSX with Chinese headers', async () => {
		const schemes = await listSchemes(database.db, staff);
		const s = schemes.find((x) => x.year === 2026 && x.kind === 'anti_poverty')!;
		const file = await exportPolicies(database.db, staff, s.id, TODAY);
		const workbook = new ExcelJS.Workbook();
		await workbook.xlsx.load(file.body.buffer as ArrayBuffer);
		const sheet = workbook.worksheets[0];
		expect(sheet.getRow(2).getCell(8).value).toBe('身份证号');
		expect(sheet.getColumn(6).values.slice(3)).toContain('全户');
		expect(sheet.rowCount - 2).toBe(file.rows);
		expect(file.rows).toBeGreaterThan(0);
		// staffOut's township has none of these households.
		expect((await exportPolicies(database.db, staffOut, s.id, TODAY)).rows).toBe(0);
	});
});
