import { and, asc, desc, eq, gte, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { textInput } from '../input';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { isUuid, newId } from '../db/ids';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { canSeeFactory, canSeeHousehold } from '../auth/scope';
import { divisions } from '../divisions/schema';
import { DomainError, type FieldIssue } from '../errors';
import {
	ageOn,
	parsePersonQuery,
	personHits,
	yearsBefore,
	type PersonQuery
} from '../households/find-people';
import { households, members } from '../households/schema';
import { monitoringRecords } from '../monitoring/schema';
import { maskIdentityNumber, parseIdentityNumber, type IdentityProblem } from '../../identity';
import { isUniqueViolation, managedFactory, visibleFactory, type FactoryRow } from './access';
import { firstDay, isIsoDate, lastDay, monthOf, monthParams } from './rules';
import { PAY_BASES, factories, factoryJobs, factoryWages, type PayBasis } from './schema';

/** Why a job ended (离职原因); shown in the person's language. */
export const END_REASONS = [
	'resigned',
	'contract_end',
	'family',
	'health',
	'moved_away',
	'dismissed',
	'other'
] as const;
export type EndReason = (typeof END_REASONS)[number];

/** Nobody under 16 is hired (劳动法: the minimum working age). */
export const MINIMUM_AGE = 16;
const SEARCH_LIMIT = 20;
/** Older people are listed after those of working age. */
const OLDEST_USUAL_WORKER = 70;

const IDENTITY_KEYS: Record<IdentityProblem, string> = {
	format: 'jobs_error_id_format',
	birth_date: 'jobs_error_id_birth_date',
	check_character: 'jobs_error_id_check'
};

type JobRow = typeof factoryJobs.$inferSelect;

/** Trimmed text; NUL, control characters or more than `max` characters are refused. */
function text(value: unknown, max = 200, field = ''): string {
	return textInput(value, max, field);
}

/** The birth date an identity number carries: "130434198001011234" → "1980-01-01". */
function birthDateOf(idNumber: string): string {
	return `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
}

export interface PersonMatch {
	memberId: string;
	name: string;
	sex: 'male' | 'female';
	age: number;
	villageName: string;
	maskedIdNumber: string;
	/** Already has an open job at this factory: cannot be hired twice. */
	employedHere: boolean;
}

export interface PersonSearch {
	query: string;
	villageCode?: string;
}

/**
 * The hire search statement (exported for the plan test): people of working age first, the
 * older after; nobody under 16 is listed at all (they cannot be hired, so showing them
 * would only invite a mistake).
 */
export function peopleQuery(
	db: Db,
	actor: UserActor,
	query: PersonQuery,
	village: ((column: PgColumn) => SQL) | undefined,
	today: string
) {
	const hits = personHits(db, query, { countyId: actor.countyId, village });
	const oldBorn = yearsBefore(today, OLDEST_USUAL_WORKER + 1);
	const band = sql<number>`case when ${members.birthDate} <= ${oldBorn}::date then 2 else 1 end`;
	return db
		.select({
			memberId: members.id,
			name: members.name,
			sex: members.sex,
			birthDate: members.birthDate,
			idNumber: members.idNumber,
			villageName: divisions.name
		})
		.from(hits)
		.innerJoin(members, and(eq(members.countyId, actor.countyId), eq(members.id, hits.id)))
		.innerJoin(
			households,
			and(eq(households.countyId, members.countyId), eq(households.id, members.householdId))
		)
		.innerJoin(divisions, eq(divisions.code, households.villageCode))
		.where(sql`${members.birthDate} <= ${yearsBefore(today, MINIMUM_AGE)}::date`)
		.orderBy(asc(band), asc(members.name), asc(members.birthDate), asc(members.id))
		.limit(SEARCH_LIMIT);
}

/**
 * Finds registered people (current members of the county's households, 16 or older) by
 * full identity number, by the household's phone, or by name within one village. A name
 * alone is not enough: an enterprise does not browse the county's registry.
 */
export async function findPeople(
	db: Db,
	actor: UserActor,
	factoryId: string,
	search: PersonSearch,
	today: string
): Promise<PersonMatch[]> {
	const factory = await managedFactory(db, actor, factoryId);
	const parsed = parsePersonQuery(search.query, {
		tail: false,
		digitsKey: 'jobs_error_search_query'
	});
	if (!parsed) return [];
	let query: PersonQuery = parsed;
	let village: ((column: PgColumn) => SQL) | undefined;
	if (parsed.kind === 'name') {
		const villageCode = text(search.villageCode, 12, 'villageCode');
		if (!/^\d{12}$/.test(villageCode) || !villageCode.startsWith(actor.countyCode))
			throw DomainError.invalid('village', 'jobs_error_search_village');
		// A name is looked for in one village only (the name with no spaces: "王 建国").
		query = { kind: 'name', name: (parsed.name + parsed.place).replace(/\s/g, ''), place: '' };
		// As an expression, not `column = code`: the village is checked on each household
		// fetched by its key, so the plan cannot turn into members × the village's households
		// when the embedded database has no statistics yet (it did: 22 s for 李 at 60,000).
		village = (column) => sql`left(${column}, 12) = ${villageCode}`;
	}
	const rows = await peopleQuery(db, actor, query, village, today);
	const open = rows.length
		? await db
				.select({ idNumber: factoryJobs.workerIdNumber })
				.from(factoryJobs)
				.where(
					and(
						eq(factoryJobs.countyId, actor.countyId),
						eq(factoryJobs.factoryId, factory.id),
						isNull(factoryJobs.endedOn),
						inArray(
							factoryJobs.workerIdNumber,
							rows.map((r) => r.idNumber)
						)
					)
				)
		: [];
	const employed = new Set(open.map((o) => o.idNumber));
	return rows.map((r) => ({
		memberId: r.memberId,
		name: r.name,
		sex: r.sex,
		age: ageOn(r.birthDate, today),
		villageName: r.villageName,
		maskedIdNumber: maskIdentityNumber(r.idNumber),
		employedHere: employed.has(r.idNumber)
	}));
}

export interface HireInput {
	/** A registered person chosen from the search… */
	memberId?: unknown;
	/** …or a worker from outside the registry. */
	workerName?: unknown;
	idNumber?: unknown;
	homeVillage?: unknown;
	jobTitle: unknown;
	payBasis: unknown;
	startedOn: unknown;
}

interface Worker {
	memberId: string | null;
	householdId: string | null;
	workerName: string;
	workerIdNumber: string;
	homeVillage: string | null;
}

/** Who is hired: a registered member, or someone from outside whose number is checked. */
async function parseWorker(
	db: Db,
	actor: UserActor,
	input: HireInput,
	today: string,
	issues: FieldIssue[]
): Promise<Worker | null> {
	const memberId = text(input.memberId, 40, 'memberId');
	if (memberId) {
		const [member] = isUuid(memberId)
			? await db
					.select()
					.from(members)
					.where(
						and(
							eq(members.countyId, actor.countyId),
							eq(members.id, memberId),
							eq(members.current, true)
						)
					)
			: [];
		if (!member) {
			issues.push({ field: 'memberId', key: 'jobs_error_member' });
			return null;
		}
		return {
			memberId: member.id,
			householdId: member.householdId,
			workerName: member.name,
			workerIdNumber: member.idNumber,
			homeVillage: null
		};
	}
	const workerName = text(input.workerName, 40, 'workerName');
	if (!workerName) issues.push({ field: 'workerName', key: 'jobs_error_name' });
	const homeVillage = text(input.homeVillage, 80, 'homeVillage');
	if (!homeVillage) issues.push({ field: 'homeVillage', key: 'jobs_error_home_village' });
	const parsed = parseIdentityNumber(text(input.idNumber, 30, 'idNumber'), today);
	if (!parsed.ok) {
		issues.push({ field: 'idNumber', key: IDENTITY_KEYS[parsed.problem] });
		return null;
	}
	// Someone the registry knows is linked, so the wage reaches the household's account.
	const [registered] = await db
		.select()
		.from(members)
		.where(
			and(
				eq(members.countyId, actor.countyId),
				eq(members.idNumber, parsed.value.number),
				eq(members.current, true)
			)
		);
	if (registered && workerName && registered.name !== workerName) {
		issues.push({ field: 'idNumber', key: 'jobs_error_id_other_name' });
		return null;
	}
	if (registered) {
		return {
			memberId: registered.id,
			householdId: registered.householdId,
			workerName: registered.name,
			workerIdNumber: registered.idNumber,
			homeVillage: null
		};
	}
	return {
		memberId: null,
		householdId: null,
		workerName,
		workerIdNumber: parsed.value.number,
		homeVillage: homeVillage || null
	};
}

function parseStart(
	value: unknown,
	factory: FactoryRow,
	today: string,
	issues: FieldIssue[]
): string {
	const startedOn = text(value, 10);
	if (!isIsoDate(startedOn)) issues.push({ field: 'startedOn', key: 'jobs_error_date' });
	else if (startedOn > today) issues.push({ field: 'startedOn', key: 'jobs_error_start_future' });
	else if (startedOn < factory.openedOn)
		issues.push({
			field: 'startedOn',
			key: 'jobs_error_before_opened',
			params: { date: factory.openedOn }
		});
	return startedOn;
}

/** Another job of the same person at the same factory that is open or overlaps `from`–`to`. */
async function clashingJob(
	db: Db,
	countyId: string,
	factoryId: string,
	idNumber: string,
	from: string,
	to: string | null,
	exceptJobId?: string
): Promise<JobRow | null> {
	const rows = await db
		.select()
		.from(factoryJobs)
		.where(
			and(
				eq(factoryJobs.countyId, countyId),
				eq(factoryJobs.factoryId, factoryId),
				eq(factoryJobs.workerIdNumber, idNumber)
			)
		);
	return (
		rows.find(
			(j) =>
				j.id !== exceptJobId &&
				(j.endedOn === null || j.endedOn >= from) &&
				(to === null || j.startedOn <= to)
		) ?? null
	);
}

/**
 * An owner records a hire. The person is found in the registry (or recorded as not linked
 * to a household of the county); the start is no earlier than the factory's opening day,
 * and the same person has no other job at this factory at the same time.
 */
export async function hire(
	db: Db,
	actor: UserActor,
	factoryId: string,
	input: HireInput,
	today: string
): Promise<string> {
	const factory = await managedFactory(db, actor, factoryId);
	const issues: FieldIssue[] = [];
	if (factory.status === 'closed') throw DomainError.invalid('', 'jobs_error_factory_closed');
	const worker = await parseWorker(db, actor, input, today, issues);
	const jobTitle = text(input.jobTitle, 30, 'jobTitle');
	if (!jobTitle) issues.push({ field: 'jobTitle', key: 'jobs_error_title' });
	const payBasis = text(input.payBasis, 20, 'payBasis') as PayBasis;
	if (!PAY_BASES.includes(payBasis))
		issues.push({ field: 'payBasis', key: 'jobs_error_pay_basis' });
	const startedOn = parseStart(input.startedOn, factory, today, issues);
	if (worker && isIsoDate(startedOn)) {
		if (ageOn(birthDateOf(worker.workerIdNumber), startedOn) < MINIMUM_AGE)
			issues.push({
				field: worker.memberId && text(input.memberId, 200, 'memberId') ? 'memberId' : 'idNumber',
				key: 'jobs_error_too_young',
				params: { age: MINIMUM_AGE }
			});
		const clash = await clashingJob(
			db,
			actor.countyId,
			factory.id,
			worker.workerIdNumber,
			startedOn,
			null
		);
		if (clash)
			issues.push(
				clash.endedOn === null
					? { field: '', key: 'jobs_error_open_job', params: { name: worker.workerName } }
					: {
							field: 'startedOn',
							key: 'jobs_error_overlap',
							params: { date: clash.endedOn }
						}
			);
	}
	if (issues.length || !worker) throw new DomainError('invalid', issues);
	const id = newId();
	const values = { ...worker, jobTitle, payBasis, startedOn };
	try {
		await inTransaction(db, async (tx) => {
			await tx.insert(factoryJobs).values({
				countyId: actor.countyId,
				id,
				factoryId: factory.id,
				...values
			});
			await recordAudit(tx, actor, {
				countyId: actor.countyId,
				action: 'jobs.hire',
				entity: 'factory',
				entityId: factory.id,
				after: { job: id, ...values }
			});
		});
	} catch (caught) {
		if (isUniqueViolation(caught, 'factory_jobs_one_open_unique'))
			throw DomainError.conflict('', 'jobs_error_open_job', { name: worker.workerName });
		throw caught;
	}
	return id;
}

async function jobAt(
	db: Db,
	actor: UserActor,
	factory: FactoryRow,
	jobId: string
): Promise<JobRow> {
	if (!isUuid(jobId)) throw DomainError.notFound();
	const [job] = await db
		.select()
		.from(factoryJobs)
		.where(
			and(
				eq(factoryJobs.countyId, actor.countyId),
				eq(factoryJobs.id, jobId),
				eq(factoryJobs.factoryId, factory.id)
			)
		);
	if (!job) throw DomainError.notFound();
	return job;
}

/** The months a job has saved wages for, oldest first: wages bound a job's dates. */
async function wageMonths(db: Db, countyId: string, jobId: string): Promise<string[]> {
	const rows = await db
		.select({ month: factoryWages.month })
		.from(factoryWages)
		.where(and(eq(factoryWages.countyId, countyId), eq(factoryWages.jobId, jobId)))
		.orderBy(asc(factoryWages.month));
	return rows.map((r) => monthOf(r.month));
}

export interface LeaveInput {
	endedOn: unknown;
	reason: unknown;
}

/** A worker leaves: the last day and why. Wages already saved for later months forbid it. */
export async function endJob(
	db: Db,
	actor: UserActor,
	factoryId: string,
	jobId: string,
	input: LeaveInput,
	today: string
): Promise<void> {
	const factory = await managedFactory(db, actor, factoryId);
	const job = await jobAt(db, actor, factory, jobId);
	const issues: FieldIssue[] = [];
	if (job.endedOn !== null) throw DomainError.invalid('', 'jobs_error_already_left');
	const endedOn = text(input.endedOn, 10, 'endedOn');
	if (!isIsoDate(endedOn)) issues.push({ field: 'endedOn', key: 'jobs_error_date' });
	else if (endedOn < job.startedOn)
		issues.push({
			field: 'endedOn',
			key: 'jobs_error_end_before_start',
			params: { date: job.startedOn }
		});
	else if (endedOn > today) issues.push({ field: 'endedOn', key: 'jobs_error_end_future' });
	else {
		const later = (await wageMonths(db, actor.countyId, job.id)).filter(
			(m) => m > monthOf(endedOn)
		);
		if (later.length)
			issues.push({
				field: 'endedOn',
				key: 'jobs_error_wages_after_end',
				params: monthParams(later[later.length - 1])
			});
	}
	const reason = text(input.reason, 20, 'reason') as EndReason;
	if (!END_REASONS.includes(reason)) issues.push({ field: 'reason', key: 'jobs_error_reason' });
	if (issues.length) throw new DomainError('invalid', issues);
	await inTransaction(db, async (tx) => {
		const updated = await tx
			.update(factoryJobs)
			.set({ endedOn, endReason: reason, updatedAt: new Date() })
			.where(
				and(
					eq(factoryJobs.countyId, actor.countyId),
					eq(factoryJobs.id, job.id),
					isNull(factoryJobs.endedOn)
				)
			)
			.returning({ id: factoryJobs.id });
		if (updated.length === 0) throw DomainError.conflict('', 'jobs_error_already_left');
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'jobs.leave',
			entity: 'factory',
			entityId: factory.id,
			before: { job: job.id, endedOn: null },
			after: { job: job.id, endedOn, reason }
		});
	});
}

export interface CorrectionInput {
	jobTitle: unknown;
	payBasis: unknown;
	startedOn: unknown;
}

/** Corrects what was typed at hiring: the job, the pay basis, the first day. */
export async function correctJob(
	db: Db,
	actor: UserActor,
	factoryId: string,
	jobId: string,
	input: CorrectionInput,
	today: string
): Promise<void> {
	const factory = await managedFactory(db, actor, factoryId);
	const job = await jobAt(db, actor, factory, jobId);
	const issues: FieldIssue[] = [];
	const jobTitle = text(input.jobTitle, 30, 'jobTitle');
	if (!jobTitle) issues.push({ field: 'jobTitle', key: 'jobs_error_title' });
	const payBasis = text(input.payBasis, 20, 'payBasis') as PayBasis;
	if (!PAY_BASES.includes(payBasis))
		issues.push({ field: 'payBasis', key: 'jobs_error_pay_basis' });
	const startedOn = parseStart(input.startedOn, factory, today, issues);
	if (isIsoDate(startedOn) && !issues.some((i) => i.field === 'startedOn')) {
		if (job.endedOn !== null && job.endedOn < startedOn)
			issues.push({
				field: 'startedOn',
				key: 'jobs_error_start_after_end',
				params: { date: job.endedOn }
			});
		else if (ageOn(birthDateOf(job.workerIdNumber), startedOn) < MINIMUM_AGE)
			issues.push({
				field: 'startedOn',
				key: 'jobs_error_too_young',
				params: { age: MINIMUM_AGE }
			});
		const earlier = (await wageMonths(db, actor.countyId, job.id)).filter(
			(m) => m < monthOf(startedOn)
		);
		if (earlier.length)
			issues.push({
				field: 'startedOn',
				key: 'jobs_error_wages_before_start',
				params: monthParams(earlier[0])
			});
		const clash = await clashingJob(
			db,
			actor.countyId,
			factory.id,
			job.workerIdNumber,
			startedOn,
			job.endedOn,
			job.id
		);
		if (clash)
			issues.push({
				field: 'startedOn',
				key: 'jobs_error_overlap',
				params: { date: clash.endedOn ?? clash.startedOn }
			});
	}
	if (issues.length) throw new DomainError('invalid', issues);
	const after = { jobTitle, payBasis, startedOn };
	await inTransaction(db, async (tx) => {
		await tx
			.update(factoryJobs)
			.set({ ...after, updatedAt: new Date() })
			.where(and(eq(factoryJobs.countyId, actor.countyId), eq(factoryJobs.id, job.id)));
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'jobs.correct',
			entity: 'factory',
			entityId: factory.id,
			before: {
				job: job.id,
				jobTitle: job.jobTitle,
				payBasis: job.payBasis,
				startedOn: job.startedOn
			},
			after: { job: job.id, ...after }
		});
	});
}

export interface WorkerView {
	jobId: string;
	name: string;
	maskedIdNumber: string;
	jobTitle: string;
	payBasis: PayBasis;
	startedOn: string;
	endedOn: string | null;
	endReason: string | null;
	/** Linked to a household of the county's registry. */
	linked: boolean;
	/** The worker's village: the household's, or what was typed for an outside worker. */
	place: string | null;
	/** From a household being monitored; only for county and township staff. */
	monitored: boolean | null;
}

/** Whether each household is being monitored now (监测中). */
async function monitoredHouseholds(
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
				inArray(monitoringRecords.householdId, householdIds),
				eq(monitoringRecords.status, 'monitored')
			)
		);
	return new Set(rows.map((r) => r.householdId));
}

export interface WorkerLists {
	current: WorkerView[];
	/** The most recent departures first. */
	former: WorkerView[];
	formerTotal: number;
}

const FORMER_SHOWN = 50;

/** The factory's people: on the payroll today, and those who left. */
export async function listWorkers(
	db: Db,
	actor: UserActor,
	factoryId: string,
	today: string
): Promise<WorkerLists> {
	const factory = await visibleFactory(db, actor, factoryId);
	const rows = await db
		.select({ job: factoryJobs, villageName: divisions.name })
		.from(factoryJobs)
		.leftJoin(
			households,
			and(eq(households.countyId, factoryJobs.countyId), eq(households.id, factoryJobs.householdId))
		)
		.leftJoin(divisions, eq(divisions.code, households.villageCode))
		.where(and(eq(factoryJobs.countyId, actor.countyId), eq(factoryJobs.factoryId, factory.id)))
		.orderBy(asc(factoryJobs.workerName), desc(factoryJobs.startedOn));
	const seesMonitoring = actor.role === 'county_admin' || actor.role === 'township_staff';
	const monitored = seesMonitoring
		? await monitoredHouseholds(db, actor.countyId, [
				...new Set(rows.map((r) => r.job.householdId).filter((h): h is string => !!h))
			])
		: new Set<string>();
	const view = (r: (typeof rows)[number]): WorkerView => ({
		jobId: r.job.id,
		name: r.job.workerName,
		maskedIdNumber: maskIdentityNumber(r.job.workerIdNumber),
		jobTitle: r.job.jobTitle,
		payBasis: r.job.payBasis,
		startedOn: r.job.startedOn,
		endedOn: r.job.endedOn,
		endReason: r.job.endReason,
		linked: r.job.householdId !== null,
		place: r.villageName ?? r.job.homeVillage,
		monitored: seesMonitoring ? !!r.job.householdId && monitored.has(r.job.householdId) : null
	});
	const current = rows.filter((r) => r.job.endedOn === null || r.job.endedOn >= today);
	const former = rows
		.filter((r) => r.job.endedOn !== null && r.job.endedOn < today)
		.sort((a, b) => (a.job.endedOn! < b.job.endedOn! ? 1 : -1));
	return {
		current: current.map(view),
		former: former.slice(0, FORMER_SHOWN).map(view),
		formerTotal: former.length
	};
}

export interface JobDetail extends WorkerView {
	factoryId: string;
	factoryName: string;
	factoryOpenedOn: string;
	/** The household page, when the actor may open it. */
	householdId: string | null;
	wages: { month: string; amountFen: number; version: number; updatedAt: string }[];
}

/** One worker's job at a factory, with every wage saved for it. */
export async function getJob(
	db: Db,
	actor: UserActor,
	factoryId: string,
	jobId: string
): Promise<JobDetail> {
	const factory = await visibleFactory(db, actor, factoryId);
	const job = await jobAt(db, actor, factory, jobId);
	const [household] = job.householdId
		? await db
				.select({ household: households, villageName: divisions.name })
				.from(households)
				.innerJoin(divisions, eq(divisions.code, households.villageCode))
				.where(and(eq(households.countyId, actor.countyId), eq(households.id, job.householdId)))
		: [];
	const seesMonitoring = actor.role === 'county_admin' || actor.role === 'township_staff';
	const monitored =
		seesMonitoring && job.householdId
			? (await monitoredHouseholds(db, actor.countyId, [job.householdId])).has(job.householdId)
			: null;
	const wages = await db
		.select()
		.from(factoryWages)
		.where(and(eq(factoryWages.countyId, actor.countyId), eq(factoryWages.jobId, job.id)))
		.orderBy(desc(factoryWages.month));
	return {
		jobId: job.id,
		name: job.workerName,
		maskedIdNumber: maskIdentityNumber(job.workerIdNumber),
		jobTitle: job.jobTitle,
		payBasis: job.payBasis,
		startedOn: job.startedOn,
		endedOn: job.endedOn,
		endReason: job.endReason,
		linked: job.householdId !== null,
		place: household?.villageName ?? job.homeVillage,
		monitored: seesMonitoring ? !!monitored : null,
		factoryId: factory.id,
		factoryName: factory.name,
		factoryOpenedOn: factory.openedOn,
		householdId:
			household && canSeeHousehold(actor, household.household) ? household.household.id : null,
		wages: wages.map((w) => ({
			month: monthOf(w.month),
			amountFen: w.amountFen,
			version: w.version,
			updatedAt: w.updatedAt.toISOString()
		}))
	};
}

export interface HouseholdJob {
	jobId: string;
	factoryId: string;
	factoryName: string;
	/** The factory page is open to the actor (staff of its township, admins). */
	canOpenFactory: boolean;
	workerName: string;
	jobTitle: string;
	payBasis: PayBasis;
	startedOn: string;
	endedOn: string | null;
	endReason: string | null;
	wages: { month: string; amountFen: number }[];
}

/**
 * The jobs of a household's people (for its page; call after the household was found in
 * the actor's scope): a member's jobs follow them to the household they live in now.
 */
export async function householdJobs(
	db: Db,
	actor: UserActor,
	countyId: string,
	householdId: string
): Promise<HouseholdJob[]> {
	const people = db
		.select({ id: members.id })
		.from(members)
		.where(and(eq(members.countyId, countyId), eq(members.householdId, householdId)));
	const rows = await db
		.select({ job: factoryJobs, factory: factories })
		.from(factoryJobs)
		.innerJoin(
			factories,
			and(eq(factories.countyId, factoryJobs.countyId), eq(factories.id, factoryJobs.factoryId))
		)
		.where(
			and(
				eq(factoryJobs.countyId, countyId),
				// = any(array(…)): the members are read once, so both sides use their index
				// (an IN subquery under OR is a filter on every job of the county).
				or(
					eq(factoryJobs.householdId, householdId),
					sql`${factoryJobs.memberId} = any(array(${people}))`
				)
			)
		)
		.orderBy(sql`${factoryJobs.endedOn} is not null`, desc(factoryJobs.startedOn));
	const ids = rows.map((r) => r.job.id);
	const wages = ids.length
		? await db
				.select()
				.from(factoryWages)
				.where(and(eq(factoryWages.countyId, countyId), inArray(factoryWages.jobId, ids)))
				.orderBy(desc(factoryWages.month))
		: [];
	return rows.map(({ job, factory }) => ({
		jobId: job.id,
		factoryId: factory.id,
		factoryName: factory.name,
		canOpenFactory: canSeeFactory(actor, factory),
		workerName: job.workerName,
		jobTitle: job.jobTitle,
		payBasis: job.payBasis,
		startedOn: job.startedOn,
		endedOn: job.endedOn,
		endReason: job.endReason,
		wages: wages
			.filter((w) => w.jobId === job.id)
			.map((w) => ({ month: monthOf(w.month), amountFen: w.amountFen }))
	}));
}

/** Jobs that count in a month: started by its end, not ended before it began. */
export function employedInMonthCondition(month: string) {
	return and(
		lte(factoryJobs.startedOn, lastDay(month)),
		or(isNull(factoryJobs.endedOn), gte(factoryJobs.endedOn, firstDay(month)))
	);
}
