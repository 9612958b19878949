import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { SyncAnswer, SyncKind } from './types';

// The phone's own store for the field screens: the outbox (entries not yet confirmed by
// the server), the roster of the signed-in person's scope, and the entries the server
// confirmed recently (so the day's list still shows them offline). Erased on sign-out.

export const DB_NAME = 'levee-field';

export interface OutboxEntry {
	id: string;
	kind: SyncKind;
	payload: Record<string, unknown>;
	/** Who made it: only that person's session sends it. */
	userId: string;
	/** The order it was made in on this phone (entries go to the server in this order). */
	seq: number;
	/** The phone's clock when it was made (shown only; the server keeps its own time). */
	madeAt: string;
	/** What the lists show: "王建国 12.5 公斤". */
	label: string;
	/** pending: waiting to be sent; attention: the server refused it or it conflicts. */
	state: 'pending' | 'attention';
	answer?: SyncAnswer;
}

export interface SentEntry {
	id: string;
	kind: SyncKind;
	payload: Record<string, unknown>;
	userId: string;
	label: string;
	status: 'accepted' | 'duplicate';
	record: unknown;
	receivedAt: string;
}

interface FieldDb extends DBSchema {
	outbox: { key: string; value: OutboxEntry; indexes: { seq: number } };
	sent: { key: string; value: SentEntry; indexes: { receivedAt: string } };
	roster: { key: string; value: { key: string; value: unknown } };
}

let opening: Promise<IDBPDatabase<FieldDb>> | null = null;

export function fieldDb(): Promise<IDBPDatabase<FieldDb>> {
	opening ??= openDB<FieldDb>(DB_NAME, 1, {
		upgrade(db) {
			const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
			outbox.createIndex('seq', 'seq');
			const sent = db.createObjectStore('sent', { keyPath: 'id' });
			sent.createIndex('receivedAt', 'receivedAt');
			db.createObjectStore('roster', { keyPath: 'key' });
		},
		// Another tab is erasing the store (sign-out): let it.
		blocking() {
			void opening?.then((db) => db.close());
			opening = null;
		}
	});
	return opening;
}

/** Everything the phone kept for the signed-in person. */
export async function eraseFieldData(): Promise<void> {
	if (opening) (await opening).close();
	opening = null;
	await deleteDB(DB_NAME);
}
