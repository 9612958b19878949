import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { isUuid, newId } from '../db/ids';
import { recordAudit } from '../audit';
import type { Actor, UserActor } from '../auth/actor';
import { DomainError, type FieldIssue } from '../errors';
import { members } from '../households/schema';
import { parseYuan } from '../../input';
import { numberIssue } from '../input';
import { parseYuanToFen, postLedgerEntries, reverseLedgerEntry, type Posting } from '../income';
import { ledgerEntries } from '../income/schema';
import { getCountySettings } from '../settings';
import { maskIdentityNumber } from '../../identity';
import { isUniqueViolation, managedFactory, visibleFactory, type FactoryRow } from './access';
import { employedInMonthCondition } from './jobs';
import {
	employedInMonth,
	firstDay,
	lastDay,
	monthOf,
	monthParams,
	parseMonth,
	readAmount
} from './rules';
import { factoryJobs, factoryWages, type PayBasis } from './schema';

type JobRow = typeof factoryJobs.$inferSelect;
type WageRow = typeof factoryWages.$inferSelect;

export interface WageLine {
	jobId: string;
	name: string;
	maskedIdNumber: string;
	jobTitle: string;
	payBasis: PayBasis;
	startedOn: string;
	endedOn: string | null;
	linked: boolean;
	/** Saved for this month; null when nothing was saved yet. */
	amountFen: number | null;
	/** 1 when saved once; more when corrected. */
	version: number | null;
}

export interface WageSheet {
	factoryId: string;
	factoryName: string;
	month: string;
	/** The months the sheet can show: from the factory's opening to this month. */
	firstMonth: string;
	lastMonth: string;
	lines: WageLine[];
	saved: number;
	totalFen: number;
}

/** The month a sheet may show: the one asked for, kept between the opening and today. */
function sheetMonth(value: unknown, factory: FactoryRow, today: string): string {
	const first = monthOf(factory.openedOn);
	const last = monthOf(today);
	const month = parseMonth(value) ?? last;
	return month > last ? last : month < first ? (first > last ? last : first) : month;
}

/** Everyone employed at the factory in a month, with the wage saved for them, if any. */
export async function getWageSheet(
	db: Db,
	actor: UserActor,
	factoryId: string,
	monthValue: unknown,
	today: string
): Promise<WageSheet> {
	const factory = await visibleFactory(db, actor, factoryId);
	const month = sheetMonth(monthValue, factory, today);
	const rows = await db
		.select({ job: factoryJobs, wage: factoryWages })
		.from(factoryJobs)
		.leftJoin(
			factoryWages,
			and(
				eq(factoryWages.countyId, factoryJobs.countyId),
				eq(factoryWages.jobId, factoryJobs.id),
				eq(factoryWages.month, firstDay(month))
			)
		)
		.where(
			and(
				eq(factoryJobs.countyId, actor.countyId),
				eq(factoryJobs.factoryId, factory.id),
				employedInMonthCondition(month)
			)
		)
		.orderBy(asc(factoryJobs.workerName), asc(factoryJobs.startedOn));
	const lines = rows.map(({ job, wage }) => ({
		jobId: job.id,
		name: job.workerName,
		maskedIdNumber: maskIdentityNumber(job.workerIdNumber),
		jobTitle: job.jobTitle,
		payBasis: job.payBasis,
		startedOn: job.startedOn,
		endedOn: job.endedOn,
		linked: job.householdId !== null,
		amountFen: wage?.amountFen ?? null,
		version: wage?.version ?? null
	}));
	const first = monthOf(factory.openedOn);
	return {
		factoryId: factory.id,
		factoryName: factory.name,
		month,
		firstMonth: first > monthOf(today) ? monthOf(today) : first,
		lastMonth: monthOf(today),
		lines,
		saved: lines.filter((l) => l.amountFen !== null).length,
		totalFen: lines.reduce((sum, l) => sum + (l.amountFen ?? 0), 0)
	};
}

export interface WageSheetInput {
	month: unknown;
	/** One amount in yuan per job; an empty amount leaves that line as it is. */
	lines: { jobId: unknown; amount: unknown }[];
}

export interface WageSheetResult {
	month: string;
	/** Lines written (new or changed); unchanged and empty lines are not counted. */
	changed: number;
}

/** The wage's ledger posting: the household's wage income for the month's last day. */
function postingFor(
	factory: FactoryRow,
	job: JobRow,
	householdId: string,
	wage: { id: string; month: string; amountFen: number; version: number },
	today: string
): Posting {
	const end = lastDay(monthOf(wage.month));
	return {
		countyId: factory.countyId,
		householdId,
		memberId: job.memberId,
		// A month still running is booked today, so the ledger never holds a future date.
		businessDate: end > today ? today : end,
		amountFen: wage.amountFen,
		kind: 'wage',
		subtype: 'factory_wage',
		source: 'factory_wage',
		sourceId: wage.id,
		sourceVersion: wage.version,
		note: `${factory.name} ${monthOf(wage.month)}`
	};
}

/** Cancels the posting of a wage's version, if it posted one (unlinked and zero wages do not). */
async function reversePosting(
	tx: Db,
	actor: Actor,
	countyId: string,
	wage: WageRow
): Promise<void> {
	const [entry] = await tx
		.select({ id: ledgerEntries.id })
		.from(ledgerEntries)
		.where(
			and(
				eq(ledgerEntries.countyId, countyId),
				eq(ledgerEntries.source, 'factory_wage'),
				eq(ledgerEntries.sourceId, wage.id),
				eq(ledgerEntries.sourceVersion, wage.version),
				isNull(ledgerEntries.reversesEntryId)
			)
		);
	if (entry) await reverseLedgerEntry(tx, actor, countyId, entry.id);
}

/**
 * Saves a month's wage sheet at once: every amount is checked first (not negative, not
 * above the county's ceiling, only for people employed that month) and then all of it is
 * written in one transaction with its ledger postings, or nothing is. A changed amount is
 * a new version of the wage: the old version's posting is reversed and the new one posted.
 */
export async function saveWageSheet(
	db: Db,
	actor: UserActor,
	factoryId: string,
	input: WageSheetInput,
	today: string
): Promise<WageSheetResult> {
	const factory = await managedFactory(db, actor, factoryId);
	const issues: FieldIssue[] = [];
	const month = parseMonth(input.month);
	if (!month) throw DomainError.invalid('month', 'wages_error_month');
	if (month > monthOf(today)) throw DomainError.invalid('month', 'wages_error_future_month');
	if (month < monthOf(factory.openedOn))
		throw DomainError.invalid(
			'month',
			'wages_error_before_opened',
			monthParams(monthOf(factory.openedOn))
		);
	const jobIds = [...new Set(input.lines.map((l) => String(l.jobId ?? '')))];
	if (jobIds.some((id) => !isUuid(id))) throw DomainError.notFound();
	const jobs = jobIds.length
		? await db
				.select()
				.from(factoryJobs)
				.where(
					and(
						eq(factoryJobs.countyId, actor.countyId),
						eq(factoryJobs.factoryId, factory.id),
						inArray(factoryJobs.id, jobIds)
					)
				)
		: [];
	// A worker of another factory is, for this owner, nobody.
	if (jobs.length !== jobIds.length) throw DomainError.notFound();
	const { monthlyWageCeilingFen } = await getCountySettings(db, actor.countyId);
	const amounts = new Map<string, number>();
	for (const line of input.lines) {
		const job = jobs.find((j) => j.id === line.jobId)!;
		const field = `amount:${job.id}`;
		const raw = typeof line.amount === 'string' ? line.amount : '';
		const read = readAmount(raw, parseYuanToFen);
		if (read.kind === 'empty') continue;
		if (!employedInMonth(job, month)) {
			issues.push({
				field,
				key: 'wages_error_not_employed',
				params: { name: job.workerName, ...monthParams(month) }
			});
		} else if (read.kind === 'negative') {
			issues.push({ field, key: 'wages_error_negative' });
		} else if (read.kind === 'invalid') {
			const why = parseYuan(raw);
			issues.push(
				why.ok
					? { field, key: 'wages_error_amount' }
					: numberIssue(field, why, 'wages_error_amount')
			);
		} else if (read.fen > monthlyWageCeilingFen) {
			issues.push({
				field,
				key: 'wages_error_ceiling',
				params: { ceiling: (monthlyWageCeilingFen / 100).toLocaleString('zh-CN') }
			});
		} else {
			amounts.set(job.id, read.fen);
		}
	}
	if (issues.length) throw new DomainError('invalid', issues);
	if (amounts.size === 0) return { month, changed: 0 };

	return inTransaction(db, (tx) =>
		writeSheet(tx, actor, factory, jobs, month, amounts, today)
	).catch((caught: unknown) => {
		// Someone saved the same sheet at the same moment: nothing of this one was written.
		if (isUniqueViolation(caught, 'factory_wages_job_month_unique'))
			throw DomainError.conflict('', 'wages_error_conflict');
		throw caught;
	});
}

async function writeSheet(
	tx: Db,
	actor: UserActor,
	factory: FactoryRow,
	jobs: JobRow[],
	month: string,
	amounts: Map<string, number>,
	today: string
): Promise<WageSheetResult> {
	const existing = await tx
		.select()
		.from(factoryWages)
		.where(
			and(
				eq(factoryWages.countyId, actor.countyId),
				inArray(factoryWages.jobId, [...amounts.keys()]),
				eq(factoryWages.month, firstDay(month))
			)
		);
	const memberIds = jobs.map((j) => j.memberId).filter((id): id is string => !!id);
	// Wages reach the household the person lives in now.
	const homes = memberIds.length
		? await tx
				.select({ id: members.id, householdId: members.householdId })
				.from(members)
				.where(and(eq(members.countyId, actor.countyId), inArray(members.id, memberIds)))
		: [];
	const postings: Posting[] = [];
	const changes: { job: string; name: string; beforeFen: number | null; afterFen: number }[] = [];
	for (const [jobId, amountFen] of amounts) {
		const job = jobs.find((j) => j.id === jobId)!;
		const before = existing.find((w) => w.jobId === jobId);
		if (before && before.amountFen === amountFen) continue;
		let wage: { id: string; month: string; amountFen: number; version: number };
		if (before) {
			await reversePosting(tx, actor, actor.countyId, before);
			wage = { id: before.id, month: before.month, amountFen, version: before.version + 1 };
			await tx
				.update(factoryWages)
				.set({
					amountFen,
					version: wage.version,
					enteredBy: actor.userId,
					updatedAt: new Date()
				})
				.where(and(eq(factoryWages.countyId, actor.countyId), eq(factoryWages.id, before.id)));
		} else {
			wage = { id: newId(), month: firstDay(month), amountFen, version: 1 };
			await tx.insert(factoryWages).values({
				countyId: actor.countyId,
				id: wage.id,
				jobId,
				month: wage.month,
				amountFen,
				version: 1,
				enteredBy: actor.userId
			});
		}
		const householdId = homes.find((h) => h.id === job.memberId)?.householdId ?? job.householdId;
		if (householdId && amountFen > 0)
			postings.push(postingFor(factory, job, householdId, wage, today));
		changes.push({
			job: jobId,
			name: job.workerName,
			beforeFen: before?.amountFen ?? null,
			afterFen: amountFen
		});
	}
	if (changes.length === 0) return { month, changed: 0 };
	await postLedgerEntries(tx, actor, postings);
	await recordAudit(tx, actor, {
		countyId: actor.countyId,
		action: 'wages.save',
		entity: 'factory',
		entityId: factory.id,
		before: {
			month,
			wages: changes.filter((c) => c.beforeFen !== null).map((c) => [c.job, c.beforeFen])
		},
		after: { month, wages: changes.map((c) => [c.job, c.name, c.afterFen]) }
	});
	return { month, changed: changes.length };
}
