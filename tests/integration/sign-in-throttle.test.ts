import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { authEvents } from '../../src/lib/server/auth/schema';
import { signInWithPassword, signInWithPin } from '../../src/lib/server/auth/sign-in';
import { createStaffUser, setHouseholdPin } from '../../src/lib/server/auth/users';
import { generateToken } from '../../src/lib/server/auth/tokens';
import { DomainError } from '../../src/lib/server/errors';
import { actorFor, buildWorld, PASSWORD, userRow, type World } from './fixtures';
import { freshDatabase } from './helpers';

// Counts every comparison of a guess against a stored hash.
const checks = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/lib/server/auth/passwords', async (importOriginal) => {
	const original = await importOriginal<typeof import('../../src/lib/server/auth/passwords')>();
	return {
		...original,
		verifySecret: (hash: string, secret: string) => {
			checks.count += 1;
			return original.verifySecret(hash, secret);
		}
	};
});

let database: Database;
let world: World;

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
});
afterAll(async () => {
	await database.close();
});

async function outcome(work: Promise<unknown>): Promise<string> {
	try {
		await work;
		return 'signed_in';
	} catch (caught) {
		if (caught instanceof DomainError) return caught.issues[0].key;
		throw caught;
	}
}

async function householdWithPin(household: string, phone: string, pin: string): Promise<void> {
	const staff = await actorFor(database.db, world.userIds.staffIn);
	await setHouseholdPin(database.db, staff.user, household, { phone, pin });
}

describe('the sign-in throttle under parallel guesses', () => {
	it('refuses the right PIN after 40 wrong ones sent at once', async () => {
		await householdWithPin(world.households.inScope, '13911110001', '802413');
		const wrong = Array.from({ length: 40 }, (_, i) =>
			outcome(
				signInWithPin(
					database.db,
					{ phone: '13911110001', pin: String(100000 + i * 7919) },
					{ ip: '198.51.100.20', userAgent: 'burst' }
				)
			)
		);
		const results = await Promise.all(wrong);
		expect(results.filter((r) => r === 'signed_in')).toEqual([]);
		expect(results.filter((r) => r === 'my_auth_error_pin_wrong').length).toBeLessThanOrEqual(5);
		const right = await outcome(
			signInWithPin(
				database.db,
				{ phone: '13911110001', pin: '802413' },
				{ ip: '198.51.100.21', userAgent: 'burst' }
			)
		);
		expect(right).toBe('auth_error_throttled');
	});

	it('checks at most five of 100 wrong PINs sent at once from 100 addresses', async () => {
		await householdWithPin(world.households.inScope2, '13911110002', '802413');
		checks.count = 0;
		const results = await Promise.all(
			Array.from({ length: 100 }, (_, i) =>
				outcome(
					signInWithPin(
						database.db,
						{ phone: '13911110002', pin: String(200000 + i * 6007) },
						{ ip: `203.0.113.${i}`, userAgent: 'burst' }
					)
				)
			)
		);
		console.log(`guesses checked against the hash: ${checks.count} of 100 sent in parallel`);
		expect(checks.count).toBe(5);
		expect(results.filter((r) => r === 'my_auth_error_pin_wrong')).toHaveLength(5);
		expect(results.filter((r) => r === 'auth_error_throttled')).toHaveLength(95);
		const failed = await database.db
			.select()
			.from(authEvents)
			.where(and(eq(authEvents.identifier, '13911110002'), eq(authEvents.kind, 'sign_in_failed')));
		expect(failed).toHaveLength(5);
	});

	it('checks at most twenty passwords sent at once from one address to many accounts', async () => {
		const owner = await userRow(database.db, world.userIds.owner);
		const sprayer = { ip: '192.0.2.200', userAgent: 'spray' };
		const results = await Promise.all(
			Array.from({ length: 60 }, (_, i) =>
				outcome(
					signInWithPassword(database.db, { identifier: `spray-${i}`, password: PASSWORD }, sprayer)
				)
			)
		);
		expect(results.filter((r) => r === 'auth_error_sign_in')).toHaveLength(20);
		expect(results.filter((r) => r === 'auth_error_throttled')).toHaveLength(40);
		expect(
			await outcome(
				signInWithPassword(
					database.db,
					{ identifier: owner.username!, password: PASSWORD },
					sprayer
				)
			)
		).toBe('auth_error_throttled');
	});
});

describe('device cookies against lockout', () => {
	let serial = 0;
	async function ownerAccount(): Promise<string> {
		const admin = await actorFor(database.db, world.userIds.admin);
		const username = `device-owner-${++serial}`;
		await createStaffUser(database.db, admin.user, {
			role: 'factory_owner',
			displayName: '刘海涛',
			username,
			phone: '',
			password: PASSWORD,
			townshipCodes: []
		});
		return username;
	}
	const office = { ip: '198.51.100.50', userAgent: 'owner' };
	async function strangerFails(username: string, times: number): Promise<void> {
		for (let i = 0; i < times; i++) {
			await outcome(
				signInWithPassword(
					database.db,
					{ identifier: username, password: `wrong-guess-${i}` },
					{ ip: `192.0.2.${100 + i}`, userAgent: 'stranger' }
				)
			);
		}
	}

	it('keeps the owner in on a device that signed in before, while strangers are slowed', async () => {
		const username = await ownerAccount();
		const first = await signInWithPassword(
			database.db,
			{ identifier: username, password: PASSWORD },
			office
		);
		expect(first.deviceToken).toMatch(/^[a-z2-7]{32}$/);
		await strangerFails(username, 8);

		// A stranger (and the owner on a new phone) waits…
		expect(
			await outcome(
				signInWithPassword(
					database.db,
					{ identifier: username, password: PASSWORD },
					{ ip: '198.51.100.51', userAgent: 'new phone' }
				)
			)
		).toBe('auth_error_throttled');
		// …but the owner's own phone signs in and keeps its token.
		const again = await signInWithPassword(
			database.db,
			{ identifier: username, password: PASSWORD },
			{ ...office, device: first.deviceToken }
		);
		expect(again.deviceToken).toBe(first.deviceToken);
	});

	it('gives a trusted device a small budget of its own', async () => {
		const username = await ownerAccount();
		const { deviceToken } = await signInWithPassword(
			database.db,
			{ identifier: username, password: PASSWORD },
			office
		);
		const device = { ...office, device: deviceToken };
		for (let i = 0; i < 5; i++) {
			expect(
				await outcome(
					signInWithPassword(database.db, { identifier: username, password: `typo-${i}` }, device)
				)
			).toBe('auth_error_sign_in');
		}
		expect(
			await outcome(
				signInWithPassword(database.db, { identifier: username, password: PASSWORD }, device)
			)
		).toBe('auth_error_throttled');
	});

	it('trusts a device only for the accounts it signed in to, and never a made-up token', async () => {
		const mine = await ownerAccount();
		const theirs = await ownerAccount();
		const { deviceToken } = await signInWithPassword(
			database.db,
			{ identifier: mine, password: PASSWORD },
			office
		);
		await strangerFails(theirs, 6);
		expect(
			await outcome(
				signInWithPassword(
					database.db,
					{ identifier: theirs, password: PASSWORD },
					{ ...office, device: deviceToken }
				)
			)
		).toBe('auth_error_throttled');

		await strangerFails(mine, 6);
		const madeUp = generateToken();
		expect(
			await outcome(
				signInWithPassword(
					database.db,
					{ identifier: mine, password: PASSWORD },
					{ ...office, device: madeUp }
				)
			)
		).toBe('auth_error_throttled');
	});

	it('replaces a device token the server never issued', async () => {
		const username = await ownerAccount();
		const planted = generateToken();
		const { deviceToken } = await signInWithPassword(
			database.db,
			{ identifier: username, password: PASSWORD },
			{ ...office, device: planted }
		);
		expect(deviceToken).not.toBe(planted);
	});
});
