import { fieldDb, eraseFieldData } from './db';
import type { Roster } from './types';

// The signed-in person's roster on the phone: replaced whole on every refresh (online),
// read by the field screens offline.

export type RosterRefresh = { roster: Roster } | { stopped: 'offline' | 'signin' | 'server' };

export async function storedRoster(): Promise<Roster | null> {
	const db = await fieldDb();
	const row = await db.get('roster', 'current');
	return (row?.value as Roster | undefined) ?? null;
}

export async function refreshRoster(): Promise<RosterRefresh> {
	let response: Response;
	try {
		response = await fetch('/api/sync/roster', {
			redirect: 'manual',
			headers: { accept: 'application/json' },
			cache: 'no-store'
		});
	} catch {
		return { stopped: 'offline' };
	}
	if (response.type === 'opaqueredirect' || response.status === 401) return { stopped: 'signin' };
	if (!response.ok) return { stopped: 'server' };
	const roster = (await response.json()) as Roster;
	const db = await fieldDb();
	await db.put('roster', { key: 'current', value: roster });
	return { roster };
}

/**
 * Signing out: the roster, the outbox and the confirmed entries of this person go, and
 * so do any caches other than the app's own files (no page of a signed-in person is ever
 * cached, but a cache left by an older version might be).
 */
export async function eraseForSignOut(): Promise<void> {
	await eraseFieldData();
	if (typeof caches === 'undefined') return;
	for (const name of await caches.keys()) {
		if (!name.includes('precache')) await caches.delete(name);
	}
}
