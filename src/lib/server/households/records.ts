import { and, eq, ne } from 'drizzle-orm';
import { textInput } from '../input';
import { EARLIEST_DATE, isCalendarDate } from '../../input';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId, isUuid } from '../db/ids';
import { recordAudit } from '../audit';
import { recheckHousehold } from '../monitoring/quality';
import { refreshStandings } from '../income/standings';
import type { UserActor } from '../auth/actor';
import { canSeeHousehold, canSeeVillage } from '../auth/scope';
import { divisions } from '../divisions/schema';
import { DomainError, type FieldIssue } from '../errors';
import { parseIdentityNumber, type IdentityProblem } from '../../identity';
import {
	HEALTH_STATES,
	LABOUR_CAPACITIES,
	LEAVING_EVENTS,
	MEMBERSHIP_EVENTS,
	households,
	members,
	membershipEvents,
	type HealthState,
	type LabourCapacity,
	type MembershipEventKind
} from './schema';
import { healthWord, labourCategory, NOT_IN_SCHOOL } from './registry/words';
import { followVillageMoves } from '../income/months';

const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

/** Trimmed text; NUL, control characters or more than `max` characters are refused. */
function text(value: unknown, max = 200, field = ''): string {
	return textInput(value, max, field);
}

/** A real calendar date, not before 1900 (callers refuse dates after today). */
function isDate(value: string): boolean {
	return isCalendarDate(value) && value >= EARLIEST_DATE;
}

function canEdit(actor: UserActor): boolean {
	return actor.role === 'county_admin' || actor.role === 'township_staff';
}

/** A household the actor may change, or not found. */
export async function editableHousehold(db: Db, actor: UserActor, householdId: string) {
	if (!canEdit(actor) || !isUuid(householdId)) throw DomainError.notFound();
	const [household] = await db
		.select()
		.from(households)
		.where(and(eq(households.countyId, actor.countyId), eq(households.id, householdId)));
	if (!household || !canSeeHousehold(actor, household)) throw DomainError.notFound();
	return household;
}

export interface HouseholdInput {
	householdNumber: unknown;
	villageCode: unknown;
	address: unknown;
	phone: unknown;
}

async function parseHousehold(db: Db, actor: UserActor, input: HouseholdInput, exceptId?: string) {
	const householdNumber = text(input.householdNumber, 40, 'householdNumber');
	const villageCode = text(input.villageCode, 12, 'villageCode');
	const address = text(input.address, 200, 'address') || null;
	const phone = text(input.phone, 20, 'phone').replace(/\s/g, '') || null;
	const issues: FieldIssue[] = [];
	if (!/^[0-9A-Za-z-]{4,40}$/.test(householdNumber)) {
		issues.push({ field: 'householdNumber', key: 'households_error_number' });
	}
	const [village] = /^\d{12}$/.test(villageCode)
		? await db
				.select()
				.from(divisions)
				.where(and(eq(divisions.code, villageCode), eq(divisions.level, 'village')))
		: [];
	if (!village || village.countyCode !== actor.countyCode) {
		issues.push({ field: 'villageCode', key: 'households_error_village_outside' });
	} else if (!canSeeVillage(actor, villageCode)) {
		issues.push({ field: 'villageCode', key: 'households_error_village_scope' });
	}
	if (phone && !PHONE.test(phone)) issues.push({ field: 'phone', key: 'households_error_phone' });
	if (householdNumber && issues.every((i) => i.field !== 'householdNumber')) {
		const [taken] = await db
			.select({ id: households.id })
			.from(households)
			.where(
				and(
					eq(households.countyId, actor.countyId),
					eq(households.householdNumber, householdNumber),
					...(exceptId ? [ne(households.id, exceptId)] : [])
				)
			);
		if (taken) issues.push({ field: 'householdNumber', key: 'households_error_number_taken' });
	}
	if (issues.length) throw new DomainError('invalid', issues);
	return { householdNumber, villageCode, address, phone };
}

export interface MemberInput {
	name: unknown;
	idNumber: unknown;
	relation: unknown;
	labourCapacity: unknown;
	health: unknown;
	inSchool: unknown;
	workingAway: unknown;
	workPlace?: unknown;
	workMonths?: unknown;
	resident: unknown;
	/** The registry's 劳动技能; when given, Levee's labour category follows from it. */
	labourSkill?: unknown;
	/** 在校生状况 as the registry writes it; '' is not in school. */
	schooling?: unknown;
	ethnicity?: unknown;
	education?: unknown;
}

const IDENTITY_KEYS: Record<IdentityProblem, string> = {
	format: 'members_error_id_format',
	birth_date: 'members_error_id_birth_date',
	check_character: 'members_error_id_check'
};

function flag(value: unknown): boolean {
	return value === true || value === 'on' || value === 'true' || value === '1';
}

/** Validates a person; the identity number decides birth date and sex. */
function parseMember(input: MemberInput, today: string, options: { skipId?: boolean } = {}) {
	const issues: FieldIssue[] = [];
	const name = text(input.name, 40, 'name');
	if (!name) issues.push({ field: 'name', key: 'members_error_name' });
	const relation = text(input.relation, 20, 'relation');
	if (!relation) issues.push({ field: 'relation', key: 'members_error_relation' });
	// The registry's 劳动技能 is stored as chosen; Levee's category is derived from it.
	const labourSkill =
		input.labourSkill === undefined ? undefined : text(input.labourSkill, 20, 'labourSkill');
	const labourCapacity = (
		labourSkill === undefined
			? text(input.labourCapacity, 200, 'labourCapacity')
			: labourCategory(labourSkill)
	) as LabourCapacity;
	if (!LABOUR_CAPACITIES.includes(labourCapacity))
		issues.push({
			field: labourSkill === undefined ? 'labourCapacity' : 'labourSkill',
			key: 'members_error_labour'
		});
	const health = text(input.health, 200, 'health') as HealthState;
	if (!HEALTH_STATES.includes(health))
		issues.push({ field: 'health', key: 'members_error_health' });
	const workingAway = flag(input.workingAway);
	const workPlace = workingAway ? text(input.workPlace, 80, 'workPlace') || null : null;
	const monthsText = text(input.workMonths, 4, 'workMonths');
	const workMonths = workingAway && monthsText ? Number(monthsText) : null;
	if (
		workMonths !== null &&
		!(Number.isInteger(workMonths) && workMonths >= 0 && workMonths <= 12)
	) {
		issues.push({ field: 'workMonths', key: 'members_error_work_months' });
	}
	let identity: { number: string; birthDate: string; sex: 'male' | 'female' } | null = null;
	if (!options.skipId) {
		const parsed = parseIdentityNumber(text(input.idNumber, 30, 'idNumber'), today);
		if (parsed.ok) identity = parsed.value;
		else issues.push({ field: 'idNumber', key: IDENTITY_KEYS[parsed.problem] });
	}
	const schooling =
		input.schooling === undefined ? undefined : text(input.schooling, 20, 'schooling') || null;
	// Fields the form did not send are left as they are.
	const registry = {
		...(labourSkill === undefined ? {} : { labourSkill }),
		...(HEALTH_STATES.includes(health) ? { healthStatus: healthWord(health) } : {}),
		...(schooling === undefined ? {} : { schooling }),
		...(input.ethnicity === undefined
			? {}
			: { ethnicity: text(input.ethnicity, 20, 'ethnicity') || null }),
		...(input.education === undefined
			? {}
			: { education: text(input.education, 20, 'education') || null })
	};
	return {
		issues,
		value: {
			name,
			relation,
			labourCapacity,
			health,
			...registry,
			inSchool:
				schooling === undefined
					? flag(input.inSchool)
					: schooling !== null && !NOT_IN_SCHOOL.has(schooling),
			workingAway,
			workPlace,
			workMonths,
			resident: flag(input.resident)
		},
		identity
	};
}

/** Where an identity number is already used in the county, if anywhere. */
async function personByIdNumber(db: Db, countyId: string, idNumber: string) {
	const [person] = await db
		.select()
		.from(members)
		.where(and(eq(members.countyId, countyId), eq(members.idNumber, idNumber)));
	return person ?? null;
}

/**
 * A new household with its head. A household without people cannot exist: the head
 * comes in the same transaction.
 */
export async function createHousehold(
	db: Db,
	actor: UserActor,
	input: HouseholdInput & { head: MemberInput; registeredOn: unknown },
	today: string
): Promise<string> {
	if (!canEdit(actor)) throw DomainError.notFound();
	const issues: FieldIssue[] = [];
	let household: Awaited<ReturnType<typeof parseHousehold>> | null = null;
	try {
		household = await parseHousehold(db, actor, input);
	} catch (caught) {
		if (!(caught instanceof DomainError)) throw caught;
		issues.push(...caught.issues);
	}
	const head = parseMember(input.head, today);
	issues.push(...head.issues.map((i) => ({ ...i, field: `head.${i.field}` })));
	const registeredOn = text(input.registeredOn, 200, 'registeredOn') || today;
	if (!isDate(registeredOn) || registeredOn > today)
		issues.push({ field: 'registeredOn', key: 'members_error_event_date' });
	if (head.identity && (await personByIdNumber(db, actor.countyId, head.identity.number))) {
		issues.push({ field: 'head.idNumber', key: 'members_error_id_taken' });
	}
	if (issues.length || !household || !head.identity) throw new DomainError('invalid', issues);
	const id = newId();
	const memberId = newId();
	const identity = head.identity;
	await inTransaction(db, async (tx) => {
		await tx.insert(households).values({ countyId: actor.countyId, id, ...household! });
		await tx.insert(members).values({
			countyId: actor.countyId,
			id: memberId,
			householdId: id,
			...head.value,
			idNumber: identity.number,
			birthDate: identity.birthDate,
			sex: identity.sex
		});
		await tx.insert(membershipEvents).values({
			countyId: actor.countyId,
			id: newId(),
			householdId: id,
			memberId,
			kind: 'registered',
			happenedOn: registeredOn,
			recordedBy: actor.userId
		});
		// The data-quality findings of the household follow its records.
		await recheckHousehold(tx, actor.countyId, id);
		await refreshStandings(tx, actor.countyId, [id], 'membership');
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'households.create',
			entity: 'household',
			entityId: id,
			after: { ...household, head: { ...head.value, idNumber: identity.number } }
		});
	});
	return id;
}

export async function updateHousehold(
	db: Db,
	actor: UserActor,
	householdId: string,
	input: HouseholdInput
): Promise<void> {
	const before = await editableHousehold(db, actor, householdId);
	const after = await parseHousehold(db, actor, input, householdId);
	await inTransaction(db, async (tx) => {
		await followVillageMoves(tx, actor.countyId, [{ householdId, villageCode: after.villageCode }]);
		await tx
			.update(households)
			.set({ ...after, updatedAt: new Date() })
			.where(and(eq(households.countyId, actor.countyId), eq(households.id, householdId)));
		// The data-quality findings of the household follow its records.
		await recheckHousehold(tx, actor.countyId, householdId);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'households.update',
			entity: 'household',
			entityId: householdId,
			before: {
				householdNumber: before.householdNumber,
				villageCode: before.villageCode,
				address: before.address,
				phone: before.phone
			},
			after
		});
	});
}

const JOINING_EVENTS: readonly MembershipEventKind[] = [
	'registered',
	'birth',
	'marriage_in',
	'moved_in'
];

/**
 * A person joins a household (birth, marriage, moving in, or first registration). Someone
 * who still belongs to another household must leave it first: nobody is in two at once.
 * A person who left another household earlier moves here with their history.
 */
export async function addMember(
	db: Db,
	actor: UserActor,
	householdId: string,
	input: MemberInput & { event: unknown; happenedOn: unknown },
	today: string
): Promise<string> {
	const household = await editableHousehold(db, actor, householdId);
	const { issues, value, identity } = parseMember(input, today);
	const kind = text(input.event, 200, 'event') as MembershipEventKind;
	if (!JOINING_EVENTS.includes(kind)) issues.push({ field: 'event', key: 'members_error_event' });
	const happenedOn = text(input.happenedOn, 200, 'happenedOn');
	if (!isDate(happenedOn) || happenedOn > today)
		issues.push({ field: 'happenedOn', key: 'members_error_event_date' });
	else if (identity && happenedOn < identity.birthDate)
		issues.push({ field: 'happenedOn', key: 'members_error_before_birth' });
	if (kind === 'birth' && identity && happenedOn && identity.birthDate !== happenedOn) {
		issues.push({ field: 'happenedOn', key: 'members_error_birth_date_differs' });
	}
	const existing = identity ? await personByIdNumber(db, actor.countyId, identity.number) : null;
	if (existing?.current) {
		issues.push({
			field: 'idNumber',
			key:
				existing.householdId === householdId
					? 'members_error_already_member'
					: 'members_error_in_other_household'
		});
	}
	if (issues.length || !identity) throw new DomainError('invalid', issues);
	return inTransaction(db, async (tx) => {
		const memberId = existing?.id ?? newId();
		if (existing) {
			await tx
				.update(members)
				.set({ ...value, householdId, current: true, updatedAt: new Date() })
				.where(and(eq(members.countyId, actor.countyId), eq(members.id, existing.id)));
		} else {
			await tx.insert(members).values({
				countyId: actor.countyId,
				id: memberId,
				householdId,
				...value,
				idNumber: identity.number,
				birthDate: identity.birthDate,
				sex: identity.sex
			});
		}
		await tx.insert(membershipEvents).values({
			countyId: actor.countyId,
			id: newId(),
			householdId,
			memberId,
			kind,
			happenedOn,
			recordedBy: actor.userId
		});
		// The data-quality findings of the household follow its records.
		await recheckHousehold(tx, actor.countyId, householdId);
		// Someone moving in from another household changes both households' divisors.
		await refreshStandings(
			tx,
			actor.countyId,
			existing ? [householdId, existing.householdId] : [householdId],
			'membership'
		);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'members.join',
			entity: 'household',
			entityId: household.id,
			after: { member: memberId, event: kind, happenedOn, ...value, idNumber: identity.number }
		});
		return memberId;
	});
}

/** Updates what can change about a person; name and identity number are corrections. */
export async function updateMember(
	db: Db,
	actor: UserActor,
	householdId: string,
	memberId: string,
	input: MemberInput,
	today: string
): Promise<void> {
	await editableHousehold(db, actor, householdId);
	const member = await memberOf(db, actor, householdId, memberId);
	// The number is shown masked, so an empty field keeps the registered one.
	const keepId = text(input.idNumber, 30, 'idNumber') === '';
	const parsed = parseMember(input, today, { skipId: keepId });
	const { issues, value } = parsed;
	const identity = keepId
		? { number: member.idNumber, birthDate: member.birthDate, sex: member.sex }
		: parsed.identity;
	if (identity && identity.number !== member.idNumber) {
		const other = await personByIdNumber(db, actor.countyId, identity.number);
		if (other) issues.push({ field: 'idNumber', key: 'members_error_id_taken' });
	}
	if (issues.length || !identity) throw new DomainError('invalid', issues);
	await inTransaction(db, async (tx) => {
		await tx
			.update(members)
			.set({
				...value,
				idNumber: identity.number,
				birthDate: identity.birthDate,
				sex: identity.sex,
				updatedAt: new Date()
			})
			.where(and(eq(members.countyId, actor.countyId), eq(members.id, memberId)));
		// The data-quality findings of the household follow its records.
		await recheckHousehold(tx, actor.countyId, householdId);
		// Living at home or away (常住) changes the divisor of per-capita income.
		if (value.resident !== member.resident)
			await refreshStandings(tx, actor.countyId, [householdId], 'membership');
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'members.update',
			entity: 'household',
			entityId: householdId,
			before: {
				member: memberId,
				name: member.name,
				idNumber: member.idNumber,
				relation: member.relation
			},
			after: { member: memberId, ...value, idNumber: identity.number }
		});
	});
}

async function memberOf(db: Db, actor: UserActor, householdId: string, memberId: string) {
	if (!isUuid(memberId)) throw DomainError.notFound();
	const [member] = await db
		.select()
		.from(members)
		.where(
			and(
				eq(members.countyId, actor.countyId),
				eq(members.id, memberId),
				eq(members.householdId, householdId)
			)
		);
	if (!member) throw DomainError.notFound();
	return member;
}

/** A person leaves (death, marriage, moving away): recorded with its date, never deleted. */
export async function memberLeaves(
	db: Db,
	actor: UserActor,
	householdId: string,
	memberId: string,
	input: { event: unknown; happenedOn: unknown; note?: unknown },
	today: string
): Promise<void> {
	await editableHousehold(db, actor, householdId);
	const member = await memberOf(db, actor, householdId, memberId);
	const kind = text(input.event, 200, 'event') as MembershipEventKind;
	const happenedOn = text(input.happenedOn, 200, 'happenedOn');
	const issues: FieldIssue[] = [];
	if (!LEAVING_EVENTS.includes(kind)) issues.push({ field: 'event', key: 'members_error_event' });
	if (!isDate(happenedOn) || happenedOn > today)
		issues.push({ field: 'happenedOn', key: 'members_error_event_date' });
	else if (happenedOn < member.birthDate)
		issues.push({ field: 'happenedOn', key: 'members_error_before_birth' });
	if (!member.current) issues.push({ field: '', key: 'members_error_already_left' });
	if (issues.length) throw new DomainError('invalid', issues);
	await inTransaction(db, async (tx) => {
		const remaining = await tx
			.select({ id: members.id })
			.from(members)
			.where(
				and(
					eq(members.countyId, actor.countyId),
					eq(members.householdId, householdId),
					eq(members.current, true),
					ne(members.id, memberId)
				)
			);
		// A household is never left empty: the last person leaving is refused.
		if (remaining.length === 0) throw DomainError.invalid('', 'members_error_last_member');
		await tx
			.update(members)
			// resident stays as it was: it still tells whether they counted before leaving.
			.set({ current: false, updatedAt: new Date() })
			.where(and(eq(members.countyId, actor.countyId), eq(members.id, memberId)));
		await tx.insert(membershipEvents).values({
			countyId: actor.countyId,
			id: newId(),
			householdId,
			memberId,
			kind,
			happenedOn,
			note: text(input.note, 200, 'note') || null,
			recordedBy: actor.userId
		});
		// The data-quality findings of the household follow its records.
		await recheckHousehold(tx, actor.countyId, householdId);
		await refreshStandings(tx, actor.countyId, [householdId], 'membership');
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'members.leave',
			entity: 'household',
			entityId: householdId,
			after: { member: memberId, event: kind, happenedOn }
		});
	});
}

export { MEMBERSHIP_EVENTS };
