import { and, eq, like, type SQL } from 'drizzle-orm';
import { union, type PgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../db';
import { DomainError } from '../errors';
import { households, members } from './schema';

// Finding one person of the county's registry at a counter (a weighing station, a factory
// hiring): by the start of the name, the household's phone, the last 4 characters of the
// identity number or the whole number. Each way is its own query on its own index (members
// name with text_pattern_ops, households phone, members id_last4, the unique identity
// number), returning person ids; the ways that apply are combined with UNION and only then
// joined, ordered and limited. No subquery runs once per household, so a one-character
// surname costs one index range scan however large the county grows.

/** The longest search a person types; longer text is refused with a message. */
export const MAX_QUERY = 40;

export type PersonQuery =
	| { kind: 'name'; name: string; place: string }
	| { kind: 'id_tail'; tail: string }
	| { kind: 'id_number'; number: string }
	| { kind: 'phone'; phone: string };

const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-?\d{7,8}$/;

/**
 * What was typed, understood: null when there is nothing to search for (empty, only
 * spaces); a field error when it cannot be a search (too long, digits of no known length).
 * Control characters (a NUL byte from a scanner) are dropped first.
 */
export function parsePersonQuery(
	input: unknown,
	options: { field?: string; tail?: boolean; digitsKey?: string } = {}
): PersonQuery | null {
	const field = options.field ?? 'q';
	const raw = typeof input === 'string' ? input : '';
	const q = raw
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u001f\u007f]/g, '')
		.trim()
		.replace(/\s+/g, ' ');
	if (!q) return null;
	if (q.length > MAX_QUERY) throw DomainError.invalid(field, 'field_search_too_long');
	const compact = q.replace(/\s/g, '');
	if (/^\d{17}[\dXx]$/.test(compact)) return { kind: 'id_number', number: compact.toUpperCase() };
	if (MOBILE.test(compact) || LANDLINE.test(compact)) return { kind: 'phone', phone: compact };
	if (options.tail !== false && /^\d{3}[\dXx]$/.test(compact)) {
		return { kind: 'id_tail', tail: compact.toUpperCase() };
	}
	if (/^[\d\sXx-]+$/.test(q)) {
		throw DomainError.invalid(field, options.digitsKey ?? 'field_search_digits');
	}
	const [name, ...place] = q.split(' ');
	return { kind: 'name', name, place: place.join('') };
}

export function escapeLike(value: string): string {
	return value.replace(/[%_\\]/g, (c) => `\\${c}`);
}

export interface HitOptions {
	countyId: string;
	/** Only current members (people who have not left their household). */
	currentOnly?: boolean;
	/** A condition on the household's village code, e.g. the actor's townships. */
	village?: (column: PgColumn) => SQL;
	/** Ways of finding that skip the village condition (an identity number is exact). */
	unscoped?: PersonQuery['kind'][];
}

/**
 * The ids of the people a query finds, one index-using branch per way of finding,
 * combined with UNION. Returned as a subquery `hits(id)` to join on members.
 */
export function personHits(db: Db, query: PersonQuery | PersonQuery[], options: HitOptions) {
	const queries = Array.isArray(query) ? query : [query];
	const county = eq(members.countyId, options.countyId);
	const current = options.currentOnly === false ? undefined : eq(members.current, true);
	const scoped = (kind: PersonQuery['kind']) =>
		options.village && !options.unscoped?.includes(kind)
			? options.village(households.villageCode)
			: undefined;
	const branches = queries.map((q) => {
		// The household is joined only where a branch needs it (phone, or a village condition).
		const viaHousehold = (where: SQL | undefined) =>
			db
				.select({ id: members.id })
				.from(members)
				.innerJoin(
					households,
					and(eq(households.countyId, members.countyId), eq(households.id, members.householdId))
				)
				.where(where);
		switch (q.kind) {
			case 'id_number':
				return viaHousehold(and(county, current, eq(members.idNumber, q.number), scoped(q.kind)));
			case 'id_tail':
				return viaHousehold(and(county, current, eq(members.idLast4, q.tail), scoped(q.kind)));
			case 'phone':
				return db
					.select({ id: members.id })
					.from(households)
					.innerJoin(
						members,
						and(eq(members.countyId, households.countyId), eq(members.householdId, households.id))
					)
					.where(
						and(
							eq(households.countyId, options.countyId),
							eq(households.phone, q.phone),
							current,
							scoped(q.kind)
						)
					);
			case 'name':
				return viaHousehold(
					and(county, current, like(members.name, `${escapeLike(q.name)}%`), scoped(q.kind))
				);
		}
	});
	if (branches.length === 1) return branches[0].as('hits');
	const [first, second, ...rest] = branches;
	return union(first, second, ...rest).as('hits');
}

/** "王建国" → "王**": a person outside the actor's townships, found by an exact number. */
export function maskName(name: string): string {
	const chars = [...name];
	return chars.length <= 1 ? name : chars[0] + '*'.repeat(chars.length - 1);
}

/** The date `years` years before an ISO date (29 Feb → 1 Mar is close enough for ages). */
export function yearsBefore(isoDate: string, years: number): string {
	return `${String(Number(isoDate.slice(0, 4)) - years).padStart(4, '0')}${isoDate.slice(4)}`;
}

/** Whole years of age on a day. */
export function ageOn(birthDate: string, day: string): number {
	const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
	return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
