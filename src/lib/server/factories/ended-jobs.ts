import { and, eq, gte, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { factoryJobs } from './schema';

export interface EndedJobOfHousehold {
	householdId: string;
	jobId: string;
	factoryId: string;
	memberId: string | null;
	endedOn: string;
	/** The first job a member of the same household started on or after endedOn; or null. */
	nextStartedOn: string | null;
}

/**
 * The jobs of households' members that ended between two dates (inclusive), each with the
 * first job of the household started since: what the monitoring rule "a job ended and no
 * new one followed" reads. Grouped per 5,000 households.
 */
export async function endedJobsOfHouseholds(
	db: Db,
	countyId: string,
	householdIds: string[],
	endedFrom: string,
	endedTo: string
): Promise<EndedJobOfHousehold[]> {
	const result: EndedJobOfHousehold[] = [];
	for (let i = 0; i < householdIds.length; i += 5000) {
		const ids = householdIds.slice(i, i + 5000);
		const rows = await db
			.select({
				householdId: factoryJobs.householdId,
				jobId: factoryJobs.id,
				factoryId: factoryJobs.factoryId,
				memberId: factoryJobs.memberId,
				endedOn: factoryJobs.endedOn,
				// Written out: the outer columns must be named with their table inside the subquery.
				nextStartedOn: sql<string | null>`(select min(n.started_on)::text from factory_jobs n
					where n.county_id = "factory_jobs"."county_id"
						and n.household_id = "factory_jobs"."household_id"
						and n.id <> "factory_jobs"."id" and n.started_on >= "factory_jobs"."ended_on")`
			})
			.from(factoryJobs)
			.where(
				and(
					eq(factoryJobs.countyId, countyId),
					inArray(factoryJobs.householdId, ids),
					isNotNull(factoryJobs.endedOn),
					gte(factoryJobs.endedOn, endedFrom),
					lte(factoryJobs.endedOn, endedTo)
				)
			);
		for (const row of rows)
			result.push({
				householdId: row.householdId!,
				jobId: row.jobId,
				factoryId: row.factoryId,
				memberId: row.memberId,
				endedOn: row.endedOn!,
				nextStartedOn: row.nextStartedOn ?? null
			});
	}
	return result;
}
