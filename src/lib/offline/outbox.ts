import { v7 as uuidv7 } from 'uuid';
import { fieldDb, type OutboxEntry, type SentEntry } from './db';
import type { SyncAnswer, SyncKind } from './types';

// Every entry made on a field screen is written here first, before anything else happens;
// it leaves only when the server has answered for it (accepted or already had it). Other
// tabs hear of every change on the channel and refresh their counts.

const CHANNEL = 'levee-outbox';
const SENT_KEPT_DAYS = 3;

let channel: BroadcastChannel | null = null;
const listeners = new Set<() => void>();

function broadcast(): void {
	for (const listener of listeners) listener();
	if (typeof BroadcastChannel === 'undefined') return;
	channel ??= new BroadcastChannel(CHANNEL);
	channel.postMessage('changed');
}

/** Called on every change of the outbox, in this tab or another. */
export function onOutboxChange(listener: () => void): () => void {
	listeners.add(listener);
	let own: BroadcastChannel | null = null;
	if (typeof BroadcastChannel !== 'undefined') {
		own = new BroadcastChannel(CHANNEL);
		own.onmessage = () => listener();
	}
	return () => {
		listeners.delete(listener);
		own?.close();
	};
}

let lastSeq = 0;

/** Writes an entry to the outbox (the first thing a save does) and returns it. */
export async function addToOutbox(
	kind: SyncKind,
	payload: Record<string, unknown>,
	userId: string,
	label: string,
	id: string = uuidv7()
): Promise<OutboxEntry> {
	lastSeq = Math.max(Date.now() * 1000, lastSeq + 1);
	const entry: OutboxEntry = {
		id,
		kind,
		payload,
		userId,
		seq: lastSeq,
		madeAt: new Date().toISOString(),
		label,
		state: 'pending'
	};
	const db = await fieldDb();
	await db.put('outbox', entry);
	broadcast();
	return entry;
}

/** The outbox in the order the entries were made. */
export async function listOutbox(): Promise<OutboxEntry[]> {
	const db = await fieldDb();
	return db.getAllFromIndex('outbox', 'seq');
}

/** Recently confirmed entries (kept a few days so the day's list shows them offline). */
export async function listSent(): Promise<SentEntry[]> {
	const db = await fieldDb();
	return db.getAll('sent');
}

/** Applies the server's answers: confirmed entries leave, refused ones wait for the person. */
export async function settle(entries: OutboxEntry[], answers: SyncAnswer[]): Promise<void> {
	const db = await fieldDb();
	const tx = db.transaction(['outbox', 'sent'], 'readwrite');
	const byId = new Map(entries.map((e) => [e.id, e]));
	for (const answer of answers) {
		const entry = byId.get(answer.id);
		if (!entry) continue;
		if (answer.status === 'accepted' || answer.status === 'duplicate') {
			await tx.objectStore('outbox').delete(entry.id);
			await tx.objectStore('sent').put({
				id: entry.id,
				kind: entry.kind,
				payload: entry.payload,
				userId: entry.userId,
				label: entry.label,
				status: answer.status,
				record: answer.record ?? null,
				receivedAt: answer.receivedAt
			});
		} else {
			await tx.objectStore('outbox').put({ ...entry, state: 'attention', answer });
		}
	}
	// Confirmed entries older than a few days are the server's business only.
	const cutoff = new Date(Date.now() - SENT_KEPT_DAYS * 86_400_000).toISOString();
	let cursor = await tx
		.objectStore('sent')
		.index('receivedAt')
		.openCursor(IDBKeyRange.upperBound(cutoff));
	while (cursor) {
		await cursor.delete();
		cursor = await cursor.continue();
	}
	await tx.done;
	broadcast();
}

/** A refused entry, fixed by the person: back in line with its own id. */
export async function resend(id: string, payload: Record<string, unknown>, label: string) {
	const db = await fieldDb();
	const entry = await db.get('outbox', id);
	if (!entry) return;
	await db.put('outbox', { ...entry, payload, label, state: 'pending', answer: undefined });
	broadcast();
}

/**
 * A conflicting entry the person wants kept as well: sent again as a new entry (new id),
 * so the server's version stays as it is and nothing is overwritten.
 */
export async function resendAsNew(id: string): Promise<void> {
	const db = await fieldDb();
	const entry = await db.get('outbox', id);
	if (!entry) return;
	const tx = db.transaction('outbox', 'readwrite');
	await tx.store.delete(id);
	await tx.store.put({ ...entry, id: uuidv7(), state: 'pending', answer: undefined });
	await tx.done;
	broadcast();
}

/** Removes an entry the person chose to give up (after confirming). */
export async function discard(id: string): Promise<void> {
	const db = await fieldDb();
	await db.delete('outbox', id);
	broadcast();
}
