import { m } from '../../paraglide/messages';
import { DomainError } from '../errors';
import { recordVisit } from '../warnings/visits';
import type { SyncHandler } from '.';

// The offline visit form asks whether the family was met (yes/no); the online form lets the
// visitor write whom they met. The record keeps words either way, in the visitor's language
// as the online form does.
function seenWords(value: unknown): unknown {
	if (value === true) return m.sync_visit_seen_family();
	if (value === false) return m.sync_visit_seen_nobody();
	return value;
}

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

/** A photo sent as base64 (the phone shrinks it first); anything else is refused. */
function photoBytes(value: unknown): Uint8Array | null {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value !== 'string' || !/^[A-Za-z0-9+/=\s]+$/.test(value))
		throw DomainError.invalid('photo', 'visits_error_photo_type');
	return new Uint8Array(Buffer.from(value, 'base64'));
}

/**
 * A home visit from the phone's outbox, recorded by the monitoring loop's own recordVisit:
 * idempotent by the phone's id, a warning raised in the same transaction when asked (the
 * warning's words are what changed, or the note written for it).
 */
export const visitHandler: SyncHandler = {
	async apply(db, actor, entry, today) {
		const p = entry.payload;
		const raise = p.raiseWarning === true;
		const changes = [text(p.changes), raise ? text(p.warningNote) : ''].filter(Boolean).join('\n');
		const result = await recordVisit(
			db,
			actor,
			typeof p.householdId === 'string' ? p.householdId : '',
			{
				id: entry.id,
				visitedOn: p.visitedOn,
				seen: seenWords(p.seen),
				changes,
				photo: photoBytes(p.photo),
				raiseWarning: raise
			},
			today
		);
		return { replayed: !result.recorded, record: result };
	}
};
