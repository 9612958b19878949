import { and, count, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { householdScope } from '../auth/scope';
import { households } from '../households/schema';
import { perCapitaAt } from './account';
import { householdStandings } from './schema';

// Reading the standings the income domain keeps current: lists filter and homes count on
// them without recomputing anyone's income.

/** below the line; near it (above, within the county's margin); income cannot be computed. */
export const STANDING_FILTERS = ['below', 'near', 'unknown'] as const;
export type StandingFilter = (typeof STANDING_FILTERS)[number];

export function isStandingFilter(value: unknown): value is StandingFilter {
	return (STANDING_FILTERS as readonly unknown[]).includes(value);
}

/** The condition on household_standings for each filter; each reads household_standings_below_idx. */
function standingCondition(which: StandingFilter): SQL {
	switch (which) {
		case 'below':
			return eq(householdStandings.belowLine, true);
		case 'near':
			return and(eq(householdStandings.belowLine, false), eq(householdStandings.nearLine, true))!;
		case 'unknown':
			// No resident member on the evaluation date: per-capita income has no divisor.
			return and(isNull(householdStandings.belowLine), isNull(householdStandings.perCapitaFen))!;
	}
}

/**
 * The ids of a county's households in one standing, as a subquery for the household list
 * (`households.id = any(array(…))`: run once, by the index, never once per household).
 */
export function householdIdsInStanding(countyId: string, which: StandingFilter): SQL {
	return sql`select ${householdStandings.householdId} from ${householdStandings} where ${householdStandings.countyId} = ${countyId} and ${standingCondition(which)}`;
}

export type StandingCounts = Record<StandingFilter, number>;

/** How many households the actor may see are below the line, near it, or cannot be computed. */
export async function standingCounts(db: Db, actor: UserActor): Promise<StandingCounts> {
	const one = async (which: StandingFilter): Promise<number> => {
		const where = and(eq(householdStandings.countyId, actor.countyId), standingCondition(which));
		if (actor.role === 'county_admin') {
			const [row] = await db.select({ n: count() }).from(householdStandings).where(where);
			return Number(row?.n ?? 0);
		}
		const [row] = await db
			.select({ n: count() })
			.from(householdStandings)
			.innerJoin(
				households,
				and(
					eq(households.countyId, householdStandings.countyId),
					eq(households.id, householdStandings.householdId)
				)
			)
			.where(and(where, householdScope(actor)));
		return Number(row?.n ?? 0);
	};
	const [below, near, unknown] = await Promise.all(STANDING_FILTERS.map(one));
	return { below, near, unknown };
}

export interface StoredStanding {
	evaluatedOn: string;
	perCapitaFen: number | null;
	lineFen: number | null;
	/** perCapita − line: negative below the line; null when either is missing. */
	gapFen: number | null;
	belowLine: boolean | null;
	nearLine: boolean;
	residents: number;
	reason: string;
	/** What lists and pages mark: below, near, cannot be computed; null when safely above. */
	mark: StandingFilter | null;
}

function markOf(row: typeof householdStandings.$inferSelect): StandingFilter | null {
	if (row.belowLine === true) return 'below';
	if (row.belowLine === false) return row.nearLine ? 'near' : null;
	return row.perCapitaFen === null ? 'unknown' : null;
}

function stored(row: typeof householdStandings.$inferSelect): StoredStanding {
	return {
		evaluatedOn: row.evaluatedOn,
		perCapitaFen: row.perCapitaFen,
		lineFen: row.lineFen,
		gapFen:
			row.perCapitaFen === null || row.lineFen === null ? null : row.perCapitaFen - row.lineFen,
		belowLine: row.belowLine,
		nearLine: row.nearLine,
		residents: row.residents,
		reason: row.reason,
		mark: markOf(row)
	};
}

/** A household's last stored standing, or null when it has never been evaluated. */
export async function storedStandingOf(
	db: Db,
	countyId: string,
	householdId: string
): Promise<StoredStanding | null> {
	const [row] = await db
		.select()
		.from(householdStandings)
		.where(
			and(
				eq(householdStandings.countyId, countyId),
				eq(householdStandings.householdId, householdId)
			)
		);
	return row ? stored(row) : null;
}

/** The stored standings of one page of households, by household id. */
export async function storedStandingsOf(
	db: Db,
	countyId: string,
	householdIds: string[]
): Promise<Map<string, StoredStanding>> {
	if (householdIds.length === 0) return new Map();
	const rows = await db
		.select()
		.from(householdStandings)
		.where(
			and(
				eq(householdStandings.countyId, countyId),
				inArray(householdStandings.householdId, householdIds)
			)
		);
	return new Map(rows.map((row) => [row.householdId, stored(row)]));
}

/**
 * Per-capita net income of many households on a date (null: nobody resident), read from the
 * standings evaluated on that date — the nightly pass has just evaluated every household, and
 * each posting and membership change re-evaluates its household in its own transaction (the
 * standings equal the accounts: tests/integration/income-account.test.ts) — and computed from
 * the ledger for any household whose standing is of another date.
 */
export async function perCapitaOnFromStandings(
	db: Db,
	countyId: string,
	householdIds: string[],
	onDate: string
): Promise<Map<string, number | null>> {
	const result = new Map<string, number | null>();
	if (householdIds.length === 0) return result;
	const kept = await db
		.select({
			householdId: householdStandings.householdId,
			perCapitaFen: householdStandings.perCapitaFen
		})
		.from(householdStandings)
		.where(
			and(
				eq(householdStandings.countyId, countyId),
				sql`${householdStandings.householdId} = any(${`{${householdIds.join(',')}}`}::uuid[])`,
				eq(householdStandings.evaluatedOn, onDate)
			)
		);
	for (const row of kept) result.set(row.householdId, row.perCapitaFen);
	const rest = householdIds.filter((id) => !result.has(id));
	if (rest.length > 0)
		for (const [id, fen] of await perCapitaAt(db, countyId, rest, onDate)) result.set(id, fen);
	return result;
}

/**
 * The villages where village_counts differs from the households and standings counted
 * afresh (empty when the triggers kept it right): what the tests compare after every change.
 */
export async function villageCountsDifferences(db: Db, countyId: string): Promise<unknown[]> {
	const result = await db.execute(sql`
		with expected as (
			select village_code, sum(households)::int as households, sum(below)::int as below,
				sum(near)::int as near, sum(above)::int as above, sum(unknown)::int as unknown
			from (
				select village_code, count(*) as households, 0 as below, 0 as near, 0 as above,
					0 as unknown
				from households where county_id = ${countyId} group by 1
				union all
				select village_code, 0, count(*) filter (where below_line),
					count(*) filter (where below_line = false and near_line),
					count(*) filter (where below_line = false and not near_line),
					count(*) filter (where below_line is null and per_capita_fen is null)
				from household_standings where county_id = ${countyId} group by 1) c
			group by 1),
		stored as (
			select village_code, households, below, near, above, unknown from village_counts
			where county_id = ${countyId}
				and (households <> 0 or below <> 0 or near <> 0 or above <> 0 or unknown <> 0))
		select coalesce(e.village_code, s.village_code) as village_code,
			row(e.households, e.below, e.near, e.above, e.unknown)::text as expected,
			row(s.households, s.below, s.near, s.above, s.unknown)::text as stored
		from expected e full join stored s using (village_code)
		where row(e.households, e.below, e.near, e.above, e.unknown)
			is distinct from row(s.households, s.below, s.near, s.above, s.unknown)`);
	return ((result as { rows?: unknown[] }).rows ?? result) as unknown[];
}
