import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db';
import { factories, factoryJobs, factoryWages } from './schema';

export interface WageLedgerDetail {
	factoryName: string;
	/** "YYYY-MM". */
	month: string;
	workerName: string;
}

/**
 * What a household's ledger lines from factory wages were about (the factory, the month,
 * who worked), by the ledger's source ids: the sentences on its own phone.
 */
export async function wageLedgerDetails(
	db: Db,
	countyId: string,
	wageIds: string[]
): Promise<Map<string, WageLedgerDetail>> {
	if (wageIds.length === 0) return new Map();
	const rows = await db
		.select({
			id: factoryWages.id,
			factoryName: factories.name,
			month: factoryWages.month,
			workerName: factoryJobs.workerName
		})
		.from(factoryWages)
		.innerJoin(
			factoryJobs,
			and(eq(factoryJobs.countyId, factoryWages.countyId), eq(factoryJobs.id, factoryWages.jobId))
		)
		.innerJoin(
			factories,
			and(eq(factories.countyId, factoryJobs.countyId), eq(factories.id, factoryJobs.factoryId))
		)
		.where(and(eq(factoryWages.countyId, countyId), inArray(factoryWages.id, wageIds)));
	return new Map(rows.map(({ id, month, ...rest }) => [id, { ...rest, month: month.slice(0, 7) }]));
}
