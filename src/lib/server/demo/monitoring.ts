import type { HealthState, LabourCapacity } from '../households/schema';
import type { LedgerKind } from '../income/schema';
import { MANUAL_SUBTYPES, type ManualSubtype } from '../income/subtypes';
import { DEMO_REFERENCE_YEAR, type DemoHousehold } from './generate';
import {
	COUNTY_UNITS,
	DIBAO_MEASURE,
	EDUCATION_MEASURES,
	ELIMINATION_METHODS,
	EMPLOYMENT_MEASURES,
	HOUSING_MEASURES,
	INDUSTRY_MEASURES,
	INSURANCE_MEASURES,
	LEDGER_NOTES,
	MEDICAL_MEASURES,
	PUBLIC_WELFARE_JOBS,
	REPORT_MEDICAL_EXPENSE_FEN,
	SMALL_LOAN,
	SOCIAL_ASSISTANCE_MEASURES,
	TOWNSHIP_UNIT_SUFFIX,
	WORK_PLACES,
	type IndustryVariant,
	type PublicWelfareJob
} from './monitoring-data';
import { GIVEN_NAME_GENERATIONS, LIANZAOLIN_VILLAGE, RELATIONS, SURNAMES } from './names';
import { Random } from './random';

// The demo county's monitoring records and a year of its income ledger, made up from a
// seed and the generated households: who is monitored and why, the assistance measures and
// helping cadres, what each member can do, and every manual ledger entry of the business
// window. Pure: no database, no clock, no Math.random.

export const DEMO_MONITORING_SEED = 20260434;
/** The demo county's monitoring line (监测线) for the reference year and the one before. */
export const DEMO_MONITORING_LINE_FEN = 800_000;

export type DemoCategory = 'unstable' | 'marginal' | 'sudden';
export type DemoRisk =
	| 'illness'
	| 'disability'
	| 'schooling'
	| 'disaster'
	| 'accident'
	| 'unstable_employment'
	| 'lack_of_labour';
export type DemoMeasureCode =
	| 'industry'
	| 'employment'
	| 'public_welfare_job'
	| 'small_loan'
	| 'insurance'
	| 'dibao'
	| 'social_assistance'
	| 'education'
	| 'medical'
	| 'housing_repair';

/** What the registry says a member can do; goes into the member's row. */
export interface DemoMemberAttributes {
	labourCapacity: LabourCapacity;
	health: HealthState;
	inSchool: boolean;
	workingAway: boolean;
	workPlace: string | null;
	workMonths: number | null;
}

export interface DemoMonitoringRecord {
	category: DemoCategory;
	status: 'monitored' | 'eliminated';
	/** YYYY-MM-DD */
	monitoredSince: string;
	eliminatedOn: string | null;
	eliminationMethod: string | null;
	risks: DemoRisk[];
}

export interface DemoCadre {
	name: string;
	unit: string;
	phone: string;
}

export interface DemoMeasure {
	measure: DemoMeasureCode;
	description: string;
	startedOn: string;
	endedOn: string | null;
	amountFen: number | null;
}

export interface DemoPosting {
	/** Index into the household's members, or null for the household as a whole. */
	memberIndex: number | null;
	businessDate: string;
	/** Positive integer fen. */
	amountFen: number;
	kind: LedgerKind;
	subtype: ManualSubtype;
	note: string;
}

export interface DemoHouseholdLife {
	householdNumber: string;
	/** In the order of the household's members. */
	members: DemoMemberAttributes[];
	monitoring: DemoMonitoringRecord | null;
	cadre: DemoCadre | null;
	measures: DemoMeasure[];
	postings: DemoPosting[];
	/** Income falls in the last months of the window: an early-warning example. */
	slipping: boolean;
}

export interface DemoLifeOptions {
	seed?: number;
	referenceYear?: number;
	/** 9-digit township code → name, so cadres can come from the township government. */
	townshipNames?: ReadonlyMap<string, string>;
}

export interface LedgerWindow {
	from: string;
	to: string;
}

/** The business window of the demo ledger: 1 December of the year before to 28 November. */
export function demoLedgerWindow(referenceYear = DEMO_REFERENCE_YEAR): LedgerWindow {
	return { from: `${referenceYear - 1}-12-01`, to: `${referenceYear}-11-28` };
}

// Months are counted as year * 12 + (month - 1), so adding months is adding numbers.
function monthOf(year: number, month: number): number {
	return year * 12 + month - 1;
}

function dateIn(monthNumber: number, day: number): string {
	const year = Math.floor(monthNumber / 12);
	const month = (monthNumber % 12) + 1;
	return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function monthNumberOf(isoDate: string): number {
	return monthOf(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)));
}

/** Whole years from a birth date to a date. */
export function ageOn(birthDate: string, isoDate: string): number {
	const years = Number(isoDate.slice(0, 4)) - Number(birthDate.slice(0, 4));
	return isoDate.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

function yuan(amount: number): number {
	return Math.round(amount) * 100;
}

/** Rounded to 10 yuan, as wages are. */
function tenYuan(fen: number): number {
	return Math.max(1000, Math.round(fen / 1000) * 1000);
}

function weightedPick<T extends { weight: number }>(random: Random, items: readonly T[]): T {
	return items[random.weightedIndex(items.map((i) => i.weight))];
}

/** Splits `total` fen into `parts` positive uneven shares rounded to 10 yuan. */
function splitAmount(random: Random, total: number, parts: number): number[] {
	const weights = Array.from({ length: parts }, () => 0.7 + random.next() * 0.6);
	const sum = weights.reduce((a, b) => a + b, 0);
	const shares = weights.map((w) => tenYuan((total * w) / sum));
	return shares;
}

function mobilePhone(random: Random): string {
	const second = random.pick(['3', '5', '8']);
	const third =
		second === '5'
			? random.pick(['0', '1', '2', '3', '5', '6', '7', '8', '9'])
			: String(random.int(0, 9));
	let rest = '';
	for (let i = 0; i < 8; i++) rest += String(random.int(0, 9));
	return `1${second}${third}${rest}`;
}

function personName(random: Random, birthYear: number): string {
	const surname = SURNAMES[random.weightedIndex(SURNAMES.map((s) => s.weight))].surname;
	const generation =
		GIVEN_NAME_GENERATIONS.find((g) => g.bornUntil === null || birthYear <= g.bornUntil) ??
		GIVEN_NAME_GENERATIONS[GIVEN_NAME_GENERATIONS.length - 1];
	return surname + random.pick(random.chance(0.7) ? generation.male : generation.female);
}

/** Keeps a number of distinct months, in order: Spring Festival months go first. */
const HOME_FIRST: readonly number[] = [2, 1, 3, 0, 11, 4, 10, 5, 9, 6, 8, 7];

interface Worker {
	member: number;
	/** Window month indexes (0 = December of the year before) worked away. */
	months: number[];
	paidMonthly: boolean;
	unstable: boolean;
}

interface Plan {
	household: DemoHousehold;
	index: number;
	ages: number[];
	pensionAges: number[];
	attrs: DemoMemberAttributes[];
	township: string;
	feature: boolean;
	monitoring: DemoMonitoringRecord | null;
	measures: DemoMeasure[];
	cadre: DemoCadre | null;
	illMembers: number[];
	unstableWorker: number | null;
	workers: Worker[];
	publicWelfare: { member: number; job: PublicWelfareJob; from: number; to: number } | null;
	dibaoFrom: number | null;
	industry: { variant: IndustryVariant; from: number } | null;
	pv: boolean;
	slip: { member: number; month: number } | null;
	postings: DemoPosting[];
}

const RISK_WEIGHTS: Record<DemoRisk, number> = {
	illness: 38,
	disability: 18,
	lack_of_labour: 22,
	unstable_employment: 18,
	accident: 4,
	disaster: 4,
	schooling: 10
};
const SUDDEN_RISK_WEIGHTS: Partial<Record<DemoRisk, number>> = {
	illness: 70,
	accident: 20,
	disaster: 10
};

/** What a household stops earning once its earner is in hospital: no hands, no time. */
const STOPS_AFTER_SLIP: ReadonlySet<ManualSubtype> = new Set([
	'crop_sale',
	'livestock_sale',
	'temporary_job',
	'other_transfer'
]);

const DEVELOPMENTAL: readonly DemoMeasureCode[] = [
	'industry',
	'employment',
	'public_welfare_job',
	'small_loan'
];

/**
 * Monitoring records, measures, cadres, member attributes and a year of manual ledger
 * entries for the generated households, in the same order. The same households, seed and
 * reference year always give the same result.
 */
export function generateDemoLife(
	households: readonly DemoHousehold[],
	options: DemoLifeOptions = {}
): DemoHouseholdLife[] {
	const random = new Random(options.seed ?? DEMO_MONITORING_SEED);
	const year = options.referenceYear ?? DEMO_REFERENCE_YEAR;
	const window = demoLedgerWindow(year);
	const firstMonth = monthOf(year - 1, 12);
	const lastMonth = firstMonth + 11;
	const townshipNames = options.townshipNames ?? new Map<string, string>();

	const featureIndex = Math.max(
		0,
		households.findIndex((h) => h.address.startsWith(LIANZAOLIN_VILLAGE) && h.phone !== null)
	);

	const plans: Plan[] = households.map((household, index) => {
		const ages = household.members.map((m) => ageOn(m.birthDate, window.to));
		return {
			household,
			index,
			ages,
			pensionAges: household.members.map((m) => ageOn(m.birthDate, window.from)),
			attrs: ages.map((age) => baseAttributes(random, age)),
			township: household.villageCode.slice(0, 9),
			feature: index === featureIndex && households.length > 0,
			monitoring: null,
			measures: [],
			cadre: null,
			illMembers: [],
			unstableWorker: null,
			workers: [],
			publicWelfare: null,
			dibaoFrom: null,
			industry: null,
			pv: false,
			slip: null,
			postings: []
		};
	});

	// Who is monitored: about 23% of households, the elderly and the sick more often.
	const monitoredCount = Math.min(
		plans.length,
		Math.round(plans.length * (0.21 + random.next() * 0.04))
	);
	const keyed = plans
		.filter((p) => !p.feature)
		.map((p) => ({ plan: p, key: Math.pow(random.next(), 1 / selectionWeight(p)) }))
		.sort((a, b) => b.key - a.key);
	const monitored = [
		...plans.filter((p) => p.feature),
		...keyed.slice(0, Math.max(0, monitoredCount - 1)).map((k) => k.plan)
	].sort((a, b) => a.index - b.index);

	// Categories: about 40% unstable, 40% marginal, 20% sudden (the report's household).
	const unstableQuota = Math.round(monitored.length * 0.4);
	const marginalQuota = Math.round(monitored.length * 0.4);
	const categoryOrder = random.shuffle(monitored.filter((p) => !p.feature));
	const categoryOf = new Map<Plan, DemoCategory>();
	categoryOrder.forEach((p, i) =>
		categoryOf.set(
			p,
			i < unstableQuota ? 'unstable' : i < unstableQuota + marginalQuota ? 'marginal' : 'sudden'
		)
	);

	for (const plan of monitored) {
		const category = plan.feature ? 'sudden' : (categoryOf.get(plan) ?? 'marginal');
		const risks = chooseRisks(random, plan, category);
		applyRisks(random, plan, risks, category);
		const since = plan.feature
			? monthOf(year - 1, random.int(3, 8))
			: category === 'sudden'
				? random.int(monthOf(year - 3, 6), monthOf(year - 1, 12))
				: random.int(monthOf(year - 5, 1), monthOf(year - 1, 12));
		plan.monitoring = {
			category,
			status: 'monitored',
			monitoredSince: dateIn(since, random.int(1, 28)),
			eliminatedOn: null,
			eliminationMethod: null,
			risks
		};
	}

	// About 30% of them have had the risk eliminated, never sooner than six months after.
	const eliminable = random.shuffle(
		monitored.filter(
			(p) => !p.feature && ableMembers(p, 64).some((i) => p.attrs[i].health !== 'serious')
		)
	);
	for (const plan of eliminable.slice(0, Math.round(monitored.length * 0.3))) {
		const record = plan.monitoring!;
		const since = monthNumberOf(record.monitoredSince);
		const latest = lastMonth - 2;
		const months = random.int(6, Math.max(6, Math.min(30, latest - since)));
		const day = random.int(Number(record.monitoredSince.slice(8)), 28);
		record.status = 'eliminated';
		record.eliminatedOn = dateIn(since + months, day);
		record.eliminationMethod = random.chance(0.75)
			? ELIMINATION_METHODS.assisted
			: ELIMINATION_METHODS.natural;
	}

	for (const plan of plans) assignWork(random, plan);
	for (const plan of monitored) planMeasures(random, plan, firstMonth, lastMonth);

	// A few households still monitored slip: the earner falls ill late in the year.
	const stillMonitored = monitored.filter(
		(p) => !p.feature && p.monitoring?.status === 'monitored'
	);
	const earners = (p: Plan) =>
		localWorkers(p).filter((i) => p.ages[i] <= 55 && p.attrs[i].health === 'healthy');
	const slipCandidates = [
		...random.shuffle(stillMonitored.filter((p) => p.workers.some((w) => !w.unstable))),
		...random.shuffle(
			stillMonitored.filter((p) => p.workers.every((w) => w.unstable) && earners(p).length > 0)
		)
	];
	for (const plan of slipCandidates.slice(0, 5)) {
		// He worked away from March and came home ill in summer or early autumn.
		const worker = plan.workers.find((w) => !w.unstable);
		const member = worker?.member ?? earners(plan)[0];
		plan.workers = plan.workers.filter((w) => w.member !== member);
		plan.workers.unshift({
			member,
			months: [3, 4, 5, 6, 7, 8, 9, 10, 11],
			paidMonthly: true,
			unstable: false
		});
		plan.slip = { member, month: random.int(7, 9) };
		const risks = plan.monitoring!.risks;
		if (!risks.includes('illness') && !risks.includes('accident')) {
			if (risks.length >= 3) risks.pop();
			risks.push('illness');
		}
		if (!plan.measures.some((m) => m.measure === 'medical')) {
			plan.measures.push({
				measure: 'medical',
				description: MEDICAL_MEASURES[0],
				startedOn: dateIn(firstMonth + plan.slip.month, random.int(10, 28)),
				endedOn: null,
				amountFen: null
			});
		}
	}

	// Photovoltaic dividends for about 30% of monitored households.
	for (const plan of random.shuffle(monitored).slice(0, Math.round(monitored.length * 0.3))) {
		plan.pv = true;
	}

	assignCadres(random, monitored, townshipNames);

	for (const plan of plans) writeLedger(random, plan, firstMonth);

	return plans.map((plan) => {
		if (plan.slip) {
			// Home from work, in hospital: the registry shows the earner as he is now.
			const attrs = plan.attrs[plan.slip.member];
			attrs.health = 'serious';
			attrs.labourCapacity = 'partial';
			attrs.workingAway = false;
			attrs.workPlace = null;
			attrs.workMonths = null;
		}
		return {
			householdNumber: plan.household.householdNumber,
			members: plan.attrs,
			monitoring: plan.monitoring,
			cadre: plan.cadre,
			measures: plan.measures,
			postings: plan.postings.sort((a, b) =>
				a.businessDate < b.businessDate ? -1 : a.businessDate > b.businessDate ? 1 : 0
			),
			slipping: plan.slip !== null
		};
	});
}

function baseAttributes(random: Random, age: number): DemoMemberAttributes {
	const attrs: DemoMemberAttributes = {
		labourCapacity: 'full',
		health: 'healthy',
		inSchool: false,
		workingAway: false,
		workPlace: null,
		workMonths: null
	};
	if (age < 6) {
		attrs.labourCapacity = 'none';
	} else if (age <= 18) {
		attrs.inSchool = age <= 17 || random.chance(0.7);
		attrs.labourCapacity = attrs.inSchool ? 'none' : 'full';
	} else if (age <= 22 && random.chance(0.25)) {
		attrs.inSchool = true;
		attrs.labourCapacity = 'none';
	} else if (age < 60) {
		if (random.chance(age >= 45 ? 0.1 : 0.03)) {
			attrs.health = 'chronic';
			attrs.labourCapacity = random.chance(0.5) ? 'partial' : 'full';
		}
	} else {
		const roll = random.next();
		const [chronic, serious] = age < 65 ? [0.25, 0.03] : age < 75 ? [0.35, 0.05] : [0.45, 0.08];
		attrs.health = roll < serious ? 'serious' : roll < serious + chronic ? 'chronic' : 'healthy';
		if (attrs.health === 'serious') attrs.labourCapacity = 'none';
		else if (age < 65)
			attrs.labourCapacity = attrs.health === 'chronic' || random.chance(0.3) ? 'partial' : 'full';
		else if (age < 75) {
			const labour = random.next();
			attrs.labourCapacity =
				attrs.health === 'chronic'
					? labour < 0.5
						? 'partial'
						: 'none'
					: labour < 0.3
						? 'full'
						: labour < 0.9
							? 'partial'
							: 'none';
		} else attrs.labourCapacity = random.chance(0.65) ? 'none' : 'partial';
	}
	return attrs;
}

function selectionWeight(plan: Plan): number {
	let weight = 1;
	if (plan.ages.every((a) => a >= 60)) weight += 1.5;
	if (plan.attrs.some((a) => a.health !== 'healthy')) weight += 0.8;
	if (plan.ages[0] >= 70) weight += 0.4;
	if (plan.ages.length >= 5) weight += 0.3;
	return weight;
}

/** Members of working age who can work and are not in school. */
function ableMembers(plan: Plan, maxAge: number): number[] {
	return plan.attrs
		.map((a, i) => i)
		.filter(
			(i) =>
				plan.ages[i] >= 18 &&
				plan.ages[i] <= maxAge &&
				!plan.attrs[i].inSchool &&
				plan.attrs[i].labourCapacity !== 'none'
		);
}

/** Able members at home who could take local day work. */
function localWorkers(plan: Plan): number[] {
	return ableMembers(plan, 64).filter(
		(i) => !plan.attrs[i].workingAway && plan.attrs[i].health !== 'serious'
	);
}

function chooseRisks(random: Random, plan: Plan, category: DemoCategory): DemoRisk[] {
	const strong = plan.attrs.filter(
		(a, i) =>
			plan.ages[i] >= 18 &&
			plan.ages[i] <= 59 &&
			!a.inSchool &&
			a.labourCapacity === 'full' &&
			a.health === 'healthy'
	).length;
	const eligible: Record<DemoRisk, boolean> = {
		illness: true,
		disability: plan.ages.some((a) => a >= 8),
		lack_of_labour: strong <= 1,
		unstable_employment: plan.ages.some(
			(a, i) => a >= 18 && a <= 50 && !plan.attrs[i].inSchool && plan.attrs[i].health === 'healthy'
		),
		accident: plan.ages.some((a) => a >= 18 && a <= 64),
		disaster: true,
		schooling: plan.ages.some((a) => a >= 6 && a <= 22)
	};
	const risks: DemoRisk[] = [];
	const personal: readonly DemoRisk[] = ['illness', 'disability', 'accident'];
	const draw = (weights: Partial<Record<DemoRisk, number>>) => {
		const people = risks.filter((r) => personal.includes(r)).length;
		const options = (Object.keys(weights) as DemoRisk[]).filter(
			(r) =>
				eligible[r] && !risks.includes(r) && (!personal.includes(r) || people < plan.ages.length)
		);
		if (options.length === 0) return;
		risks.push(options[random.weightedIndex(options.map((r) => weights[r] ?? 0))]);
	};
	if (plan.feature) risks.push('illness');
	else draw(category === 'sudden' ? SUDDEN_RISK_WEIGHTS : RISK_WEIGHTS);
	const count = random.weightedIndex([50, 35, 15]) + 1;
	while (risks.length < count) {
		const before = risks.length;
		draw(RISK_WEIGHTS);
		if (risks.length === before) break;
	}
	if (risks.length === 0) risks.push('illness');
	return risks;
}

function applyRisks(random: Random, plan: Plan, risks: DemoRisk[], category: DemoCategory): void {
	const adults = plan.ages.map((a, i) => i).filter((i) => plan.ages[i] >= 30);
	const relationWeight = (i: number) =>
		plan.household.members[i].relation === RELATIONS.head
			? 3
			: plan.household.members[i].relation === RELATIONS.spouse
				? 2
				: 1;
	// Each of illness, disability and accident strikes someone not already struck.
	const struck = new Set<number>();
	const everyone = plan.ages.map((a, i) => i);
	const unstruck = (pool: number[]) => {
		const left = pool.filter((i) => !struck.has(i));
		if (left.length > 0) return left;
		const anyone = everyone.filter((i) => !struck.has(i));
		return anyone.length > 0 ? anyone : pool;
	};
	for (const risk of risks) {
		if (risk === 'illness') {
			const pool = unstruck(adults.length > 0 ? adults : everyone);
			const member = pool[random.weightedIndex(pool.map(relationWeight))];
			const serious = category === 'sudden' || plan.feature || random.chance(0.55);
			plan.attrs[member].health = serious ? 'serious' : 'chronic';
			plan.attrs[member].labourCapacity =
				serious && (plan.ages[member] >= 60 || random.chance(0.5)) ? 'none' : 'partial';
			plan.illMembers.push(member);
			struck.add(member);
		} else if (risk === 'disability') {
			const pool = unstruck(everyone.filter((i) => plan.ages[i] >= 8));
			const member = pool[random.weightedIndex(pool.map((i) => (plan.ages[i] >= 18 ? 3 : 1)))];
			struck.add(member);
			plan.attrs[member].health = 'disabled';
			plan.attrs[member].labourCapacity =
				plan.ages[member] < 16 || plan.attrs[member].inSchool || random.chance(0.5)
					? 'none'
					: 'partial';
		} else if (risk === 'accident') {
			const pool = plan.ages
				.map((a, i) => i)
				.filter((i) => plan.ages[i] >= 18 && plan.ages[i] <= 64);
			const member = random.pick(unstruck(pool));
			if (struck.has(member)) continue;
			struck.add(member);
			plan.attrs[member].health = random.chance(0.5) ? 'serious' : 'disabled';
			plan.attrs[member].labourCapacity = random.chance(0.6) ? 'partial' : 'none';
			plan.attrs[member].inSchool = false;
			if (plan.attrs[member].health === 'serious') plan.illMembers.push(member);
		} else if (risk === 'lack_of_labour') {
			plan.attrs.forEach((a, i) => {
				if (plan.ages[i] >= 60 && a.labourCapacity === 'full') a.labourCapacity = 'partial';
			});
		} else if (risk === 'unstable_employment') {
			const pool = plan.ages
				.map((a, i) => i)
				.filter(
					(i) =>
						plan.ages[i] >= 18 &&
						plan.ages[i] <= 50 &&
						!plan.attrs[i].inSchool &&
						plan.attrs[i].health === 'healthy'
				);
			if (pool.length > 0) {
				plan.unstableWorker = random.pick(pool);
				plan.attrs[plan.unstableWorker].labourCapacity = 'full';
			}
		} else if (risk === 'schooling') {
			const student = plan.ages.findIndex((a) => a >= 15 && a <= 22);
			if (student >= 0) {
				plan.attrs[student].inSchool = true;
				plan.attrs[student].labourCapacity = 'none';
			}
		}
	}
}

function awayMonths(random: Random, count: number, unstable: boolean): number[] {
	if (unstable) {
		const start = random.int(3, 12 - count);
		return Array.from({ length: count }, (_, i) => start + i);
	}
	const home = new Set(HOME_FIRST.slice(0, 12 - count));
	return Array.from({ length: 12 }, (_, i) => i).filter((i) => !home.has(i));
}

/** Working away: some healthy adults of 18–50; someone stays home with young children. */
function assignWork(random: Random, plan: Plan): void {
	const status = plan.monitoring?.status;
	const chance = status === 'monitored' ? 0.3 : status === 'eliminated' ? 0.45 : 0.55;
	for (let i = 0; i < plan.attrs.length; i++) {
		const attrs = plan.attrs[i];
		const age = plan.ages[i];
		const unstable = plan.unstableWorker === i;
		const eligible =
			age >= 18 &&
			age <= 50 &&
			!attrs.inSchool &&
			attrs.labourCapacity === 'full' &&
			attrs.health === 'healthy';
		if (!eligible || !random.chance(unstable ? 0.7 : chance)) continue;
		const count = unstable
			? random.int(3, 6)
			: status === 'monitored'
				? random.int(4, 8)
				: 6 + random.weightedIndex([1, 1, 2, 3, 4, 3, 2]);
		attrs.workingAway = true;
		attrs.workPlace = weightedPick(random, WORK_PLACES).text;
		attrs.workMonths = count;
		plan.workers.push({
			member: i,
			months: awayMonths(random, count, unstable),
			paidMonthly: unstable || random.chance(0.4),
			unstable
		});
	}
	const youngChildren = plan.ages.some((a) => a < 14);
	const adultAtHome = plan.attrs.some((a, i) => plan.ages[i] >= 18 && !a.workingAway);
	if (youngChildren && !adultAtHome && plan.workers.length > 0) {
		const stays = plan.workers.pop()!;
		const attrs = plan.attrs[stays.member];
		attrs.workingAway = false;
		attrs.workPlace = null;
		attrs.workMonths = null;
	}
}

function planMeasures(random: Random, plan: Plan, firstMonth: number, lastMonth: number): void {
	const record = plan.monitoring!;
	const since = monthNumberOf(record.monitoredSince);
	const sinceDay = Number(record.monitoredSince.slice(8));
	const risks = record.risks;
	// Measures start once the household is identified, and before its risk was eliminated.
	const latestStart = record.eliminatedOn
		? Math.max(since, monthNumberOf(record.eliminatedOn) - 1)
		: lastMonth - 1;
	const add = (
		measure: DemoMeasureCode,
		description: string,
		start: number,
		end: number | null = null,
		amountFen: number | null = null
	) => {
		const startedOn = dateIn(start, random.int(start === since ? sinceDay : 1, 28));
		plan.measures.push({
			measure,
			description,
			startedOn,
			endedOn: end === null ? null : dateIn(end, Number(startedOn.slice(8))),
			amountFen
		});
	};
	const startAfter = (limit = 10) =>
		Math.min(latestStart, since + random.int(0, Math.max(0, limit)));

	const able = ableMembers(plan, 64);
	const jobHolders = ableMembers(plan, 69).filter(
		(i) => !plan.attrs[i].workingAway && plan.attrs[i].health !== 'serious'
	);
	const developmental: DemoMeasureCode[] = [];
	if (plan.feature) {
		if (jobHolders.length > 0) developmental.push('public_welfare_job');
	} else if (able.length > 0 || jobHolders.length > 0) {
		developmental.push(DEVELOPMENTAL[random.weightedIndex([35, 22, 30, 13])]);
		if (developmental[0] === 'small_loan' && random.chance(0.6)) developmental.push('industry');
		if (developmental[0] === 'industry' && random.chance(0.2))
			developmental.push('public_welfare_job');
	}
	for (const measure of developmental) {
		if (measure === 'public_welfare_job' && jobHolders.length > 0) {
			const member =
				jobHolders[random.weightedIndex(jobHolders.map((i) => (plan.ages[i] >= 45 ? 3 : 1)))];
			const job = random.pick(PUBLIC_WELFARE_JOBS);
			const from = record.eliminatedOn ? since : Math.max(since, firstMonth - 30);
			const start = random.int(
				from,
				Math.max(from, Math.min(since + 12, latestStart, lastMonth - 5))
			);
			plan.publicWelfare = { member, job, from: start, to: start + 36 };
			add('public_welfare_job', job.description, start, start + 36, job.monthlyFen);
		} else if (measure === 'employment') {
			const migrant = plan.workers.length > 0;
			add(
				'employment',
				migrant ? EMPLOYMENT_MEASURES.migrant : EMPLOYMENT_MEASURES.microFactory,
				startAfter()
			);
		} else if (measure === 'small_loan') {
			const start = startAfter(6);
			add(
				'small_loan',
				SMALL_LOAN.description,
				start,
				start + SMALL_LOAN.years * 12,
				SMALL_LOAN.amountFen
			);
		} else if (measure === 'industry' || measure === 'public_welfare_job') {
			const variant = random.pick(INDUSTRY_MEASURES);
			const start = Math.min(startAfter(8), Math.max(since, firstMonth - 7));
			plan.industry = { variant, from: start };
			add('industry', variant.description, start);
		}
	}

	const noLabour = able.length === 0;
	if (risks.includes('illness') && (plan.feature || random.chance(0.85)))
		add(
			'medical',
			plan.feature ? MEDICAL_MEASURES[1] : random.pick(MEDICAL_MEASURES),
			startAfter(3)
		);
	if (plan.feature) add('insurance', INSURANCE_MEASURES[0], startAfter(2));
	if (risks.includes('disability') && random.chance(0.8))
		add('social_assistance', SOCIAL_ASSISTANCE_MEASURES[1], startAfter(4));
	if (risks.includes('schooling')) add('education', random.pick(EDUCATION_MEASURES), startAfter(6));
	if (risks.includes('disaster')) {
		if (random.chance(0.5)) add('housing_repair', HOUSING_MEASURES[0], startAfter(4));
		else add('insurance', INSURANCE_MEASURES[1], startAfter(4));
	}
	if (risks.includes('accident') && random.chance(0.7))
		add('insurance', random.pick([INSURANCE_MEASURES[0], INSURANCE_MEASURES[2]]), startAfter(3));
	const needsDibao =
		record.status === 'monitored' &&
		(noLabour ||
			(risks.includes('lack_of_labour') && random.chance(0.75)) ||
			(plan.illMembers.some((i) => plan.attrs[i].health === 'serious') && random.chance(0.35)));
	if (needsDibao) {
		const start = Math.min(since + random.int(1, 3), lastMonth - 1);
		plan.dibaoFrom = start;
		add('dibao', DIBAO_MEASURE, start);
	}
	if (plan.measures.length === 0)
		add('social_assistance', SOCIAL_ASSISTANCE_MEASURES[0], startAfter(3));
	plan.measures.sort((a, b) =>
		a.startedOn < b.startedOn ? -1 : a.startedOn > b.startedOn ? 1 : 0
	);
}

/** One cadre helps a few neighbouring households; most come from the township government. */
function assignCadres(
	random: Random,
	monitored: readonly Plan[],
	townshipNames: ReadonlyMap<string, string>
): void {
	let current: DemoCadre | null = null;
	let township = '';
	let left = 0;
	for (const plan of monitored) {
		if (!current || left === 0 || plan.township !== township) {
			const townshipName = townshipNames.get(plan.township);
			current = {
				name: personName(random, random.int(1968, 1998)),
				unit:
					townshipName && random.chance(0.6)
						? townshipName + TOWNSHIP_UNIT_SUFFIX
						: random.pick(COUNTY_UNITS),
				phone: mobilePhone(random)
			};
			township = plan.township;
			left = random.int(2, 5);
		}
		plan.cadre = { ...current };
		left--;
	}
}

/** Per-capita net income the household's year should come to, in yuan. */
function targetPerCapita(random: Random, plan: Plan): number {
	const status = plan.monitoring?.status;
	if (status === 'monitored') return random.int(5_500, 9_000);
	if (status === 'eliminated') return random.int(9_500, 13_500);
	return random.chance(0.08) ? random.int(7_500, 10_000) : random.int(10_500, 22_000);
}

function writeLedger(random: Random, plan: Plan, firstMonth: number): void {
	const postings = plan.postings;
	const post = (
		member: number | null,
		month: number,
		day: number,
		amountFen: number,
		subtype: ManualSubtype,
		note: string
	) => {
		if (amountFen <= 0 || month < 0 || month > 11) return false;
		if (plan.slip && month >= plan.slip.month && STOPS_AFTER_SLIP.has(subtype)) return false;
		postings.push({
			memberIndex: member,
			businessDate: dateIn(firstMonth + month, Math.min(28, Math.max(1, day))),
			amountFen: Math.round(amountFen),
			kind: MANUAL_SUBTYPES[subtype],
			subtype,
			note
		});
		return true;
	};
	const slip = plan.slip;
	const earns = (member: number, month: number) =>
		!slip || slip.member !== member || month < slip.month;
	const people = plan.ages.length;
	const target = yuan(targetPerCapita(random, plan) * people);
	let base = 0;

	// Pensions: everyone 60 or older when the window opens, on the 15th.
	plan.pensionAges.forEach((age, i) => {
		if (age < 60) return;
		const monthly = age >= 80 ? 17_000 : age >= 70 ? 16_000 : 15_000;
		for (let m = 0; m < 12; m++) post(i, m, 15, monthly, 'pension', LEDGER_NOTES.pension);
		base += monthly * 12;
	});

	if (plan.dibaoFrom !== null) {
		for (let m = 0; m < 12; m++) {
			if (firstMonth + m <= plan.dibaoFrom) continue;
			post(null, m, 10, 47_000, 'dibao', LEDGER_NOTES.dibao);
			base += 47_000;
		}
	}

	const job = plan.publicWelfare;
	if (job) {
		for (let m = 0; m < 12; m++) {
			const month = firstMonth + m;
			if (month <= job.from || month > job.to || !earns(job.member, m)) continue;
			post(
				job.member,
				m,
				20,
				job.job.monthlyFen,
				'public_welfare_job',
				LEDGER_NOTES.publicWelfareJob
			);
			base += job.job.monthlyFen;
		}
	}

	if (plan.pv) {
		post(null, 1, random.int(10, 25), 300_000, 'pv_dividend', LEDGER_NOTES.pvDividend);
		base += 300_000;
	}

	plan.attrs.forEach((a, i) => {
		if (a.health !== 'disabled') return;
		for (const m of [0, 3, 6, 9])
			post(i, m, 12, 24_000, 'disability_allowance', LEDGER_NOTES.disabilityAllowance);
		base += 96_000;
	});

	// Farming: about 1–1.5 mu a person. Households without hands at home rent the land out.
	const mu = Math.min(9, Math.max(2, Math.round(people * (1 + random.next() * 0.5))));
	const farmers = ableMembers(plan, 74).filter((i) => !plan.attrs[i].workingAway);
	let operating = 0;
	let costs = 0;
	const sell = (month: number, amount: number, subtype: ManualSubtype, note: string) => {
		const sold = post(null, month, random.int(3, 26), amount, subtype, note);
		if (sold) operating += amount;
		return sold;
	};
	const spend = (month: number, amount: number, note: string) => {
		post(null, month, random.int(3, 26), amount, 'production_cost', note);
		costs += amount;
	};
	if (farmers.length === 0) {
		const rent = yuan(mu * random.int(700, 900));
		post(null, 10, random.int(5, 25), rent, 'land_rent', LEDGER_NOTES.landRent);
		base += rent;
	} else {
		sell(6, yuan(mu * random.int(1_000, 1_250)), 'crop_sale', LEDGER_NOTES.wheat);
		sell(10, yuan(mu * random.int(900, 1_150)), 'crop_sale', LEDGER_NOTES.corn);
		spend(6, yuan(mu * random.int(260, 360)), LEDGER_NOTES.seedsFertiliser);
		spend(10, yuan(mu * random.int(250, 320)), LEDGER_NOTES.seedsFertiliser);
	}

	const industry = plan.industry?.variant ?? sideline(random, plan);
	const established = !plan.industry || plan.industry.from <= firstMonth - 6;
	if (industry && farmers.length > 0 && established) {
		if (industry.kind === 'honeysuckle') {
			const area = industry.mu ?? 2;
			const gross = area * random.int(4_500, 6_000);
			for (const [month, share] of [
				[6, 0.45],
				[7, 0.35],
				[8, 0.2]
			] as const)
				sell(month, yuan(gross * share), 'crop_sale', LEDGER_NOTES.honeysuckle);
			spend(3, yuan(area * random.int(700, 900)), LEDGER_NOTES.honeysuckleCost);
		} else if (industry.kind === 'pear') {
			const area = industry.mu ?? 2;
			sell(9, yuan(area * random.int(3_500, 5_000)), 'crop_sale', LEDGER_NOTES.pear);
			spend(4, yuan(area * random.int(1_000, 1_300)), LEDGER_NOTES.pearCost);
		} else {
			const ewes = industry.ewes ?? 10;
			const sales = random.int(2, 4);
			const months = random.shuffle([1, 3, 5, 7, 9, 11]).slice(0, sales);
			let total = 0;
			for (const month of months) {
				const head = random.int(Math.max(2, Math.round(ewes * 0.3)), Math.round(ewes * 0.7));
				const amount = yuan(head * random.int(1_100, 1_500));
				if (sell(month, amount, 'livestock_sale', LEDGER_NOTES.sheep)) total += amount;
			}
			const feed = tenYuan(total * (0.3 + random.next() * 0.12));
			spend(2, tenYuan(feed * 0.55), LEDGER_NOTES.feed);
			spend(8, tenYuan(feed * 0.45), LEDGER_NOTES.feed);
		}
	}
	base += operating - costs;

	// Wages and family support make up the rest of the year the household should have had.
	let rest = target - base;
	const totalMonths = plan.workers.reduce((sum, w) => sum + w.months.length, 0);
	for (const worker of plan.workers) {
		const share = totalMonths > 0 ? rest / totalMonths : 0;
		const [low, high] =
			worker.unstable || plan.monitoring?.status === 'monitored'
				? [250_000, 420_000]
				: [320_000, 750_000];
		const monthly = tenYuan(Math.min(high, Math.max(low, share * (0.85 + random.next() * 0.3))));
		const slipsHere = slip?.member === worker.member;
		const months = worker.months.filter((m) => earns(worker.member, m));
		if (worker.paidMonthly || slipsHere) {
			for (const m of months) {
				const amount = tenYuan(monthly * (0.95 + random.next() * 0.1));
				post(
					worker.member,
					m,
					random.int(24, 28),
					amount,
					'migrant_work',
					LEDGER_NOTES.migrantMonthly
				);
				rest -= amount;
			}
		} else {
			// Building sites settle up before Spring Festival, at midsummer and at year end.
			let owed = 0;
			for (let m = 0; m < 12; m++) {
				if (months.includes(m)) owed += monthly;
				if ((m === 1 || m === 7 || m === 11) && owed > 0) {
					post(
						worker.member,
						m,
						random.int(15, 28),
						owed,
						'migrant_work',
						LEDGER_NOTES.migrantSettlement
					);
					rest -= owed;
					owed = 0;
				}
			}
		}
	}
	const locals = localWorkers(plan).slice(0, 2);
	if (rest > 50_000 && locals.length > 0) {
		const total = Math.min(rest, locals.length * 3_000_000);
		for (const member of locals) {
			const parts = random.int(2, 3);
			const months = random
				.shuffle([0, 2, 3, 4, 5, 7, 8, 9, 10, 11])
				.slice(0, parts)
				.sort((a, b) => a - b);
			splitAmount(random, total / locals.length, parts).forEach((amount, k) => {
				if (!earns(member, months[k])) return;
				const day = random.int(1, 28);
				if (post(member, months[k], day, amount, 'temporary_job', LEDGER_NOTES.temporaryJob))
					rest -= amount;
			});
		}
	}
	if (rest > 50_000 && plan.ages.some((a) => a >= 60)) {
		const total = Math.min(rest, 2_000_000);
		const months = [1, 2, 9, 11].slice(0, random.int(2, 4));
		splitAmount(random, total, months.length).forEach((amount, k) =>
			post(null, months[k], random.int(1, 28), amount, 'other_transfer', LEDGER_NOTES.support)
		);
	}

	writeExpenses(random, plan, post);
}

/** Some ordinary households keep sheep or a pear orchard besides their grain. */
function sideline(random: Random, plan: Plan): IndustryVariant | null {
	if (plan.monitoring) return null;
	const roll = random.next();
	if (roll < 0.12) return { description: '', kind: 'sheep', ewes: random.int(8, 20) };
	if (roll < 0.2) return { description: '', kind: 'pear', mu: random.int(2, 4) };
	return null;
}

function writeExpenses(
	random: Random,
	plan: Plan,
	post: (
		member: number | null,
		month: number,
		day: number,
		amountFen: number,
		subtype: ManualSubtype,
		note: string
	) => boolean
): void {
	const risks = plan.monitoring?.risks ?? [];
	const cents = () => random.int(0, 99);
	if (plan.feature) {
		const member = plan.illMembers[0] ?? 0;
		post(member, 4, 17, REPORT_MEDICAL_EXPENSE_FEN, 'medical', LEDGER_NOTES.reportHospital);
		post(
			member,
			8,
			9,
			yuan(random.int(1_500, 3_000)) + cents(),
			'medical',
			LEDGER_NOTES.outpatient
		);
	} else if (plan.monitoring && (risks.includes('illness') || risks.includes('accident'))) {
		for (const member of plan.illMembers) {
			if (plan.attrs[member].health === 'serious') {
				const stays = random.int(1, 2);
				for (let k = 0; k < stays; k++)
					post(
						member,
						random.int(0, 11),
						random.int(1, 28),
						yuan(random.int(8_000, 36_000)) + cents(),
						'medical',
						LEDGER_NOTES.hospital
					);
			} else {
				post(
					member,
					random.int(0, 11),
					random.int(1, 28),
					yuan(random.int(2_000, 6_000)) + cents(),
					'medical',
					LEDGER_NOTES.outpatient
				);
			}
		}
	} else {
		const seriouslyIll = plan.attrs.findIndex((a) => a.health === 'serious');
		if (seriouslyIll >= 0 && random.chance(0.5))
			post(
				seriouslyIll,
				random.int(0, 11),
				random.int(1, 28),
				yuan(random.int(5_000, 18_000)) + cents(),
				'medical',
				LEDGER_NOTES.hospital
			);
	}
	if (plan.slip) {
		post(
			plan.slip.member,
			plan.slip.month,
			random.int(5, 25),
			yuan(random.int(20_000, 45_000)) + cents(),
			'medical',
			LEDGER_NOTES.hospital
		);
	}

	const schooling = risks.includes('schooling');
	plan.attrs.forEach((a, i) => {
		const age = plan.ages[i];
		if (!a.inSchool || age < 15 || !(schooling || random.chance(0.4))) return;
		if (age <= 18) {
			post(
				i,
				9,
				random.int(1, 10),
				yuan(random.int(2_500, 4_500)),
				'schooling',
				LEDGER_NOTES.highSchool
			);
			if (schooling)
				post(
					i,
					3,
					random.int(1, 10),
					yuan(random.int(1_000, 2_000)),
					'schooling',
					LEDGER_NOTES.highSchool
				);
		} else {
			post(
				i,
				9,
				random.int(1, 15),
				yuan(random.int(6_000, 9_500)),
				'schooling',
				random.chance(0.3) ? LEDGER_NOTES.vocational : LEDGER_NOTES.college
			);
		}
	});

	if (risks.includes('disaster'))
		post(
			null,
			8,
			random.int(1, 28),
			yuan(random.int(3_000, 15_000)),
			'disaster_loss',
			LEDGER_NOTES.disaster
		);
}
