import { and, eq } from 'drizzle-orm';
import type { Db } from '../db';
import { isUuid } from '../db/ids';
import type { UserActor } from '../auth/actor';
import { canSeeFactory } from '../auth/scope';
import { DomainError } from '../errors';
import { factories } from './schema';

export type FactoryRow = typeof factories.$inferSelect;

/** A factory the actor may see (admins: the county; staff: their townships; owners: theirs). */
export async function visibleFactory(
	db: Db,
	actor: UserActor,
	factoryId: string
): Promise<FactoryRow> {
	if (!isUuid(factoryId)) throw DomainError.notFound();
	const [factory] = await db
		.select()
		.from(factories)
		.where(and(eq(factories.countyId, actor.countyId), eq(factories.id, factoryId)));
	if (!factory || !canSeeFactory(actor, factory)) throw DomainError.notFound();
	return factory;
}

/** Hires, departures and wages: the factory's own owners, and county admins who correct them. */
export function canManageWorkers(actor: UserActor): boolean {
	return actor.role === 'county_admin' || actor.role === 'factory_owner';
}

/** A factory whose workers the actor may change; township staff only read. */
export async function managedFactory(
	db: Db,
	actor: UserActor,
	factoryId: string
): Promise<FactoryRow> {
	if (!canManageWorkers(actor)) throw DomainError.notFound();
	return visibleFactory(db, actor, factoryId);
}

/** The registry itself (details, lease, owners) is the county admin's. */
export async function registryFactory(
	db: Db,
	actor: UserActor,
	factoryId: string
): Promise<FactoryRow> {
	if (actor.role !== 'county_admin') throw DomainError.notFound();
	return visibleFactory(db, actor, factoryId);
}

/** A unique index refused the row (PostgreSQL 23505), on PGlite and postgres.js alike. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
	for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
		const candidate = e as { code?: unknown; constraint?: unknown; constraint_name?: unknown };
		if (candidate.code === '23505') {
			const name = candidate.constraint ?? candidate.constraint_name;
			return !constraint || name === undefined || name === constraint;
		}
		e = (e as { cause?: unknown }).cause;
	}
	return false;
}
