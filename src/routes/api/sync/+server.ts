import { json } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { chinaDate } from '$lib/planting';
import { DomainError } from '$lib/server/errors';
import { requireUser } from '$lib/server/http';
import { applySyncBatch, BatchTooLarge, MAX_BATCH, parseBatch } from '$lib/server/sync';
import { database } from '$lib/server/startup';
import type { RequestHandler } from './$types';

const NO_STORE = { 'cache-control': 'no-store' };
/** A full batch of the largest entries (a wage sheet) fits well below this. */
const MAX_BODY_BYTES = 1_000_000;

/**
 * The offline outbox's endpoint: `{ entries: [{ id, kind, payload }] }`, at most
 * MAX_BATCH, answered 200 with one answer per entry in order: accepted, duplicate (already
 * had it), conflict (with the server's version) or rejected (with the reasons in the
 * person's language). A body that is not a batch is 400 and a batch too large 413: nothing
 * of either is applied. Business dates come from the entries; the server's date decides
 * what is "in the future".
 */
export const POST: RequestHandler = async (event) => {
	const user = requireUser(event);
	const refuse = (status: number, key: string) =>
		json({ message: translate(key, { max: MAX_BATCH }) }, { status, headers: NO_STORE });
	if (Number(event.request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES)
		return refuse(413, 'sync_error_too_large');
	let entries;
	let body: unknown;
	try {
		body = await event.request.json();
		entries = parseBatch(body);
	} catch (caught) {
		if (caught instanceof BatchTooLarge) return refuse(413, 'sync_error_too_large');
		if (caught instanceof DomainError)
			return refuse(400, caught.issues[0]?.key ?? 'sync_error_body');
		return refuse(400, 'sync_error_body');
	}
	// Entries of another person who used this phone wait for that person's session.
	const sender = (body as { userId?: unknown }).userId;
	if (typeof sender === 'string' && sender !== user.userId)
		return json(
			{ message: translate('sync_error_other_person'), signedInAs: user.userId },
			{ status: 409, headers: NO_STORE }
		);
	const { db } = await database();
	const answers = await applySyncBatch(db, user, entries, chinaDate());
	return json({ answers, serverTime: new Date().toISOString() }, { headers: NO_STORE });
};
