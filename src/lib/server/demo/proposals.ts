// The demo county's identification and elimination proposals at several steps, candidates
// for both, and data-quality findings. Deterministic: households are chosen in household
// number order and dates count back from the day the demo is seeded.
import { and, asc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { newId } from '../db/ids';
import { systemActor } from '../auth/actor';
import { households, members } from '../households/schema';
import { addDays, incomeStanding, postLedgerEntries, type Posting } from '../income';
import { householdStandings, ledgerEntries } from '../income/schema';
import { runQualityChecks } from '../monitoring/quality';
import {
	monitoringProposals,
	monitoringRecords,
	proposalSteps,
	type ProposalStatus,
	type ProposalStep
} from '../monitoring/schema';
import { getCountySettings } from '../settings';
import REGISTRY from '../../registry-words.json';

/** The demo staff account's townships: 东代固镇 and 前大磨乡. */
const STAFF_TOWNSHIPS = ['130434108', '130434205'];

/**
 * Standings for households that have none, from the ledger at `today` (12-month window,
 * current resident members). The account work keeps standings current; this only fills
 * the gaps so the demo's candidate lists have something to show.
 */
async function fillMissingStandings(tx: Db, countyId: string, today: string): Promise<void> {
	const ids = (
		await tx
			.select({ id: households.id })
			.from(households)
			.leftJoin(
				householdStandings,
				and(
					eq(householdStandings.countyId, households.countyId),
					eq(householdStandings.householdId, households.id)
				)
			)
			.where(and(eq(households.countyId, countyId), isNull(householdStandings.householdId)))
	).map((r) => r.id);
	if (ids.length === 0) return;
	const from = addDays(`${Number(today.slice(0, 4)) - 1}${today.slice(4)}`, 1);
	const settings = await getCountySettings(tx, countyId);
	const expenses = await tx
		.select({
			householdId: ledgerEntries.householdId,
			total: sql<string>`sum(${ledgerEntries.amountFen})`
		})
		.from(ledgerEntries)
		.where(
			and(
				eq(ledgerEntries.countyId, countyId),
				eq(ledgerEntries.kind, 'large_expense'),
				gte(ledgerEntries.businessDate, from)
			)
		)
		.groupBy(ledgerEntries.householdId);
	const expense = new Map(expenses.map((e) => [e.householdId, Number(e.total)]));
	const rows = [];
	for (const householdId of ids) {
		const s = await incomeStanding(tx, countyId, householdId, today);
		rows.push({
			countyId,
			householdId,
			evaluatedOn: today,
			netFen: s.netFen,
			residents: s.residents,
			perCapitaFen: s.perCapitaFen,
			lineFen: s.lineFen,
			belowLine: s.belowLine,
			nearLine:
				s.belowLine === false &&
				s.lineFen !== null &&
				s.perCapitaFen! * 100 < s.lineFen * (100 + settings.nearLineMarginPct),
			largeExpenseFen: expense.get(householdId) ?? 0,
			reason: 'demo'
		});
	}
	for (let i = 0; i < rows.length; i += 500)
		await tx
			.insert(householdStandings)
			.values(rows.slice(i, i + 500))
			.onConflictDoNothing();
}

/**
 * Two ordinary families of the staff townships lose their sheep this year: the feed and
 * the lambs bought count as production costs, and their net income falls below the line.
 */
async function failedSheepVenture(tx: Db, countyId: string, today: string): Promise<void> {
	const ordinary = await tx
		.select({ id: households.id })
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
				eq(households.countyId, countyId),
				inArray(sql`left(${households.villageCode}, 9)`, STAFF_TOWNSHIPS),
				sql`coalesce(${monitoringRecords.status}, 'not_monitored') = 'not_monitored'`
			)
		)
		.orderBy(asc(households.householdNumber))
		.limit(2);
	const postings: Posting[] = [];
	for (const h of ordinary) {
		const s = await incomeStanding(tx, countyId, h.id, today);
		if (s.perCapitaFen === null || s.lineFen === null || s.residents === 0) continue;
		// Down to 60% of the line per person.
		const cost = s.netFen - Math.trunc((s.lineFen * 6) / 10) * s.residents;
		if (cost <= 0) continue;
		postings.push({
			countyId,
			householdId: h.id,
			businessDate: addDays(today, -40),
			amountFen: cost,
			kind: 'production_cost',
			subtype: 'production_cost',
			source: 'manual',
			note: '羊得病死了，饲料和买羊羔的钱'
		});
	}
	await postLedgerEntries(tx, systemActor('demo'), postings);
}

/** The demo staff's households first, so their lists have something to show. */
function staffTownshipsFirst() {
	return sql`(left(${households.villageCode}, 9) in (${sql.join(
		STAFF_TOWNSHIPS.map((t) => sql`${t}`),
		sql`, `
	)})) desc`;
}

/** Monitored households with someone able to work and no large expense, staff's first. */
async function steadyCandidates(
	tx: Db,
	countyId: string
): Promise<{ id: string; residents: number }[]> {
	const rows = await tx
		.select({
			id: households.id,
			residents: sql<number>`count(*) filter (where ${members.resident})::int`,
			able: sql<number>`count(*) filter (where ${members.labourCapacity} <> 'none')::int`
		})
		.from(households)
		.innerJoin(
			monitoringRecords,
			and(
				eq(monitoringRecords.countyId, households.countyId),
				eq(monitoringRecords.householdId, households.id)
			)
		)
		.innerJoin(
			members,
			and(eq(members.countyId, households.countyId), eq(members.householdId, households.id))
		)
		.where(
			and(
				eq(households.countyId, countyId),
				eq(monitoringRecords.status, 'monitored'),
				eq(members.current, true),
				sql`not exists (select 1 from ${ledgerEntries} where ${ledgerEntries.countyId} = ${households.countyId} and ${ledgerEntries.householdId} = ${households.id} and ${ledgerEntries.kind} = 'large_expense')`
			)
		)
		.groupBy(households.id, households.householdNumber, households.villageCode)
		.orderBy(staffTownshipsFirst(), asc(households.householdNumber));
	return rows
		.filter((r) => Number(r.able) > 0 && Number(r.residents) > 0)
		.map((r) => ({ id: r.id, residents: Number(r.residents) }));
}

interface DemoStep {
	step: ProposalStep;
	daysAgo: number;
	byName: string;
	findings?: string;
	notice?: [number, number];
}

const STEP_PLANS: Record<Exclude<ProposalStatus, 'approved'>, DemoStep[]> = {
	proposed: [{ step: 'proposed', daysAgo: 2, byName: '镇防返贫专干' }],
	verified: [
		{ step: 'proposed', daysAgo: 9, byName: '镇防返贫专干' },
		{
			step: 'verified',
			daysAgo: 7,
			byName: '网格员 李红',
			findings: '入户看了，家里情况和系统里的一致。'
		}
	],
	noticed: [
		{ step: 'proposed', daysAgo: 14, byName: '镇防返贫专干' },
		{ step: 'verified', daysAgo: 12, byName: '网格员 王丽', findings: '入户核实，情况属实。' },
		{
			step: 'village_review',
			daysAgo: 2,
			byName: '村两委',
			findings: '村民代表评议通过。',
			notice: [2, -4]
		}
	],
	township_reviewed: [
		{ step: 'proposed', daysAgo: 30, byName: '镇防返贫专干' },
		{ step: 'verified', daysAgo: 28, byName: '网格员 张敏', findings: '入户核实，情况属实。' },
		{ step: 'village_review', daysAgo: 20, byName: '村两委', notice: [20, 14] },
		{ step: 'township_review', daysAgo: 10, byName: '镇党委 审核', findings: '同意，报县里审批。' }
	],
	rejected: [
		{ step: 'proposed', daysAgo: 25, byName: '镇防返贫专干' },
		{
			step: 'verified',
			daysAgo: 22,
			byName: '网格员 李红',
			findings: '儿子在外务工，收入没有录全。'
		},
		{ step: 'rejected', daysAgo: 21, byName: '镇防返贫专干', findings: '核实后收入高于监测线' }
	]
};

async function insertProposal(
	tx: Db,
	countyId: string,
	today: string,
	householdId: string,
	kind: 'identify' | 'eliminate',
	status: Exclude<ProposalStatus, 'approved'>,
	extra: { category?: string; risks?: string[]; evidence?: Record<string, unknown> }
): Promise<void> {
	const id = newId();
	const plan = STEP_PLANS[status];
	const on = (daysAgo: number) => addDays(today, -daysAgo);
	const review = plan.find((s) => s.notice);
	const rejected = plan.find((s) => s.step === 'rejected');
	await tx.insert(monitoringProposals).values({
		countyId,
		id,
		householdId,
		kind,
		status,
		evidence: extra.evidence ?? {},
		category: kind === 'identify' ? (extra.category ?? 'marginal') : null,
		risks: kind === 'identify' ? (extra.risks ?? ['illness']) : [],
		eliminationMethod: kind === 'eliminate' ? REGISTRY.eliminationMethods[0] : null,
		proposedOn: on(plan[0].daysAgo),
		noticeFrom: review ? on(review.notice![0]) : null,
		noticeUntil: review ? on(review.notice![1]) : null,
		decidedOn: rejected ? on(rejected.daysAgo) : null,
		rejectionReason: rejected?.findings ?? null
	});
	await tx.insert(proposalSteps).values(
		plan.map((s, i) => ({
			countyId,
			id: newId(),
			proposalId: id,
			step: s.step,
			happenedOn: on(s.daysAgo),
			byName: s.byName,
			findings: s.findings ?? null,
			details: s.notice ? { noticeFrom: on(s.notice[0]), noticeUntil: on(s.notice[1]) } : null,
			// Steps of one day keep their order.
			recordedAt: new Date(Date.parse(`${on(s.daysAgo)}T02:00:00Z`) + i * 1000)
		}))
	);
}

export async function seedDemoProposals(tx: Db, countyId: string, today: string): Promise<void> {
	// Households whose income has held above the line: a public-welfare post since June 2025.
	const steady = (await steadyCandidates(tx, countyId)).slice(0, 5);
	const postings: Posting[] = [];
	for (const h of steady) {
		for (let m = 0; m < 17; m++) {
			const month = new Date(Date.UTC(2025, 5 + m, 15)).toISOString().slice(0, 10);
			postings.push({
				countyId,
				householdId: h.id,
				businessDate: month,
				amountFen: 100_000 * h.residents,
				kind: 'wage',
				subtype: 'public_welfare_job',
				source: 'manual',
				note: '公益岗位工资'
			});
		}
	}
	await postLedgerEntries(tx, systemActor('demo'), postings);
	await failedSheepVenture(tx, countyId, today);
	await fillMissingStandings(tx, countyId, today);

	// A month in hospital: three households just above the line pay a large medical bill,
	// which puts them near the line with a large expense.
	const near = await tx
		.select({ id: households.id })
		.from(householdStandings)
		.innerJoin(
			households,
			and(
				eq(households.countyId, householdStandings.countyId),
				eq(households.id, householdStandings.householdId)
			)
		)
		.leftJoin(
			monitoringRecords,
			and(
				eq(monitoringRecords.countyId, households.countyId),
				eq(monitoringRecords.householdId, households.id)
			)
		)
		.where(
			and(
				eq(householdStandings.countyId, countyId),
				eq(householdStandings.nearLine, true),
				sql`coalesce(${monitoringRecords.status}, 'not_monitored') = 'not_monitored'`
			)
		)
		.orderBy(staffTownshipsFirst(), asc(households.householdNumber))
		.limit(3);
	const bills = [3_650_000, 2_180_000, 4_420_000];
	await postLedgerEntries(
		tx,
		systemActor('demo'),
		near.map((h, i) => ({
			countyId,
			householdId: h.id,
			businessDate: addDays(today, -20 - i * 9),
			amountFen: bills[i],
			kind: 'large_expense' as const,
			subtype: 'medical',
			source: 'manual' as const,
			note: '住院自付医疗费'
		}))
	);
	for (const [i, h] of near.entries())
		await tx
			.update(householdStandings)
			.set({
				largeExpenseFen: sql`${householdStandings.largeExpenseFen} + ${bills[i]}`
			})
			.where(
				and(eq(householdStandings.countyId, countyId), eq(householdStandings.householdId, h.id))
			);

	// Identification: households not monitored, below the line or near it with a large
	// expense; a few proposed at several steps, the rest stay candidates.
	const below = await tx
		.select({ id: households.id, perCapitaFen: householdStandings.perCapitaFen })
		.from(householdStandings)
		.innerJoin(
			households,
			and(
				eq(households.countyId, householdStandings.countyId),
				eq(households.id, householdStandings.householdId)
			)
		)
		.leftJoin(
			monitoringRecords,
			and(
				eq(monitoringRecords.countyId, households.countyId),
				eq(monitoringRecords.householdId, households.id)
			)
		)
		.where(
			and(
				eq(householdStandings.countyId, countyId),
				sql`(${householdStandings.belowLine} or (${householdStandings.nearLine} and ${householdStandings.largeExpenseFen} > 0))`,
				sql`coalesce(${monitoringRecords.status}, 'not_monitored') = 'not_monitored'`
			)
		)
		.orderBy(staffTownshipsFirst(), asc(households.householdNumber));
	const identifyStages: Exclude<ProposalStatus, 'approved'>[] = [
		'proposed',
		'rejected',
		'noticed',
		'township_reviewed'
	];
	const risks = [['illness'], ['disaster'], ['accident', 'illness'], ['unstable_employment']];
	// The first (a staff household) stays a candidate; the next four are on their way.
	for (const [i, h] of below.slice(1, 5).entries())
		await insertProposal(tx, countyId, today, h.id, 'identify', identifyStages[i], {
			category: i === 2 ? 'sudden' : 'marginal',
			risks: risks[i],
			evidence: { perCapitaFen: h.perCapitaFen }
		});

	// Elimination: the first and last steady households stay candidates, the others are on
	// their way.
	const eliminateStages: Exclude<ProposalStatus, 'approved'>[] = [
		'noticed',
		'verified',
		'township_reviewed'
	];
	for (const [i, h] of steady.slice(1, 4).entries())
		await insertProposal(tx, countyId, today, h.id, 'eliminate', eliminateStages[i], {});

	// A few slips of the kind the county's checks look for.
	const [away] = await tx
		.select({ id: members.id })
		.from(members)
		.innerJoin(
			households,
			and(eq(households.countyId, members.countyId), eq(households.id, members.householdId))
		)
		.where(
			and(
				eq(members.countyId, countyId),
				eq(members.workingAway, true),
				sql`left(${households.villageCode}, 9) = ${STAFF_TOWNSHIPS[0]}`
			)
		)
		.orderBy(asc(households.householdNumber), asc(members.idNumber))
		.limit(1);
	if (away) await tx.update(members).set({ workMonths: null }).where(eq(members.id, away.id));
	const [healthy] = await tx
		.select({ id: members.id })
		.from(members)
		.innerJoin(
			households,
			and(eq(households.countyId, members.countyId), eq(households.id, members.householdId))
		)
		.where(
			and(
				eq(members.countyId, countyId),
				eq(members.health, 'healthy'),
				eq(members.inSchool, false),
				sql`${members.birthDate} between '1975-01-01' and '1995-12-31'`,
				sql`left(${households.villageCode}, 9) = ${STAFF_TOWNSHIPS[1]}`
			)
		)
		.orderBy(asc(households.householdNumber), asc(members.idNumber))
		.limit(1);
	if (healthy)
		await tx.update(members).set({ labourCapacity: 'none' }).where(eq(members.id, healthy.id));

	await runQualityChecks(tx, countyId, today);
}
