import { and, asc, desc, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { textInput } from '../input';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { isUuid, newId } from '../db/ids';
import { recordAudit } from '../audit';
import { divisions } from '../divisions/schema';
import { DomainError, type FieldIssue } from '../errors';
import { HEAD_OF_HOUSEHOLD, households, members } from '../households/schema';
import type { UserActor } from './actor';
import { recordAuthEvent } from './events';
import { hashSecret, passwordProblem, pinProblem, verifySecret } from './passwords';
import {
	canSeeHousehold,
	canSeeTownship,
	canSeeVillage,
	knownInScope,
	type KnownHousehold
} from './scope';
import {
	householdCards,
	sessions,
	userTownships,
	userVillages,
	users,
	ROLES,
	type Role
} from './schema';
import { createSession, invalidateUserSessions, type NewSession } from './sessions';
import { generateToken, hashToken } from './tokens';

export type UserRow = typeof users.$inferSelect;

/** What is shown about a user: never a hash. */
export interface UserSummary {
	id: string;
	role: Role;
	displayName: string;
	username: string | null;
	phone: string | null;
	householdId: string | null;
	disabled: boolean;
	createdAt: Date;
	townshipCodes: string[];
	/** Grid members: the villages they visit. */
	villageCodes: string[];
}

function summarize(
	user: UserRow,
	townshipCodes: string[] = [],
	villageCodes: string[] = []
): UserSummary {
	return {
		id: user.id,
		role: user.role,
		displayName: user.displayName,
		username: user.username,
		phone: user.phone,
		householdId: user.householdId,
		disabled: user.disabledAt !== null,
		createdAt: user.createdAt,
		townshipCodes,
		villageCodes
	};
}

const USERNAME = /^[a-z][a-z0-9_.-]{2,39}$/;
const MOBILE = /^1[3-9]\d{9}$/;

/** Trimmed text; NUL, control characters or more than `max` characters are refused. */
function text(value: unknown, max = 200, field = ''): string {
	return textInput(value, max, field);
}

function throwIfAny(issues: FieldIssue[]): void {
	if (issues.length > 0) throw new DomainError('invalid', issues);
}

/**
 * May this actor manage that user? Admins: everyone in the county; staff: households of
 * their townships and grid members whose villages all lie in their townships.
 */
async function manageableUser(db: Db, actor: UserActor, userId: string): Promise<UserRow> {
	if (!isUuid(userId)) throw DomainError.notFound();
	const [user] = await db
		.select()
		.from(users)
		.where(and(eq(users.id, userId), eq(users.countyId, actor.countyId)));
	if (!user) throw DomainError.notFound();
	if (actor.role === 'county_admin') return user;
	if (actor.role === 'township_staff' && user.role === 'household' && user.householdId) {
		const household = await householdRow(db, actor, user.householdId);
		if (household) return user;
	}
	if (actor.role === 'township_staff' && user.role === 'grid_member') {
		const villages = await villagesOf(db, user.id);
		if (villages.length > 0 && villages.every((v) => canSeeVillage(actor, v))) return user;
	}
	throw DomainError.notFound();
}

async function villagesOf(db: Db, userId: string): Promise<string[]> {
	const rows = await db
		.select({ code: userVillages.villageCode })
		.from(userVillages)
		.where(eq(userVillages.userId, userId))
		.orderBy(asc(userVillages.villageCode));
	return rows.map((r) => r.code);
}

/** Village codes the actor may give a grid member: real villages of their county and scope. */
async function checkVillages(db: Db, actor: UserActor, codes: unknown[]): Promise<string[]> {
	const villageCodes = [...new Set(codes.map((c) => text(c, 20, 'villageCodes')).filter(Boolean))];
	if (
		villageCodes.length === 0 ||
		villageCodes.length > 50 ||
		villageCodes.some((c) => !/^\d{12}$/.test(c) || !canSeeVillage(actor, c))
	)
		throw DomainError.invalid('villageCodes', 'grid_error_villages');
	const found = await db
		.select({ code: divisions.code })
		.from(divisions)
		.where(
			and(
				inArray(divisions.code, villageCodes),
				eq(divisions.level, 'village'),
				eq(divisions.countyCode, actor.countyCode)
			)
		);
	if (found.length !== villageCodes.length)
		throw DomainError.invalid('villageCodes', 'grid_error_villages');
	return villageCodes;
}

async function householdRow(db: Db, actor: UserActor, householdId: string) {
	const [household] = await db
		.select()
		.from(households)
		.where(and(eq(households.countyId, actor.countyId), eq(households.id, householdId)));
	return household && canSeeHousehold(actor, household) ? household : null;
}

export interface CreateUserInput {
	role: unknown;
	displayName: unknown;
	username: unknown;
	phone: unknown;
	password: unknown;
	townshipCodes: unknown[];
}

/** A county admin creates a staff, admin or factory-owner account in the county. */
export async function createStaffUser(
	db: Db,
	actor: UserActor,
	input: CreateUserInput
): Promise<UserSummary> {
	if (actor.role !== 'county_admin') throw DomainError.notFound();
	const role = text(input.role, 200, 'role') as Role;
	const displayName = text(input.displayName, 200, 'displayName');
	const username = text(input.username, 200, 'username').toLowerCase() || null;
	const phone = text(input.phone, 200, 'phone').replace(/[\s-]/g, '') || null;
	const password = typeof input.password === 'string' ? input.password : '';
	const townshipCodes = [
		...new Set(input.townshipCodes.map((c) => text(c, 20, 'townshipCodes')).filter(Boolean))
	];
	const issues: FieldIssue[] = [];
	if (!ROLES.includes(role) || role === 'household' || role === 'grid_member')
		issues.push({ field: 'role', key: 'users_error_role' });
	if (!displayName || displayName.length > 40)
		issues.push({ field: 'displayName', key: 'users_error_name' });
	if (!username && !phone) issues.push({ field: 'username', key: 'users_error_username_or_phone' });
	if (username && !USERNAME.test(username))
		issues.push({ field: 'username', key: 'users_error_username' });
	if (phone && !MOBILE.test(phone)) issues.push({ field: 'phone', key: 'users_error_phone' });
	const problem = passwordProblem(password, [username, phone, displayName]);
	if (problem) issues.push({ field: 'password', key: `users_error_${problem}` });
	if (role === 'township_staff') {
		if (townshipCodes.length === 0 || townshipCodes.some((c) => !canSeeTownship(actor, c))) {
			issues.push({ field: 'townshipCodes', key: 'users_error_townships' });
		}
	}
	throwIfAny(issues);
	if (role === 'township_staff') {
		const found = await db
			.select({ code: divisions.code })
			.from(divisions)
			.where(and(inArray(divisions.code, townshipCodes), eq(divisions.level, 'township')));
		if (found.length !== townshipCodes.length)
			throw DomainError.invalid('townshipCodes', 'users_error_townships');
	}
	const passwordHash = await hashSecret(password);
	return inTransaction(db, async (tx) => {
		await assertFree(tx, { username, phone, household: false });
		const [user] = await tx
			.insert(users)
			.values({
				id: newId(),
				countyId: actor.countyId,
				role,
				displayName,
				username,
				phone,
				passwordHash
			})
			.returning();
		if (role === 'township_staff') {
			await tx
				.insert(userTownships)
				.values(townshipCodes.map((code) => ({ userId: user.id, townshipCode: code })));
		}
		const summary = summarize(user, role === 'township_staff' ? townshipCodes : []);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'users.create',
			entity: 'user',
			entityId: user.id,
			after: summary
		});
		return summary;
	});
}

async function assertFree(
	db: Db,
	wanted: {
		username: string | null;
		phone: string | null;
		household: boolean;
		exceptUserId?: string;
	}
): Promise<void> {
	if (wanted.username) {
		const [taken] = await db
			.select({ id: users.id })
			.from(users)
			.where(eq(users.username, wanted.username));
		if (taken && taken.id !== wanted.exceptUserId)
			throw DomainError.conflict('username', 'users_error_username_taken');
	}
	if (wanted.phone) {
		const roleCondition = wanted.household
			? eq(users.role, 'household')
			: sql`${users.role} <> 'household'`;
		const [taken] = await db
			.select({ id: users.id })
			.from(users)
			.where(and(eq(users.phone, wanted.phone), roleCondition));
		if (taken && taken.id !== wanted.exceptUserId)
			throw DomainError.conflict('phone', 'users_error_phone_taken');
	}
}

export interface UserFilter {
	role?: string;
	query?: string;
	limit?: number;
	offset?: number;
}

/** The accounts an actor manages: the county's for admins, their households' for staff. */
export async function listUsers(
	db: Db,
	actor: UserActor,
	filter: UserFilter = {}
): Promise<UserSummary[]> {
	const conditions: SQL[] = [eq(users.countyId, actor.countyId)];
	if (actor.role === 'township_staff') {
		if (actor.townshipCodes.length === 0) return [];
		// Households of their townships, and grid members who visit only there.
		conditions.push(
			or(
				and(
					eq(users.role, 'household'),
					inArray(sql`left(${households.villageCode}, 9)`, actor.townshipCodes)
				),
				and(
					eq(users.role, 'grid_member'),
					sql`exists (select 1 from ${userVillages} where ${userVillages.userId} = ${users.id})`,
					sql`not exists (select 1 from ${userVillages} where ${userVillages.userId} = ${users.id} and left(${userVillages.villageCode}, 9) not in (${sql.join(
						actor.townshipCodes.map((c) => sql`${c}`),
						sql`, `
					)}))`
				)
			) as SQL
		);
	} else if (actor.role !== 'county_admin') {
		return [];
	}
	if (filter.role && (ROLES as readonly string[]).includes(filter.role)) {
		conditions.push(eq(users.role, filter.role as Role));
	}
	const query = filter.query?.trim();
	if (query) {
		const like = `%${query.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
		conditions.push(
			or(
				ilike(users.displayName, like),
				ilike(users.username, like),
				ilike(users.phone, like)
			) as SQL
		);
	}
	const rows = await db
		.select({ user: users })
		.from(users)
		.leftJoin(
			households,
			and(eq(households.countyId, users.countyId), eq(households.id, users.householdId))
		)
		.where(and(...conditions))
		.orderBy(asc(users.role), asc(users.displayName))
		.limit(filter.limit ?? 200)
		.offset(filter.offset ?? 0);
	const staffIds = rows.filter((r) => r.user.role === 'township_staff').map((r) => r.user.id);
	const gridIds = rows.filter((r) => r.user.role === 'grid_member').map((r) => r.user.id);
	const [townships, villages] = await Promise.all([
		staffIds.length
			? db.select().from(userTownships).where(inArray(userTownships.userId, staffIds))
			: Promise.resolve([]),
		gridIds.length
			? db.select().from(userVillages).where(inArray(userVillages.userId, gridIds))
			: Promise.resolve([])
	]);
	return rows.map((r) =>
		summarize(
			r.user,
			townships.filter((t) => t.userId === r.user.id).map((t) => t.townshipCode),
			villages.filter((v) => v.userId === r.user.id).map((v) => v.villageCode)
		)
	);
}

export interface SessionSummary {
	id: string;
	method: string;
	createdAt: Date;
	expiresAt: Date;
	userAgent: string | null;
	ip: string | null;
}

export interface UserDetail {
	user: UserSummary;
	sessions: SessionSummary[];
	hasActiveCard: boolean;
}

export async function getUserDetail(db: Db, actor: UserActor, userId: string): Promise<UserDetail> {
	const user = await manageableUser(db, actor, userId);
	const [townships, villages, userSessions, cards] = await Promise.all([
		db.select().from(userTownships).where(eq(userTownships.userId, user.id)),
		villagesOf(db, user.id),
		listSessions(db, user.id),
		user.householdId
			? db
					.select({ id: householdCards.id })
					.from(householdCards)
					.where(
						and(
							eq(householdCards.countyId, user.countyId),
							eq(householdCards.householdId, user.householdId),
							isNull(householdCards.revokedAt)
						)
					)
			: Promise.resolve([])
	]);
	return {
		user: summarize(
			user,
			townships.map((t) => t.townshipCode),
			villages
		),
		sessions: userSessions,
		hasActiveCard: cards.length > 0
	};
}

export async function listSessions(db: Db, userId: string): Promise<SessionSummary[]> {
	return db
		.select({
			id: sessions.id,
			method: sessions.method,
			createdAt: sessions.createdAt,
			expiresAt: sessions.expiresAt,
			userAgent: sessions.userAgent,
			ip: sessions.ip
		})
		.from(sessions)
		.where(and(eq(sessions.userId, userId), sql`${sessions.expiresAt} > now()`))
		.orderBy(desc(sessions.createdAt));
}

/** Disabling ends every session at once; the account stays for the audit log. */
export async function setUserDisabled(
	db: Db,
	actor: UserActor,
	userId: string,
	disabled: boolean
): Promise<UserSummary> {
	const user = await manageableUser(db, actor, userId);
	if (user.id === actor.userId) throw DomainError.invalid('', 'users_error_disable_self');
	return inTransaction(db, async (tx) => {
		const [after] = await tx
			.update(users)
			.set({ disabledAt: disabled ? new Date() : null, updatedAt: new Date() })
			.where(eq(users.id, user.id))
			.returning();
		if (disabled) await invalidateUserSessions(tx, user.id);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: disabled ? 'users.disable' : 'users.enable',
			entity: 'user',
			entityId: user.id,
			before: { disabled: user.disabledAt !== null },
			after: { disabled: after.disabledAt !== null }
		});
		return summarize(after);
	});
}

/** An admin sets a new password for a staff account; its sessions end. */
export async function resetPassword(
	db: Db,
	actor: UserActor,
	userId: string,
	password: unknown
): Promise<void> {
	const user = await manageableUser(db, actor, userId);
	if (user.role === 'household')
		throw DomainError.invalid('password', 'users_error_household_password');
	const secret = typeof password === 'string' ? password : '';
	const problem = passwordProblem(secret, [user.username, user.phone, user.displayName]);
	if (problem) throw DomainError.invalid('password', `users_error_${problem}`);
	const passwordHash = await hashSecret(secret);
	await inTransaction(db, async (tx) => {
		await tx
			.update(users)
			.set({ passwordHash, updatedAt: new Date() })
			.where(eq(users.id, user.id));
		await invalidateUserSessions(tx, user.id);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'users.reset_password',
			entity: 'user',
			entityId: user.id
		});
	});
}

/** Anyone with a password changes their own; every other session of theirs ends. */
export async function changeOwnPassword(
	db: Db,
	actor: UserActor,
	input: { current: unknown; next: unknown },
	client: { ip: string | null; userAgent: string | null }
): Promise<NewSession> {
	const [user] = await db.select().from(users).where(eq(users.id, actor.userId));
	if (!user || !user.passwordHash) throw DomainError.notFound();
	const current = typeof input.current === 'string' ? input.current : '';
	const next = typeof input.next === 'string' ? input.next : '';
	if (!(await verifySecret(user.passwordHash, current))) {
		throw DomainError.invalid('current', 'account_error_current_password');
	}
	const problem = passwordProblem(next, [user.username, user.phone, user.displayName, current]);
	if (problem) throw DomainError.invalid('next', `users_error_${problem}`);
	const passwordHash = await hashSecret(next);
	return inTransaction(db, async (tx) => {
		await tx
			.update(users)
			.set({ passwordHash, updatedAt: new Date() })
			.where(eq(users.id, user.id));
		await invalidateUserSessions(tx, user.id);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'users.change_password',
			entity: 'user',
			entityId: user.id
		});
		return createSession(tx, user.id, 'password', client);
	});
}

/** Signs a user out of every device (their own choice, or an admin's). */
export async function endAllSessions(db: Db, actor: UserActor, userId: string): Promise<void> {
	const user = userId === actor.userId ? null : await manageableUser(db, actor, userId);
	await inTransaction(db, async (tx) => {
		await invalidateUserSessions(tx, userId);
		await recordAuthEvent(tx, { kind: 'sign_out_everywhere', userId, countyId: actor.countyId });
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'sessions.end_all',
			entity: 'user',
			entityId: user?.id ?? actor.userId
		});
	});
}

/** Ends one session of a user the actor may manage, or one of the actor's own. */
export async function endSession(
	db: Db,
	actor: UserActor,
	userId: string,
	sessionId: string
): Promise<void> {
	if (userId !== actor.userId) await manageableUser(db, actor, userId);
	// A session id is the SHA-256 of its token in hex; anything else names no session.
	if (!/^[0-9a-f]{64}$/.test(sessionId)) throw DomainError.notFound();
	await inTransaction(db, async (tx) => {
		const ended = await tx
			.delete(sessions)
			.where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
			.returning({ id: sessions.id });
		if (ended.length === 0) throw DomainError.notFound();
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'sessions.end',
			entity: 'user',
			entityId: userId,
			after: { session: sessionId.slice(0, 8) }
		});
	});
}

/** The household's account, created on first need (a PIN or a printed card). */
async function ensureHouseholdUser(
	tx: Db,
	actor: UserActor,
	household: typeof households.$inferSelect
): Promise<UserRow> {
	const [existing] = await tx
		.select()
		.from(users)
		.where(and(eq(users.countyId, household.countyId), eq(users.householdId, household.id)));
	if (existing) return existing;
	const [head] = await tx
		.select({ name: members.name })
		.from(members)
		.where(and(eq(members.countyId, household.countyId), eq(members.householdId, household.id)))
		.orderBy(sql`${members.relation} <> ${HEAD_OF_HOUSEHOLD}`, asc(members.createdAt))
		.limit(1);
	const [created] = await tx
		.insert(users)
		.values({
			id: newId(),
			countyId: household.countyId,
			role: 'household',
			displayName: head?.name ?? household.householdNumber,
			householdId: household.id
		})
		.returning();
	await recordAudit(tx, actor, {
		countyId: household.countyId,
		action: 'users.create',
		entity: 'user',
		entityId: created.id,
		after: summarize(created)
	});
	return created;
}

async function scopedHousehold(db: Db, actor: UserActor, householdId: string) {
	if (actor.role !== 'county_admin' && actor.role !== 'township_staff')
		throw DomainError.notFound();
	const household = await householdRow(db, actor, householdId);
	if (!household) throw DomainError.notFound();
	return household;
}

/** Township staff set the phone and 6-digit PIN a household signs in with. */
export async function setHouseholdPin(
	db: Db,
	actor: UserActor,
	householdId: string,
	input: { phone: unknown; pin: unknown }
): Promise<UserSummary> {
	const household = await scopedHousehold(db, actor, householdId);
	const phone = text(input.phone, 200, 'phone').replace(/[\s-]/g, '');
	const pin = text(input.pin, 200, 'pin');
	const issues: FieldIssue[] = [];
	if (!MOBILE.test(phone)) issues.push({ field: 'phone', key: 'users_error_phone' });
	const problem = pinProblem(pin);
	if (problem) issues.push({ field: 'pin', key: `users_error_${problem}` });
	throwIfAny(issues);
	const pinHash = await hashSecret(pin);
	return inTransaction(db, async (tx) => {
		const user = await ensureHouseholdUser(tx, actor, household);
		await assertFree(tx, { username: null, phone, household: true, exceptUserId: user.id });
		const [after] = await tx
			.update(users)
			.set({ phone, pinHash, updatedAt: new Date() })
			.where(eq(users.id, user.id))
			.returning();
		await invalidateUserSessions(tx, user.id);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'users.set_pin',
			entity: 'user',
			entityId: user.id,
			before: { phone: user.phone },
			after: { phone }
		});
		return summarize(after);
	});
}

/**
 * Prints a new QR card for a household: the previous card stops working. The token is
 * returned once, for the printed card; only its hash is kept.
 */
export async function issueHouseholdCard(
	db: Db,
	actor: UserActor,
	householdId: string
): Promise<{ token: string }> {
	const household = await scopedHousehold(db, actor, householdId);
	const token = generateToken(32);
	await inTransaction(db, async (tx) => {
		await ensureHouseholdUser(tx, actor, household);
		await revokeCards(tx, household);
		const id = newId();
		await tx.insert(householdCards).values({
			countyId: household.countyId,
			id,
			householdId: household.id,
			tokenHash: hashToken(token),
			createdBy: actor.userId
		});
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'household_cards.issue',
			entity: 'household',
			entityId: household.id,
			after: { card: id }
		});
	});
	return { token };
}

async function revokeCards(tx: Db, household: { countyId: string; id: string }): Promise<number> {
	const revoked = await tx
		.update(householdCards)
		.set({ revokedAt: new Date() })
		.where(
			and(
				eq(householdCards.countyId, household.countyId),
				eq(householdCards.householdId, household.id),
				isNull(householdCards.revokedAt)
			)
		)
		.returning({ id: householdCards.id });
	return revoked.length;
}

/** Revokes the household's card and ends the sessions it opened. */
export async function revokeHouseholdCard(
	db: Db,
	actor: UserActor,
	householdId: string
): Promise<void> {
	const household = await scopedHousehold(db, actor, householdId);
	await inTransaction(db, async (tx) => {
		const revoked = await revokeCards(tx, household);
		if (revoked === 0) throw DomainError.invalid('', 'users_error_no_card');
		const [user] = await tx
			.select({ id: users.id })
			.from(users)
			.where(and(eq(users.countyId, household.countyId), eq(users.householdId, household.id)));
		if (user) {
			await tx
				.delete(sessions)
				.where(and(eq(sessions.userId, user.id), eq(sessions.method, 'card')));
		}
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'household_cards.revoke',
			entity: 'household',
			entityId: household.id
		});
	});
}

export interface HouseholdAccount {
	userId: string | null;
	phone: string | null;
	hasPin: boolean;
	hasActiveCard: boolean;
	disabled: boolean;
}

/** How a household signs in today, for the staff who manage it. */
export async function getHouseholdAccount(
	db: Db,
	actor: UserActor,
	householdId: string,
	known?: KnownHousehold & { phone: string | null }
): Promise<HouseholdAccount> {
	const household =
		(actor.role === 'county_admin' || actor.role === 'township_staff'
			? knownInScope(actor, householdId, known)
			: null) ?? (await scopedHousehold(db, actor, householdId));
	const [[user], cards] = await Promise.all([
		db
			.select()
			.from(users)
			.where(and(eq(users.countyId, household.countyId), eq(users.householdId, household.id))),
		db
			.select({ id: householdCards.id })
			.from(householdCards)
			.where(
				and(
					eq(householdCards.countyId, household.countyId),
					eq(householdCards.householdId, household.id),
					isNull(householdCards.revokedAt)
				)
			)
	]);
	return {
		userId: user?.id ?? null,
		phone: user?.phone ?? household.phone,
		hasPin: !!user?.pinHash,
		hasActiveCard: cards.length > 0,
		disabled: !!user?.disabledAt
	};
}

export interface GridMemberInput {
	displayName: unknown;
	username: unknown;
	phone: unknown;
	password: unknown;
	villageCodes: unknown[];
}

/**
 * A grid member (网格员) with the villages they visit: created by a county admin, or by
 * township staff for villages of their own townships.
 */
export async function createGridMember(
	db: Db,
	actor: UserActor,
	input: GridMemberInput
): Promise<UserSummary> {
	if (actor.role !== 'county_admin' && actor.role !== 'township_staff')
		throw DomainError.notFound();
	const displayName = text(input.displayName, 200, 'displayName');
	const username = text(input.username, 200, 'username').toLowerCase() || null;
	const phone = text(input.phone, 200, 'phone').replace(/[\s-]/g, '') || null;
	const password = typeof input.password === 'string' ? input.password : '';
	const issues: FieldIssue[] = [];
	if (!displayName || displayName.length > 40)
		issues.push({ field: 'displayName', key: 'users_error_name' });
	if (!username && !phone) issues.push({ field: 'username', key: 'users_error_username_or_phone' });
	if (username && !USERNAME.test(username))
		issues.push({ field: 'username', key: 'users_error_username' });
	if (phone && !MOBILE.test(phone)) issues.push({ field: 'phone', key: 'users_error_phone' });
	const problem = passwordProblem(password, [username, phone, displayName]);
	if (problem) issues.push({ field: 'password', key: `users_error_${problem}` });
	let villageCodes: string[] = [];
	try {
		villageCodes = await checkVillages(db, actor, input.villageCodes);
	} catch (caught) {
		if (!(caught instanceof DomainError)) throw caught;
		issues.push(...caught.issues);
	}
	throwIfAny(issues);
	const passwordHash = await hashSecret(password);
	return inTransaction(db, async (tx) => {
		await assertFree(tx, { username, phone, household: false });
		const [user] = await tx
			.insert(users)
			.values({
				id: newId(),
				countyId: actor.countyId,
				role: 'grid_member',
				displayName,
				username,
				phone,
				passwordHash
			})
			.returning();
		await tx
			.insert(userVillages)
			.values(villageCodes.map((villageCode) => ({ userId: user.id, villageCode })));
		const summary = summarize(user, [], villageCodes);
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'users.create',
			entity: 'user',
			entityId: user.id,
			after: summary
		});
		return summary;
	});
}

/** Changes the villages a grid member visits (scope is read at each request: no sign-out). */
export async function setGridVillages(
	db: Db,
	actor: UserActor,
	userId: string,
	codes: unknown[]
): Promise<string[]> {
	const user = await manageableUser(db, actor, userId);
	if (user.role !== 'grid_member') throw DomainError.notFound();
	const villageCodes = await checkVillages(db, actor, codes);
	const before = await villagesOf(db, user.id);
	// Staff may not take away villages outside their townships.
	if (before.some((v) => !canSeeVillage(actor, v))) throw DomainError.notFound();
	await inTransaction(db, async (tx) => {
		await tx.delete(userVillages).where(eq(userVillages.userId, user.id));
		await tx
			.insert(userVillages)
			.values(villageCodes.map((villageCode) => ({ userId: user.id, villageCode })));
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'users.villages',
			entity: 'user',
			entityId: user.id,
			before: { villageCodes: before },
			after: { villageCodes }
		});
	});
	return villageCodes;
}
