import { describe, expect, it } from 'vitest';
import { officialCounty } from '../../src/lib/server/divisions/data';
import { everydayVillageName } from '../../src/lib/server/divisions/names';
import { MANUAL_SUBTYPES } from '../../src/lib/server/income/subtypes';
import { generateDemoHouseholds, type DemoVillage } from '../../src/lib/server/demo/generate';
import {
	ageOn,
	demoLedgerWindow,
	generateDemoLife,
	type DemoHouseholdLife,
	type DemoPosting
} from '../../src/lib/server/demo/monitoring';
import {
	ELIMINATION_METHODS,
	REPORT_MEDICAL_EXPENSE_FEN
} from '../../src/lib/server/demo/monitoring-data';

const county = officialCounty('130434');
if (!county) throw new Error('Wei County is missing from the division data');
const villages: DemoVillage[] = county.villages.map((v) => ({
	code: v.code,
	name: everydayVillageName(v.name),
	townshipCode: v.code.slice(0, 9)
}));
const townshipNames = new Map(county.townships.map((t) => [t.code, t.name]));

const households = generateDemoHouseholds(villages);
const lives = generateDemoLife(households, { townshipNames });
const window = demoLedgerWindow();
const monitored = lives.filter((l) => l.monitoring !== null);
const allPostings = lives.flatMap((l) => l.postings);

function monthsBetween(from: string, to: string): number {
	const months =
		(Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
		Number(to.slice(5, 7)) -
		Number(from.slice(5, 7));
	return to.slice(8) < from.slice(8) ? months - 1 : months;
}

function net(postings: readonly DemoPosting[]): number {
	return postings.reduce(
		(sum, p) =>
			p.kind === 'large_expense'
				? sum
				: p.kind === 'production_cost'
					? sum - p.amountFen
					: sum + p.amountFen,
		0
	);
}

function householdOf(life: DemoHouseholdLife) {
	return households[lives.indexOf(life)];
}

describe('generateDemoLife', () => {
	it('gives the same county life for the same seed and another for another seed', () => {
		expect(generateDemoLife(households, { townshipNames })).toEqual(lives);
		expect(generateDemoLife(households, { townshipNames, seed: 99 })).not.toEqual(lives);
		expect(lives.map((l) => l.householdNumber)).toEqual(households.map((h) => h.householdNumber));
		lives.forEach((l, i) => expect(l.members).toHaveLength(households[i].members.length));
	});

	it('monitors 18–28% of households: unstable and marginal most, sudden fewer', () => {
		const share = monitored.length / lives.length;
		expect(share).toBeGreaterThanOrEqual(0.18);
		expect(share).toBeLessThanOrEqual(0.28);
		const count = (category: string) =>
			monitored.filter((l) => l.monitoring?.category === category).length;
		expect(count('sudden')).toBeGreaterThan(0);
		expect(count('unstable')).toBeGreaterThan(count('sudden'));
		expect(count('marginal')).toBeGreaterThan(count('sudden'));
		expect(count('unstable') + count('marginal') + count('sudden')).toBe(monitored.length);
	});

	it('eliminates about 30%, never sooner than six months after identification', () => {
		const eliminated = monitored.filter((l) => l.monitoring?.status === 'eliminated');
		expect(eliminated.length / monitored.length).toBeGreaterThan(0.2);
		expect(eliminated.length / monitored.length).toBeLessThan(0.4);
		const methods: string[] = Object.values(ELIMINATION_METHODS);
		for (const life of monitored) {
			const record = life.monitoring!;
			expect(record.monitoredSince >= '2021-01-01' && record.monitoredSince <= '2025-12-31').toBe(
				true
			);
			if (record.status === 'eliminated') {
				expect(record.eliminatedOn).not.toBeNull();
				expect(monthsBetween(record.monitoredSince, record.eliminatedOn!)).toBeGreaterThanOrEqual(
					6
				);
				expect(record.eliminatedOn! <= window.to).toBe(true);
				expect(methods).toContain(record.eliminationMethod);
			} else {
				expect(record.eliminatedOn).toBeNull();
				expect(record.eliminationMethod).toBeNull();
			}
		}
	});

	it('gives every monitored household risks, measures after identification and a cadre', () => {
		for (const life of monitored) {
			const record = life.monitoring!;
			expect(record.risks.length).toBeGreaterThanOrEqual(1);
			expect(record.risks.length).toBeLessThanOrEqual(3);
			expect(new Set(record.risks).size).toBe(record.risks.length);
			expect(life.measures.length).toBeGreaterThanOrEqual(1);
			for (const measure of life.measures) {
				expect(measure.startedOn >= record.monitoredSince).toBe(true);
				expect(measure.startedOn <= window.to).toBe(true);
				if (measure.endedOn) expect(measure.endedOn > measure.startedOn).toBe(true);
				if (measure.amountFen !== null) expect(Number.isSafeInteger(measure.amountFen)).toBe(true);
			}
			expect(life.cadre?.name).toMatch(/^\p{Script=Han}{2,3}$/u);
			expect(life.cadre?.unit).toBeTruthy();
			expect(life.cadre?.phone).toMatch(/^1\d{10}$/);
		}
		for (const life of lives.filter((l) => l.monitoring === null)) {
			expect(life.measures).toHaveLength(0);
			expect(life.cadre).toBeNull();
		}
	});

	it('makes illness the most common risk and marks the sick and disabled in their households', () => {
		const counts = new Map<string, number>();
		for (const risk of monitored.flatMap((l) => l.monitoring!.risks))
			counts.set(risk, (counts.get(risk) ?? 0) + 1);
		const illness = counts.get('illness') ?? 0;
		for (const [risk, n] of counts) if (risk !== 'illness') expect(illness).toBeGreaterThan(n);
		for (const life of monitored) {
			const risks = life.monitoring!.risks;
			if (risks.includes('illness')) {
				expect(
					life.members.some(
						(m) => (m.health === 'chronic' || m.health === 'serious') && m.labourCapacity !== 'full'
					)
				).toBe(true);
			}
			if (risks.includes('disability')) {
				expect(
					life.members.some((m) => m.health === 'disabled' && m.labourCapacity !== 'full')
				).toBe(true);
			}
		}
	});

	it('keeps member attributes consistent: school age, work away, labour', () => {
		let away = 0;
		lives.forEach((life, h) => {
			households[h].members.forEach((member, i) => {
				const attrs = life.members[i];
				const age = ageOn(member.birthDate, window.to);
				if (age >= 6 && age <= 17) expect(attrs.inSchool).toBe(true);
				if (age < 6) expect(attrs.inSchool).toBe(false);
				if (attrs.workingAway) {
					away++;
					expect(age).toBeGreaterThanOrEqual(18);
					expect(age).toBeLessThanOrEqual(50);
					expect(attrs.workPlace).toBeTruthy();
					expect(attrs.workMonths).toBeGreaterThanOrEqual(1);
					expect(attrs.workMonths).toBeLessThanOrEqual(12);
				} else {
					expect(attrs.workPlace).toBeNull();
					expect(attrs.workMonths).toBeNull();
				}
				// The county's own data check: a healthy adult out of school is not without labour.
				if (attrs.health === 'healthy' && age >= 16 && age < 60 && !attrs.inSchool)
					expect(attrs.labourCapacity).not.toBe('none');
			});
		});
		expect(away).toBeGreaterThan(50);
	});

	it('posts positive integer fen inside the window, of the kind each subtype is', () => {
		expect(lives.every((l) => l.postings.length > 0)).toBe(true);
		expect(allPostings.length).toBeLessThan(8_000);
		for (const posting of allPostings) {
			expect(Number.isSafeInteger(posting.amountFen)).toBe(true);
			expect(posting.amountFen).toBeGreaterThan(0);
			expect(posting.businessDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
			expect(posting.businessDate >= window.from && posting.businessDate <= window.to).toBe(true);
			expect(posting.kind).toBe(MANUAL_SUBTYPES[posting.subtype]);
		}
		expect(window).toEqual({ from: '2025-12-01', to: '2026-11-28' });
	});

	it('includes the report household’s 57,593.50 yuan of medical bills', () => {
		const bills = allPostings.filter((p) => p.amountFen === REPORT_MEDICAL_EXPENSE_FEN);
		expect(REPORT_MEDICAL_EXPENSE_FEN).toBe(5_759_350);
		expect(bills).toHaveLength(1);
		expect(bills[0].kind).toBe('large_expense');
		expect(bills[0].subtype).toBe('medical');
		const life = lives.find((l) => l.postings.includes(bills[0]))!;
		expect(life.monitoring?.risks).toContain('illness');
	});

	it('pays pensions only to members aged 60 or more', () => {
		const pensions = allPostings.filter((p) => p.subtype === 'pension');
		expect(pensions.length).toBeGreaterThan(0);
		for (const life of lives) {
			for (const posting of life.postings.filter((p) => p.subtype === 'pension')) {
				expect(posting.memberIndex).not.toBeNull();
				const member = householdOf(life).members[posting.memberIndex!];
				expect(ageOn(member.birthDate, posting.businessDate)).toBeGreaterThanOrEqual(60);
			}
		}
	});

	it('pays program-like income only to households that have the measure', () => {
		for (const life of lives) {
			const has = (code: string) => life.measures.some((m) => m.measure === code);
			if (life.postings.some((p) => p.subtype === 'public_welfare_job'))
				expect(has('public_welfare_job')).toBe(true);
			if (life.postings.some((p) => p.subtype === 'dibao')) expect(has('dibao')).toBe(true);
			if (life.postings.some((p) => p.subtype === 'pv_dividend'))
				expect(life.monitoring).not.toBeNull();
			const operating = life.postings
				.filter((p) => p.kind === 'operating')
				.reduce((sum, p) => sum + p.amountFen, 0);
			const costs = life.postings
				.filter((p) => p.kind === 'production_cost')
				.reduce((sum, p) => sum + p.amountFen, 0);
			expect(costs).toBeLessThan(Math.max(1, operating));
		}
		const dibao = allPostings.filter((p) => p.subtype === 'dibao');
		expect(dibao.length).toBeGreaterThan(0);
		expect(dibao.every((p) => p.amountFen === 47_000)).toBe(true);
	});

	it('keeps most ordinary households well above the monitoring line', () => {
		const ordinary = lives.filter((l) => l.monitoring === null);
		const above = ordinary.filter(
			(l) => net(l.postings) / householdOf(l).members.length >= 800_000
		);
		expect(above.length / ordinary.length).toBeGreaterThan(0.9);
	});

	it('lets a few monitored households slip: income falls in the last months', () => {
		const slipping = lives.filter((l) => l.slipping);
		expect(slipping.length).toBeGreaterThanOrEqual(3);
		for (const life of slipping) {
			expect(life.monitoring?.status).toBe('monitored');
			const early = net(life.postings.filter((p) => p.businessDate < '2026-08-01')) / 8;
			const late = net(life.postings.filter((p) => p.businessDate >= '2026-09-01')) / 3;
			expect(late).toBeLessThan(early / 2);
		}
	});
});
