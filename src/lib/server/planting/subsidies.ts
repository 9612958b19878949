import { and, asc, eq, inArray, isNotNull, isNull, like, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { isUuid, newId } from '../db/ids';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { divisions } from '../divisions/schema';
import { DomainError } from '../errors';
import { HEAD_OF_HOUSEHOLD, households, members } from '../households/schema';
import { postLedgerEntries } from '../income';
import { subsidyAmountFen } from '../../planting';
import { villageScope } from './access';
import { isDate, text } from './common';
import { getSeason } from './seasons';
import { plantingSubsidies, plots } from './schema';

export interface SubsidyLine {
	id: string;
	plotId: string;
	householdId: string;
	householdNumber: string;
	headName: string | null;
	villageCode: string;
	villageName: string;
	areaHundredthsMu: number;
	plantedOn: string;
	firstYear: boolean;
	rateFenPerMu: number;
	amountFen: number;
	paidOn: string | null;
}

export interface SubsidyFilter {
	townshipCode?: string;
	villageCode?: string;
	status?: 'unpaid' | 'paid' | 'all';
}

export interface SubsidyList {
	lines: SubsidyLine[];
	totals: {
		lines: number;
		amountFen: number;
		paidFen: number;
		unpaidFen: number;
		unpaidLines: number;
	};
}

/** The well-formed part of a place filter (what the audit row records). */
function placeOf(filter: Pick<SubsidyFilter, 'townshipCode' | 'villageCode'>) {
	return {
		townshipCode: /^\d{9}$/.test(filter.townshipCode ?? '') ? filter.townshipCode : undefined,
		villageCode: /^\d{12}$/.test(filter.villageCode ?? '') ? filter.villageCode : undefined
	};
}

function placeFilter(filter: SubsidyFilter): SQL[] {
	if (filter.villageCode && /^\d{12}$/.test(filter.villageCode)) {
		return [eq(plots.villageCode, filter.villageCode)];
	}
	if (filter.townshipCode && /^\d{9}$/.test(filter.townshipCode)) {
		return [like(plots.villageCode, `${filter.townshipCode}%`)];
	}
	return [];
}

const headName = sql<
	string | null
>`(select ${members.name} from ${members} where ${members.countyId} = ${plots.countyId} and ${members.householdId} = ${plots.householdId} and ${members.current} order by (${members.relation} <> ${HEAD_OF_HOUSEHOLD}), ${members.birthDate} limit 1)`;

/** The season's subsidy list in the actor's villages, for review and payment. */
export async function listSubsidies(
	db: Db,
	actor: UserActor,
	seasonId: string,
	filter: SubsidyFilter = {}
): Promise<SubsidyList> {
	const season = await getSeason(db, actor, seasonId);
	const status =
		filter.status === 'paid'
			? [isNotNull(plantingSubsidies.paidOn)]
			: filter.status === 'unpaid'
				? [isNull(plantingSubsidies.paidOn)]
				: [];
	const rows = await db
		.select({
			id: plantingSubsidies.id,
			plotId: plantingSubsidies.plotId,
			householdId: plantingSubsidies.householdId,
			householdNumber: households.householdNumber,
			headName,
			villageCode: plots.villageCode,
			villageName: divisions.name,
			areaHundredthsMu: plantingSubsidies.areaHundredthsMu,
			plantedOn: plots.plantedOn,
			firstYear: plantingSubsidies.firstYear,
			rateFenPerMu: plantingSubsidies.rateFenPerMu,
			amountFen: plantingSubsidies.amountFen,
			paidOn: plantingSubsidies.paidOn
		})
		.from(plantingSubsidies)
		.innerJoin(
			plots,
			and(eq(plots.countyId, plantingSubsidies.countyId), eq(plots.id, plantingSubsidies.plotId))
		)
		.innerJoin(
			households,
			and(
				eq(households.countyId, plantingSubsidies.countyId),
				eq(households.id, plantingSubsidies.householdId)
			)
		)
		.innerJoin(divisions, eq(divisions.code, plots.villageCode))
		.where(
			and(
				eq(plantingSubsidies.countyId, actor.countyId),
				eq(plantingSubsidies.seasonId, season.id),
				villageScope(actor, plots.villageCode),
				...placeFilter(filter),
				...status
			)
		)
		.orderBy(asc(plots.villageCode), asc(households.householdNumber), asc(plots.plantedOn));
	const totals = { lines: rows.length, amountFen: 0, paidFen: 0, unpaidFen: 0, unpaidLines: 0 };
	for (const row of rows) {
		totals.amountFen += row.amountFen;
		if (row.paidOn) totals.paidFen += row.amountFen;
		else {
			totals.unpaidFen += row.amountFen;
			totals.unpaidLines += 1;
		}
	}
	return { lines: rows, totals };
}

export interface GenerateResult {
	created: number;
	updated: number;
	removed: number;
	paidKept: number;
	totalFen: number;
}

/**
 * Makes (or refreshes) the season's subsidy list from the plots of the actor's villages:
 * one line per plot in the ground during the season, area × the first-year rate when it
 * was planted in the season's year, else × the later-year rate; lines worth nothing are
 * left out. Paid lines are never touched; unpaid ones follow the plots and rates of now.
 */
export async function generateSubsidies(
	db: Db,
	actor: UserActor,
	seasonId: string,
	filter: Pick<SubsidyFilter, 'townshipCode' | 'villageCode'> = {}
): Promise<GenerateResult> {
	const season = await getSeason(db, actor, seasonId);
	const yearEnd = `${season.year}-12-31`;
	return inTransaction(db, async (tx) => {
		const candidates = await tx
			.select({
				id: plots.id,
				householdId: plots.householdId,
				area: plots.areaHundredthsMu,
				plantedOn: plots.plantedOn,
				retiredOn: plots.retiredOn
			})
			.from(plots)
			.where(
				and(
					eq(plots.countyId, actor.countyId),
					villageScope(actor, plots.villageCode),
					...placeFilter(filter)
				)
			);
		const scopedPlotIds = candidates.map((p) => p.id);
		const existing = scopedPlotIds.length
			? await tx
					.select()
					.from(plantingSubsidies)
					.where(
						and(
							eq(plantingSubsidies.countyId, actor.countyId),
							eq(plantingSubsidies.seasonId, season.id),
							inArray(plantingSubsidies.plotId, scopedPlotIds)
						)
					)
					.for('update')
			: [];
		const byPlot = new Map(existing.map((line) => [line.plotId, line]));
		const result: GenerateResult = { created: 0, updated: 0, removed: 0, paidKept: 0, totalFen: 0 };
		const inserts: (typeof plantingSubsidies.$inferInsert)[] = [];
		const removals: string[] = [];
		for (const plot of candidates) {
			const line = byPlot.get(plot.id);
			if (line?.paidOn) {
				result.paidKept += 1;
				result.totalFen += line.amountFen;
				continue;
			}
			// In the ground during the season: planted by its end, not retired before it ended.
			const eligible = plot.plantedOn <= yearEnd && (!plot.retiredOn || plot.retiredOn > yearEnd);
			const firstYear = plot.plantedOn.slice(0, 4) === String(season.year);
			const rate = firstYear ? season.firstYearSubsidyFenPerMu : season.laterYearSubsidyFenPerMu;
			const amountFen = eligible ? subsidyAmountFen(plot.area, rate) : 0;
			if (amountFen === 0) {
				if (line) removals.push(line.id);
				continue;
			}
			result.totalFen += amountFen;
			const values = { areaHundredthsMu: plot.area, firstYear, rateFenPerMu: rate, amountFen };
			if (!line) {
				inserts.push({
					countyId: actor.countyId,
					id: newId(),
					seasonId: season.id,
					plotId: plot.id,
					householdId: plot.householdId,
					...values
				});
			} else if (
				line.areaHundredthsMu !== values.areaHundredthsMu ||
				line.firstYear !== values.firstYear ||
				line.rateFenPerMu !== values.rateFenPerMu ||
				line.amountFen !== values.amountFen
			) {
				await tx
					.update(plantingSubsidies)
					.set(values)
					.where(
						and(
							eq(plantingSubsidies.countyId, actor.countyId),
							eq(plantingSubsidies.id, line.id),
							isNull(plantingSubsidies.paidOn)
						)
					);
				result.updated += 1;
			}
		}
		for (let i = 0; i < inserts.length; i += 500) {
			await tx
				.insert(plantingSubsidies)
				.values(inserts.slice(i, i + 500))
				.onConflictDoNothing();
		}
		result.created = inserts.length;
		if (removals.length) {
			await tx
				.delete(plantingSubsidies)
				.where(
					and(
						eq(plantingSubsidies.countyId, actor.countyId),
						inArray(plantingSubsidies.id, removals),
						isNull(plantingSubsidies.paidOn)
					)
				);
			result.removed = removals.length;
		}
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'planting.subsidy.generate',
			entity: 'planting_season',
			entityId: season.id,
			after: { year: season.year, filter: placeOf(filter), ...result }
		});
		return result;
	});
}

export interface PayResult {
	paid: number;
	paidFen: number;
	/** Lines that were already paid and were left as they were. */
	alreadyPaid: number;
}

export interface PayReview {
	/** The chosen lines that are unpaid and in the actor's scope: what paying would pay. */
	lineIds: string[];
	count: number;
	totalFen: number;
	paidOn: string;
}

function checkPaidOn(input: { paidOn: unknown }, year: number, today: string): string {
	const paidOn = text(input.paidOn, 10, 'paidOn');
	if (!isDate(paidOn)) throw DomainError.invalid('paidOn', 'subsidy_error_paid_on');
	if (paidOn > today) throw DomainError.invalid('paidOn', 'subsidy_error_paid_on_future');
	if (paidOn < `${year}-01-01`) {
		throw DomainError.invalid('paidOn', 'subsidy_error_paid_on_before', { year });
	}
	return paidOn;
}

function chosenIds(lineIds: unknown[]): string[] {
	const ids = [...new Set(lineIds.filter(isUuid))];
	if (ids.length === 0) throw DomainError.invalid('', 'subsidy_error_none_chosen');
	return ids;
}

/**
 * The step before paying: what the chosen lines come to (count and total), so the person
 * confirms exactly that. Nothing is written.
 */
export async function reviewSubsidies(
	db: Db,
	actor: UserActor,
	seasonId: string,
	input: { lineIds: unknown[]; paidOn: unknown },
	today: string
): Promise<PayReview> {
	const season = await getSeason(db, actor, seasonId);
	const paidOn = checkPaidOn(input, season.year, today);
	const ids = chosenIds(input.lineIds);
	const lines = await db
		.select({ id: plantingSubsidies.id, amountFen: plantingSubsidies.amountFen })
		.from(plantingSubsidies)
		.innerJoin(
			plots,
			and(eq(plots.countyId, plantingSubsidies.countyId), eq(plots.id, plantingSubsidies.plotId))
		)
		.where(
			and(
				eq(plantingSubsidies.countyId, actor.countyId),
				eq(plantingSubsidies.seasonId, season.id),
				inArray(plantingSubsidies.id, ids),
				isNull(plantingSubsidies.paidOn),
				villageScope(actor, plots.villageCode)
			)
		)
		.orderBy(asc(plantingSubsidies.id));
	if (lines.length === 0) throw DomainError.conflict('', 'subsidy_error_already_paid');
	return {
		lineIds: lines.map((l) => l.id),
		count: lines.length,
		totalFen: lines.reduce((sum, l) => sum + l.amountFen, 0),
		paidOn
	};
}

/**
 * Marks subsidy lines paid on a date and posts each as transfer income to its household,
 * in one transaction. Nothing is paid without an explicit choice of lines and a
 * confirmation that echoes the count and total the person was shown: if the lines that
 * would be paid now differ (someone paid some meanwhile, a stale page), nothing is paid.
 * A line is paid once: only unpaid lines change, so sending the same list twice pays
 * nothing the second time (and says so).
 */
export async function paySubsidies(
	db: Db,
	actor: UserActor,
	seasonId: string,
	input: { lineIds: unknown[]; paidOn: unknown; confirmCount?: unknown; confirmFen?: unknown },
	today: string
): Promise<PayResult> {
	const season = await getSeason(db, actor, seasonId);
	const paidOn = checkPaidOn(input, season.year, today);
	const ids = chosenIds(input.lineIds);
	const confirmCount = text(input.confirmCount, 12, 'confirmCount');
	const confirmFen = text(input.confirmFen, 20, 'confirmFen');
	if (!/^\d+$/.test(confirmCount) || !/^\d+$/.test(confirmFen)) {
		throw DomainError.invalid('', 'field_error_pay_unconfirmed');
	}
	return inTransaction(db, async (tx) => {
		const scopedPlots = tx
			.select({ id: plots.id })
			.from(plots)
			.where(and(eq(plots.countyId, actor.countyId), villageScope(actor, plots.villageCode)));
		// Conditional update: a line already paid (or being paid by someone else) is skipped.
		const paid = await tx
			.update(plantingSubsidies)
			.set({ paidOn })
			.where(
				and(
					eq(plantingSubsidies.countyId, actor.countyId),
					eq(plantingSubsidies.seasonId, season.id),
					inArray(plantingSubsidies.id, ids),
					isNull(plantingSubsidies.paidOn),
					inArray(plantingSubsidies.plotId, scopedPlots)
				)
			)
			.returning();
		const alreadyPaid = ids.length - paid.length;
		if (paid.length === 0) {
			throw DomainError.conflict('', 'subsidy_error_already_paid');
		}
		const paidFen = paid.reduce((sum, line) => sum + line.amountFen, 0);
		// Not what the person confirmed: thrown inside the transaction, so nothing is marked.
		if (paid.length !== Number(confirmCount) || paidFen !== Number(confirmFen)) {
			throw DomainError.conflict('', 'field_error_pay_changed');
		}
		await postLedgerEntries(
			tx,
			actor,
			paid.map((line) => ({
				countyId: actor.countyId,
				householdId: line.householdId,
				businessDate: paidOn,
				amountFen: line.amountFen,
				kind: 'transfer' as const,
				subtype: 'planting_subsidy',
				source: 'planting_subsidy' as const,
				sourceId: line.id,
				sourceVersion: 1,
				note: `${season.year}`
			}))
		);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'planting.subsidy.pay',
			entity: 'planting_season',
			entityId: season.id,
			after: { paidOn, lines: paid.length, paidFen, alreadyPaid }
		});
		return { paid: paid.length, paidFen, alreadyPaid };
	});
}
