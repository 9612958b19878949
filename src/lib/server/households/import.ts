import { and, eq, inArray, sql } from 'drizzle-orm';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId } from '../db/ids';
import { bulkInsert } from '../db/bulk';
import { analyzeAfterBulkWrite } from '../db/maintenance';
import { auditLog } from '../audit/schema';
import type { UserActor } from '../auth/actor';
import { divisions } from '../divisions/schema';
import { DomainError } from '../errors';
import { getCountyOptions, type CountyOptions } from '../monitoring';
import {
	assistanceMeasures,
	monitoringHistory,
	monitoringRecords,
	monitoringRisks
} from '../monitoring/schema';
import { maskIdentityNumber } from '../../identity';
import { columnHeader } from './registry/columns';
import { readRegistryFile, RegistryFileError, type RawSheet } from './registry/read';
import {
	validateRegistryRows,
	type ParsedHousehold,
	type ParsedMember,
	type RegistryValidation
} from './registry/validate';
import { households, members, membershipEvents, type HealthState } from './schema';

/** A CSV may be 40 MB (about 100,000 households in a lean layout); an XLSX is unpacked in memory (about 150× its size), so less. */
export const MAX_CSV_BYTES = 40 * 1024 * 1024;
export const MAX_XLSX_BYTES = 8 * 1024 * 1024;
const BATCH = 1000;
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
	households: { valid: number; new: number; updated: number; rejected: number };
	members: { valid: number; new: number; updated: number };
	/** People whose identity number is already in the county: the import updates them. */
	updatedPeople: {
		rowNumber: number;
		name: string;
		maskedIdNumber: string;
		householdNumber: string;
	}[];
	problems: ImportProblemView[];
	ignoredRows: number[];
}

export interface ImportResult {
	households: { created: number; updated: number };
	members: { created: number; updated: number };
	rejectedHouseholds: number;
}

function hashBytes(bytes: Uint8Array): string {
	return encodeHexLowerCase(sha256(bytes));
}

function requireAdmin(actor: UserActor): void {
	if (actor.role !== 'county_admin') throw DomainError.notFound();
}

/** Reads and checks a file; file-level problems become one DomainError on field 'file'. */
async function readAndValidate(
	db: Db,
	actor: UserActor,
	bytes: Uint8Array,
	fileName: string,
	today: string
): Promise<{ sheet: RawSheet; validation: RegistryValidation }> {
	const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
	const maxBytes = isZip ? MAX_XLSX_BYTES : MAX_CSV_BYTES;
	let sheet: RawSheet;
	try {
		sheet = await readRegistryFile(bytes, fileName, { maxBytes });
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
	if (sheet.missingRequired.length > 0) {
		throw DomainError.invalid('file', 'import_error_column_missing', {
			column: sheet.missingRequired.map((f) => columnHeader(f)).join('、')
		});
	}
	const villageRows = await db
		.select({
			code: divisions.code,
			name: divisions.name,
			officialName: divisions.officialName,
			parentCode: divisions.parentCode
		})
		.from(divisions)
		.where(and(eq(divisions.countyCode, actor.countyCode), eq(divisions.level, 'village')));
	const townships = await db
		.select({ code: divisions.code, name: divisions.name, officialName: divisions.officialName })
		.from(divisions)
		.where(and(eq(divisions.countyCode, actor.countyCode), eq(divisions.level, 'township')));
	const townshipName = new Map(townships.map((t) => [t.code, t.officialName ?? t.name]));
	// Both the everyday and the official names are accepted.
	const villages = villageRows.flatMap((v) => {
		const township = townshipName.get(v.parentCode ?? '') ?? '';
		const names = new Set([v.name, v.officialName ?? v.name]);
		return [...names].map((name) => ({ code: v.code, name, townshipName: township }));
	});
	const options = await getCountyOptions(db, actor.countyId);
	const validation = validateRegistryRows(sheet, {
		countyCode: actor.countyCode,
		villages,
		today,
		monitoringCategories: options.category.filter((c) => c.code !== 'ordinary').map((c) => c.nameZh)
	});
	return { sheet, validation };
}

async function existingHouseholds(db: Db, countyId: string, numbers: string[]) {
	const found = new Map<string, string>();
	for (let i = 0; i < numbers.length; i += 5000) {
		const rows = await db
			.select({ id: households.id, number: households.householdNumber })
			.from(households)
			.where(
				and(
					eq(households.countyId, countyId),
					inArray(households.householdNumber, numbers.slice(i, i + 5000))
				)
			);
		for (const row of rows) found.set(row.number, row.id);
	}
	return found;
}

async function existingPeople(db: Db, countyId: string, idNumbers: string[]) {
	const found = new Map<string, { id: string; householdId: string; current: boolean }>();
	for (let i = 0; i < idNumbers.length; i += 5000) {
		const rows = await db
			.select({
				id: members.id,
				idNumber: members.idNumber,
				householdId: members.householdId,
				current: members.current
			})
			.from(members)
			.where(
				and(eq(members.countyId, countyId), inArray(members.idNumber, idNumbers.slice(i, i + 5000)))
			);
		for (const row of rows) found.set(row.idNumber, row);
	}
	return found;
}

/** What an import would do, without writing anything: rejected rows with their reasons first. */
export async function previewImport(
	db: Db,
	actor: UserActor,
	bytes: Uint8Array,
	fileName: string,
	today: string
): Promise<ImportPreview> {
	requireAdmin(actor);
	const { sheet, validation } = await readAndValidate(db, actor, bytes, fileName, today);
	const valid = validation.households;
	const people = valid.flatMap((h) => h.members.map((m) => ({ household: h, member: m })));
	const [knownHouseholds, knownPeople] = await Promise.all([
		existingHouseholds(
			db,
			actor.countyId,
			valid.map((h) => h.householdNumber)
		),
		existingPeople(
			db,
			actor.countyId,
			people.map((p) => p.member.idNumber)
		)
	]);
	const updatedPeople = people.filter((p) => knownPeople.has(p.member.idNumber));
	return {
		fileHash: hashBytes(bytes),
		rows: sheet.rows.length,
		households: {
			valid: valid.length,
			new: valid.filter((h) => !knownHouseholds.has(h.householdNumber)).length,
			updated: valid.filter((h) => knownHouseholds.has(h.householdNumber)).length,
			rejected: validation.rejected.length
		},
		members: {
			valid: people.length,
			new: people.length - updatedPeople.length,
			updated: updatedPeople.length
		},
		updatedPeople: updatedPeople.slice(0, PREVIEW_PEOPLE).map((p) => ({
			rowNumber: p.member.rowNumber,
			name: p.member.name,
			maskedIdNumber: maskIdentityNumber(p.member.idNumber),
			householdNumber: p.household.householdNumber
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

/** The county's code for a category or risk written in Chinese in the national file. */
function codeFor(options: CountyOptions, list: 'category' | 'risk', written: string): string {
	const plain = written.replace(/^因/, '');
	const found = options[list].find(
		(o) =>
			o.nameZh === written ||
			o.nameZh.replace(/^因/, '') === plain ||
			plain.startsWith(o.nameZh.replace(/^因/, ''))
	);
	return found?.code ?? (list === 'risk' ? 'other' : 'ordinary');
}

function monthToDate(month: string | null): string | null {
	return month ? `${month.slice(0, 4)}-${month.slice(4, 6)}-01` : null;
}

function memberValues(member: ParsedMember) {
	const away = member.workingAway;
	const workingAway =
		!!away &&
		(!!away.place || (away.months ?? 0) > 0 || (!!away.status && !/未|无|否|不/.test(away.status)));
	return {
		name: member.name,
		relation: member.relation,
		sex: member.sex,
		birthDate: member.birthDate,
		labourCapacity: member.labour ?? 'full',
		health: member.health ? HEALTH[member.health] : 'healthy',
		inSchool: member.inSchool,
		workingAway,
		workPlace: workingAway ? (away?.place ?? null) : null,
		workMonths: workingAway ? (away?.months ?? null) : null
	};
}

/** Multi-row UPDATE … FROM (VALUES …): one statement for a thousand rows. */
function valuesList(rows: unknown[][]) {
	return sql.join(
		rows.map(
			(row) =>
				sql`(${sql.join(
					row.map((v) => sql`${v}`),
					sql`, `
				)})`
		),
		sql`, `
	);
}

/**
 * Writes every valid household of the previewed file in one transaction: new households
 * and people are created, known ones (by household number and identity number) updated.
 * A failure anywhere writes nothing. The file must be the one that was previewed.
 */
export async function applyImport(
	db: Db,
	actor: UserActor,
	bytes: Uint8Array,
	fileName: string,
	previewedHash: string,
	today: string
): Promise<ImportResult> {
	requireAdmin(actor);
	if (hashBytes(bytes) !== previewedHash)
		throw DomainError.conflict('file', 'import_error_file_changed');
	const { validation } = await readAndValidate(db, actor, bytes, fileName, today);
	const options = await getCountyOptions(db, actor.countyId);
	const countyId = actor.countyId;
	const valid = validation.households;

	const imported = await inTransaction(db, async (tx) => {
		const knownHouseholds = await existingHouseholds(
			tx,
			countyId,
			valid.map((h) => h.householdNumber)
		);
		const knownPeople = await existingPeople(
			tx,
			countyId,
			valid.flatMap((h) => h.members.map((m) => m.idNumber))
		);
		const householdIds = new Map<string, string>();
		const newHouseholds: (typeof households.$inferInsert)[] = [];
		const changedHouseholds: unknown[][] = [];
		for (const h of valid) {
			const id = knownHouseholds.get(h.householdNumber);
			if (id) {
				householdIds.set(h.householdNumber, id);
				changedHouseholds.push([id, h.villageCode, h.phone]);
			} else {
				const created = newId();
				householdIds.set(h.householdNumber, created);
				newHouseholds.push({
					countyId,
					id: created,
					householdNumber: h.householdNumber,
					villageCode: h.villageCode,
					phone: h.phone
				});
			}
		}
		await bulkInsert(tx, households, newHouseholds);
		for (let i = 0; i < changedHouseholds.length; i += BATCH) {
			await tx.execute(sql`update ${households} set village_code = v.village_code, phone = coalesce(v.phone, ${households.phone}), updated_at = now()
				from (values ${valuesList(changedHouseholds.slice(i, i + BATCH))}) as v(id, village_code, phone)
				where ${households.countyId} = ${countyId} and ${households.id} = v.id::uuid`);
		}

		const newMembers: (typeof members.$inferInsert)[] = [];
		const changedMembers: unknown[][] = [];
		const events: (typeof membershipEvents.$inferInsert)[] = [];
		for (const h of valid) {
			const householdId = householdIds.get(h.householdNumber)!;
			for (const m of h.members) {
				const values = memberValues(m);
				const known = knownPeople.get(m.idNumber);
				if (known) {
					changedMembers.push([
						known.id,
						householdId,
						values.name,
						values.relation,
						values.labourCapacity,
						values.health,
						values.inSchool,
						values.workingAway,
						values.workPlace,
						values.workMonths
					]);
					if (known.householdId !== householdId || !known.current) {
						if (known.current) {
							events.push({
								countyId,
								id: newId(),
								householdId: known.householdId,
								memberId: known.id,
								kind: 'moved_out',
								happenedOn: today,
								recordedBy: actor.userId
							});
						}
						events.push({
							countyId,
							id: newId(),
							householdId,
							memberId: known.id,
							kind: 'moved_in',
							happenedOn: today,
							recordedBy: actor.userId
						});
					}
				} else {
					// A person first registered by an import has no membership event: the
					// history records changes (births, deaths, marriages, moves), and the
					// import's audit row records when the person arrived in Levee.
					newMembers.push({ countyId, id: newId(), householdId, idNumber: m.idNumber, ...values });
				}
			}
		}
		await bulkInsert(tx, members, newMembers);
		for (let i = 0; i < changedMembers.length; i += BATCH) {
			await tx.execute(sql`update ${members} set household_id = v.household_id::uuid, name = v.name, relation = v.relation,
				labour_capacity = v.labour_capacity, health = v.health, in_school = v.in_school::boolean,
				working_away = v.working_away::boolean, work_place = v.work_place, work_months = v.work_months::integer,
				current = true, updated_at = now()
				from (values ${valuesList(changedMembers.slice(i, i + BATCH))})
					as v(id, household_id, name, relation, labour_capacity, health, in_school, working_away, work_place, work_months)
				where ${members.countyId} = ${countyId} and ${members.id} = v.id::uuid`);
		}
		await bulkInsert(tx, membershipEvents, events);

		await writeMonitoring(
			tx,
			actor,
			countyId,
			valid,
			householdIds,
			new Set(knownHouseholds.values()),
			options,
			today
		);

		// One audit row per household written, and one for the import as a whole.
		const auditRows: (typeof auditLog.$inferInsert)[] = valid.map((h) => ({
			countyId,
			id: newId(),
			actorUserId: actor.userId,
			actorLabel: actor.label,
			action: knownHouseholds.has(h.householdNumber)
				? 'import.update_household'
				: 'import.create_household',
			entity: 'household',
			entityId: householdIds.get(h.householdNumber)!,
			after: {
				householdNumber: h.householdNumber,
				villageCode: h.villageCode,
				members: h.members.length
			}
		}));
		const result: ImportResult = {
			households: { created: newHouseholds.length, updated: changedHouseholds.length },
			members: { created: newMembers.length, updated: changedMembers.length },
			rejectedHouseholds: validation.rejected.length
		};
		auditRows.push({
			countyId,
			id: newId(),
			actorUserId: actor.userId,
			actorLabel: actor.label,
			action: 'import.file',
			entity: 'county',
			entityId: actor.countyCode,
			after: { fileName, fileHash: previewedHash, ...result }
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
		'audit_log'
	]);
	return imported;
}

async function writeMonitoring(
	tx: Db,
	actor: UserActor,
	countyId: string,
	valid: ParsedHousehold[],
	householdIds: Map<string, string>,
	/** Households that existed before this import: only they can have risks and measures. */
	preexisting: Set<string>,
	options: CountyOptions,
	today: string
): Promise<void> {
	const ids = valid.map((h) => householdIds.get(h.householdNumber)!);
	const existing = new Map<string, { status: string; category: string }>();
	for (let i = 0; i < ids.length; i += 5000) {
		const rows = await tx
			.select({
				householdId: monitoringRecords.householdId,
				status: monitoringRecords.status,
				category: monitoringRecords.category
			})
			.from(monitoringRecords)
			.where(
				and(
					eq(monitoringRecords.countyId, countyId),
					inArray(monitoringRecords.householdId, ids.slice(i, i + 5000))
				)
			);
		for (const row of rows) existing.set(row.householdId, row);
	}
	const records: (typeof monitoringRecords.$inferInsert)[] = [];
	const risks: (typeof monitoringRisks.$inferInsert)[] = [];
	const history: (typeof monitoringHistory.$inferInsert)[] = [];
	const measures: (typeof assistanceMeasures.$inferInsert)[] = [];
	for (const h of valid) {
		const householdId = householdIds.get(h.householdNumber)!;
		const m = h.monitoring;
		const category = m ? codeFor(options, 'category', m.category) : 'ordinary';
		const status = m ? (m.riskEliminated ? 'eliminated' : 'monitored') : 'not_monitored';
		const since = monthToDate(m?.identifiedMonth ?? null);
		const eliminatedOn = m?.riskEliminated ? monthToDate(m.eliminatedMonth) : null;
		records.push({
			countyId,
			householdId,
			category,
			status,
			monitoredSince: since,
			eliminatedOn,
			eliminationMethod: m?.riskEliminated ? m.eliminationMethod : null,
			updatedAt: new Date()
		});
		for (const risk of new Set((m?.risks ?? []).map((r) => codeFor(options, 'risk', r)))) {
			risks.push({ countyId, householdId, risk });
		}
		const before = existing.get(householdId);
		if (m && since && (!before || before.status === 'not_monitored')) {
			history.push({
				countyId,
				id: newId(),
				householdId,
				happenedOn: since,
				status: 'monitored',
				category,
				recordedBy: actor.userId,
				note: null
			});
		}
		if (eliminatedOn && before?.status !== 'eliminated') {
			history.push({
				countyId,
				id: newId(),
				householdId,
				happenedOn: eliminatedOn,
				status: 'eliminated',
				category,
				recordedBy: actor.userId,
				note: null
			});
		}
		for (const measure of h.measures) {
			measures.push({
				countyId,
				id: newId(),
				householdId,
				measure: MEASURE_CODES[measure.type] ?? 'social_assistance',
				description: measure.text.slice(0, 200),
				startedOn: since ?? today,
				recordedBy: actor.userId
			});
		}
	}
	// Households without a record get one in bulk; known ones are updated in place.
	await bulkInsert(
		tx,
		monitoringRecords,
		records.filter((r) => !existing.has(r.householdId))
	);
	const known = records.filter((r) => existing.has(r.householdId));
	for (let i = 0; i < known.length; i += BATCH) {
		await tx
			.insert(monitoringRecords)
			.values(known.slice(i, i + BATCH))
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
	const knownIds = ids.filter((id) => preexisting.has(id));
	for (let i = 0; i < knownIds.length; i += 5000) {
		await tx
			.delete(monitoringRisks)
			.where(
				and(
					eq(monitoringRisks.countyId, countyId),
					inArray(monitoringRisks.householdId, knownIds.slice(i, i + 5000))
				)
			);
	}
	await bulkInsert(tx, monitoringRisks, risks);
	await bulkInsert(tx, monitoringHistory, history);
	// Re-importing the same file does not add the same measure again.
	const knownMeasures = new Set<string>();
	for (let i = 0; i < knownIds.length; i += 5000) {
		const rows = await tx
			.select({
				householdId: assistanceMeasures.householdId,
				measure: assistanceMeasures.measure,
				description: assistanceMeasures.description
			})
			.from(assistanceMeasures)
			.where(
				and(
					eq(assistanceMeasures.countyId, countyId),
					inArray(assistanceMeasures.householdId, knownIds.slice(i, i + 5000))
				)
			);
		for (const row of rows)
			knownMeasures.add(`${row.householdId}|${row.measure}|${row.description ?? ''}`);
	}
	const freshMeasures = measures.filter(
		(m) => !knownMeasures.has(`${m.householdId}|${m.measure}|${m.description ?? ''}`)
	);
	await bulkInsert(tx, assistanceMeasures, freshMeasures);
}
