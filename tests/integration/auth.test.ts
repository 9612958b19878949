import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { listAudit } from '../../src/lib/server/audit';
import { authEvents, sessions, users } from '../../src/lib/server/auth/schema';
import {
	createSession,
	SESSION_LIFETIME_MS,
	validateSessionToken
} from '../../src/lib/server/auth/sessions';
import {
	signInWithCard,
	signInWithPassword,
	signInWithPin
} from '../../src/lib/server/auth/sign-in';
import {
	changeOwnPassword,
	createStaffUser,
	issueHouseholdCard,
	listUsers,
	resetPassword,
	revokeHouseholdCard,
	setHouseholdPin,
	setUserDisabled
} from '../../src/lib/server/auth/users';
import { DomainError } from '../../src/lib/server/errors';
import { actorFor, addFactoryWorld, buildWorld, PASSWORD, userRow, type World } from './fixtures';
import { freshDatabase } from './helpers';

let database: Database;
let world: World;
const client = { ip: '192.0.2.10', userAgent: 'test' };

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
});
afterAll(async () => {
	await database.close();
});

async function failure(work: Promise<unknown>): Promise<DomainError> {
	try {
		await work;
	} catch (caught) {
		if (caught instanceof DomainError) return caught;
		throw caught;
	}
	throw new Error('expected a DomainError');
}

describe('sessions', () => {
	it('stores only the hash of a 160-bit token and finds the user by the token', async () => {
		const { db } = database;
		const { token, session } = await createSession(db, world.userIds.admin, 'password');
		expect(token).toMatch(/^[a-z2-7]{32}$/);
		expect(session.id).toMatch(/^[0-9a-f]{64}$/);
		expect(session.id).not.toContain(token);
		const [stored] = await db.select().from(sessions).where(eq(sessions.id, session.id));
		expect(stored.userId).toBe(world.userIds.admin);
		const validated = await validateSessionToken(db, token);
		expect(validated?.user).toMatchObject({
			userId: world.userIds.admin,
			role: 'county_admin',
			countyCode: '130434'
		});
		expect(
			await validateSessionToken(
				db,
				token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))
			)
		).toBeNull();
		expect(await validateSessionToken(db, 'not a token')).toBeNull();
	});

	it('renews a session in its last 15 days and ends an expired one', async () => {
		const { db } = database;
		const { token, session } = await createSession(db, world.userIds.admin, 'password');
		await db
			.update(sessions)
			.set({ expiresAt: new Date(Date.now() + 10 * 86_400_000) })
			.where(eq(sessions.id, session.id));
		const renewed = await validateSessionToken(db, token);
		expect(renewed?.renewed).toBe(true);
		expect(renewed!.session.expiresAt.getTime()).toBeGreaterThan(
			Date.now() + SESSION_LIFETIME_MS - 60_000
		);

		await db
			.update(sessions)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(sessions.id, session.id));
		expect(await validateSessionToken(db, token)).toBeNull();
		expect(await db.select().from(sessions).where(eq(sessions.id, session.id))).toHaveLength(0);
	});

	it('gives township staff their townships', async () => {
		const { user } = await actorFor(database.db, world.userIds.staffIn);
		expect(user.townshipCodes).toEqual(['130434108']);
	});

	it('gives each role its own places through the one session lookup, and no other role’s', async () => {
		const { db } = database;
		const { factoryId } = await addFactoryWorld(db, world);
		const staff = (await actorFor(db, world.userIds.staffIn)).user;
		const grid = (await actorFor(db, world.userIds.gridIn)).user;
		const owner = (await actorFor(db, world.userIds.owner)).user;
		const admin = (await actorFor(db, world.userIds.admin)).user;
		expect([staff.villageCodes, staff.factoryIds]).toEqual([[], []]);
		expect(grid.villageCodes).toEqual(['130434108068']);
		expect([grid.townshipCodes, grid.factoryIds]).toEqual([[], []]);
		expect(owner.factoryIds).toEqual([factoryId]);
		expect([owner.townshipCodes, owner.villageCodes]).toEqual([[], []]);
		expect([admin.townshipCodes, admin.villageCodes, admin.factoryIds]).toEqual([[], [], []]);
	});
});

describe('signing in with a password', () => {
	it('opens a session for the right password and records the sign-in', async () => {
		const staff = await userRow(database.db, world.userIds.staffIn);
		const { token } = await signInWithPassword(
			database.db,
			{ identifier: staff.username!.toUpperCase(), password: PASSWORD },
			client
		);
		expect((await validateSessionToken(database.db, token))?.user.userId).toBe(staff.id);
		const events = await database.db
			.select()
			.from(authEvents)
			.where(eq(authEvents.userId, staff.id));
		expect(events.map((e) => e.kind)).toContain('sign_in');
	});

	it('says the same thing for a wrong password, an unknown account and a disabled one', async () => {
		const admin = await actorFor(database.db, world.userIds.admin);
		const owner = await userRow(database.db, world.userIds.owner);
		const wrong = await failure(
			signInWithPassword(
				database.db,
				{ identifier: owner.username!, password: 'nope-nope-1' },
				client
			)
		);
		const unknown = await failure(
			signInWithPassword(database.db, { identifier: 'nobody-here', password: PASSWORD }, client)
		);
		await setUserDisabled(database.db, admin.user, owner.id, true);
		const disabled = await failure(
			signInWithPassword(database.db, { identifier: owner.username!, password: PASSWORD }, client)
		);
		await setUserDisabled(database.db, admin.user, owner.id, false);
		for (const error of [wrong, unknown, disabled]) {
			expect(error.issues).toEqual([{ field: '', key: 'auth_error_sign_in' }]);
		}
	});

	it('throttles the sixth failure in 15 minutes, even with the right password', async () => {
		const admin = await actorFor(database.db, world.userIds.admin);
		const created = await createStaffUser(database.db, admin.user, {
			role: 'factory_owner',
			displayName: '刘海涛',
			username: 'throttled-owner',
			phone: '',
			password: PASSWORD,
			townshipCodes: []
		});
		const fromHere = { ip: '198.51.100.7', userAgent: 'test' };
		for (let i = 0; i < 5; i++) {
			const error = await failure(
				signInWithPassword(
					database.db,
					{ identifier: 'throttled-owner', password: 'wrong-pass-1' },
					fromHere
				)
			);
			expect(error.issues[0].key).toBe('auth_error_sign_in');
		}
		const sixth = await failure(
			signInWithPassword(
				database.db,
				{ identifier: 'throttled-owner', password: PASSWORD },
				fromHere
			)
		);
		expect(sixth.issues[0]).toMatchObject({ key: 'auth_error_throttled', params: { minutes: 1 } });
		const kinds = (
			await database.db
				.select()
				.from(authEvents)
				.where(eq(authEvents.identifier, 'throttled-owner'))
		).map((e) => e.kind);
		expect(kinds.filter((k) => k === 'sign_in_failed')).toHaveLength(5);
		expect(kinds).toContain('sign_in_throttled');
		expect(created.role).toBe('factory_owner');
	});

	it('slows down one address that tries many accounts', async () => {
		const sprayer = { ip: '203.0.113.99', userAgent: 'test' };
		for (let i = 0; i < 20; i++) {
			const error = await failure(
				signInWithPassword(
					database.db,
					{ identifier: `guess-${i}`, password: 'wrong-pass-1' },
					sprayer
				)
			);
			expect(error.issues[0].key).toBe('auth_error_sign_in');
		}
		const next = await failure(
			signInWithPassword(
				database.db,
				{ identifier: 'guess-new', password: 'wrong-pass-1' },
				sprayer
			)
		);
		expect(next.issues[0].key).toBe('auth_error_throttled');
	});
});

describe('household sign-in', () => {
	it('signs in with the phone and PIN staff set, and not with a simple PIN', async () => {
		const staff = await actorFor(database.db, world.userIds.staffIn);
		const simple = await failure(
			setHouseholdPin(database.db, staff.user, world.households.inScope2, {
				phone: '13900001111',
				pin: '123456'
			})
		);
		expect(simple.issues).toEqual([{ field: 'pin', key: 'users_error_pin_simple' }]);
		await setHouseholdPin(database.db, staff.user, world.households.inScope2, {
			phone: '13900001111',
			pin: '802413'
		});
		const { token } = await signInWithPin(
			database.db,
			{ phone: '139 0000 1111', pin: '802413' },
			client
		);
		const validated = await validateSessionToken(database.db, token);
		expect(validated?.user).toMatchObject({
			role: 'household',
			householdId: world.households.inScope2
		});
		expect(
			(await failure(signInWithPin(database.db, { phone: '13900001111', pin: '802414' }, client)))
				.issues[0].key
		).toBe('my_auth_error_pin_wrong');
		// A malformed phone or PIN is told what is expected, before anything is tried.
		expect(
			(
				await failure(signInWithPin(database.db, { phone: '1390000', pin: '80241' }, client))
			).issues.map((i) => `${i.field}:${i.key}`)
		).toEqual(['phone:my_auth_error_phone', 'pin:my_auth_error_pin']);
	});

	it('refuses a household outside the staff member’s townships as not found', async () => {
		const staff = await actorFor(database.db, world.userIds.staffIn);
		const error = await failure(
			setHouseholdPin(database.db, staff.user, world.households.outOfScope, {
				phone: '13900002222',
				pin: '802413'
			})
		);
		expect(error.code).toBe('not_found');
	});

	it('signs in by card until the card is revoked, which also ends its sessions', async () => {
		const staff = await actorFor(database.db, world.userIds.staffIn);
		const { token: cardToken } = await issueHouseholdCard(
			database.db,
			staff.user,
			world.households.inScope
		);
		expect(cardToken.length).toBeGreaterThanOrEqual(50);
		const { token } = await signInWithCard(database.db, cardToken, client);
		expect((await validateSessionToken(database.db, token))?.user.householdId).toBe(
			world.households.inScope
		);

		await revokeHouseholdCard(database.db, staff.user, world.households.inScope);
		expect(await validateSessionToken(database.db, token)).toBeNull();
		expect((await failure(signInWithCard(database.db, cardToken, client))).issues[0].key).toBe(
			'my_auth_error_card'
		);
	});

	it('makes the previous card stop working when a new one is printed', async () => {
		const admin = await actorFor(database.db, world.userIds.admin);
		const first = await issueHouseholdCard(database.db, admin.user, world.households.outOfScope);
		const second = await issueHouseholdCard(database.db, admin.user, world.households.outOfScope);
		await expect(signInWithCard(database.db, first.token, client)).rejects.toBeInstanceOf(
			DomainError
		);
		await expect(signInWithCard(database.db, second.token, client)).resolves.toHaveProperty(
			'token'
		);
	});
});

describe('managing accounts', () => {
	it('creates staff with townships of the county only, and refuses common passwords', async () => {
		const admin = await actorFor(database.db, world.userIds.admin);
		const bad = await failure(
			createStaffUser(database.db, admin.user, {
				role: 'township_staff',
				displayName: '',
				username: 'Bad Name',
				phone: '12345',
				password: '12345678',
				townshipCodes: ['130529100']
			})
		);
		expect(bad.issues.map((i) => `${i.field}:${i.key}`).sort()).toEqual([
			'displayName:users_error_name',
			'password:users_error_password_common',
			'phone:users_error_phone',
			'townshipCodes:users_error_townships',
			'username:users_error_username'
		]);
		const created = await createStaffUser(database.db, admin.user, {
			role: 'township_staff',
			displayName: '王建军',
			username: 'wangjj',
			phone: '13812345678',
			password: 'liangshi-2026',
			townshipCodes: ['130434108', '130434205']
		});
		expect(created.townshipCodes).toEqual(['130434108', '130434205']);
		const taken = await failure(
			createStaffUser(database.db, admin.user, {
				role: 'factory_owner',
				displayName: '另一个',
				username: 'wangjj',
				phone: '',
				password: 'liangshi-2026',
				townshipCodes: []
			})
		);
		expect(taken).toMatchObject({
			code: 'conflict',
			issues: [{ field: 'username', key: 'users_error_username_taken' }]
		});
		const audit = await listAudit(database.db, world.countyA.id, {
			entity: 'user',
			entityId: created.id
		});
		expect(audit.map((a) => a.action)).toEqual(['users.create']);
	});

	it('lets staff list only household and grid-member accounts of their townships; admins see the county', async () => {
		const staff = await actorFor(database.db, world.userIds.staffIn);
		const listed = await listUsers(database.db, staff.user);
		expect(listed.every((u) => u.role === 'household' || u.role === 'grid_member')).toBe(true);
		// The grid member of a village of their township is theirs to manage.
		expect(listed.map((u) => u.id)).toContain(world.userIds.gridIn);
		expect(listed.map((u) => u.id)).toContain(world.userIds.householdTarget);
		expect(listed.map((u) => u.id)).not.toContain(world.userIds.householdOther);
		const adminB = await actorFor(database.db, world.userIds.adminB);
		expect((await listUsers(database.db, adminB.user)).map((u) => u.id)).not.toContain(
			world.userIds.admin
		);
	});

	it('ends every session when an account is disabled or its password reset', async () => {
		const admin = await actorFor(database.db, world.userIds.admin);
		const staff = await actorFor(database.db, world.userIds.staffOut);
		const { token } = await createSession(database.db, world.userIds.staffOut, 'password');
		await resetPassword(database.db, admin.user, world.userIds.staffOut, 'new-password-9');
		expect(await validateSessionToken(database.db, token)).toBeNull();
		expect(
			await database.db.select().from(sessions).where(eq(sessions.id, staff.sessionId))
		).toHaveLength(0);

		const again = await createSession(database.db, world.userIds.staffOut, 'password');
		await setUserDisabled(database.db, admin.user, world.userIds.staffOut, true);
		expect(await validateSessionToken(database.db, again.token)).toBeNull();
		await setUserDisabled(database.db, admin.user, world.userIds.staffOut, false);
		const actions = (
			await listAudit(database.db, world.countyA.id, {
				entity: 'user',
				entityId: world.userIds.staffOut
			})
		).map((a) => a.action);
		expect(actions).toEqual(['users.enable', 'users.disable', 'users.reset_password']);
	});

	it('changing one’s own password ends the other sessions and keeps a fresh one', async () => {
		const me = await actorFor(database.db, world.userIds.staffIn);
		const other = await createSession(database.db, world.userIds.staffIn, 'password');
		const wrong = await failure(
			changeOwnPassword(
				database.db,
				me.user,
				{ current: 'wrong', next: 'brand-new-pass-3' },
				client
			)
		);
		expect(wrong.issues[0]).toMatchObject({
			field: 'current',
			key: 'account_error_current_password'
		});
		const fresh = await changeOwnPassword(
			database.db,
			me.user,
			{ current: PASSWORD, next: 'brand-new-pass-3' },
			client
		);
		expect(await validateSessionToken(database.db, other.token)).toBeNull();
		expect((await validateSessionToken(database.db, fresh.token))?.user.userId).toBe(
			world.userIds.staffIn
		);
		await changeOwnPassword(
			database.db,
			me.user,
			{ current: 'brand-new-pass-3', next: PASSWORD },
			client
		);
	});

	it('an admin of another county cannot reach this county’s users', async () => {
		const adminB = await actorFor(database.db, world.userIds.adminB);
		const error = await failure(
			setUserDisabled(database.db, adminB.user, world.userIds.staffIn, true)
		);
		expect(error.code).toBe('not_found');
		const [row] = await database.db
			.select({ disabledAt: users.disabledAt })
			.from(users)
			.where(and(eq(users.id, world.userIds.staffIn)));
		expect(row.disabledAt).toBeNull();
	});
});
