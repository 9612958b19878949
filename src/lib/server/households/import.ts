import { and, eq, inArray, sql, type AnyColumn } from 'drizzle-orm';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId } from '../db/ids';
import { bulkInsert, bulkUpdate } from '../db/bulk';
import { analyzeAfterBulkWrite, isEmbedded } from '../db/maintenance';
import { auditLog } from '../audit/schema';
import { refreshStandings } from '../income/standings';
import type { UserActor } from '../auth/actor';
import { divisions, villageAliases } from '../divisions/schema';
import { DomainError } from '../errors';
import { getCountyOptions, monitoringRowsOf, type CountyOptions } from '../monitoring';
import { runQualityChecks } from '../monitoring/quality';
import {
	assistanceMeasures,
	monitoringHistory,
	monitoringRecords,
	monitoringRisks
} from '../monitoring/schema';
import { maskIdentityNumber } from '../../identity';
import { columnHeader, type RegistryField } from './registry/columns';
import {
	openRegistryFile,
	RegistryFileError,
	type RegistryFileOnDisk,
	type RegistryRows
} from './registry/read';
import {
	RegistryIndex,
	RegistryValidator,
	type ImportVillage,
	type ParsedHousehold,
	type ParsedMember,
	type RegistryValidation,
	type ValidationContext
} from './registry/validate';
import { codeFor, measureKey, registryValues, riskWord, worksAway } from './registry/words';
import { followVillageMoves } from '../income/months';
import {
	HEAD_OF_HOUSEHOLD,
	households,
	members,
	membershipEvents,
	type HealthState
} from './schema';

/** A CSV may be 40 MB (about 100,000 households in a lean layout); an XLSX is unpacked in memory (about 150× its size), so less. */
export const MAX_CSV_BYTES = 40 * 1024 * 1024;
export const MAX_XLSX_BYTES = 8 * 1024 * 1024;
const CHUNK = 5000;
const PREVIEW_PEOPLE = 50;

export interface ImportProblemView {
	rowNumber: number;
	column: string;
	key: string;
	params?: Record<string, string | number>;
}

export interface ImportPreview {
	fileHash: string;
	rows: number;
	/** updated: known households the import changes; unchanged: known ones it leaves as they are. */
	households: { valid: number; new: number; updated: number; unchanged: number; rejected: number };
	members: { valid: number; new: number; updated: number; unchanged: number };
	/** People already in the county whom the import changes, with the columns that change. */
	updatedPeople: {
		rowNumber: number;
		name: string;
		maskedIdNumber: string;
		householdNumber: string;
		columns: string[];
	}[];
	/** Known households whose own columns (village, phone, monitoring …) change. */
	updatedHouseholds: { rowNumber: number; householdNumber: string; columns: string[] }[];
	/** Village spellings matched by their core name; the import remembers them. */
	villageAliases: { villageCode: string; villageName: string; alias: string }[];
	problems: ImportProblemView[];
	ignoredRows: number[];
}

export interface ImportResult {
	households: { created: number; updated: number; unchanged: number };
	members: { created: number; updated: number; unchanged: number };
	rejectedHouseholds: number;
	aliasesRemembered: number;
}

/** An uploaded file streamed to disk (src/lib/server/multipart.ts), with its SHA-256. */
export interface ImportUpload extends RegistryFileOnDisk {
	sha256: string;
}

/** The file as bytes in memory (tests, scripts) or as an upload on disk (the page). */
export type ImportFile = Uint8Array | ImportUpload;

function hashOf(file: ImportFile): string {
	return file instanceof Uint8Array ? encodeHexLowerCase(sha256(file)) : file.sha256;
}

function headOf(file: ImportFile): Uint8Array {
	return file instanceof Uint8Array ? file : file.head;
}

function requireAdmin(actor: UserActor): void {
	if (actor.role !== 'county_admin') throw DomainError.notFound();
}

/** Every spelling of every village of the county: official, everyday and remembered ones. */
async function importVillages(db: Db, countyCode: string): Promise<ImportVillage[]> {
	const [villageRows, townships, aliases] = await Promise.all([
		db
			.select({
				code: divisions.code,
				name: divisions.name,
				officialName: divisions.officialName,
				parentCode: divisions.parentCode
			})
			.from(divisions)
			.where(and(eq(divisions.countyCode, countyCode), eq(divisions.level, 'village'))),
		db
			.select({ code: divisions.code, name: divisions.name, officialName: divisions.officialName })
			.from(divisions)
			.where(and(eq(divisions.countyCode, countyCode), eq(divisions.level, 'township'))),
		db
			.select({ villageCode: villageAliases.villageCode, alias: villageAliases.alias })
			.from(villageAliases)
			.where(eq(villageAliases.countyCode, countyCode))
	]);
	const townshipNames = new Map(
		townships.map((t) => [t.code, [...new Set([t.officialName ?? t.name, t.name])]])
	);
	const aliasesOf = new Map<string, string[]>();
	for (const a of aliases)
		aliasesOf.set(a.villageCode, [...(aliasesOf.get(a.villageCode) ?? []), a.alias]);
	// The official name first: it names the village when a spelling fits several.
	return villageRows.flatMap((v) => {
		const names = [...new Set([v.officialName ?? v.name, v.name])];
		return (townshipNames.get(v.parentCode ?? '') ?? ['']).flatMap((townshipName) =>
			names.map((name, i) => ({
				code: v.code,
				name,
				townshipName,
				aliases: i === 0 ? (aliasesOf.get(v.code) ?? []) : []
			}))
		);
	});
}

/** A file opened and indexed (one light pass), ready to be validated as it is read again. */
interface OpenedImport {
	rows: RegistryRows;
	index: RegistryIndex;
	context: ValidationContext;
	present: Set<RegistryField>;
}

/**
 * Opens a file and makes its index; file-level problems become one DomainError on field
 * 'file', before any household is planned.
 */
async function openImport(
	db: Db,
	actor: UserActor,
	file: ImportFile,
	fileName: string,
	today: string
): Promise<OpenedImport> {
	const head = headOf(file);
	const isZip = head[0] === 0x50 && head[1] === 0x4b;
	const maxBytes = isZip ? MAX_XLSX_BYTES : MAX_CSV_BYTES;
	let rows: RegistryRows;
	try {
		rows = await openRegistryFile(file, fileName, { maxBytes });
	} catch (caught) {
		if (!(caught instanceof RegistryFileError)) throw caught;
		const problem = caught.problem;
		throw DomainError.invalid(
			'file',
			`import_file_${problem.kind}`,
			problem.kind === 'too_large'
				? { limitMb: Math.round(problem.limitBytes / 1024 / 1024) }
				: undefined
		);
	}
	if (rows.missingRequired.length > 0) {
		throw DomainError.invalid('file', 'import_error_column_missing', {
			column: rows.missingRequired.map((f) => columnHeader(f)).join('、')
		});
	}
	const index = new RegistryIndex();
	for await (const batch of rows.batches()) for (const row of batch) index.add(row);
	if (index.rows === 0) throw DomainError.invalid('file', 'registry_file_no_rows');
	// A list exported with masked numbers: one line, not a format error on every row.
	if (index.maskedIds > 0 && index.maskedIds * 2 >= index.people) {
		throw DomainError.invalid('file', 'registry_file_masked_ids');
	}
	const options = await getCountyOptions(db, actor.countyId);
	const context: ValidationContext = {
		countyCode: actor.countyCode,
		villages: await importVillages(db, actor.countyCode),
		today,
		monitoringCategories: options.category.filter((c) => c.code !== 'ordinary').map((c) => c.nameZh)
	};
	const present = new Set(
		rows.headers.map((h) => h.field).filter((f): f is RegistryField => f !== null)
	);
	return { rows, index, context, present };
}

/** The file's verdict once every household has gone through planning. */
type ValidationSummary = Omit<RegistryValidation, 'households'> & {
	/** Valid households and their people. */
	households: number;
	members: number;
};

type HouseholdRow = typeof households.$inferSelect;
type MemberRow = typeof members.$inferSelect;

/**
 * `column = any(values)` with the values as one JSON parameter: thousands of bound
 * parameters cost more to build and bind than the lookup itself, and still use the index.
 */
function anyOf(column: AnyColumn, values: readonly string[], type: 'text' | 'uuid' = 'text') {
	return sql`${column} = any(array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb)::${sql.raw(type)}))`;
}

async function existingHouseholds(db: Db, countyId: string, numbers: string[]) {
	const found = new Map<string, HouseholdRow>();
	for (let i = 0; i < numbers.length; i += CHUNK) {
		const rows = await db
			.select()
			.from(households)
			.where(
				and(
					eq(households.countyId, countyId),
					anyOf(households.householdNumber, numbers.slice(i, i + CHUNK))
				)
			);
		for (const row of rows) found.set(row.householdNumber, row);
	}
	return found;
}

async function existingPeople(db: Db, countyId: string, idNumbers: string[]) {
	const found = new Map<string, MemberRow>();
	for (let i = 0; i < idNumbers.length; i += CHUNK) {
		const rows = await db
			.select()
			.from(members)
			.where(
				and(eq(members.countyId, countyId), anyOf(members.idNumber, idNumbers.slice(i, i + CHUNK)))
			);
		for (const row of rows) found.set(row.idNumber, row);
	}
	return found;
}

async function householdsById(db: Db, countyId: string, ids: string[]): Promise<HouseholdRow[]> {
	const found: HouseholdRow[] = [];
	for (let i = 0; i < ids.length; i += CHUNK) {
		found.push(
			...(await db
				.select()
				.from(households)
				.where(
					and(
						eq(households.countyId, countyId),
						anyOf(households.id, ids.slice(i, i + CHUNK), 'uuid')
					)
				))
		);
	}
	return found;
}

/** The phone of the household's other current members, to tell the head's own phone apart. */
async function householdPhones(db: Db, countyId: string, householdIds: string[]) {
	const found = new Map<string, { phone: string | null; relation: string; id: string }[]>();
	for (let i = 0; i < householdIds.length; i += CHUNK) {
		const rows = await db
			.select({
				id: members.id,
				householdId: members.householdId,
				phone: members.phone,
				relation: members.relation
			})
			.from(members)
			.where(
				and(
					eq(members.countyId, countyId),
					eq(members.current, true),
					anyOf(members.householdId, householdIds.slice(i, i + CHUNK), 'uuid')
				)
			);
		for (const row of rows)
			found.set(row.householdId, [...(found.get(row.householdId) ?? []), row]);
	}
	return found;
}

interface StoredMonitoring {
	category: string;
	status: string;
	monitoredSince: string | null;
	eliminatedOn: string | null;
	eliminationMethod: string | null;
	risks: Map<string, string | null>;
	measures: Set<string>;
}

async function existingMonitoring(db: Db, countyId: string, ids: string[], options: CountyOptions) {
	const found = new Map<string, StoredMonitoring>();
	const get = (id: string) => {
		let m = found.get(id);
		if (!m) {
			m = {
				category: 'ordinary',
				status: 'not_monitored',
				monitoredSince: null,
				eliminatedOn: null,
				eliminationMethod: null,
				risks: new Map(),
				measures: new Set()
			};
			found.set(id, m);
		}
		return m;
	};
	const { records, risks, measures } = await monitoringRowsOf(db, countyId, ids);
	for (const r of records) {
		const m = get(r.householdId);
		m.category = r.category;
		m.status = r.status;
		m.monitoredSince = r.monitoredSince;
		m.eliminatedOn = r.eliminatedOn;
		m.eliminationMethod = r.eliminationMethod;
	}
	for (const r of risks) get(r.householdId).risks.set(r.risk, r.written);
	for (const m of measures)
		get(m.householdId).measures.add(measureKey(m.measure, m.description, options));
	return found;
}

const HEALTH: Record<string, HealthState> = {
	healthy: 'healthy',
	chronic_illness: 'chronic',
	serious_illness: 'serious',
	disability: 'disabled'
};

const MEASURE_CODES: Record<string, string> = {
	industry: 'industry',
	employment: 'employment',
	public_welfare_job: 'public_welfare_job',
	finance: 'small_loan',
	development: 'industry',
	drinking_water: 'drinking_water',
	health: 'medical',
	education: 'education',
	housing: 'housing_repair',
	social_assistance: 'social_assistance',
	other: 'social_assistance'
};

function monthToDate(month: string | null): string | null {
	return month ? `${month.slice(0, 4)}-${month.slice(4, 6)}-01` : null;
}

type MemberPatch = Partial<typeof members.$inferInsert>;
type HouseholdPatch = Partial<typeof households.$inferInsert>;

/** Column header of each patched field, for the preview's "what changes". */
const MEMBER_COLUMN: Record<string, RegistryField> = {
	name: 'name',
	relation: 'relation',
	personNumber: 'personNumber',
	phone: 'phone',
	ethnicity: 'ethnicity',
	education: 'education',
	schooling: 'schooling',
	inSchool: 'schooling',
	healthStatus: 'health',
	health: 'health',
	labourSkill: 'labourSkill',
	labourCapacity: 'labourSkill',
	workStatus: 'workStatus',
	workingAway: 'workStatus',
	workPlace: 'workPlace',
	workMonths: 'workMonths',
	seriousIllnessInsurance: 'seriousIllnessInsurance',
	householdId: 'householdNumber',
	current: 'householdNumber'
};

/**
 * What the file says about a person, for the columns the file has: a column the file
 * lacks leaves the stored value alone; an empty cell empties it.
 */
function memberPatch(
	m: ParsedMember,
	present: Set<RegistryField>,
	stored: MemberRow | undefined
): MemberPatch & { name: string; relation: string } {
	const patch: MemberPatch & { name: string; relation: string } = {
		name: m.name,
		relation: m.relation
	};
	if (present.has('personNumber')) patch.personNumber = m.personNumber;
	if (present.has('phone')) patch.phone = m.phone;
	if (present.has('ethnicity')) patch.ethnicity = m.ethnicity;
	if (present.has('education')) patch.education = m.education;
	if (present.has('schooling')) {
		patch.schooling = m.schooling;
		patch.inSchool = m.inSchool;
	}
	if (present.has('health')) {
		patch.healthStatus = m.healthStatus;
		patch.health = m.health ? HEALTH[m.health] : 'healthy';
	}
	if (present.has('labourSkill')) {
		patch.labourSkill = m.labourSkill;
		patch.labourCapacity = m.labour ?? 'full';
	}
	const away = m.workingAway;
	if (present.has('workStatus')) patch.workStatus = away?.status ?? null;
	if (present.has('workPlace')) patch.workPlace = away?.place ?? null;
	if (present.has('workMonths')) patch.workMonths = away?.months ?? null;
	if (present.has('workStatus') || present.has('workPlace') || present.has('workMonths')) {
		const pick = <K extends 'workStatus' | 'workPlace' | 'workMonths'>(key: K) =>
			key in patch ? patch[key] : (stored?.[key] ?? null);
		patch.workingAway = worksAway(
			pick('workStatus') as string | null,
			pick('workPlace') as string | null,
			pick('workMonths') as number | null
		);
	}
	if (present.has('seriousIllnessInsurance'))
		patch.seriousIllnessInsurance = m.seriousIllnessInsurance;
	return patch;
}

/**
 * The fields of a patch that differ from what is stored. Registry values are compared as
 * the export writes them: a person Levee recorded as 'full' labour and a file saying
 * 普通劳动力 agree. The head's phone is the household's phone unless given apart.
 */
function memberChanges(
	patch: MemberPatch,
	stored: MemberRow,
	storedHeadPhone: string | null
): string[] {
	const changed: string[] = [];
	const before = registryValues(stored);
	const after = registryValues({ ...stored, ...patch } as MemberRow);
	for (const key of Object.keys(patch) as (keyof MemberPatch)[]) {
		let same: boolean;
		if (
			key === 'labourSkill' ||
			key === 'healthStatus' ||
			key === 'schooling' ||
			key === 'workStatus'
		) {
			same = before[key] === after[key];
		} else if (key === 'phone') {
			// An empty cell empties only a phone of the person's own; the household keeps its.
			same =
				patch.phone == null
					? stored.phone === null
					: patch.phone === (stored.phone ?? storedHeadPhone);
		} else {
			same = (patch[key] ?? null) === (stored[key as keyof MemberRow] ?? null);
		}
		if (!same) changed.push(key);
	}
	return changed;
}

function householdPatch(h: ParsedHousehold, present: Set<RegistryField>): HouseholdPatch {
	const patch: HouseholdPatch = { villageCode: h.villageCode };
	// A file without a phone keeps the one Levee has.
	if (h.phone !== null) patch.phone = h.phone;
	const set = <K extends keyof HouseholdPatch>(
		field: RegistryField,
		key: K,
		value: HouseholdPatch[K]
	) => {
		if (present.has(field)) patch[key] = value;
	};
	set('naturalVillage', 'naturalVillage', h.naturalVillage);
	set('householdType', 'householdType', h.householdType);
	set('povertyExitType', 'povertyExitType', h.povertyExitType);
	set('povertyExitYear', 'povertyExitYear', h.povertyExitYear);
	set('netIncomePerCapita', 'reportedIncomePerCapitaFen', h.netIncomePerCapitaFen);
	set('minimumLivingAllowance', 'minimumLivingAllowance', h.minimumLivingAllowance);
	set('extremePovertySupport', 'extremePovertySupport', h.extremePovertySupport);
	set('fullNoLabourSupport', 'fullNoLabourSupport', h.fullNoLabourSupport);
	set('dangerousHousing', 'dangerousHousing', h.dangerousHousing);
	set('drinkingWaterSafety', 'drinkingWaterSafety', h.drinkingWaterSafety);
	return patch;
}

const HOUSEHOLD_COLUMN: Record<string, RegistryField> = {
	villageCode: 'village',
	phone: 'phone',
	naturalVillage: 'naturalVillage',
	householdType: 'householdType',
	povertyExitType: 'povertyExitType',
	povertyExitYear: 'povertyExitYear',
	reportedIncomePerCapitaFen: 'netIncomePerCapita',
	minimumLivingAllowance: 'minimumLivingAllowance',
	extremePovertySupport: 'extremePovertySupport',
	fullNoLabourSupport: 'fullNoLabourSupport',
	dangerousHousing: 'dangerousHousing',
	drinkingWaterSafety: 'drinkingWaterSafety'
};

interface MonitoringPlan {
	category: string;
	status: 'not_monitored' | 'monitored' | 'eliminated';
	since: string | null;
	eliminatedOn: string | null;
	eliminationMethod: string | null;
	/** code → as written */
	risks: Map<string, string>;
	measures: { measure: string; description: string }[];
}

function monitoringPlan(h: ParsedHousehold, options: CountyOptions): MonitoringPlan {
	const m = h.monitoring;
	const risks = new Map<string, string>();
	for (const written of m?.risks ?? []) {
		const code = codeFor(options, 'risk', written);
		if (!risks.has(code)) risks.set(code, written);
	}
	return {
		category: m ? codeFor(options, 'category', m.category) : 'ordinary',
		status: m ? (m.riskEliminated ? 'eliminated' : 'monitored') : 'not_monitored',
		since: monthToDate(m?.identifiedMonth ?? null),
		eliminatedOn: m?.riskEliminated ? monthToDate(m.eliminatedMonth) : null,
		eliminationMethod: m?.riskEliminated ? m.eliminationMethod : null,
		risks,
		measures: h.measures.map((x) => ({
			measure: MEASURE_CODES[x.type] ?? 'social_assistance',
			description: x.text.slice(0, 200)
		}))
	};
}

/** The monitoring columns that differ from what is stored (as the import would write them). */
function monitoringChanges(
	plan: MonitoringPlan,
	stored: StoredMonitoring | undefined,
	options: CountyOptions
): RegistryField[] {
	const s = stored ?? {
		category: 'ordinary',
		status: 'not_monitored',
		monitoredSince: null,
		eliminatedOn: null,
		eliminationMethod: null,
		risks: new Map<string, string | null>(),
		measures: new Set<string>()
	};
	const changed: RegistryField[] = [];
	if (plan.category !== s.category) changed.push('monitoringCategory');
	if (plan.status !== s.status) changed.push('riskEliminated');
	// The first identification month is kept once known.
	if (s.monitoredSince === null && plan.since !== null) changed.push('identifiedMonth');
	// The registry knows months: 2025-06-17 and 202506 are the same elimination.
	if (plan.eliminatedOn?.slice(0, 7) !== s.eliminatedOn?.slice(0, 7))
		changed.push('eliminatedMonth');
	if (plan.eliminationMethod !== s.eliminationMethod) changed.push('eliminationMethod');
	const codes = (risks: Map<string, unknown>) => [...risks.keys()].sort().join(',');
	let risksDiffer = codes(plan.risks) !== codes(s.risks);
	for (const [code, written] of plan.risks) {
		// A risk set in Levee has no spelling: the export writes the registry's word for it.
		if (!risksDiffer && riskWord(code, s.risks.get(code) ?? null, options) !== written)
			risksDiffer = true;
	}
	if (risksDiffer) changed.push('risk1');
	if (plan.measures.some((x) => !knownMeasure(s.measures, x, options)))
		changed.push('measureIndustry');
	return changed;
}

/**
 * A measure the household already has: the same text in the same registry column, or a
 * cell that joins several known ones with ；(how the export writes two measures of one kind
 * on a one-person household).
 */
function knownMeasure(
	known: ReadonlySet<string>,
	m: { measure: string; description: string },
	options: CountyOptions
): boolean {
	if (known.has(measureKey(m.measure, m.description, options))) return true;
	const parts = m.description.split('；');
	return parts.length > 1 && parts.every((part) => known.has(measureKey(m.measure, part, options)));
}

interface Plan {
	householdIds: Map<string, string>;
	newHouseholds: (typeof households.$inferInsert)[];
	changedHouseholds: ({ id: string } & HouseholdPatch)[];
	unchangedHouseholds: number;
	householdChanges: { household: ParsedHousehold; columns: string[] }[];
	newMembers: (typeof members.$inferInsert)[];
	changedMembers: ({ id: string } & MemberPatch)[];
	unchangedMembers: number;
	memberChanges: { household: ParsedHousehold; member: ParsedMember; columns: string[] }[];
	events: (typeof membershipEvents.$inferInsert)[];
	/** Households whose monitoring is written (new ones, and known ones that change). */
	monitoring: { householdId: string; plan: MonitoringPlan; stored: StoredMonitoring | undefined }[];
}

/**
 * What the import would write for one chunk of the file's households, compared with what
 * the county has: new households and people, the ones that change (with the columns that
 * do), and the ones that stay as they are. Reads only; the preview counts it and
 * applyImport writes it, chunk by chunk, so no whole-county plan is ever held.
 * `fileNumbers` are the household numbers of the whole file (its index: rejected ones too): a
 * person moving from another household of the file is compared with that household as
 * stored, whichever chunk it is in.
 */
async function planImport(
	db: Db,
	actor: UserActor,
	valid: readonly ParsedHousehold[],
	fileNumbers: { has(householdNumber: string): boolean },
	present: Set<RegistryField>,
	options: CountyOptions,
	today: string
): Promise<Plan> {
	const countyId = actor.countyId;
	const knownHouseholds = await existingHouseholds(
		db,
		countyId,
		valid.map((h) => h.householdNumber)
	);
	const knownPeople = await existingPeople(
		db,
		countyId,
		valid.flatMap((h) => h.members.map((m) => m.idNumber))
	);
	const knownIds = [...knownHouseholds.values()].map((h) => h.id);
	// The households of the file that people of this chunk come from, in this chunk or another.
	const knownById = new Map([...knownHouseholds.values()].map((h) => [h.id, h]));
	const elsewhere = [...new Set([...knownPeople.values()].map((p) => p.householdId))].filter(
		(id) => !knownById.has(id)
	);
	for (const row of await householdsById(db, countyId, elsewhere)) {
		if (fileNumbers.has(row.householdNumber)) knownById.set(row.id, row);
	}
	const [phones, monitoring] = await Promise.all([
		householdPhones(db, countyId, [...knownById.keys()]),
		present.has('monitoringCategory')
			? existingMonitoring(db, countyId, knownIds, options)
			: Promise.resolve(new Map<string, StoredMonitoring>())
	]);
	/** The head's phone as the export writes it: the household's, unless another member has it. */
	const headPhone = (stored: HouseholdRow) => {
		const others = phones.get(stored.id) ?? [];
		return stored.phone && !others.some((o) => o.phone === stored.phone) ? stored.phone : null;
	};

	const plan: Plan = {
		householdIds: new Map(),
		newHouseholds: [],
		changedHouseholds: [],
		unchangedHouseholds: 0,
		householdChanges: [],
		newMembers: [],
		changedMembers: [],
		unchangedMembers: 0,
		memberChanges: [],
		events: [],
		monitoring: []
	};
	for (const h of valid) {
		const stored = knownHouseholds.get(h.householdNumber);
		const patch = householdPatch(h, present);
		const householdId = stored?.id ?? newId();
		plan.householdIds.set(h.householdNumber, householdId);
		const columns: string[] = [];
		if (stored) {
			const changed = (Object.keys(patch) as (keyof HouseholdPatch)[]).filter(
				(key) => (patch[key] ?? null) !== (stored[key as keyof HouseholdRow] ?? null)
			);
			columns.push(...changed.map((key) => columnHeader(HOUSEHOLD_COLUMN[key])));
			if (changed.length > 0) {
				plan.changedHouseholds.push({
					id: householdId,
					...Object.fromEntries(changed.map((key) => [key, patch[key] ?? null]))
				});
			}
		} else {
			plan.newHouseholds.push({
				countyId,
				id: householdId,
				householdNumber: h.householdNumber,
				villageCode: h.villageCode,
				phone: h.phone,
				...patch
			});
		}
		if (present.has('monitoringCategory')) {
			const mPlan = monitoringPlan(h, options);
			const before = stored ? monitoring.get(stored.id) : undefined;
			const changed = stored ? monitoringChanges(mPlan, before, options) : ['new'];
			if (changed.length > 0) {
				plan.monitoring.push({ householdId, plan: mPlan, stored: before });
				if (stored) columns.push(...changed.map((f) => columnHeader(f as RegistryField)));
			}
		}

		let membersChanged = false;
		for (const m of h.members) {
			const known = knownPeople.get(m.idNumber);
			const values = memberPatch(m, present, known);
			if (!known) {
				const id = newId();
				plan.newMembers.push({
					countyId,
					id,
					householdId,
					idNumber: m.idNumber,
					sex: m.sex,
					birthDate: m.birthDate,
					...values
				});
				// First registered by this import: the membership history starts today.
				plan.events.push({
					countyId,
					id: newId(),
					householdId,
					memberId: id,
					kind: 'registered',
					happenedOn: today,
					note: null,
					recordedBy: actor.userId
				});
				membersChanged = true;
				continue;
			}
			const storedHousehold = knownById.get(known.householdId);
			const changed = memberChanges(
				values,
				known,
				known.relation === HEAD_OF_HOUSEHOLD && storedHousehold ? headPhone(storedHousehold) : null
			);
			const moved = known.householdId !== householdId || !known.current;
			if (moved) changed.push('householdId');
			if (changed.length === 0) {
				plan.unchangedMembers++;
				continue;
			}
			membersChanged = true;
			plan.changedMembers.push({ id: known.id, ...values, householdId, current: true });
			plan.memberChanges.push({
				household: h,
				member: m,
				columns: [...new Set(changed.map((key) => columnHeader(MEMBER_COLUMN[key] ?? 'name')))]
			});
			if (moved) {
				if (known.current) {
					plan.events.push({
						countyId,
						id: newId(),
						householdId: known.householdId,
						memberId: known.id,
						kind: 'moved_out',
						happenedOn: today,
						note: null,
						recordedBy: actor.userId
					});
				}
				plan.events.push({
					countyId,
					id: newId(),
					householdId,
					memberId: known.id,
					kind: 'moved_in',
					happenedOn: today,
					note: null,
					recordedBy: actor.userId
				});
			}
		}
		if (stored) {
			if (columns.length > 0) plan.householdChanges.push({ household: h, columns });
			if (columns.length === 0 && !membersChanged) plan.unchangedHouseholds++;
		}
	}
	return plan;
}

/** What an import would do, without writing anything: rejected rows with their reasons first. */
export async function previewImport(
	db: Db,
	actor: UserActor,
	file: ImportFile,
	fileName: string,
	today: string
): Promise<ImportPreview> {
	requireAdmin(actor);
	const opened = await openImport(db, actor, file, fileName, today);
	const options = await getCountyOptions(db, actor.countyId);
	const counts = emptyCounts();
	let memberChanges: Plan['memberChanges'] = [];
	let householdChanges: Plan['householdChanges'] = [];
	const validation = await eachChunkPlan(db, actor, opened, options, today, async (plan) => {
		addCounts(counts, plan);
		memberChanges = firstInFileOrder(memberChanges, plan.memberChanges, (c) => [
			c.household.rowNumbers[0],
			c.member.rowNumber
		]);
		householdChanges = firstInFileOrder(householdChanges, plan.householdChanges, (c) => [
			c.household.rowNumbers[0],
			0
		]);
	});
	const people = validation.members;
	const known = validation.households - counts.newHouseholds;
	const villageNames = await namesOf(
		db,
		validation.aliasesUsed.map((a) => a.villageCode)
	);
	return {
		fileHash: hashOf(file),
		rows: opened.index.rows,
		households: {
			valid: validation.households,
			new: counts.newHouseholds,
			updated: known - counts.unchangedHouseholds,
			unchanged: counts.unchangedHouseholds,
			rejected: validation.rejected.length
		},
		members: {
			valid: people,
			new: counts.newMembers,
			updated: counts.changedMembers,
			unchanged: counts.unchangedMembers
		},
		updatedPeople: memberChanges.map((c) => ({
			rowNumber: c.member.rowNumber,
			name: c.member.name,
			maskedIdNumber: maskIdentityNumber(c.member.idNumber),
			householdNumber: c.household.householdNumber,
			columns: c.columns
		})),
		updatedHouseholds: householdChanges.map((c) => ({
			rowNumber: c.household.rowNumbers[0],
			householdNumber: c.household.householdNumber,
			columns: c.columns
		})),
		villageAliases: validation.aliasesUsed.map((a) => ({
			...a,
			villageName: villageNames.get(a.villageCode) ?? a.villageCode
		})),
		problems: validation.problems.map((p) => ({
			rowNumber: p.rowNumber,
			column: columnHeader(p.field),
			key: p.key,
			params: p.params
		})),
		ignoredRows: validation.ignoredRows
	};
}

/** Households per chunk: planned, then written (apply) or counted (preview), then dropped. */
const PLAN_CHUNK = 5000;

/**
 * The preview's first PREVIEW_PEOPLE changes in file order (a household at its first row,
 * its people in row order): chunks come in the order households are completed, which is
 * file order unless a household's rows are spread through the file.
 */
function firstInFileOrder<T>(
	kept: T[],
	more: readonly T[],
	at: (item: T) => [number, number]
): T[] {
	if (more.length === 0) return kept;
	return [...kept, ...more]
		.sort((a, b) => {
			const [a1, a2] = at(a);
			const [b1, b2] = at(b);
			return a1 - b1 || a2 - b2;
		})
		.slice(0, PREVIEW_PEOPLE);
}

/**
 * Validates the file as it is read again and hands its valid households on PLAN_CHUNK at a
 * time, planned: written (apply) or counted (preview), then dropped. Only the households
 * of one chunk and the rows of households not yet complete are held.
 */
async function eachChunkPlan(
	db: Db,
	actor: UserActor,
	opened: OpenedImport,
	options: CountyOptions,
	today: string,
	work: (plan: Plan, chunk: readonly ParsedHousehold[]) => Promise<void>
): Promise<ValidationSummary> {
	const { index, present } = opened;
	const validator = new RegistryValidator(opened.context, index.lastRowOf);
	let chunk: ParsedHousehold[] = [];
	const flush = async () => {
		const households = chunk;
		chunk = [];
		if (households.length === 0) return;
		const plan = await planImport(db, actor, households, index.lastRowOf, present, options, today);
		await work(plan, households);
	};
	for await (const batch of opened.rows.batches()) {
		for (const row of batch) {
			const household = validator.add(row);
			if (household === null) continue;
			chunk.push(household);
			if (chunk.length >= PLAN_CHUNK) await flush();
		}
	}
	const rest = validator.finish();
	for (const household of rest.households) {
		chunk.push(household);
		if (chunk.length >= PLAN_CHUNK) await flush();
	}
	await flush();
	return { ...rest.validation, households: validator.households, members: validator.members };
}

interface PlanCounts {
	newHouseholds: number;
	unchangedHouseholds: number;
	newMembers: number;
	changedMembers: number;
	unchangedMembers: number;
}

function emptyCounts(): PlanCounts {
	return {
		newHouseholds: 0,
		unchangedHouseholds: 0,
		newMembers: 0,
		changedMembers: 0,
		unchangedMembers: 0
	};
}

function addCounts(counts: PlanCounts, plan: Plan): void {
	counts.newHouseholds += plan.newHouseholds.length;
	counts.unchangedHouseholds += plan.unchangedHouseholds;
	counts.newMembers += plan.newMembers.length;
	counts.changedMembers += plan.changedMembers.length;
	counts.unchangedMembers += plan.unchangedMembers;
}

async function namesOf(db: Db, codes: string[]): Promise<Map<string, string>> {
	if (codes.length === 0) return new Map();
	const rows = await db
		.select({ code: divisions.code, name: divisions.officialName, everyday: divisions.name })
		.from(divisions)
		.where(inArray(divisions.code, [...new Set(codes)]));
	return new Map(rows.map((r) => [r.code, r.name ?? r.everyday]));
}

/**
 * Writes every valid household of the previewed file in one transaction: new households
 * and people are created, known ones (by household number and identity number) updated
 * where the file differs, and left alone where it does not. A failure anywhere writes
 * nothing. The file must be the one that was previewed.
 */
export async function applyImport(
	db: Db,
	actor: UserActor,
	file: ImportFile,
	fileName: string,
	previewedHash: string,
	today: string
): Promise<ImportResult> {
	requireAdmin(actor);
	if (hashOf(file) !== previewedHash)
		throw DomainError.conflict('file', 'import_error_file_changed');
	const opened = await openImport(db, actor, file, fileName, today);
	const options = await getCountyOptions(db, actor.countyId);
	const countyId = actor.countyId;

	const imported = await inTransaction(db, async (tx) => {
		// Compiling each chunk's standings plan (JIT) costs more than it saves at this size.
		if (!isEmbedded(tx)) await tx.execute(sql`set local jit = off`);
		const counts = emptyCounts();
		const validation = await eachChunkPlan(
			tx,
			actor,
			opened,
			options,
			today,
			async (plan, chunk) => {
				addCounts(counts, plan);
				await writeChunk(tx, actor, plan, chunk, options, today);
			}
		);

		// Spellings matched by their core are remembered for the next import.
		const aliases = validation.aliasesUsed.map((a) => ({
			villageCode: a.villageCode,
			townshipCode: a.villageCode.slice(0, 9),
			countyCode: actor.countyCode,
			alias: a.alias
		}));
		await bulkInsert(tx, villageAliases, aliases, { onConflictDoNothing: true });

		const known = validation.households - counts.newHouseholds;
		const result: ImportResult = {
			households: {
				created: counts.newHouseholds,
				updated: known - counts.unchangedHouseholds,
				unchanged: counts.unchangedHouseholds
			},
			members: {
				created: counts.newMembers,
				updated: counts.changedMembers,
				unchanged: counts.unchangedMembers
			},
			rejectedHouseholds: validation.rejected.length,
			aliasesRemembered: aliases.length
		};
		// One audit row per household written (with its chunk), and one for the import as a whole.
		const auditRows: (typeof auditLog.$inferInsert)[] = [];
		auditRows.push({
			countyId,
			id: newId(),
			actorUserId: actor.userId,
			actorLabel: actor.label,
			action: 'import.file',
			entity: 'county',
			entityId: actor.countyCode,
			after: { fileName, fileHash: previewedHash, ...result, aliases }
		});
		await bulkInsert(tx, auditLog, auditRows);
		return result;
	});
	// Fresh statistics now: PGlite has no autovacuum, and PostgreSQL's comes a minute late.
	await analyzeAfterBulkWrite(db, 'household_import', [
		'households',
		'members',
		'membership_events',
		'monitoring_records',
		'monitoring_risks',
		'monitoring_history',
		'assistance_measures',
		'village_aliases',
		'audit_log'
	]);
	// Thousands of households changed at once: the county's data-quality findings are
	// re-checked set-based after the import, on fresh statistics, not household by household.
	await runQualityChecks(db, countyId, today);
	return imported;
}

/** One chunk's plan, written: households, people, their history, standings, monitoring, audit. */
async function writeChunk(
	tx: Db,
	actor: UserActor,
	plan: Plan,
	chunk: readonly ParsedHousehold[],
	options: CountyOptions,
	today: string
): Promise<void> {
	const countyId = actor.countyId;
	await bulkInsert(tx, households, plan.newHouseholds);
	// Income already summed per village follows a household to its new village.
	await followVillageMoves(
		tx,
		countyId,
		plan.changedHouseholds.flatMap((h) =>
			h.villageCode ? [{ householdId: h.id, villageCode: h.villageCode }] : []
		)
	);
	await bulkUpdate(tx, households, countyId, plan.changedHouseholds);
	await bulkInsert(tx, members, plan.newMembers);
	await bulkUpdate(tx, members, countyId, plan.changedMembers);
	await bulkInsert(tx, membershipEvents, plan.events);
	// New people, moves and residence changes change per-capita income.
	await refreshStandings(
		tx,
		countyId,
		[
			...new Set([
				...plan.newMembers.map((m) => m.householdId),
				...plan.events.map((e) => e.householdId),
				...plan.changedMembers.map((m) => m.householdId as string)
			])
		],
		'import'
	);
	await writeMonitoring(tx, actor, countyId, plan.monitoring, options, today);

	const created = new Set(plan.newHouseholds.map((h) => h.householdNumber));
	const touched = new Set([
		...plan.householdChanges.map((c) => c.household.householdNumber),
		...plan.memberChanges.map((c) => c.household.householdNumber)
	]);
	const touchedIds = new Set([
		...plan.monitoring.map((m) => m.householdId),
		...plan.newMembers.map((m) => m.householdId)
	]);
	const auditRows: (typeof auditLog.$inferInsert)[] = chunk
		.filter(
			(h) =>
				created.has(h.householdNumber) ||
				touched.has(h.householdNumber) ||
				touchedIds.has(plan.householdIds.get(h.householdNumber)!)
		)
		.map((h) => ({
			countyId,
			id: newId(),
			actorUserId: actor.userId,
			actorLabel: actor.label,
			action: created.has(h.householdNumber)
				? 'import.create_household'
				: 'import.update_household',
			entity: 'household',
			entityId: plan.householdIds.get(h.householdNumber)!,
			after: {
				householdNumber: h.householdNumber,
				villageCode: h.villageCode,
				members: h.members.length
			}
		}));
	await bulkInsert(tx, auditLog, auditRows);
}

async function writeMonitoring(
	tx: Db,
	actor: UserActor,
	countyId: string,
	plans: Plan['monitoring'],
	options: CountyOptions,
	today: string
): Promise<void> {
	const records: (typeof monitoringRecords.$inferInsert)[] = [];
	const risks: (typeof monitoringRisks.$inferInsert)[] = [];
	const history: (typeof monitoringHistory.$inferInsert)[] = [];
	const measures: (typeof assistanceMeasures.$inferInsert)[] = [];
	const known: string[] = [];
	for (const { householdId, plan, stored } of plans) {
		records.push({
			countyId,
			householdId,
			category: plan.category,
			status: plan.status,
			monitoredSince: stored?.monitoredSince ?? plan.since,
			// A known day of elimination stays when the file says the same month.
			eliminatedOn:
				stored?.eliminatedOn && stored.eliminatedOn.slice(0, 7) === plan.eliminatedOn?.slice(0, 7)
					? stored.eliminatedOn
					: plan.eliminatedOn,
			eliminationMethod: plan.eliminationMethod,
			updatedAt: new Date()
		});
		if (stored) known.push(householdId);
		for (const [risk, written] of plan.risks) risks.push({ countyId, householdId, risk, written });
		if (
			plan.since &&
			(!stored || stored.status === 'not_monitored') &&
			plan.status !== 'not_monitored'
		) {
			history.push({
				countyId,
				id: newId(),
				householdId,
				happenedOn: plan.since,
				status: 'monitored',
				category: plan.category,
				recordedBy: actor.userId,
				note: null
			});
		}
		if (plan.eliminatedOn && stored?.status !== 'eliminated') {
			history.push({
				countyId,
				id: newId(),
				householdId,
				happenedOn: plan.eliminatedOn,
				status: 'eliminated',
				category: plan.category,
				recordedBy: actor.userId,
				note: null
			});
		}
		// Re-importing the same file does not add the same measure again.
		const seen = new Set(stored?.measures ?? []);
		for (const m of plan.measures) {
			if (knownMeasure(seen, m, options)) continue;
			seen.add(measureKey(m.measure, m.description, options));
			measures.push({
				countyId,
				id: newId(),
				householdId,
				measure: m.measure,
				description: m.description,
				startedOn: plan.since ?? today,
				recordedBy: actor.userId
			});
		}
	}
	// New households get their record in bulk; known ones are upserted (a known household
	// may have had none), and their risks are written anew.
	const fresh = new Set(plans.filter((p) => !p.stored).map((p) => p.householdId));
	await bulkInsert(
		tx,
		monitoringRecords,
		records.filter((r) => fresh.has(r.householdId))
	);
	const upserts = records.filter((r) => !fresh.has(r.householdId));
	for (let i = 0; i < upserts.length; i += 1000) {
		await tx
			.insert(monitoringRecords)
			.values(upserts.slice(i, i + 1000))
			.onConflictDoUpdate({
				target: [monitoringRecords.countyId, monitoringRecords.householdId],
				set: {
					category: sql`excluded.category`,
					status: sql`excluded.status`,
					monitoredSince: sql`coalesce(${monitoringRecords.monitoredSince}, excluded.monitored_since)`,
					eliminatedOn: sql`excluded.eliminated_on`,
					eliminationMethod: sql`excluded.elimination_method`,
					updatedAt: sql`now()`
				}
			});
	}
	for (let i = 0; i < known.length; i += CHUNK) {
		await tx
			.delete(monitoringRisks)
			.where(
				and(
					eq(monitoringRisks.countyId, countyId),
					inArray(monitoringRisks.householdId, known.slice(i, i + CHUNK))
				)
			);
	}
	await bulkInsert(tx, monitoringRisks, risks);
	await bulkInsert(tx, monitoringHistory, history);
	await bulkInsert(tx, assistanceMeasures, measures);
}
