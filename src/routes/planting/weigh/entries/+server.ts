import { json } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { DomainError } from '$lib/server/errors';
import { notFound } from '$lib/server/http';
import { recordPickingEntry, type PickingEntryInput } from '$lib/server/planting';
import { requireProgramStaff } from '$lib/server/planting-http';
import { chinaDate } from '$lib/planting';
import { database } from '$lib/server/startup';
import type { RequestHandler } from './$types';

/**
 * One weigh-in as JSON: { id (UUIDv7 made on the phone), stationId, pickedOn, memberId |
 * pickerName [+ pickerIdNumber], weightGrams }. One type per field: `weightGrams` is a
 * JSON number of whole grams (12500), or instead `weight` is a string of kilograms ("12.5");
 * a string in `weightGrams` or a number in `weight` is refused with 400 and a field
 * message, as is any text field that is not a string. 201 when recorded, 200 when this id was
 * recorded before (nothing new is written), 400 with field messages, 404 for a station
 * outside the person's townships, 409 when the id was used for a different weigh-in.
 * An offline queue can replay an entry until it gets a 2xx.
 */
export const POST: RequestHandler = async (event) => {
	const user = await requireProgramStaff(event);
	let body: PickingEntryInput;
	try {
		const parsed: unknown = await event.request.json();
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
			throw new Error('not an object');
		body = parsed as PickingEntryInput;
	} catch {
		return json(
			{ message: translate('picking_error_body'), errors: { '': translate('picking_error_body') } },
			{ status: 400 }
		);
	}
	const { db } = await database();
	try {
		const result = await recordPickingEntry(db, user, body, chinaDate());
		return json(result, { status: result.replayed ? 200 : 201 });
	} catch (caught) {
		if (!(caught instanceof DomainError)) throw caught;
		if (caught.code === 'not_found') return notFound(event, 'record');
		const errors: Record<string, string> = {};
		for (const issue of caught.issues) errors[issue.field] ??= translate(issue.key, issue.params);
		return json(
			{ message: errors[''] ?? translate('error_form'), errors },
			{ status: caught.code === 'conflict' ? 409 : 400 }
		);
	}
};
