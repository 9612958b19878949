import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { DomainError, type FieldIssue } from '../errors';
import { isUuidV7 } from '../db/ids';
import { translate } from '../../i18n';
import { pickingHandler } from './picking';
import { plotHandler } from './plots';
import { wageHandler } from './wages';
import { visitHandler } from './visits';

// The offline outbox's one way in. A phone sends the entries it made while offline, in
// order; each is applied by its own domain function, idempotently by the id the phone gave
// it, and answered on its own: one bad entry never holds back or undoes the others.

/** What the phone may send: one kind per field screen. */
export const SYNC_KINDS = ['picking', 'wage', 'plot', 'visit'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];

/** More per request is refused (413): a phone sends its outbox in batches of this size. */
export const MAX_BATCH = 100;

export interface SyncEntry {
	/** UUIDv7 made on the phone: the record's own id. */
	id: string;
	kind: SyncKind;
	/** The entry's fields as the screen made them; each kind's handler checks them. */
	payload: Record<string, unknown>;
}

/** What a handler gives back for an entry it applied or had already applied. */
export interface Applied {
	/** True when this id was applied before: nothing new was written. */
	replayed: boolean;
	/** The record as the server now holds it (shown on the phone). */
	record: unknown;
}

export interface SyncHandler {
	/**
	 * Applies one entry by its id: writes it (its own transaction; money through
	 * postLedgerEntry, as the domain always does), or recognises a replay. Throws a
	 * DomainError: `invalid` (rejected, with the reasons), `conflict` (the same id holds
	 * other content), `not_found` (outside the person's scope).
	 */
	apply(db: Db, actor: UserActor, entry: SyncEntry, today: string): Promise<Applied>;
	/** The server's version of a record, shown beside the phone's on a conflict. */
	current?(db: Db, actor: UserActor, entry: SyncEntry, today: string): Promise<unknown>;
}

export type SyncStatus = 'accepted' | 'duplicate' | 'conflict' | 'rejected';

export interface SyncAnswer {
	id: string;
	status: SyncStatus;
	/** Rejected or conflict: why, in the person's language. */
	reason?: string;
	/** Rejected: the message per field of the entry (field '' for the whole entry). */
	errors?: Record<string, string>;
	/** Accepted or duplicate: the server's record; conflict: the server's version. */
	record?: unknown;
	/** When the server received it (the phone's clock is not trusted for this). */
	receivedAt: string;
}

const handlers: Partial<Record<SyncKind, SyncHandler>> = {
	picking: pickingHandler,
	wage: wageHandler,
	plot: plotHandler,
	visit: visitHandler
};

/**
 * Wires another handler (tests, new kinds). Kinds without a handler are rejected with a
 * message, never dropped.
 */
export function registerSyncHandler(kind: SyncKind, handler: SyncHandler): void {
	handlers[kind] = handler;
}

export class BatchTooLarge extends Error {
	override name = 'BatchTooLarge';
}

/**
 * The batch as sent: `{ entries: [{ id, kind, payload }] }`. A body that is not that shape
 * is refused whole (nothing is applied); a batch over MAX_BATCH throws BatchTooLarge. An
 * entry whose id is not a UUIDv7 cannot be answered by id, so it too refuses the batch.
 */
export function parseBatch(body: unknown): SyncEntry[] {
	if (!body || typeof body !== 'object' || Array.isArray(body))
		throw DomainError.invalid('', 'sync_error_body');
	const entries = (body as { entries?: unknown }).entries;
	if (!Array.isArray(entries)) throw DomainError.invalid('entries', 'sync_error_body');
	if (entries.length > MAX_BATCH) throw new BatchTooLarge();
	const seen = new Set<string>();
	return entries.map((raw: unknown) => {
		if (!raw || typeof raw !== 'object' || Array.isArray(raw))
			throw DomainError.invalid('entries', 'sync_error_body');
		const { id, kind, payload } = raw as Record<string, unknown>;
		if (!isUuidV7(id)) throw DomainError.invalid('id', 'sync_error_id');
		if (seen.has(id)) throw DomainError.invalid('id', 'sync_error_id_twice');
		seen.add(id);
		const known = (SYNC_KINDS as readonly unknown[]).includes(kind);
		const fields =
			payload && typeof payload === 'object' && !Array.isArray(payload)
				? (payload as Record<string, unknown>)
				: null;
		if (!known || !fields) throw DomainError.invalid('kind', 'sync_error_body');
		return { id, kind: kind as SyncKind, payload: fields };
	});
}

function messages(issues: FieldIssue[]): Record<string, string> {
	const errors: Record<string, string> = {};
	for (const issue of issues) errors[issue.field] ??= translate(issue.key, issue.params);
	return errors;
}

/**
 * Applies the entries in order, one at a time, each on its own: the answers come back in
 * the same order. An unexpected failure (the database went away) stops the batch and is
 * thrown: the phone keeps every entry and sends them again, and those applied before the
 * failure come back as duplicates.
 */
export async function applySyncBatch(
	db: Db,
	actor: UserActor,
	entries: SyncEntry[],
	today: string
): Promise<SyncAnswer[]> {
	const answers: SyncAnswer[] = [];
	for (const entry of entries) {
		answers.push(await applyOne(db, actor, entry, today));
	}
	return answers;
}

async function applyOne(
	db: Db,
	actor: UserActor,
	entry: SyncEntry,
	today: string
): Promise<SyncAnswer> {
	const receivedAt = new Date().toISOString();
	const handler = handlers[entry.kind];
	if (!handler) {
		const reason = translate('sync_error_kind_unavailable');
		return { id: entry.id, status: 'rejected', reason, errors: { '': reason }, receivedAt };
	}
	try {
		const applied = await handler.apply(db, actor, entry, today);
		return {
			id: entry.id,
			status: applied.replayed ? 'duplicate' : 'accepted',
			record: applied.record,
			receivedAt
		};
	} catch (caught) {
		if (!(caught instanceof DomainError)) throw caught;
		if (caught.code === 'not_found') {
			// Outside the person's scope looks exactly like missing: a reason, not a leak.
			const reason = translate('sync_error_not_found');
			return { id: entry.id, status: 'rejected', reason, errors: { '': reason }, receivedAt };
		}
		const errors = messages(caught.issues);
		const reason = Object.values(errors).join(' ');
		if (caught.code === 'conflict') {
			const record = await handler.current?.(db, actor, entry, today).catch(() => null);
			return { id: entry.id, status: 'conflict', reason, errors, record, receivedAt };
		}
		return { id: entry.id, status: 'rejected', reason, errors, receivedAt };
	}
}
