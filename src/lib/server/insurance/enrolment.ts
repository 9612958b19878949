import ExcelJS from 'exceljs';
import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { isUuid, newId } from '../db/ids';
import { recordAudit } from '../audit';
import type { Actor, UserActor } from '../auth/actor';
import { householdScope } from '../auth/scope';
import { divisions } from '../divisions/schema';
import { DomainError, type FieldIssue } from '../errors';
import { factoryJobs } from '../factories/schema';
import { HEAD_OF_HOUSEHOLD, households, members } from '../households/schema';
import { numberIssue, textInput } from '../input';
import { monitoringRecords } from '../monitoring/schema';
import { plots } from '../planting/schema';
import { isCalendarDate, parseYuan } from '../../input';
import { addFundEntry } from './funds';
import { insurancePolicies, type ObjectKind } from './schema';
import { getScheme, type Scheme } from './schemes';
import { m } from '../../paraglide/messages';
import ROSTER from './roster-labels.json';

export type Policy = typeof insurancePolicies.$inferSelect;

/** Objects a person names one at a time (a flock, a workshop, another project). */
export const NAMED_OBJECT_KINDS = ['flock', 'workshop', 'project'] as const;

export interface CandidateFilter {
	townshipCode?: string;
	villageCode?: string;
	/** Only households the county monitors (监测户). */
	monitoredOnly?: boolean;
}

/** Someone or something a scheme could insure, as the enrolment list shows it. */
export interface Candidate {
	/** `member:<id>`, `plot:<id>` or `household:<id>`: what a bulk enrolment sends back. */
	key: string;
	householdId: string;
	householdNumber: string;
	villageName: string;
	headName: string | null;
	memberId: string | null;
	objectKind: ObjectKind;
	objectRef: string | null;
	label: string;
	employer: string | null;
	workPlace: string | null;
	/** Persons covered: the premium is per person for 防贫保, per object otherwise. */
	units: number;
	monitored: boolean;
	enrolled: boolean;
}

export const CANDIDATE_LIMIT = 300;

function scopeConditions(actor: UserActor, filter: CandidateFilter): SQL[] {
	const conditions: SQL[] = [householdScope(actor)];
	if (filter.townshipCode && /^\d{9}$/.test(filter.townshipCode))
		conditions.push(sql`left(${households.villageCode}, 9) = ${filter.townshipCode}`);
	if (filter.villageCode && /^\d{12}$/.test(filter.villageCode))
		conditions.push(eq(households.villageCode, filter.villageCode));
	if (filter.monitoredOnly) conditions.push(eq(monitoringRecords.status, 'monitored'));
	return conditions;
}

/**
 * What the scheme could insure in the actor's scope: for migrant-worker insurance the
 * members working away or at a micro-factory, for industry insurance the honeysuckle
 * plots, for 防贫保 whole households. `keys` narrows to the ones picked for enrolment.
 */
export async function enrolmentCandidates(
	db: Db,
	actor: UserActor,
	scheme: Scheme,
	filter: CandidateFilter,
	keys?: string[]
): Promise<Candidate[]> {
	const conditions = scopeConditions(actor, filter);
	const idsOf = (prefix: string) =>
		(keys ?? [])
			.filter((k) => k.startsWith(prefix))
			.map((k) => k.slice(prefix.length))
			.filter(isUuid);
	const base = {
		householdId: households.id,
		householdNumber: households.householdNumber,
		villageName: divisions.name,
		monitored: sql<boolean>`coalesce(${monitoringRecords.status} = 'monitored', false)`
	};
	const head = sql<
		string | null
	>`(select h.name from members h where h.county_id = ${households.countyId} and h.household_id = ${households.id} and h.relation = ${HEAD_OF_HOUSEHOLD} and h.current limit 1)`;
	let found: Omit<Candidate, 'enrolled'>[] = [];
	if (scheme.kind === 'migrant_worker') {
		const wanted = idsOf('member:');
		if (keys && wanted.length === 0) return [];
		const job = sql<
			string | null
		>`(select f.enterprise_name || '|' || f.name from factory_jobs j join factories f on f.county_id = j.county_id and f.id = j.factory_id where j.county_id = ${members.countyId} and j.member_id = ${members.id} and j.ended_on is null limit 1)`;
		const rows = await db
			.select({
				...base,
				headName: head,
				memberId: members.id,
				name: members.name,
				workPlace: members.workPlace,
				workingAway: members.workingAway,
				job
			})
			.from(members)
			.innerJoin(
				households,
				and(eq(households.countyId, members.countyId), eq(households.id, members.householdId))
			)
			.innerJoin(divisions, eq(divisions.code, households.villageCode))
			.leftJoin(
				monitoringRecords,
				and(
					eq(monitoringRecords.countyId, households.countyId),
					eq(monitoringRecords.householdId, households.id)
				)
			)
			.where(
				and(
					...conditions,
					eq(members.current, true),
					sql`(${members.workingAway} or exists (select 1 from ${factoryJobs} j where j.county_id = ${members.countyId} and j.member_id = ${members.id} and j.ended_on is null))`,
					...(keys ? [inArray(members.id, wanted)] : [])
				)
			)
			.orderBy(asc(divisions.name), asc(households.householdNumber), asc(members.name))
			.limit(CANDIDATE_LIMIT);
		found = rows.map((r) => {
			const [enterprise, factory] = r.job ? r.job.split('|') : [null, null];
			const place = r.workingAway ? r.workPlace : factory;
			return {
				key: `member:${r.memberId}`,
				householdId: r.householdId,
				householdNumber: r.householdNumber,
				villageName: r.villageName,
				headName: r.headName,
				memberId: r.memberId,
				objectKind: 'worker',
				objectRef: null,
				label: r.name,
				employer: r.workingAway ? null : enterprise,
				workPlace: place ?? null,
				units: 1,
				monitored: r.monitored
			};
		});
	} else if (scheme.kind === 'industry') {
		const wanted = idsOf('plot:');
		if (keys && wanted.length === 0) return [];
		const rows = await db
			.select({
				...base,
				headName: head,
				plotId: plots.id,
				area: plots.areaHundredthsMu
			})
			.from(plots)
			.innerJoin(
				households,
				and(eq(households.countyId, plots.countyId), eq(households.id, plots.householdId))
			)
			.innerJoin(divisions, eq(divisions.code, households.villageCode))
			.leftJoin(
				monitoringRecords,
				and(
					eq(monitoringRecords.countyId, households.countyId),
					eq(monitoringRecords.householdId, households.id)
				)
			)
			.where(
				and(...conditions, isNull(plots.retiredOn), ...(keys ? [inArray(plots.id, wanted)] : []))
			)
			.orderBy(asc(divisions.name), asc(households.householdNumber))
			.limit(CANDIDATE_LIMIT);
		found = rows.map((r) => ({
			key: `plot:${r.plotId}`,
			householdId: r.householdId,
			householdNumber: r.householdNumber,
			villageName: r.villageName,
			headName: r.headName,
			memberId: null,
			objectKind: 'plot',
			objectRef: r.plotId,
			label: m.insurance_plot_label({ area: (r.area / 100).toFixed(2) }),
			employer: null,
			workPlace: null,
			units: 1,
			monitored: r.monitored
		}));
	} else {
		const wanted = idsOf('household:');
		if (keys && wanted.length === 0) return [];
		const people = sql<number>`(select count(*)::int from members p where p.county_id = ${households.countyId} and p.household_id = ${households.id} and p.current)`;
		const rows = await db
			.select({ ...base, headName: head, people })
			.from(households)
			.innerJoin(divisions, eq(divisions.code, households.villageCode))
			.leftJoin(
				monitoringRecords,
				and(
					eq(monitoringRecords.countyId, households.countyId),
					eq(monitoringRecords.householdId, households.id)
				)
			)
			.where(and(...conditions, ...(keys ? [inArray(households.id, wanted)] : [])))
			.orderBy(asc(divisions.name), asc(households.householdNumber))
			.limit(CANDIDATE_LIMIT);
		found = rows.map((r) => ({
			key: `household:${r.householdId}`,
			householdId: r.householdId,
			householdNumber: r.householdNumber,
			villageName: r.villageName,
			headName: r.headName,
			memberId: null,
			objectKind: 'household',
			objectRef: null,
			label: r.headName ?? r.householdNumber,
			employer: null,
			workPlace: null,
			units: Math.max(1, Number(r.people)),
			monitored: r.monitored
		}));
	}
	if (found.length === 0) return [];
	const enrolled = await db
		.select({ key: insurancePolicies.objectKey })
		.from(insurancePolicies)
		.where(
			and(
				eq(insurancePolicies.countyId, actor.countyId),
				eq(insurancePolicies.schemeId, scheme.id),
				inArray(
					insurancePolicies.objectKey,
					found.map((c) => c.key)
				)
			)
		);
	const taken = new Set(enrolled.map((e) => e.key));
	return found.map((c) => ({ ...c, enrolled: taken.has(c.key) }));
}

export interface EnrolInput {
	/** Candidate keys picked from the list (bulk), or none. */
	keys: unknown[];
	/** Yuan per picked plot, when the scheme insures plots; optional. */
	insuredValue?: unknown;
	/** A named object of one household instead of picks. */
	householdId?: unknown;
	objectKind?: unknown;
	objectLabel?: unknown;
	coverFrom?: unknown;
}

export interface EnrolResult {
	enrolled: number;
	alreadyEnrolled: number;
	premiumFen: number;
}

/** The first day an enrolment of today covers: today within the scheme year, else its start. */
export function defaultCoverFrom(scheme: Pick<Scheme, 'year'>, today: string): string {
	const start = `${scheme.year}-01-01`;
	const end = `${scheme.year}-12-31`;
	return today >= start && today <= end ? today : start;
}

/**
 * Enrols the picked people or objects (or one named object) under the scheme: a policy
 * each, the premium computed, paid into the scheme's fund as one entry, one audit row.
 * What is already enrolled is skipped, so sending the same list twice enrols nothing twice.
 */
export async function enrol(
	db: Db,
	actor: UserActor,
	schemeId: string,
	input: EnrolInput,
	today: string
): Promise<EnrolResult> {
	const scheme = await getScheme(db, actor, schemeId);
	const issues: FieldIssue[] = [];
	const coverFromText = textInput(input.coverFrom, 10, 'coverFrom');
	const coverFrom = coverFromText || defaultCoverFrom(scheme, today);
	if (!isCalendarDate(coverFrom) || !coverFrom.startsWith(String(scheme.year)))
		issues.push({
			field: 'coverFrom',
			key: 'insurance_error_cover_from',
			params: { year: scheme.year }
		});
	const valueText = textInput(input.insuredValue, 30, 'insuredValue');
	let insuredValueFen: number | null = null;
	if (valueText) {
		const value = parseYuan(valueText);
		if (!value.ok) issues.push(numberIssue('insuredValue', value, 'insurance_error_insured_value'));
		else insuredValueFen = value.value;
	}
	const keys = [...new Set(input.keys.map((k) => textInput(k, 60, 'keys')).filter(Boolean))].slice(
		0,
		1000
	);
	let picked: Candidate[] = [];
	const householdId = textInput(input.householdId, 40, 'householdId');
	if (householdId) {
		// One named object: a flock, a workshop or another project of one household.
		const kind = textInput(
			input.objectKind,
			20,
			'objectKind'
		) as (typeof NAMED_OBJECT_KINDS)[number];
		if (scheme.kind !== 'industry' || !NAMED_OBJECT_KINDS.includes(kind))
			issues.push({ field: 'objectKind', key: 'insurance_error_object_kind' });
		const label = textInput(input.objectLabel, 60, 'objectLabel');
		if (!label) issues.push({ field: 'objectLabel', key: 'insurance_error_object_label' });
		if (insuredValueFen === null && !issues.some((i) => i.field === 'insuredValue'))
			issues.push({ field: 'insuredValue', key: 'insurance_error_insured_value' });
		// Staff type the household number (户编号) they know; links may carry the id.
		const [byNumber] = isUuid(householdId)
			? [{ id: householdId }]
			: await db
					.select({ id: households.id })
					.from(households)
					.where(
						and(
							eq(households.countyId, actor.countyId),
							eq(households.householdNumber, householdId)
						)
					);
		const [household] = byNumber
			? await enrolmentCandidates(db, actor, { ...scheme, kind: 'anti_poverty' }, {}, [
					`household:${byNumber.id}`
				])
			: [];
		if (!household) issues.push({ field: 'householdId', key: 'insurance_error_household' });
		else if (issues.length === 0)
			picked = [
				{
					...household,
					key: `${kind}:${household.householdId}:${label}`,
					objectKind: kind,
					label,
					units: 1
				}
			];
	} else {
		if (keys.length === 0) issues.push({ field: 'keys', key: 'insurance_error_pick' });
		else picked = await enrolmentCandidates(db, actor, scheme, {}, keys);
		if (keys.length > 0 && picked.length === 0)
			issues.push({ field: 'keys', key: 'insurance_error_pick' });
	}
	if (issues.length) throw new DomainError('invalid', issues);
	const fresh = picked.filter((c) => !c.enrolled);
	return inTransaction(db, async (tx) =>
		writePolicies(tx, actor, scheme, fresh, {
			coverFrom,
			insuredValueFen,
			paidOn: today,
			alreadyEnrolled: picked.length - fresh.length
		})
	);
}

/** Inserts the policies and pays their premium into the fund (inside the caller's transaction). */
export async function writePolicies(
	tx: Db,
	actor: Actor & { countyId?: string },
	scheme: Scheme,
	picked: Omit<
		Candidate,
		'enrolled' | 'householdNumber' | 'villageName' | 'headName' | 'monitored'
	>[],
	options: {
		coverFrom: string;
		insuredValueFen: number | null;
		paidOn: string;
		alreadyEnrolled?: number;
	}
): Promise<EnrolResult> {
	let enrolled = 0;
	let premiumFen = 0;
	let skipped = options.alreadyEnrolled ?? 0;
	for (let i = 0; i < picked.length; i += 500) {
		const rows = picked.slice(i, i + 500).map((c) => ({
			countyId: scheme.countyId,
			id: newId(),
			schemeId: scheme.id,
			householdId: c.householdId,
			memberId: c.memberId,
			objectKind: c.objectKind,
			objectRef: c.objectRef,
			objectLabel: c.label,
			objectKey: c.key,
			insuredValueFen:
				c.objectKind === 'worker' || c.objectKind === 'household' ? null : options.insuredValueFen,
			employer: c.employer,
			workPlace: c.workPlace,
			coverFrom: options.coverFrom,
			coverTo: `${scheme.year}-12-31`,
			premiumFen: scheme.premiumFen * c.units,
			enrolledBy: actor.userId
		}));
		const inserted = await tx
			.insert(insurancePolicies)
			.values(rows)
			.onConflictDoNothing()
			.returning({ premiumFen: insurancePolicies.premiumFen });
		enrolled += inserted.length;
		skipped += rows.length - inserted.length;
		premiumFen += inserted.reduce((sum, r) => sum + r.premiumFen, 0);
	}
	if (enrolled > 0) {
		await addFundEntry(tx, actor, {
			countyId: scheme.countyId,
			schemeId: scheme.id,
			kind: 'premium',
			amountFen: premiumFen,
			businessDate: options.paidOn,
			units: enrolled
		});
		await recordAudit(tx, actor, {
			countyId: scheme.countyId,
			action: 'insurance.enrol',
			entity: 'insurance_scheme',
			entityId: scheme.id,
			after: { enrolled, premiumFen, coverFrom: options.coverFrom }
		});
	}
	return { enrolled, alreadyEnrolled: skipped, premiumFen };
}

export interface PolicyRow {
	id: string;
	householdId: string;
	householdNumber: string;
	villageName: string;
	townshipName: string;
	memberName: string | null;
	memberIdNumber: string | null;
	objectKind: ObjectKind;
	objectLabel: string;
	insuredValueFen: number | null;
	employer: string | null;
	workPlace: string | null;
	coverFrom: string;
	coverTo: string;
	premiumFen: number;
}

/** The scheme's enrolments in the actor's scope (identity numbers full: callers mask). */
export async function listPolicies(
	db: Db,
	actor: UserActor,
	schemeId: string,
	limit = 5000
): Promise<PolicyRow[]> {
	const scheme = await getScheme(db, actor, schemeId);
	const township = sql<string>`(select t.name from divisions t where t.code = left(${households.villageCode}, 9))`;
	return db
		.select({
			id: insurancePolicies.id,
			householdId: insurancePolicies.householdId,
			householdNumber: households.householdNumber,
			villageName: divisions.name,
			townshipName: township,
			memberName: members.name,
			memberIdNumber: members.idNumber,
			objectKind: insurancePolicies.objectKind,
			objectLabel: insurancePolicies.objectLabel,
			insuredValueFen: insurancePolicies.insuredValueFen,
			employer: insurancePolicies.employer,
			workPlace: insurancePolicies.workPlace,
			coverFrom: insurancePolicies.coverFrom,
			coverTo: insurancePolicies.coverTo,
			premiumFen: insurancePolicies.premiumFen
		})
		.from(insurancePolicies)
		.innerJoin(
			households,
			and(
				eq(households.countyId, insurancePolicies.countyId),
				eq(households.id, insurancePolicies.householdId)
			)
		)
		.innerJoin(divisions, eq(divisions.code, households.villageCode))
		.leftJoin(
			members,
			and(
				eq(members.countyId, insurancePolicies.countyId),
				eq(members.id, insurancePolicies.memberId)
			)
		)
		.where(
			and(
				householdScope(actor),
				eq(insurancePolicies.countyId, actor.countyId),
				eq(insurancePolicies.schemeId, scheme.id)
			)
		)
		.orderBy(
			asc(divisions.name),
			asc(households.householdNumber),
			asc(insurancePolicies.enrolledAt)
		)
		.limit(limit);
}

// The insurer's list is in Chinese whatever the exporter's language, like its headers.
const OBJECT_WORDS: Record<ObjectKind, typeof m.insurance_object_plot> = {
	plot: m.insurance_object_plot,
	flock: m.insurance_object_flock,
	workshop: m.insurance_object_workshop,
	project: m.insurance_object_project,
	worker: m.insurance_object_worker,
	household: m.insurance_object_household
};

/**
 * The enrolment list for the insurer, as XLSX (Chinese headers). Identity numbers are
 * the insurer's business, so they are full here; the export is audited.
 */
export async function exportPolicies(
	db: Db,
	actor: UserActor,
	schemeId: string,
	today: string
): Promise<{ body: Uint8Array; contentType: string; fileName: string; rows: number }> {
	const scheme = await getScheme(db, actor, schemeId);
	const rows = await listPolicies(db, actor, scheme.id, 100_000);
	const workbook = new ExcelJS.Workbook();
	// The insurer's roster is Chinese whatever the clerk's language (roster-labels.json).
	const sheet = workbook.addWorksheet(ROSTER.sheet);
	sheet.addRow([
		// One pass, with a function: a name with "$&" or "{today}" in it stays as typed.
		ROSTER.title.replace(
			/\{(year|scheme|insurer|today)\}/g,
			(_, key: string) =>
				({ year: String(scheme.year), scheme: scheme.name, insurer: scheme.insurer, today })[key]!
		)
	]);
	sheet.addRow(ROSTER.headers).font = { bold: true };
	rows.forEach((r, i) =>
		sheet.addRow([
			i + 1,
			r.townshipName,
			r.villageName,
			r.householdNumber,
			r.objectLabel,
			OBJECT_WORDS[r.objectKind]({}, { locale: 'zh-CN' }),
			r.memberName ?? '',
			r.memberIdNumber ?? '',
			r.employer ?? '',
			r.workPlace ?? '',
			r.insuredValueFen === null ? null : r.insuredValueFen / 100,
			r.coverFrom,
			r.coverTo,
			r.premiumFen / 100
		])
	);
	[6, 12, 12, 18, 24, 10, 10, 20, 20, 16, 12, 12, 12, 10].forEach((width, i) => {
		const column = sheet.getColumn(i + 1);
		column.width = width;
		if (i === 10 || i === 13) column.numFmt = '#,##0.00';
	});
	const buffer = await workbook.xlsx.writeBuffer();
	await recordAudit(db, actor, {
		countyId: actor.countyId,
		action: 'insurance.export',
		entity: 'insurance_scheme',
		entityId: scheme.id,
		after: { format: 'xlsx', rows: rows.length }
	});
	return {
		body: new Uint8Array(buffer as ArrayBuffer),
		contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		fileName: `insurance-${scheme.year}-${scheme.kind}-${today}.xlsx`,
		rows: rows.length
	};
}
