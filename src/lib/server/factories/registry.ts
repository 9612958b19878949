import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { numberIssue, textInput } from '../input';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { isUuid, newId } from '../db/ids';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { users } from '../auth/schema';
import { divisions } from '../divisions/schema';
import { DomainError, type FieldIssue } from '../errors';
import { parseYuan } from '../../input';
import { isUniqueViolation, registryFactory, visibleFactory, type FactoryRow } from './access';
import { checkCreditCode, isIsoDate } from './rules';
import {
	FACTORY_STATUSES,
	factories,
	factoryJobs,
	factoryOwners,
	type FactoryStatus
} from './schema';

const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;
const MAX_PRODUCTS = 10;

/** Trimmed text; NUL, control characters or more than `max` characters are refused. */
function text(value: unknown, max = 200, field = ''): string {
	return textInput(value, max, field);
}

export interface FactoryInput {
	name: unknown;
	villageCode: unknown;
	floorArea: unknown;
	buildingCost: unknown;
	enterpriseName: unknown;
	enterpriseContact: unknown;
	enterprisePhone: unknown;
	creditCode: unknown;
	products: unknown;
	leaseStart: unknown;
	leaseEnd: unknown;
	annualRent: unknown;
	status: unknown;
	openedOn: unknown;
}

type FactoryValues = Omit<
	typeof factories.$inferInsert,
	'countyId' | 'id' | 'createdAt' | 'updatedAt'
>;

/** "书包、箱包, 服装" → ["书包", "箱包", "服装"]: one product a line or between commas. */
export function splitProducts(value: unknown): string[] {
	const parts = textInput(value, 1000, 'products', true)
		.split(/[\n,，、;；]+/)
		.map((p) => p.trim())
		.filter(Boolean);
	return [...new Set(parts)];
}

function optionalYuan(
	value: unknown,
	field: string,
	issues: FieldIssue[],
	key: string
): number | null {
	const raw = text(value, 30, field);
	if (!raw) return null;
	const read = parseYuan(raw, { allowZero: true });
	if (!read.ok) issues.push(numberIssue(field, read, key));
	return read.ok ? read.value : null;
}

async function parseFactory(
	db: Db,
	actor: UserActor,
	input: FactoryInput,
	exceptId?: string
): Promise<FactoryValues> {
	const issues: FieldIssue[] = [];
	const name = text(input.name, 60, 'name');
	if (!name) issues.push({ field: 'name', key: 'factories_error_name' });
	const villageCode = text(input.villageCode, 12, 'villageCode');
	const [village] = /^\d{12}$/.test(villageCode)
		? await db
				.select({ countyCode: divisions.countyCode })
				.from(divisions)
				.where(and(eq(divisions.code, villageCode), eq(divisions.level, 'village')))
		: [];
	if (!village || village.countyCode !== actor.countyCode)
		issues.push({ field: 'villageCode', key: 'factories_error_village' });
	const areaText = text(input.floorArea, 10, 'floorArea');
	const floorAreaM2 = /^\d+$/.test(areaText) ? Number(areaText) : NaN;
	if (!(floorAreaM2 >= 50 && floorAreaM2 <= 50_000))
		issues.push({ field: 'floorArea', key: 'factories_error_area' });
	const buildingCostFen = optionalYuan(
		input.buildingCost,
		'buildingCost',
		issues,
		'factories_error_money'
	);
	const annualRentFen = optionalYuan(
		input.annualRent,
		'annualRent',
		issues,
		'factories_error_money'
	);
	const enterpriseName = text(input.enterpriseName, 80, 'enterpriseName');
	if (!enterpriseName) issues.push({ field: 'enterpriseName', key: 'factories_error_enterprise' });
	const enterpriseContact = text(input.enterpriseContact, 40, 'enterpriseContact') || null;
	const enterprisePhone =
		text(input.enterprisePhone, 20, 'enterprisePhone').replace(/\s/g, '') || null;
	if (enterprisePhone && !PHONE.test(enterprisePhone))
		issues.push({ field: 'enterprisePhone', key: 'factories_error_phone' });
	let creditCode: string | null = null;
	const creditText = text(input.creditCode, 30, 'creditCode');
	if (creditText) {
		const checked = checkCreditCode(creditText);
		if (checked.ok) creditCode = checked.value;
		else
			issues.push({
				field: 'creditCode',
				key:
					checked.problem === 'format'
						? 'factories_error_credit_format'
						: 'factories_error_credit_check'
			});
	}
	const products = splitProducts(input.products);
	if (products.length > MAX_PRODUCTS || products.some((p) => p.length > 20))
		issues.push({ field: 'products', key: 'factories_error_products' });
	const leaseStart = text(input.leaseStart, 10, 'leaseStart') || null;
	const leaseEnd = text(input.leaseEnd, 10, 'leaseEnd') || null;
	if (leaseStart && !isIsoDate(leaseStart))
		issues.push({ field: 'leaseStart', key: 'factories_error_date' });
	if (leaseEnd && !isIsoDate(leaseEnd))
		issues.push({ field: 'leaseEnd', key: 'factories_error_date' });
	else if (leaseEnd && leaseStart && isIsoDate(leaseStart) && leaseEnd <= leaseStart)
		issues.push({ field: 'leaseEnd', key: 'factories_error_lease_end' });
	const status = text(input.status, 20, 'status') as FactoryStatus;
	if (!FACTORY_STATUSES.includes(status))
		issues.push({ field: 'status', key: 'factories_error_status' });
	const openedOn = text(input.openedOn, 10, 'openedOn');
	if (!isIsoDate(openedOn)) issues.push({ field: 'openedOn', key: 'factories_error_opened' });
	if (name && !issues.some((i) => i.field === 'name')) {
		const [taken] = await db
			.select({ id: factories.id })
			.from(factories)
			.where(
				and(
					eq(factories.countyId, actor.countyId),
					eq(factories.name, name),
					...(exceptId ? [ne(factories.id, exceptId)] : [])
				)
			);
		if (taken) issues.push({ field: 'name', key: 'factories_error_name_taken' });
	}
	if (issues.length) throw new DomainError('invalid', issues);
	return {
		name,
		villageCode,
		floorAreaM2,
		buildingCostFen,
		enterpriseName,
		enterpriseContact,
		enterprisePhone,
		creditCode,
		products,
		leaseStart,
		leaseEnd,
		annualRentFen,
		status,
		openedOn
	};
}

function nameTaken(caught: unknown): never {
	if (isUniqueViolation(caught, 'factories_name_unique'))
		throw DomainError.conflict('name', 'factories_error_name_taken');
	throw caught;
}

/** A county admin registers a micro-factory the county built. */
export async function createFactory(
	db: Db,
	actor: UserActor,
	input: FactoryInput
): Promise<string> {
	if (actor.role !== 'county_admin') throw DomainError.notFound();
	const values = await parseFactory(db, actor, input);
	const id = newId();
	await inTransaction(db, async (tx) => {
		await tx.insert(factories).values({ countyId: actor.countyId, id, ...values });
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'factories.create',
			entity: 'factory',
			entityId: id,
			after: values
		});
	}).catch(nameTaken);
	return id;
}

function registryFields(row: FactoryRow): FactoryValues {
	return {
		name: row.name,
		villageCode: row.villageCode,
		floorAreaM2: row.floorAreaM2,
		buildingCostFen: row.buildingCostFen,
		enterpriseName: row.enterpriseName,
		enterpriseContact: row.enterpriseContact,
		enterprisePhone: row.enterprisePhone,
		creditCode: row.creditCode,
		products: row.products,
		leaseStart: row.leaseStart,
		leaseEnd: row.leaseEnd,
		annualRentFen: row.annualRentFen,
		status: row.status,
		openedOn: row.openedOn
	};
}

/**
 * Changes the registry entry. The opening day cannot move past the first hire, and a
 * factory with people still employed cannot be marked closed.
 */
export async function updateFactory(
	db: Db,
	actor: UserActor,
	factoryId: string,
	input: FactoryInput
): Promise<void> {
	const before = await registryFactory(db, actor, factoryId);
	const after = await parseFactory(db, actor, input, factoryId);
	const [jobs] = await db
		.select({
			firstStart: sql<string | null>`min(${factoryJobs.startedOn})`,
			open: sql<number>`count(*) filter (where ${factoryJobs.endedOn} is null)::int`
		})
		.from(factoryJobs)
		.where(and(eq(factoryJobs.countyId, actor.countyId), eq(factoryJobs.factoryId, factoryId)));
	const issues: FieldIssue[] = [];
	if (jobs?.firstStart && after.openedOn! > jobs.firstStart)
		issues.push({
			field: 'openedOn',
			key: 'factories_error_opened_after_hire',
			params: { date: jobs.firstStart }
		});
	if (after.status === 'closed' && Number(jobs?.open ?? 0) > 0)
		issues.push({
			field: 'status',
			key: 'factories_error_close_with_workers',
			params: { count: Number(jobs?.open ?? 0) }
		});
	if (issues.length) throw new DomainError('invalid', issues);
	await inTransaction(db, async (tx) => {
		await tx
			.update(factories)
			.set({ ...after, updatedAt: new Date() })
			.where(and(eq(factories.countyId, actor.countyId), eq(factories.id, factoryId)));
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'factories.update',
			entity: 'factory',
			entityId: factoryId,
			before: registryFields(before),
			after
		});
	}).catch(nameTaken);
}

export interface OwnerView {
	userId: string;
	displayName: string;
	username: string | null;
	phone: string | null;
	disabled: boolean;
}

async function ownersOf(db: Db, countyId: string, factoryIds: string[]) {
	if (factoryIds.length === 0) return [];
	return db
		.select({
			factoryId: factoryOwners.factoryId,
			userId: users.id,
			displayName: users.displayName,
			username: users.username,
			phone: users.phone,
			disabledAt: users.disabledAt
		})
		.from(factoryOwners)
		.innerJoin(users, eq(users.id, factoryOwners.userId))
		.where(and(eq(factoryOwners.countyId, countyId), inArray(factoryOwners.factoryId, factoryIds)))
		.orderBy(asc(users.displayName));
}

/** An owner account is attached to a factory: from then on it sees that factory's workers. */
export async function addFactoryOwner(
	db: Db,
	actor: UserActor,
	factoryId: string,
	userId: unknown
): Promise<void> {
	await registryFactory(db, actor, factoryId);
	const id = text(userId, 40);
	const [user] = isUuid(id)
		? await db
				.select()
				.from(users)
				.where(and(eq(users.id, id), eq(users.countyId, actor.countyId)))
		: [];
	if (!user || user.role !== 'factory_owner')
		throw DomainError.invalid('userId', 'factories_error_owner');
	if (user.disabledAt) throw DomainError.invalid('userId', 'factories_error_owner_disabled');
	await inTransaction(db, async (tx) => {
		const inserted = await tx
			.insert(factoryOwners)
			.values({ countyId: actor.countyId, factoryId, userId: id })
			.onConflictDoNothing()
			.returning();
		if (inserted.length === 0)
			throw DomainError.conflict('userId', 'factories_error_owner_already');
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'factories.owner_add',
			entity: 'factory',
			entityId: factoryId,
			after: { userId: id, displayName: user.displayName }
		});
	});
}

export async function removeFactoryOwner(
	db: Db,
	actor: UserActor,
	factoryId: string,
	userId: unknown
): Promise<void> {
	await registryFactory(db, actor, factoryId);
	const id = text(userId, 40);
	if (!isUuid(id)) throw DomainError.invalid('userId', 'factories_error_owner');
	await inTransaction(db, async (tx) => {
		const removed = await tx
			.delete(factoryOwners)
			.where(
				and(
					eq(factoryOwners.countyId, actor.countyId),
					eq(factoryOwners.factoryId, factoryId),
					eq(factoryOwners.userId, id)
				)
			)
			.returning();
		if (removed.length === 0)
			throw DomainError.invalid('userId', 'factories_error_owner_not_attached');
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'factories.owner_remove',
			entity: 'factory',
			entityId: factoryId,
			before: { userId: id }
		});
	});
}

/** Owner accounts of the county that could be attached (not disabled). */
export async function ownerCandidates(
	db: Db,
	actor: UserActor
): Promise<{ userId: string; displayName: string; username: string | null }[]> {
	if (actor.role !== 'county_admin') return [];
	return db
		.select({ userId: users.id, displayName: users.displayName, username: users.username })
		.from(users)
		.where(
			and(
				eq(users.countyId, actor.countyId),
				eq(users.role, 'factory_owner'),
				sql`${users.disabledAt} is null`
			)
		)
		.orderBy(asc(users.displayName));
}

export interface FactoryView {
	id: string;
	name: string;
	villageCode: string;
	villageName: string;
	townshipName: string;
	floorAreaM2: number;
	buildingCostFen: number | null;
	enterpriseName: string;
	enterpriseContact: string | null;
	enterprisePhone: string | null;
	creditCode: string | null;
	products: string[];
	leaseStart: string | null;
	leaseEnd: string | null;
	annualRentFen: number | null;
	status: FactoryStatus;
	openedOn: string;
	owners: OwnerView[];
}

/** One factory as its page shows it, if the actor may see it. */
export async function getFactory(
	db: Db,
	actor: UserActor,
	factoryId: string
): Promise<FactoryView> {
	const row = await visibleFactory(db, actor, factoryId);
	const [places, owners] = await Promise.all([
		db
			.select({ code: divisions.code, name: divisions.name })
			.from(divisions)
			.where(inArray(divisions.code, [row.villageCode, row.villageCode.slice(0, 9)])),
		ownersOf(db, actor.countyId, [row.id])
	]);
	return {
		id: row.id,
		name: row.name,
		villageCode: row.villageCode,
		floorAreaM2: row.floorAreaM2,
		buildingCostFen: row.buildingCostFen,
		enterpriseName: row.enterpriseName,
		enterpriseContact: row.enterpriseContact,
		enterprisePhone: row.enterprisePhone,
		creditCode: row.creditCode,
		leaseStart: row.leaseStart,
		leaseEnd: row.leaseEnd,
		annualRentFen: row.annualRentFen,
		status: row.status,
		openedOn: row.openedOn,
		villageName: places.find((p) => p.code === row.villageCode)?.name ?? row.villageCode,
		townshipName: places.find((p) => p.code === row.villageCode.slice(0, 9))?.name ?? '',
		products: row.products,
		// Owners are names for the county; an owner sees only who else runs the factory.
		owners: owners.map((o) => ({
			userId: o.userId,
			displayName: o.displayName,
			username: actor.role === 'county_admin' ? o.username : null,
			phone: actor.role === 'county_admin' ? o.phone : null,
			disabled: o.disabledAt !== null
		}))
	};
}
