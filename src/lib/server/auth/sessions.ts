import { and, eq, lt, ne } from 'drizzle-orm';
import type { Db } from '../db';
import { counties } from '../divisions/schema';
import { factoryOwners } from '../factories/schema';
import type { UserActor } from './actor';
import { sessions, userTownships, userVillages, users, SIGN_IN_METHODS } from './schema';
import { generateToken, hashToken } from './tokens';

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY;
// A session used in its last 15 days is extended to a full 30 again.
const RENEW_WITHIN_MS = 15 * DAY;
export const SESSION_COOKIE = 'levee_session';

export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

export interface SessionInfo {
	id: string;
	expiresAt: Date;
	method: SignInMethod;
}

export interface NewSession {
	token: string;
	session: SessionInfo;
}

export async function createSession(
	db: Db,
	userId: string,
	method: SignInMethod,
	client: { ip?: string | null; userAgent?: string | null } = {}
): Promise<NewSession> {
	const token = generateToken();
	const session = {
		id: hashToken(token),
		userId,
		method,
		expiresAt: new Date(Date.now() + SESSION_LIFETIME_MS),
		ip: client.ip?.slice(0, 64) ?? null,
		userAgent: client.userAgent?.slice(0, 300) ?? null
	};
	await db.insert(sessions).values(session);
	return { token, session: { id: session.id, expiresAt: session.expiresAt, method } };
}

export interface ValidatedSession {
	user: UserActor;
	session: SessionInfo;
	/** True when the expiry moved, so the cookie must be sent again. */
	renewed: boolean;
}

/** The person behind a cookie's token, or null for an unknown, expired or disabled one. */
export async function validateSessionToken(
	db: Db,
	token: string
): Promise<ValidatedSession | null> {
	if (!/^[a-z2-7]{16,64}$/.test(token)) return null;
	const id = hashToken(token);
	const [row] = await db
		.select({ session: sessions, user: users, countyCode: counties.code })
		.from(sessions)
		.innerJoin(users, eq(users.id, sessions.userId))
		.innerJoin(counties, eq(counties.id, users.countyId))
		.where(eq(sessions.id, id));
	if (!row) return null;
	const now = Date.now();
	if (row.session.expiresAt.getTime() <= now || row.user.disabledAt) {
		await db.delete(sessions).where(eq(sessions.id, id));
		return null;
	}
	let expiresAt = row.session.expiresAt;
	let renewed = false;
	if (expiresAt.getTime() - now < RENEW_WITHIN_MS) {
		expiresAt = new Date(now + SESSION_LIFETIME_MS);
		await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
		renewed = true;
	}
	const townshipCodes =
		row.user.role === 'township_staff'
			? (
					await db
						.select({ code: userTownships.townshipCode })
						.from(userTownships)
						.where(eq(userTownships.userId, row.user.id))
				).map((t) => t.code)
			: [];
	const villageCodes =
		row.user.role === 'grid_member'
			? (
					await db
						.select({ code: userVillages.villageCode })
						.from(userVillages)
						.where(eq(userVillages.userId, row.user.id))
				).map((v) => v.code)
			: [];
	const factoryIds =
		row.user.role === 'factory_owner'
			? (
					await db
						.select({ id: factoryOwners.factoryId })
						.from(factoryOwners)
						.where(eq(factoryOwners.userId, row.user.id))
				).map((f) => f.id)
			: [];
	return {
		user: {
			userId: row.user.id,
			label: row.user.displayName,
			role: row.user.role,
			countyId: row.user.countyId,
			countyCode: row.countyCode,
			townshipCodes,
			villageCodes,
			householdId: row.user.householdId,
			factoryIds
		},
		session: { id, expiresAt, method: row.session.method },
		renewed
	};
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
	await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of a user, or every one but `keep` (the device asking). */
export async function invalidateUserSessions(db: Db, userId: string, keep?: string): Promise<void> {
	await db
		.delete(sessions)
		.where(
			keep ? and(eq(sessions.userId, userId), ne(sessions.id, keep)) : eq(sessions.userId, userId)
		);
}

export async function deleteExpiredSessions(db: Db): Promise<void> {
	await db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
}
