import { listOutbox, settle } from './outbox';
import type { OutboxEntry } from './db';
import type { SyncAnswer } from './types';

// Sends the outbox to the one sync endpoint, oldest first, in batches. Nothing leaves the
// outbox without the server's answer for it; a dropped connection or a server error
// leaves everything where it is, to be sent again (the server recognises what it already
// has). Workbox's background-sync queue is not used: it drops what a server refused.

export const BATCH_SIZE = 50;

export type SyncStop = 'offline' | 'signin' | 'server' | 'other_person' | null;

export interface SyncOutcome {
	sent: number;
	attention: number;
	stopped: SyncStop;
}

let running: Promise<SyncOutcome> | null = null;

/** One sync at a time per tab, and (where the browser has Web Locks) across tabs. */
export function syncOutbox(): Promise<SyncOutcome> {
	running ??= (async () => {
		try {
			const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
			return locks ? await locks.request('levee-sync', sendAll) : await sendAll();
		} finally {
			running = null;
		}
	})();
	return running;
}

const pending = async (userId?: string): Promise<OutboxEntry[]> =>
	(await listOutbox()).filter((e) => e.state === 'pending' && (!userId || e.userId === userId));

async function sendAll(): Promise<SyncOutcome> {
	const outcome: SyncOutcome = { sent: 0, attention: 0, stopped: null };
	let entries = await pending();
	let userId: string | undefined = entries[0]?.userId;
	const tried = new Set<string>();
	while (entries.length > 0 && userId) {
		const batch = entries.slice(0, BATCH_SIZE);
		let response: Response;
		try {
			response = await fetch('/api/sync', {
				method: 'POST',
				// An expired session answers with a redirect to sign in: seen here, not followed.
				redirect: 'manual',
				headers: { 'content-type': 'application/json', accept: 'application/json' },
				body: JSON.stringify({
					userId,
					entries: batch.map(({ id, kind, payload }) => ({ id, kind, payload }))
				})
			});
		} catch {
			return { ...outcome, stopped: 'offline' };
		}
		if (response.type === 'opaqueredirect' || response.status === 401)
			return { ...outcome, stopped: 'signin' };
		if (response.status === 409) {
			// Another person is signed in on this phone: their entries go, these wait.
			tried.add(userId);
			const body = (await response.json().catch(() => ({}))) as { signedInAs?: string };
			userId = body.signedInAs && !tried.has(body.signedInAs) ? body.signedInAs : undefined;
			entries = userId ? await pending(userId) : [];
			if (entries.length === 0) return { ...outcome, stopped: 'other_person' };
			continue;
		}
		if (!response.ok) return { ...outcome, stopped: 'server' };
		let answers: SyncAnswer[];
		try {
			answers = ((await response.json()) as { answers: SyncAnswer[] }).answers;
		} catch {
			return { ...outcome, stopped: 'offline' };
		}
		await settle(batch, answers);
		for (const a of answers) {
			if (a.status === 'accepted' || a.status === 'duplicate') outcome.sent++;
			else outcome.attention++;
		}
		entries = await pending(userId);
	}
	return outcome;
}
