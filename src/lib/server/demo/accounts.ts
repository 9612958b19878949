import { and, asc, eq, isNotNull, like } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId } from '../db/ids';
import { recordAudit } from '../audit';
import { systemActor, type UserActor } from '../auth/actor';
import { hashSecret } from '../auth/passwords';
import { userTownships, users } from '../auth/schema';
import { issueHouseholdCard, setHouseholdPin } from '../auth/users';
import { counties } from '../divisions/schema';
import { households } from '../households/schema';
import { DEMO_COUNTY_CODE } from './generate';
import { attachDemoOwner } from './factories';
import { demoHomeHousehold, seedDemoInsurancePayout } from './household-home';
import { todayInChina } from '../../format';

/** The demo's sign-ins, printed at start-up and listed in the README. Demo data only. */
export const DEMO_ACCOUNTS = {
	admin: { username: 'admin', password: 'weixian-admin' },
	staff: {
		username: 'staff',
		password: 'weixian-staff',
		// 东代固镇 and 前大磨乡, where the report's households live.
		townships: ['130434108', '130434205']
	},
	factoryOwner: { username: 'factory', password: 'weixian-factory' },
	household: { pin: '802413' }
} as const;

export interface DemoSignIns {
	householdPhone: string;
	householdCardToken: string | null;
}

/**
 * Creates one account per role in the demo county, unless they exist. Returns the
 * household's phone and, on first creation, its card token (only then is it known).
 */
export async function seedDemoAccounts(db: Db): Promise<DemoSignIns> {
	const [county] = await db.select().from(counties).where(eq(counties.code, DEMO_COUNTY_CODE));
	if (!county) throw new Error('The demo county must be seeded before its accounts');
	// household: one with wages, picking and a subsidy, so its own phone shows each kind.
	const household =
		(await demoHomeHousehold(db, county.id, '130434205')) ??
		(
			await db
				.select()
				.from(households)
				.where(
					and(
						eq(households.countyId, county.id),
						like(households.villageCode, '130434205%'),
						isNotNull(households.phone)
					)
				)
				.orderBy(asc(households.householdNumber))
				.limit(1)
		)[0];
	const [existingAdmin] = await db
		.select()
		.from(users)
		.where(eq(users.username, DEMO_ACCOUNTS.admin.username));
	if (existingAdmin) return { householdPhone: household?.phone ?? '', householdCardToken: null };

	const actor = systemActor('demo');
	const [adminHash, staffHash, ownerHash] = await Promise.all([
		hashSecret(DEMO_ACCOUNTS.admin.password),
		hashSecret(DEMO_ACCOUNTS.staff.password),
		hashSecret(DEMO_ACCOUNTS.factoryOwner.password)
	]);
	const adminId = newId();
	await inTransaction(db, async (tx) => {
		const staffId = newId();
		const rows = [
			{
				id: adminId,
				role: 'county_admin' as const,
				displayName: '魏县防返贫办 管理员',
				username: 'admin',
				passwordHash: adminHash
			},
			{
				id: staffId,
				role: 'township_staff' as const,
				displayName: '王建军（乡镇干部）',
				username: 'staff',
				passwordHash: staffHash
			},
			{
				id: newId(),
				role: 'factory_owner' as const,
				displayName: '刘海涛（微工厂）',
				username: 'factory',
				passwordHash: ownerHash
			}
		];
		await tx.insert(users).values(rows.map((r) => ({ ...r, countyId: county.id })));
		await tx
			.insert(userTownships)
			.values(
				DEMO_ACCOUNTS.staff.townships.map((code) => ({ userId: staffId, townshipCode: code }))
			);
		for (const row of rows) {
			await recordAudit(tx, actor, {
				countyId: county.id,
				action: 'users.create',
				entity: 'user',
				entityId: row.id,
				after: { role: row.role, username: row.username }
			});
		}
	});
	await attachDemoOwner(db, county.id, DEMO_ACCOUNTS.factoryOwner.username);
	if (!household?.phone) return { householdPhone: '', householdCardToken: null };
	const admin: UserActor = {
		userId: adminId,
		label: 'demo',
		role: 'county_admin',
		countyId: county.id,
		countyCode: county.code,
		townshipCodes: [],
		villageCodes: [],
		householdId: null,
		factoryIds: []
	};
	await setHouseholdPin(db, admin, household.id, {
		phone: household.phone,
		pin: DEMO_ACCOUNTS.household.pin
	});
	const { token } = await issueHouseholdCard(db, admin, household.id);
	await seedDemoInsurancePayout(db, county.id, household.id, todayInChina());
	return { householdPhone: household.phone, householdCardToken: token };
}
