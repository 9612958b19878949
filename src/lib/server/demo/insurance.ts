import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { newId } from '../db/ids';
import { recordAudit } from '../audit';
import { systemActor } from '../auth/actor';
import { factoryJobs } from '../factories/schema';
import { households, members } from '../households/schema';
import { addDays } from '../income';
import { ledgerEntries } from '../income/schema';
import {
	addFundEntry,
	addStep,
	incomeForInvestigation,
	payApprovedClaim,
	writePolicies,
	type Candidate
} from '../insurance';
import {
	insuranceClaims,
	insurancePolicies,
	insuranceSchemes,
	type EventType,
	type Investigation,
	type SchemeKind
} from '../insurance/schema';
import { monitoringRecords } from '../monitoring/schema';
import { plots } from '../planting/schema';
import { computePayout, type PayoutRule } from '../../insurance-rules';
import { DEMO_REFERENCE_YEAR } from './generate';
import { REPORT_MEDICAL_EXPENSE_FEN } from './monitoring-data';
import { DEMO_HOME_TOWNSHIP, demoHomeHousehold } from './household-home';

// The demo county's three schemes of the year, their enrolments and funds, and claims in
// every state, built through the insurance domain's own writing functions. The report's
// household (57,593.50 yuan of own medical costs) is paid about 40,000 yuan by 防贫保
// through the payout posting, so its income account shows the payout once.

const YEAR = DEMO_REFERENCE_YEAR;

interface DemoScheme {
	kind: SchemeKind;
	name: string;
	insurer: string;
	coverage: 'named' | 'monitored_households';
	premiumFen: number;
	budgetFen: number;
	events: EventType[];
	rule: PayoutRule;
}

const SCHEMES: DemoScheme[] = [
	{
		kind: 'industry',
		name: '特色产业保险',
		insurer: '中华联合财产保险魏县支公司',
		coverage: 'named',
		premiumFen: 12_000,
		budgetFen: 120_000_000,
		events: ['natural_disaster', 'fire', 'livestock_death'],
		rule: {
			deductibleFen: 50_000,
			maximumFen: 3_000_000,
			bands: [{ fromFen: 50_000, ratePermille: 800 }]
		}
	},
	{
		kind: 'migrant_worker',
		name: '务工人员意外伤害保险',
		insurer: '中国人寿魏县支公司',
		coverage: 'named',
		premiumFen: 10_000,
		budgetFen: 170_000_000,
		events: ['accident', 'work_injury'],
		rule: {
			deductibleFen: 20_000,
			maximumFen: 5_000_000,
			bands: [{ fromFen: 20_000, ratePermille: 900 }]
		}
	},
	{
		kind: 'anti_poverty',
		name: '防贫保',
		insurer: '中国人民财产保险魏县支公司',
		coverage: 'monitored_households',
		premiumFen: 5_000,
		budgetFen: 400_000_000,
		events: ['illness', 'accident', 'natural_disaster'],
		rule: {
			deductibleFen: 500_000,
			maximumFen: 10_000_000,
			bands: [
				{ fromFen: 500_000, ratePermille: 600 },
				{ fromFen: 1_500_000, ratePermille: 700 },
				{ fromFen: 3_000_000, ratePermille: 800 },
				{ fromFen: 5_000_000, ratePermille: 900 }
			]
		}
	}
];

const LOOKS_POOR: Investigation['looks'] = {
	housing: { choice: 'poor', note: '砖木结构老房，东屋漏雨' },
	largeItems: { choice: 'poor', note: '只有一辆电动三轮车' },
	furniture: { choice: 'ordinary', note: '旧电视、旧冰箱各一台' },
	children: { choice: 'poor', note: '一个孩子上高中，住校' }
};
const LOOKS_ORDINARY: Investigation['looks'] = {
	housing: { choice: 'ordinary', note: '砖混平房' },
	largeItems: { choice: 'ordinary', note: '一台小型旋耕机' },
	furniture: { choice: 'ordinary', note: '家电齐全，旧' },
	children: { choice: 'ordinary', note: '孩子上小学' }
};

function date(month: number, day: number): string {
	return `${YEAR}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

type Policy = typeof insurancePolicies.$inferSelect;

export interface DemoInsuranceResult {
	schemes: number;
	policies: number;
	claims: number;
}

export async function seedDemoInsurance(tx: Db, countyId: string): Promise<DemoInsuranceResult> {
	const actor = { ...systemActor('demo'), countyId };
	const schemes = new Map<SchemeKind, typeof insuranceSchemes.$inferSelect>();
	for (const s of SCHEMES) {
		const [row] = await tx
			.insert(insuranceSchemes)
			.values({ countyId, id: newId(), year: YEAR, ...s })
			.returning();
		schemes.set(s.kind, row);
	}
	const options = { coverFrom: date(1, 1), paidOn: date(1, 10) };

	// 产业保险: every honeysuckle plot, 5,000 yuan insured value each.
	const plotRows = await tx
		.select({ id: plots.id, householdId: plots.householdId, area: plots.areaHundredthsMu })
		.from(plots)
		.where(and(eq(plots.countyId, countyId), isNull(plots.retiredOn)))
		.orderBy(asc(plots.householdId), asc(plots.id));
	await writePolicies(
		tx,
		actor,
		schemes.get('industry')!,
		plotRows.map((p) => ({
			key: `plot:${p.id}`,
			householdId: p.householdId,
			memberId: null,
			objectKind: 'plot',
			objectRef: p.id,
			label: `金银花地 ${(p.area / 100).toFixed(2)} 亩`,
			employer: null,
			workPlace: null,
			units: 1
		})),
		{ ...options, insuredValueFen: 500_000 }
	);

	// 务工人员保险: members working away, and the registered workers of micro-factories.
	const workers = await tx
		.select({
			id: members.id,
			householdId: members.householdId,
			name: members.name,
			workingAway: members.workingAway,
			workPlace: members.workPlace,
			atFactory: sql<boolean>`exists (select 1 from ${factoryJobs} j where j.county_id = ${members.countyId} and j.member_id = ${members.id} and j.ended_on is null)`
		})
		.from(members)
		.where(
			and(
				eq(members.countyId, countyId),
				eq(members.current, true),
				sql`(${members.workingAway} or exists (select 1 from ${factoryJobs} j where j.county_id = ${members.countyId} and j.member_id = ${members.id} and j.ended_on is null))`
			)
		)
		.orderBy(asc(members.householdId), asc(members.id));
	await writePolicies(
		tx,
		actor,
		schemes.get('migrant_worker')!,
		// Enrolment is still going on: one worker in five is not on the list yet.
		workers
			.filter((_, i) => i % 5 !== 4)
			.map(
				(
					w
				): Omit<
					Candidate,
					'enrolled' | 'householdNumber' | 'villageName' | 'headName' | 'monitored'
				> => ({
					key: `member:${w.id}`,
					householdId: w.householdId,
					memberId: w.id,
					objectKind: 'worker',
					objectRef: null,
					label: w.name,
					employer: w.workingAway ? null : '扶贫微工厂',
					workPlace: w.workingAway ? w.workPlace : '本县',
					units: 1
				})
			),
		{ ...options, insuredValueFen: null }
	);

	// 防贫保: every monitored household, and the report's household.
	const [fang] = await tx
		.select({ householdId: ledgerEntries.householdId, day: ledgerEntries.businessDate })
		.from(ledgerEntries)
		.where(
			and(
				eq(ledgerEntries.countyId, countyId),
				eq(ledgerEntries.amountFen, REPORT_MEDICAL_EXPENSE_FEN),
				eq(ledgerEntries.subtype, 'medical')
			)
		);
	const monitored = await tx
		.select({
			id: households.id,
			people: sql<number>`(select count(*)::int from members p where p.county_id = ${households.countyId} and p.household_id = ${households.id} and p.current)`
		})
		.from(households)
		.innerJoin(
			monitoringRecords,
			and(
				eq(monitoringRecords.countyId, households.countyId),
				eq(monitoringRecords.householdId, households.id)
			)
		)
		.where(
			and(
				eq(households.countyId, countyId),
				sql`(${monitoringRecords.status} = 'monitored' or ${households.id} = ${fang?.householdId ?? null})`
			)
		)
		.orderBy(asc(households.householdNumber));
	await writePolicies(
		tx,
		actor,
		schemes.get('anti_poverty')!,
		monitored.map((h) => ({
			key: `household:${h.id}`,
			householdId: h.id,
			memberId: null,
			objectKind: 'household',
			objectRef: null,
			label: '全户',
			employer: null,
			workPlace: null,
			units: Math.max(1, Number(h.people))
		})),
		{ ...options, insuredValueFen: null }
	);
	// The premiums of a few hundred people cannot pay a 40,000-yuan claim: the county tops up.
	await addFundEntry(tx, actor, {
		countyId,
		schemeId: schemes.get('anti_poverty')!.id,
		kind: 'top_up',
		amountFen: 8_000_000,
		businessDate: date(4, 20),
		note: '县财政追加防贫保理赔资金'
	});
	await addFundEntry(tx, actor, {
		countyId,
		schemeId: schemes.get('migrant_worker')!.id,
		kind: 'top_up',
		amountFen: 2_000_000,
		businessDate: date(9, 1),
		note: '县财政追加务工保险理赔资金'
	});

	const policies = await tx
		.select()
		.from(insurancePolicies)
		.where(eq(insurancePolicies.countyId, countyId))
		.orderBy(asc(insurancePolicies.objectKey));
	const policyOf = (kind: SchemeKind, householdId?: string) =>
		policies.find(
			(p) =>
				p.schemeId === schemes.get(kind)!.id &&
				(householdId === undefined || p.householdId === householdId)
		);

	let claims = 0;
	async function claim(
		policy: Policy | undefined,
		c: {
			eventType: EventType;
			eventDate: string;
			lossFen: number;
			documents: string;
			description: string;
			reportedOn: string;
			investigatedOn?: string;
			looks?: Investigation['looks'];
			decidedOn?: string;
			reject?: string;
			paidOn?: string;
		}
	): Promise<void> {
		if (!policy) return;
		const scheme = [...schemes.values()].find((s) => s.id === policy.schemeId)!;
		const id = newId();
		const [row] = await tx
			.insert(insuranceClaims)
			.values({
				countyId,
				id,
				schemeId: scheme.id,
				policyId: policy.id,
				householdId: policy.householdId,
				eventType: c.eventType,
				eventDate: c.eventDate,
				lossFen: c.lossFen,
				documents: c.documents,
				description: c.description,
				reportedOn: c.reportedOn
			})
			.returning();
		claims++;
		await addStep(tx, actor, id, 'reported', c.reportedOn, c.lossFen, c.description);
		let current = row;
		if (c.investigatedOn && c.looks) {
			const income = await incomeForInvestigation(
				tx,
				countyId,
				policy.householdId,
				c.investigatedOn
			);
			[current] = await tx
				.update(insuranceClaims)
				.set({
					status: 'investigated',
					investigation: { looks: c.looks, note: '', ...income },
					investigatedOn: c.investigatedOn
				})
				.where(and(eq(insuranceClaims.countyId, countyId), eq(insuranceClaims.id, id)))
				.returning();
			await addStep(tx, actor, id, 'investigated', c.investigatedOn, null, null);
		}
		if (c.decidedOn) {
			const amountFen = computePayout(scheme.rule, c.lossFen, policy.insuredValueFen).amountFen;
			[current] = await tx
				.update(insuranceClaims)
				.set({
					status: c.reject ? 'rejected' : 'approved',
					ruleAmountFen: amountFen,
					ruleVersion: scheme.ruleVersion,
					approvedAmountFen: c.reject ? null : amountFen,
					decisionReason: c.reject ?? null,
					decidedOn: c.decidedOn
				})
				.where(and(eq(insuranceClaims.countyId, countyId), eq(insuranceClaims.id, id)))
				.returning();
			await addStep(
				tx,
				actor,
				id,
				c.reject ? 'rejected' : 'approved',
				c.decidedOn,
				c.reject ? null : amountFen,
				c.reject ?? null
			);
		}
		if (c.paidOn) await payApprovedClaim(tx, actor, current, c.paidOn);
	}

	// The report's household: paid, about 40,000 yuan.
	if (fang)
		await claim(policyOf('anti_poverty', fang.householdId), {
			eventType: 'illness',
			eventDate: fang.day,
			lossFen: REPORT_MEDICAL_EXPENSE_FEN,
			documents: '住院发票、出院小结、医保结算单',
			description: '住院治疗，医保报销后自付 57,593.50 元',
			reportedOn: addDays(fang.day, 8),
			investigatedOn: addDays(fang.day, 17),
			looks: LOOKS_POOR,
			decidedOn: addDays(fang.day, 26),
			paidOn: addDays(fang.day, 42)
		});
	// The demo's signed-in household (前大磨乡): hail on its honeysuckle, paid, so the family's
	// own phone shows an insurance payout beside its wages, picking pay and subsidy.
	const home = await demoHomeHousehold(tx, countyId, DEMO_HOME_TOWNSHIP);
	if (home)
		await claim(policyOf('industry', home.id), {
			eventType: 'natural_disaster',
			eventDate: date(7, 12),
			lossFen: 300_000,
			documents: '受灾地块照片、村委会证明',
			description: '冰雹打落金银花，当季减产',
			reportedOn: date(7, 13),
			investigatedOn: date(7, 20),
			looks: LOOKS_ORDINARY,
			decidedOn: date(7, 28),
			paidOn: date(8, 6)
		});
	// Another monitored household's hospital stay: investigated, awaiting the county.
	const hospital = await tx
		.select({
			householdId: ledgerEntries.householdId,
			amountFen: ledgerEntries.amountFen,
			day: ledgerEntries.businessDate
		})
		.from(ledgerEntries)
		.where(
			and(
				eq(ledgerEntries.countyId, countyId),
				eq(ledgerEntries.subtype, 'medical'),
				sql`${ledgerEntries.amountFen} >= 1500000`,
				sql`${ledgerEntries.amountFen} <> ${REPORT_MEDICAL_EXPENSE_FEN}`,
				sql`${ledgerEntries.businessDate} between ${date(1, 15)} and ${date(9, 30)}`,
				inArray(
					ledgerEntries.householdId,
					monitored.map((h) => h.id)
				)
			)
		)
		.orderBy(asc(ledgerEntries.businessDate), asc(ledgerEntries.householdId))
		.limit(2);
	if (hospital[0])
		await claim(policyOf('anti_poverty', hospital[0].householdId), {
			eventType: 'illness',
			eventDate: hospital[0].day,
			lossFen: hospital[0].amountFen,
			documents: '住院发票、医保结算单',
			description: '住院治疗，医保报销后自付',
			reportedOn: hospital[0].day,
			investigatedOn: date(10, 20),
			looks: LOOKS_ORDINARY
		});
	if (hospital[1])
		await claim(policyOf('anti_poverty', hospital[1].householdId), {
			eventType: 'illness',
			eventDate: hospital[1].day,
			lossFen: hospital[1].amountFen,
			documents: '住院发票',
			description: '住院治疗，医保报销后自付',
			reportedOn: date(11, 2)
		});

	const workerPolicies = policies.filter(
		(p) => p.schemeId === schemes.get('migrant_worker')!.id && p.householdId !== fang?.householdId
	);
	// A building-site fall: approved, waiting to be paid.
	await claim(workerPolicies[0], {
		eventType: 'work_injury',
		eventDate: date(8, 14),
		lossFen: 1_200_000,
		documents: '医院诊断证明、用工单位证明',
		description: '在工地干活时从脚手架摔下，左腿骨折，停工三个月',
		reportedOn: date(8, 20),
		investigatedOn: date(8, 29),
		looks: LOOKS_ORDINARY,
		decidedOn: date(9, 10)
	});
	// A traffic accident on the way to work: paid.
	await claim(workerPolicies[3], {
		eventType: 'accident',
		eventDate: date(3, 6),
		lossFen: 680_000,
		documents: '交警事故认定书、医疗发票',
		description: '骑电动车上班路上被撞，住院两周',
		reportedOn: date(3, 9),
		investigatedOn: date(3, 16),
		looks: LOOKS_POOR,
		decidedOn: date(3, 25),
		paidOn: date(4, 8)
	});
	// Just reported: waiting for the investigation.
	await claim(workerPolicies[6], {
		eventType: 'work_injury',
		eventDate: date(11, 12),
		lossFen: 350_000,
		documents: '医院诊断证明',
		description: '车间缝纫时扎伤手，缝了八针',
		reportedOn: date(11, 14)
	});

	// Other households than the report's, so its page shows the one payout the report tells of.
	const plotPolicies = policies.filter(
		(p) => p.schemeId === schemes.get('industry')!.id && p.householdId !== fang?.householdId
	);
	// The July rainstorm flattened a plot: paid.
	await claim(plotPolicies[0], {
		eventType: 'natural_disaster',
		eventDate: date(7, 19),
		lossFen: 600_000,
		documents: '现场照片、村委会证明',
		description: '暴雨冲倒花架，金银花减产',
		reportedOn: date(7, 21),
		investigatedOn: date(7, 25),
		looks: LOOKS_ORDINARY,
		decidedOn: date(8, 2),
		paidOn: date(8, 15)
	});
	// Below the deductible: rejected.
	await claim(plotPolicies[1], {
		eventType: 'natural_disaster',
		eventDate: date(7, 19),
		lossFen: 40_000,
		documents: '现场照片',
		description: '暴雨后部分花枝折断',
		reportedOn: date(7, 22),
		investigatedOn: date(7, 26),
		looks: LOOKS_ORDINARY,
		decidedOn: date(8, 2),
		reject: '损失 400 元，在免赔额 500 元以内'
	});

	await recordAudit(tx, actor, {
		countyId,
		action: 'demo.insurance',
		entity: 'county',
		entityId: countyId,
		after: { schemes: schemes.size, policies: policies.length, claims }
	});
	return { schemes: schemes.size, policies: policies.length, claims };
}
