import { count, eq } from 'drizzle-orm';
import type { Db } from '../db';
import { households, members } from './schema';

export interface HouseholdCounts {
	households: number;
	members: number;
}

export async function countHouseholds(db: Db, countyId: string): Promise<HouseholdCounts> {
	const [[h], [p]] = await Promise.all([
		db.select({ n: count() }).from(households).where(eq(households.countyId, countyId)),
		db.select({ n: count() }).from(members).where(eq(members.countyId, countyId))
	]);
	return { households: h.n, members: p.n };
}
