import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { DomainError } from '../errors';
import { divisions } from '../divisions/schema';
import { HEAD_OF_HOUSEHOLD, households, members } from '../households/schema';
import { monitoringRecords } from '../monitoring/schema';
import { warnings } from './schema';

// What a grid member's phone keeps for visits in villages without signal: the households
// of their villages, with only what the visit form shows.

export interface RosterHousehold {
	id: string;
	/** The head of household's name (or the first current member's). */
	headName: string;
	villageCode: string;
	address: string | null;
	/** The monitoring record's status ('not_monitored' when there is none). */
	monitoringStatus: string;
	/** The kinds of the warnings not yet closed (a visit may answer one of them). */
	openWarnings: string[];
}

export interface VisitRoster {
	villages: Record<string, string>;
	households: RosterHousehold[];
}

/** The households of a grid member's villages. Anyone else: not found. */
export async function visitRoster(db: Db, actor: UserActor): Promise<VisitRoster> {
	if (actor.role !== 'grid_member') throw DomainError.notFound();
	if (actor.villageCodes.length === 0) return { villages: {}, households: [] };
	const headName = sql<string | null>`(select ${members.name} from ${members}
		where ${members.countyId} = ${households.countyId} and ${members.householdId} = ${households.id}
		and ${members.current} order by (${members.relation} <> ${HEAD_OF_HOUSEHOLD}), ${members.birthDate} limit 1)`;
	const rows = await db
		.select({
			id: households.id,
			headName,
			villageCode: households.villageCode,
			villageName: divisions.name,
			address: households.address,
			monitoringStatus: monitoringRecords.status
		})
		.from(households)
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
				eq(households.countyId, actor.countyId),
				inArray(households.villageCode, actor.villageCodes)
			)
		)
		.orderBy(asc(households.villageCode), asc(households.householdNumber));
	const open = rows.length
		? await db
				.select({ householdId: warnings.householdId, kind: warnings.kind })
				.from(warnings)
				.innerJoin(
					households,
					and(eq(households.countyId, warnings.countyId), eq(households.id, warnings.householdId))
				)
				.where(
					and(
						eq(warnings.countyId, actor.countyId),
						ne(warnings.status, 'closed'),
						inArray(households.villageCode, actor.villageCodes)
					)
				)
		: [];
	const villages: Record<string, string> = {};
	const byHousehold = new Map<string, string[]>();
	for (const w of open)
		byHousehold.set(w.householdId, [...(byHousehold.get(w.householdId) ?? []), w.kind]);
	return {
		villages,
		households: rows.map((r) => {
			villages[r.villageCode] = r.villageName;
			return {
				id: r.id,
				headName: r.headName ?? '',
				villageCode: r.villageCode,
				address: r.address,
				monitoringStatus: r.monitoringStatus ?? 'not_monitored',
				openWarnings: byHousehold.get(r.id) ?? []
			};
		})
	};
}
