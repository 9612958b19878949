import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db';
import { users, userVillages } from './schema';

export interface VillageContact {
	name: string;
	phone: string | null;
}

/** The grid members (网格员) who visit a village, with their phones: whom a family calls. */
export async function villageGridMembers(
	db: Db,
	countyId: string,
	villageCode: string
): Promise<VillageContact[]> {
	return db
		.select({ name: users.displayName, phone: users.phone })
		.from(users)
		.innerJoin(userVillages, eq(userVillages.userId, users.id))
		.where(
			and(
				eq(users.countyId, countyId),
				eq(users.role, 'grid_member'),
				isNull(users.disabledAt),
				eq(userVillages.villageCode, villageCode)
			)
		)
		.orderBy(asc(users.displayName));
}
