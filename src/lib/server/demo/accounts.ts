import { and, asc, eq, isNotNull, like } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId } from '../db/ids';
import { recordAudit } from '../audit';
import { systemActor, type UserActor } from '../auth/actor';
import { hashSecret } from '../auth/passwords';
import { userTownships, userVillages, users } from '../auth/schema';
import { issueHouseholdCard, setHouseholdPin } from '../auth/users';
import { counties } from '../divisions/schema';
import { households } from '../households/schema';
import { DEMO_COUNTY_CODE } from './generate';
import { attachDemoOwner } from './factories';
import { demoGridVillages, seedDemoLoop } from './loop';
import { DEMO_HOME_TOWNSHIP, demoHomeHousehold } from './household-home';
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
	// Visits three villages of 东代固镇 (the ones with the most demo households).
	grid: { username: 'grid', password: 'weixian-grid' },
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
		(await demoHomeHousehold(db, county.id, DEMO_HOME_TOWNSHIP)) ??
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
	const [adminHash, staffHash, ownerHash, gridHash] = await Promise.all([
		hashSecret(DEMO_ACCOUNTS.admin.password),
		hashSecret(DEMO_ACCOUNTS.staff.password),
		hashSecret(DEMO_ACCOUNTS.factoryOwner.password),
		hashSecret(DEMO_ACCOUNTS.grid.password)
	]);
	const adminId = newId();
	const staffId = newId();
	const gridId = newId();
	const gridVillages = await demoGridVillages(db, county.id);
	await inTransaction(db, async (tx) => {
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
			},
			{
				id: gridId,
				role: 'grid_member' as const,
				displayName: '李秀梅（网格员）',
				username: 'grid',
				passwordHash: gridHash
			}
		];
		await tx.insert(users).values(rows.map((r) => ({ ...r, countyId: county.id })));
		await tx
			.insert(userTownships)
			.values(
				DEMO_ACCOUNTS.staff.townships.map((code) => ({ userId: staffId, townshipCode: code }))
			);
		if (gridVillages.length) {
			await tx
				.insert(userVillages)
				.values(gridVillages.map((code) => ({ userId: gridId, villageCode: code })));
		}
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
	const signedIn = (userId: string, label: string, role: UserActor['role']): UserActor => ({
		userId,
		label,
		role,
		countyId: county.id,
		countyCode: county.code,
		townshipCodes: role === 'township_staff' ? [...DEMO_ACCOUNTS.staff.townships] : [],
		villageCodes: role === 'grid_member' ? gridVillages : [],
		householdId: null,
		factoryIds: []
	});
	// The monitoring loop, worked by the demo's grid member and township staff.
	await seedDemoLoop(
		db,
		signedIn(gridId, '李秀梅（网格员）', 'grid_member'),
		signedIn(staffId, '王建军（乡镇干部）', 'township_staff'),
		todayInChina()
	);
	if (!household?.phone) return { householdPhone: '', householdCardToken: null };
	const admin = signedIn(adminId, 'demo', 'county_admin');
	await setHouseholdPin(db, admin, household.id, {
		phone: household.phone,
		pin: DEMO_ACCOUNTS.household.pin
	});
	const { token } = await issueHouseholdCard(db, admin, household.id);
	return { householdPhone: household.phone, householdCardToken: token };
}
