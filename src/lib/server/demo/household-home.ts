import { and, eq, exists, isNotNull, like, asc } from 'drizzle-orm';
import type { Db } from '../db';
import { households } from '../households/schema';
import { ledgerEntries } from '../income/schema';
import type { LedgerSource } from '../income/schema';

// The demo's signed-in household shows every kind of money on its own phone: a factory
// wage, picking pay, a planting subsidy and an insurance payout (a real claim, paid by the
// insurance demo).

/** The township of the demo's household sign-in. */
export const DEMO_HOME_TOWNSHIP = '130434205';

function has(countyId: string, source: LedgerSource, db: Db) {
	return exists(
		db
			.select({ id: ledgerEntries.id })
			.from(ledgerEntries)
			.where(
				and(
					eq(ledgerEntries.countyId, countyId),
					eq(ledgerEntries.householdId, households.id),
					eq(ledgerEntries.source, source)
				)
			)
	);
}

/**
 * The first household of the township with a phone whose ledger holds factory wages,
 * picking pay and a planting subsidy; null when the demo has none.
 */
export async function demoHomeHousehold(
	db: Db,
	countyId: string,
	townshipCode: string
): Promise<typeof households.$inferSelect | null> {
	const [row] = await db
		.select()
		.from(households)
		.where(
			and(
				eq(households.countyId, countyId),
				like(households.villageCode, `${townshipCode}%`),
				isNotNull(households.phone),
				has(countyId, 'factory_wage', db),
				has(countyId, 'picking', db),
				has(countyId, 'planting_subsidy', db)
			)
		)
		.orderBy(asc(households.householdNumber))
		.limit(1);
	return row ?? null;
}
