import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId } from '../db/ids';
import { recordAudit } from '../audit';
import { systemActor } from './actor';
import { loadCountyDivisions } from '../divisions';
import { DomainError, type FieldIssue } from '../errors';
import { hashSecret, passwordProblem } from './passwords';
import { users } from './schema';

export interface FirstAdminInput {
	countyCode: string;
	username: string;
	displayName: string;
	password: string;
	phone?: string;
}

/**
 * Sets up a county for a real deployment: loads its divisions (making it a tenant) and
 * creates a county admin. Used by `npm run create-admin`; never by the web app.
 */
export async function createFirstAdmin(
	db: Db,
	input: FirstAdminInput
): Promise<{ userId: string; countyName: string }> {
	const username = input.username.trim().toLowerCase();
	const displayName = input.displayName.trim();
	const phone = input.phone?.replace(/[\s-]/g, '') || null;
	const issues: FieldIssue[] = [];
	if (!/^[a-z][a-z0-9_.-]{2,39}$/.test(username))
		issues.push({ field: 'username', key: 'users_error_username' });
	if (!displayName || displayName.length > 40)
		issues.push({ field: 'displayName', key: 'users_error_name' });
	if (phone && !/^1[3-9]\d{9}$/.test(phone))
		issues.push({ field: 'phone', key: 'users_error_phone' });
	const problem = passwordProblem(input.password, [username, phone, displayName]);
	if (problem) issues.push({ field: 'password', key: `users_error_${problem}` });
	if (issues.length) throw new DomainError('invalid', issues);
	const actor = systemActor('create-admin');
	const { county } = await loadCountyDivisions(db, actor, input.countyCode);
	const passwordHash = await hashSecret(input.password);
	return inTransaction(db, async (tx) => {
		const [taken] = await tx
			.select({ id: users.id })
			.from(users)
			.where(eq(users.username, username));
		if (taken) throw DomainError.conflict('username', 'users_error_username_taken');
		const id = newId();
		await tx.insert(users).values({
			id,
			countyId: county.id,
			role: 'county_admin',
			displayName,
			username,
			phone,
			passwordHash
		});
		await recordAudit(tx, actor, {
			countyId: county.id,
			action: 'users.create',
			entity: 'user',
			entityId: id,
			after: { role: 'county_admin', username, displayName }
		});
		return { userId: id, countyName: county.name };
	});
}
