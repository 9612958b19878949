import { findPickingEntry, recordPickingEntry } from '../planting';
import type { SyncHandler } from '.';

/**
 * A weigh-in made on the phone: the picking domain records it (its own checks, the
 * season's rate, the ceiling, no weigh-in dated after the server's today) and recognises
 * a replay of the same id. The money reaches the ledger when the day is paid, as online.
 */
export const pickingHandler: SyncHandler = {
	async apply(db, actor, entry, today) {
		const { entry: record, replayed } = await recordPickingEntry(
			db,
			actor,
			{
				...entry.payload,
				stationId: entry.payload.stationId,
				pickedOn: entry.payload.pickedOn,
				id: entry.id
			},
			today
		);
		return { replayed, record };
	},
	current: (db, actor, entry) => findPickingEntry(db, actor, entry.id)
};
