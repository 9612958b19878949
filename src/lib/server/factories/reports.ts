import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { divisions } from '../divisions/schema';
import { DomainError } from '../errors';
import { ledgerEntries } from '../income/schema';
import { monitoringRecords } from '../monitoring/schema';
import {
	addMonths,
	averageIncrease,
	employedInMonth,
	employedOn,
	firstDay,
	lastDay,
	monthOf,
	monthlyIncrease,
	monthsBetween
} from './rules';
import {
	FACTORY_STATUSES,
	factories,
	factoryJobs,
	factoryWages,
	type FactoryStatus
} from './schema';

// What the numbers say: the owner's home and the county's view of all its factories.

type JobRow = typeof factoryJobs.$inferSelect;
type FactoryRow = typeof factories.$inferSelect;

async function jobsOf(db: Db, countyId: string, factoryIds: string[]): Promise<JobRow[]> {
	if (factoryIds.length === 0) return [];
	return db
		.select()
		.from(factoryJobs)
		.where(and(eq(factoryJobs.countyId, countyId), inArray(factoryJobs.factoryId, factoryIds)));
}

async function monitoredSet(
	db: Db,
	countyId: string,
	householdIds: string[]
): Promise<Set<string>> {
	if (householdIds.length === 0) return new Set();
	const rows = await db
		.select({ householdId: monitoringRecords.householdId })
		.from(monitoringRecords)
		.where(
			and(
				eq(monitoringRecords.countyId, countyId),
				eq(monitoringRecords.status, 'monitored'),
				inArray(monitoringRecords.householdId, householdIds)
			)
		);
	return new Set(rows.map((r) => r.householdId));
}

/** Wages saved per job and month between two months (inclusive), positive ones only. */
async function wagesBetween(
	db: Db,
	countyId: string,
	jobIds: string[],
	from: string,
	to: string
): Promise<{ jobId: string; month: string; amountFen: number }[]> {
	if (jobIds.length === 0) return [];
	const rows = await db
		.select({
			jobId: factoryWages.jobId,
			month: factoryWages.month,
			amountFen: factoryWages.amountFen
		})
		.from(factoryWages)
		.where(
			and(
				eq(factoryWages.countyId, countyId),
				inArray(factoryWages.jobId, jobIds),
				gte(factoryWages.month, firstDay(from)),
				lte(factoryWages.month, firstDay(to))
			)
		);
	return rows.map((r) => ({ ...r, month: monthOf(r.month) }));
}

const unique = <T>(items: T[]) => [...new Set(items)];
const linkedHouseholds = (jobs: JobRow[]) =>
	unique(jobs.map((j) => j.householdId).filter((h): h is string => h !== null));

export interface SheetStatus {
	month: string;
	/** People employed in the month. */
	employed: number;
	/** Of them, how many have a wage saved. */
	saved: number;
}

export interface OwnerFactorySummary {
	id: string;
	name: string;
	villageName: string;
	status: FactoryStatus;
	headcount: number;
	fromMonitored: number;
	thisMonth: SheetStatus;
	lastMonth: SheetStatus;
	/** Oldest first, six months up to this one, every month present. */
	sixMonths: { month: string; totalFen: number }[];
}

function sheetStatus(jobs: JobRow[], wages: { jobId: string; month: string }[], month: string) {
	const employed = jobs.filter((j) => employedInMonth(j, month));
	const saved = new Set(wages.filter((w) => w.month === month).map((w) => w.jobId));
	return {
		month,
		employed: employed.length,
		saved: employed.filter((j) => saved.has(j.id)).length
	};
}

/** The owner's home: each of their factories today, this month's sheet, six months of wages. */
export async function ownerHome(
	db: Db,
	actor: UserActor,
	today: string
): Promise<OwnerFactorySummary[]> {
	if (actor.role !== 'factory_owner' || actor.factoryIds.length === 0) return [];
	const rows = await db
		.select({ factory: factories, villageName: divisions.name })
		.from(factories)
		.innerJoin(divisions, eq(divisions.code, factories.villageCode))
		.where(and(eq(factories.countyId, actor.countyId), inArray(factories.id, actor.factoryIds)))
		.orderBy(asc(factories.name));
	const jobs = await jobsOf(
		db,
		actor.countyId,
		rows.map((r) => r.factory.id)
	);
	const thisMonth = monthOf(today);
	const months = monthsBetween(addMonths(thisMonth, -5), thisMonth);
	const [wages, monitored] = await Promise.all([
		wagesBetween(
			db,
			actor.countyId,
			jobs.map((j) => j.id),
			months[0],
			thisMonth
		),
		monitoredSet(db, actor.countyId, linkedHouseholds(jobs.filter((j) => employedOn(j, today))))
	]);
	return rows.map(({ factory, villageName }) => {
		const own = jobs.filter((j) => j.factoryId === factory.id);
		const ownIds = new Set(own.map((j) => j.id));
		const ownWages = wages.filter((w) => ownIds.has(w.jobId));
		const current = own.filter((j) => employedOn(j, today));
		return {
			id: factory.id,
			name: factory.name,
			villageName,
			status: factory.status,
			headcount: current.length,
			fromMonitored: current.filter((j) => j.householdId && monitored.has(j.householdId)).length,
			thisMonth: sheetStatus(own, ownWages, thisMonth),
			lastMonth: sheetStatus(own, ownWages, addMonths(thisMonth, -1)),
			sixMonths: months.map((month) => ({
				month,
				totalFen: ownWages.filter((w) => w.month === month).reduce((s, w) => s + w.amountFen, 0)
			}))
		};
	});
}

export interface CountyFactoryRow {
	id: string;
	name: string;
	townshipName: string;
	villageName: string;
	status: FactoryStatus;
	products: string[];
	enterpriseName: string;
	floorAreaM2: number;
	/** On the payroll today. */
	headcount: number;
	/** Of them, linked to a household of the county's registry. */
	local: number;
	/** Of them, from a household being monitored. */
	monitored: number;
	/** Wages saved for the period's months. */
	wagesFen: number;
	/** Wages ÷ worker-months paid in the period; null when nobody was paid. */
	averageWageFen: number | null;
	/** See monthlyIncrease; null when no worker could be measured. */
	increaseFen: number | null;
	increaseWorkers: number;
}

export interface CountyFactoryView {
	/** The twelve months up to this one. */
	from: string;
	to: string;
	rows: CountyFactoryRow[];
	totals: Omit<
		CountyFactoryRow,
		| 'id'
		| 'name'
		| 'townshipName'
		| 'villageName'
		| 'status'
		| 'products'
		| 'enterpriseName'
		| 'floorAreaM2'
	> & { factories: number; byStatus: Record<FactoryStatus, number> };
}

export interface CountyFactoryFilter {
	townshipCode?: string;
	status?: string;
}

/**
 * Every factory of the county with its people and wages over the last twelve months, and
 * the income increase of its workers from monitored households (see monthlyIncrease).
 */
export async function countyFactories(
	db: Db,
	actor: UserActor,
	today: string,
	filter: CountyFactoryFilter = {}
): Promise<CountyFactoryView> {
	if (actor.role !== 'county_admin') throw DomainError.notFound();
	const conditions = [eq(factories.countyId, actor.countyId)];
	if (filter.townshipCode && /^\d{9}$/.test(filter.townshipCode))
		conditions.push(sql`left(${factories.villageCode}, 9) = ${filter.townshipCode}`);
	if (filter.status && (FACTORY_STATUSES as readonly string[]).includes(filter.status))
		conditions.push(eq(factories.status, filter.status as FactoryStatus));
	const township = sql<string>`(select d.name from ${divisions} d where d.code = left(${factories.villageCode}, 9))`;
	const rows = await db
		.select({ factory: factories, villageName: divisions.name, townshipName: township })
		.from(factories)
		.innerJoin(divisions, eq(divisions.code, factories.villageCode))
		.where(and(...conditions))
		.orderBy(asc(factories.villageCode), asc(factories.name));
	const to = monthOf(today);
	const from = addMonths(to, -11);
	const jobs = await jobsOf(
		db,
		actor.countyId,
		rows.map((r) => r.factory.id)
	);
	const [wages, monitored] = await Promise.all([
		wagesBetween(
			db,
			actor.countyId,
			jobs.map((j) => j.id),
			from,
			to
		),
		monitoredSet(db, actor.countyId, linkedHouseholds(jobs))
	]);
	const measured = await increasesByJob(db, actor.countyId, jobs, monitored, from, to);
	const totals = {
		factories: rows.length,
		byStatus: Object.fromEntries(FACTORY_STATUSES.map((s) => [s, 0])) as Record<
			FactoryStatus,
			number
		>,
		headcount: 0,
		local: 0,
		monitored: 0,
		wagesFen: 0,
		averageWageFen: null as number | null,
		increaseFen: null as number | null,
		increaseWorkers: 0
	};
	let paidMonths = 0;
	const result = rows.map(({ factory, villageName, townshipName }) =>
		factoryRow(factory, villageName, townshipName)
	);
	function factoryRow(factory: FactoryRow, villageName: string, townshipName: string) {
		const own = jobs.filter((j) => j.factoryId === factory.id);
		const ownIds = new Set(own.map((j) => j.id));
		const current = own.filter((j) => employedOn(j, today));
		const paid = wages.filter((w) => ownIds.has(w.jobId) && w.amountFen > 0);
		const wagesFen = paid.reduce((s, w) => s + w.amountFen, 0);
		const increase = averageIncrease(own.map((j) => measured.get(j.id) ?? null));
		const row: CountyFactoryRow = {
			id: factory.id,
			name: factory.name,
			townshipName,
			villageName,
			status: factory.status,
			products: factory.products,
			enterpriseName: factory.enterpriseName,
			floorAreaM2: factory.floorAreaM2,
			headcount: current.length,
			local: current.filter((j) => j.householdId !== null).length,
			monitored: current.filter((j) => j.householdId && monitored.has(j.householdId)).length,
			wagesFen,
			averageWageFen: paid.length ? Math.trunc(wagesFen / paid.length) : null,
			increaseFen: increase.fen,
			increaseWorkers: increase.workers
		};
		totals.byStatus[factory.status] += 1;
		totals.headcount += row.headcount;
		totals.local += row.local;
		totals.monitored += row.monitored;
		totals.wagesFen += wagesFen;
		paidMonths += paid.length;
		return row;
	}
	// One value per person: someone with two jobs in the period is one worker.
	const perPerson = new Map<string, number | null>();
	for (const job of jobs)
		if (measured.has(job.id)) perPerson.set(job.workerIdNumber, measured.get(job.id)!);
	const overall = averageIncrease([...perPerson.values()]);
	return {
		from,
		to,
		rows: result,
		totals: {
			...totals,
			averageWageFen: paidMonths ? Math.trunc(totals.wagesFen / paidMonths) : null,
			increaseFen: overall.fen,
			increaseWorkers: overall.workers
		}
	};
}

/**
 * The monthly income increase of each job held by someone from a monitored household
 * during the period (see monthlyIncrease for the method). Employed months run from the
 * job's first month to its last, within the period, and stop before this month: a month
 * still running is not yet paid.
 */
async function increasesByJob(
	db: Db,
	countyId: string,
	jobs: JobRow[],
	monitored: Set<string>,
	from: string,
	to: string
): Promise<Map<string, number | null>> {
	const lastComplete = addMonths(to, -1);
	const candidates = jobs.filter(
		(j) =>
			j.householdId !== null &&
			monitored.has(j.householdId) &&
			j.startedOn <= lastDay(lastComplete) &&
			(j.endedOn === null || j.endedOn >= firstDay(from))
	);
	const result = new Map<string, number | null>();
	if (candidates.length === 0) return result;
	const people = unique(candidates.map((j) => j.workerIdNumber));
	const householdIds = unique(candidates.map((j) => j.householdId!));
	const month = sql<string>`to_char(${ledgerEntries.businessDate}, 'YYYY-MM')`;
	const [firstHires, ledger, starts] = await Promise.all([
		// The first hire at any micro-factory, not only this one.
		db
			.select({
				idNumber: factoryJobs.workerIdNumber,
				first: sql<string>`min(${factoryJobs.startedOn})`
			})
			.from(factoryJobs)
			.where(and(eq(factoryJobs.countyId, countyId), inArray(factoryJobs.workerIdNumber, people)))
			.groupBy(factoryJobs.workerIdNumber),
		db
			.select({
				householdId: ledgerEntries.householdId,
				month,
				totalFen: sql<string>`sum(${ledgerEntries.amountFen})`
			})
			.from(ledgerEntries)
			.where(
				and(
					eq(ledgerEntries.countyId, countyId),
					inArray(ledgerEntries.householdId, householdIds),
					eq(ledgerEntries.kind, 'wage')
				)
			)
			.groupBy(ledgerEntries.householdId, month),
		db
			.select({
				householdId: ledgerEntries.householdId,
				first: sql<string>`min(${ledgerEntries.businessDate})`
			})
			.from(ledgerEntries)
			.where(
				and(eq(ledgerEntries.countyId, countyId), inArray(ledgerEntries.householdId, householdIds))
			)
			.groupBy(ledgerEntries.householdId)
	]);
	const byHousehold = new Map<string, Map<string, number>>();
	for (const row of ledger) {
		const months = byHousehold.get(row.householdId) ?? new Map<string, number>();
		months.set(row.month, Number(row.totalFen));
		byHousehold.set(row.householdId, months);
	}
	// One household's increase is measured once, over the months any of its people worked at a
	// micro-factory, and shared between those people: two workers from one family must not
	// each be credited with the whole family's rise (that made the increase exceed the wage).
	const byHousehold_ = new Map<string, JobRow[]>();
	for (const job of candidates) {
		const list = byHousehold_.get(job.householdId!) ?? [];
		list.push(job);
		byHousehold_.set(job.householdId!, list);
	}
	for (const [householdId, householdJobs] of byHousehold_) {
		const employed = new Set<string>();
		let firstHire: string | null = null;
		for (const job of householdJobs) {
			const first = String(
				firstHires.find((f) => f.idNumber === job.workerIdNumber)?.first ?? job.startedOn
			).slice(0, 10);
			if (firstHire === null || first < firstHire) firstHire = first;
			const lastMonth =
				job.endedOn && monthOf(job.endedOn) < lastComplete ? monthOf(job.endedOn) : lastComplete;
			const firstMonth = monthOf(job.startedOn) > from ? monthOf(job.startedOn) : from;
			for (const month of monthsBetween(firstMonth, lastMonth)) employed.add(month);
		}
		const start = starts.find((s) => s.householdId === householdId)?.first ?? null;
		const increase = monthlyIncrease({
			firstHiredOn: firstHire!,
			employedMonths: [...employed].sort(),
			ledgerStartMonth: start ? monthOf(String(start).slice(0, 10)) : null,
			wageByMonth: byHousehold.get(householdId) ?? new Map()
		});
		const workers = unique(householdJobs.map((j) => j.workerIdNumber)).length;
		for (const job of householdJobs)
			result.set(job.id, increase === null ? null : Math.trunc(increase / workers));
	}
	return result;
}
