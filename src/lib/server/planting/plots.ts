import { and, asc, count, desc, eq, isNotNull, isNull, like, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { isUuid, isUuidV7, newId } from '../db/ids';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { canSeeHousehold } from '../auth/scope';
import { divisions } from '../divisions/schema';
import { DomainError, type FieldIssue } from '../errors';
import { HEAD_OF_HOUSEHOLD, households, members } from '../households/schema';
import { MAX_PLOT_HUNDREDTHS, parseMu, seedlingsFor } from '../../planting';
import { numberIssue } from '../input';
import { canReachVillage, requireProgramStaff, villageScope } from './access';
import { isDate, parseCount, text } from './common';
import { SEASON_DEFAULTS } from './seasons';
import { plantingSeasons, plantingSubsidies, plotMeasurements, plots } from './schema';

export type Plot = typeof plots.$inferSelect;

export { MAX_PLOT_HUNDREDTHS };

export interface PlotListItem {
	id: string;
	householdId: string;
	householdNumber: string;
	headName: string | null;
	villageCode: string;
	villageName: string;
	areaHundredthsMu: number;
	plantedOn: string;
	seedlings: number | null;
	retiredOn: string | null;
}

export interface PlotFilter {
	townshipCode?: string;
	villageCode?: string;
	householdId?: string;
	status?: 'active' | 'retired' | 'all';
}

const headName = sql<
	string | null
>`(select ${members.name} from ${members} where ${members.countyId} = ${plots.countyId} and ${members.householdId} = ${plots.householdId} and ${members.current} order by (${members.relation} <> ${HEAD_OF_HOUSEHOLD}), ${members.birthDate} limit 1)`;

/** Plots of the actor's villages, per village (and per household when asked). */
export async function listPlots(
	db: Db,
	actor: UserActor,
	filter: PlotFilter = {},
	page = 1,
	pageSize = 50
): Promise<{
	items: PlotListItem[];
	total: number;
	totalHundredths: number;
	page: number;
	pageSize: number;
}> {
	requireProgramStaff(actor);
	const where: SQL[] = [eq(plots.countyId, actor.countyId), villageScope(actor, plots.villageCode)];
	if (filter.villageCode && /^\d{12}$/.test(filter.villageCode)) {
		where.push(eq(plots.villageCode, filter.villageCode));
	} else if (filter.townshipCode && /^\d{9}$/.test(filter.townshipCode)) {
		where.push(like(plots.villageCode, `${filter.townshipCode}%`));
	}
	if (filter.householdId && isUuid(filter.householdId)) {
		where.push(eq(plots.householdId, filter.householdId));
	}
	if (filter.status === 'retired') where.push(isNotNull(plots.retiredOn));
	else if (filter.status !== 'all') where.push(isNull(plots.retiredOn));
	const condition = and(...where);
	const [[totals], rows] = await Promise.all([
		db
			.select({ n: count(), area: sql<string>`coalesce(sum(${plots.areaHundredthsMu}), 0)` })
			.from(plots)
			.where(condition),
		db
			.select({
				id: plots.id,
				householdId: plots.householdId,
				householdNumber: households.householdNumber,
				headName,
				villageCode: plots.villageCode,
				villageName: divisions.name,
				areaHundredthsMu: plots.areaHundredthsMu,
				plantedOn: plots.plantedOn,
				seedlings: plots.seedlings,
				retiredOn: plots.retiredOn
			})
			.from(plots)
			.innerJoin(
				households,
				and(eq(households.countyId, plots.countyId), eq(households.id, plots.householdId))
			)
			.innerJoin(divisions, eq(divisions.code, plots.villageCode))
			.where(condition)
			.orderBy(asc(plots.villageCode), asc(households.householdNumber), asc(plots.plantedOn))
			.limit(pageSize)
			.offset((page - 1) * pageSize)
	]);
	return {
		items: rows,
		total: totals.n,
		totalHundredths: Number(totals.area),
		page,
		pageSize
	};
}

export interface PlotDetail extends PlotListItem {
	countyId: string;
	notes: string | null;
	householdVillageCode: string;
	measurements: { id: string; measuredOn: string; areaHundredthsMu: number }[];
	subsidies: {
		id: string;
		year: number;
		firstYear: boolean;
		areaHundredthsMu: number;
		rateFenPerMu: number;
		amountFen: number;
		paidOn: string | null;
	}[];
}

async function plotRow(db: Db, actor: UserActor, plotId: unknown): Promise<Plot> {
	requireProgramStaff(actor);
	if (!isUuid(plotId)) throw DomainError.notFound();
	const [plot] = await db
		.select()
		.from(plots)
		.where(and(eq(plots.countyId, actor.countyId), eq(plots.id, plotId)));
	if (!plot || !canReachVillage(actor, plot.villageCode)) throw DomainError.notFound();
	return plot;
}

export async function getPlot(db: Db, actor: UserActor, plotId: unknown): Promise<PlotDetail> {
	const plot = await plotRow(db, actor, plotId);
	const [[row], measurements, subsidies] = await Promise.all([
		db
			.select({
				householdNumber: households.householdNumber,
				householdVillageCode: households.villageCode,
				headName,
				villageName: divisions.name
			})
			.from(plots)
			.innerJoin(
				households,
				and(eq(households.countyId, plots.countyId), eq(households.id, plots.householdId))
			)
			.innerJoin(divisions, eq(divisions.code, plots.villageCode))
			.where(and(eq(plots.countyId, plot.countyId), eq(plots.id, plot.id))),
		db
			.select({
				id: plotMeasurements.id,
				measuredOn: plotMeasurements.measuredOn,
				areaHundredthsMu: plotMeasurements.areaHundredthsMu
			})
			.from(plotMeasurements)
			.where(
				and(eq(plotMeasurements.countyId, plot.countyId), eq(plotMeasurements.plotId, plot.id))
			)
			.orderBy(desc(plotMeasurements.measuredOn), desc(plotMeasurements.createdAt)),
		db
			.select({
				id: plantingSubsidies.id,
				year: plantingSeasons.year,
				firstYear: plantingSubsidies.firstYear,
				areaHundredthsMu: plantingSubsidies.areaHundredthsMu,
				rateFenPerMu: plantingSubsidies.rateFenPerMu,
				amountFen: plantingSubsidies.amountFen,
				paidOn: plantingSubsidies.paidOn
			})
			.from(plantingSubsidies)
			.innerJoin(
				plantingSeasons,
				and(
					eq(plantingSeasons.countyId, plantingSubsidies.countyId),
					eq(plantingSeasons.id, plantingSubsidies.seasonId)
				)
			)
			.where(
				and(eq(plantingSubsidies.countyId, plot.countyId), eq(plantingSubsidies.plotId, plot.id))
			)
			.orderBy(desc(plantingSeasons.year))
	]);
	return {
		id: plot.id,
		countyId: plot.countyId,
		householdId: plot.householdId,
		householdNumber: row.householdNumber,
		householdVillageCode: row.householdVillageCode,
		headName: row.headName,
		villageCode: plot.villageCode,
		villageName: row.villageName,
		areaHundredthsMu: plot.areaHundredthsMu,
		plantedOn: plot.plantedOn,
		seedlings: plot.seedlings,
		retiredOn: plot.retiredOn,
		notes: plot.notes,
		measurements,
		subsidies
	};
}

function parseArea(value: unknown, issues: FieldIssue[], field = 'area'): number {
	const parsed = parseMu(text(value, 30, field));
	if (!parsed.ok) {
		issues.push(numberIssue(field, parsed, `plots_error_area_${parsed.problem}`));
		return 0;
	}
	if (parsed.value > MAX_PLOT_HUNDREDTHS) {
		issues.push({
			field,
			key: 'plots_error_area_large',
			params: { max: MAX_PLOT_HUNDREDTHS / 100 }
		});
	}
	return parsed.value;
}

function parseDay(
	value: unknown,
	field: string,
	issues: FieldIssue[],
	today: string,
	notBefore?: string
): string {
	const day = text(value, 10, field);
	if (!isDate(day)) issues.push({ field, key: 'plots_error_date' });
	else if (day > today) issues.push({ field, key: 'plots_error_future' });
	else if (notBefore && day < notBefore) issues.push({ field, key: 'plots_error_before_planting' });
	return day;
}

async function seedlingsPerMuFor(db: Db, countyId: string, year: number): Promise<number> {
	const [season] = await db
		.select({ seedlingsPerMu: plantingSeasons.seedlingsPerMu })
		.from(plantingSeasons)
		.where(and(eq(plantingSeasons.countyId, countyId), eq(plantingSeasons.year, year)));
	return season?.seedlingsPerMu ?? SEASON_DEFAULTS.seedlingsPerMu;
}

export interface PlotInput {
	/** A UUIDv7 made on the phone (offline entry); otherwise the server makes one. */
	id?: unknown;
	householdId: unknown;
	villageCode?: unknown;
	area: unknown;
	plantedOn: unknown;
	seedlings?: unknown;
	notes?: unknown;
}

/** The household a plot is for: one the actor may see, in the county; otherwise not found. */
async function plotHousehold(db: Db, actor: UserActor, householdId: unknown) {
	if (!isUuid(householdId)) return null;
	const [household] = await db
		.select()
		.from(households)
		.where(and(eq(households.countyId, actor.countyId), eq(households.id, householdId)));
	return household && canSeeHousehold(actor, household) ? household : null;
}

/**
 * Staff record a household's plot: where, how big, when planted and how many free
 * seedlings it got (by default area × the season's seedlings per mu). The first
 * measurement is the planting one.
 */
export async function createPlot(
	db: Db,
	actor: UserActor,
	input: PlotInput,
	today: string
): Promise<string> {
	requireProgramStaff(actor);
	const issues: FieldIssue[] = [];
	const household = await plotHousehold(db, actor, input.householdId);
	if (!household) issues.push({ field: 'householdId', key: 'plots_error_household' });
	const villageCode = text(input.villageCode, 12, 'villageCode') || household?.villageCode || '';
	const [village] = /^\d{12}$/.test(villageCode)
		? await db
				.select({ code: divisions.code })
				.from(divisions)
				.where(and(eq(divisions.code, villageCode), eq(divisions.level, 'village')))
		: [];
	if (!village || !villageCode.startsWith(actor.countyCode)) {
		issues.push({ field: 'villageCode', key: 'plots_error_village_county' });
	} else if (!canReachVillage(actor, villageCode)) {
		issues.push({ field: 'villageCode', key: 'plots_error_village_scope' });
	}
	const area = parseArea(input.area, issues);
	const plantedOn = parseDay(input.plantedOn, 'plantedOn', issues, today);
	const seedlingsText = text(input.seedlings, 12, 'seedlings');
	let seedlings: number | null = null;
	if (seedlingsText) {
		seedlings = parseCount(seedlingsText, 0, 10_000_000);
		if (seedlings === null) issues.push({ field: 'seedlings', key: 'plots_error_seedlings' });
	}
	const notes = text(input.notes, 200, 'notes') || null;
	if (issues.length || !household) throw new DomainError('invalid', issues);
	seedlings ??= seedlingsFor(
		area,
		await seedlingsPerMuFor(db, actor.countyId, Number(plantedOn.slice(0, 4)))
	);
	const id = isUuidV7(input.id) ? input.id : newId();
	const plot = {
		householdId: household.id,
		villageCode,
		areaHundredthsMu: area,
		plantedOn,
		seedlings,
		notes
	};
	await inTransaction(db, async (tx) => {
		await tx.insert(plots).values({ countyId: actor.countyId, id, ...plot });
		await tx.insert(plotMeasurements).values({
			countyId: actor.countyId,
			id: newId(),
			plotId: id,
			measuredOn: plantedOn,
			areaHundredthsMu: area,
			recordedBy: actor.userId
		});
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'planting.plot.create',
			entity: 'plot',
			entityId: id,
			after: plot
		});
	});
	return id;
}

/**
 * A dated re-measurement: the history keeps every one, and the plot's area becomes that of
 * its latest measurement. Subsidy lines already paid keep the area they were paid on.
 */
export async function remeasurePlot(
	db: Db,
	actor: UserActor,
	plotId: unknown,
	input: { area: unknown; measuredOn: unknown },
	today: string
): Promise<void> {
	const plot = await plotRow(db, actor, plotId);
	const issues: FieldIssue[] = [];
	const area = parseArea(input.area, issues);
	const measuredOn = parseDay(input.measuredOn, 'measuredOn', issues, today, plot.plantedOn);
	if (plot.retiredOn) issues.push({ field: '', key: 'plots_error_retired' });
	if (issues.length) throw new DomainError('invalid', issues);
	await inTransaction(db, async (tx) => {
		await tx.insert(plotMeasurements).values({
			countyId: plot.countyId,
			id: newId(),
			plotId: plot.id,
			measuredOn,
			areaHundredthsMu: area,
			recordedBy: actor.userId
		});
		const [latest] = await tx
			.select({ area: plotMeasurements.areaHundredthsMu })
			.from(plotMeasurements)
			.where(
				and(eq(plotMeasurements.countyId, plot.countyId), eq(plotMeasurements.plotId, plot.id))
			)
			.orderBy(desc(plotMeasurements.measuredOn), desc(plotMeasurements.createdAt))
			.limit(1);
		await tx
			.update(plots)
			.set({ areaHundredthsMu: latest.area, updatedAt: new Date() })
			.where(and(eq(plots.countyId, plot.countyId), eq(plots.id, plot.id)));
		await recordAudit(tx, actor, {
			countyId: plot.countyId,
			action: 'planting.plot.remeasure',
			entity: 'plot',
			entityId: plot.id,
			before: { areaHundredthsMu: plot.areaHundredthsMu },
			after: { measuredOn, areaHundredthsMu: area, currentHundredthsMu: latest.area }
		});
	});
}

/** The plot is dug up or given up: kept with its date, left out of later subsidy lists. */
export async function retirePlot(
	db: Db,
	actor: UserActor,
	plotId: unknown,
	input: { retiredOn: unknown; note?: unknown },
	today: string
): Promise<void> {
	const plot = await plotRow(db, actor, plotId);
	const issues: FieldIssue[] = [];
	const retiredOn = parseDay(input.retiredOn, 'retiredOn', issues, today, plot.plantedOn);
	if (plot.retiredOn) issues.push({ field: '', key: 'plots_error_retired' });
	if (issues.length) throw new DomainError('invalid', issues);
	const note = text(input.note, 200, 'note');
	await inTransaction(db, async (tx) => {
		await tx
			.update(plots)
			.set({
				retiredOn,
				notes: note ? [plot.notes, note].filter(Boolean).join('；') : plot.notes,
				updatedAt: new Date()
			})
			.where(
				and(eq(plots.countyId, plot.countyId), eq(plots.id, plot.id), isNull(plots.retiredOn))
			);
		await recordAudit(tx, actor, {
			countyId: plot.countyId,
			action: 'planting.plot.retire',
			entity: 'plot',
			entityId: plot.id,
			after: { retiredOn, note: note || null }
		});
	});
}

/** Corrects what was written down at planting: seedlings given and notes. */
export async function updatePlotNotes(
	db: Db,
	actor: UserActor,
	plotId: unknown,
	input: { seedlings: unknown; notes: unknown }
): Promise<void> {
	const plot = await plotRow(db, actor, plotId);
	const seedlingsText = text(input.seedlings, 12, 'seedlings');
	const seedlings = seedlingsText === '' ? null : parseCount(seedlingsText, 0, 10_000_000);
	if (seedlingsText !== '' && seedlings === null) {
		throw DomainError.invalid('seedlings', 'plots_error_seedlings');
	}
	const notes = text(input.notes, 200, 'notes') || null;
	await inTransaction(db, async (tx) => {
		await tx
			.update(plots)
			.set({ seedlings, notes, updatedAt: new Date() })
			.where(and(eq(plots.countyId, plot.countyId), eq(plots.id, plot.id)));
		await recordAudit(tx, actor, {
			countyId: plot.countyId,
			action: 'planting.plot.update',
			entity: 'plot',
			entityId: plot.id,
			before: { seedlings: plot.seedlings, notes: plot.notes },
			after: { seedlings, notes }
		});
	});
}

/** The household a new plot would be for, to show its name on the form. */
export async function plotHouseholdChoice(
	db: Db,
	actor: UserActor,
	householdId: unknown
): Promise<{
	id: string;
	householdNumber: string;
	villageCode: string;
	headName: string | null;
} | null> {
	requireProgramStaff(actor);
	const household = await plotHousehold(db, actor, householdId);
	if (!household) return null;
	const [head] = await db
		.select({ name: members.name })
		.from(members)
		.where(
			and(
				eq(members.countyId, household.countyId),
				eq(members.householdId, household.id),
				eq(members.current, true)
			)
		)
		.orderBy(sql`${members.relation} <> ${HEAD_OF_HOUSEHOLD}`, asc(members.birthDate))
		.limit(1);
	return {
		id: household.id,
		householdNumber: household.householdNumber,
		villageCode: household.villageCode,
		headName: head?.name ?? null
	};
}
