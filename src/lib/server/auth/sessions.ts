import { and, eq, lt, ne, sql, type SQL } from 'drizzle-orm';
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

/**
 * Every request of a signed-in person asks this, so it is one prepared statement: the
 * session, its user, the county and the places the role works in (only the role's own
 * list is read: a CASE runs its subquery only for that role).
 */
function prepareSessionLookup(db: Db) {
	const places = (role: string, list: SQL) =>
		sql<string[]>`case when ${users.role} = ${role} then array(${list}) else '{}'::text[] end`;
	return db
		.select({
			expiresAt: sessions.expiresAt,
			method: sessions.method,
			userId: users.id,
			countyId: users.countyId,
			role: users.role,
			displayName: users.displayName,
			householdId: users.householdId,
			disabledAt: users.disabledAt,
			countyCode: counties.code,
			townshipCodes: places(
				'township_staff',
				sql`select ${userTownships.townshipCode}::text from ${userTownships} where ${userTownships.userId} = ${users.id} order by 1`
			),
			villageCodes: places(
				'grid_member',
				sql`select ${userVillages.villageCode}::text from ${userVillages} where ${userVillages.userId} = ${users.id} order by 1`
			),
			factoryIds: places(
				'factory_owner',
				sql`select ${factoryOwners.factoryId}::text from ${factoryOwners} where ${factoryOwners.userId} = ${users.id} order by 1`
			)
		})
		.from(sessions)
		.innerJoin(users, eq(users.id, sessions.userId))
		.innerJoin(counties, eq(counties.id, users.countyId))
		.where(eq(sessions.id, sql.placeholder('id')))
		.prepare('auth_session_lookup');
}

const preparedLookups = new WeakMap<Db, ReturnType<typeof prepareSessionLookup>>();

function sessionLookup(db: Db) {
	let statement = preparedLookups.get(db);
	if (!statement) {
		statement = prepareSessionLookup(db);
		preparedLookups.set(db, statement);
	}
	return statement;
}

/** The person behind a cookie's token, or null for an unknown, expired or disabled one. */
export async function validateSessionToken(
	db: Db,
	token: string
): Promise<ValidatedSession | null> {
	if (!/^[a-z2-7]{16,64}$/.test(token)) return null;
	const id = hashToken(token);
	const [row] = await sessionLookup(db).execute({ id });
	if (!row) return null;
	const now = Date.now();
	let expiresAt = row.expiresAt;
	if (expiresAt.getTime() <= now || row.disabledAt) {
		await db.delete(sessions).where(eq(sessions.id, id));
		return null;
	}
	let renewed = false;
	if (expiresAt.getTime() - now < RENEW_WITHIN_MS) {
		expiresAt = new Date(now + SESSION_LIFETIME_MS);
		await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
		renewed = true;
	}
	return {
		user: {
			userId: row.userId,
			label: row.displayName,
			role: row.role,
			countyId: row.countyId,
			countyCode: row.countyCode,
			townshipCodes: row.townshipCodes,
			villageCodes: row.villageCodes,
			householdId: row.householdId,
			factoryIds: row.factoryIds
		},
		session: { id, expiresAt, method: row.method },
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
