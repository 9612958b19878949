import { DomainError } from '../errors';
import { isUniqueViolation } from '../factories/access';
import { createPlot, getPlot, type PlotDetail } from '../planting';
import type { SyncHandler } from '.';

async function existing(
	db: Parameters<typeof getPlot>[0],
	actor: Parameters<typeof getPlot>[1],
	id: string
): Promise<PlotDetail | null> {
	try {
		return await getPlot(db, actor, id);
	} catch (caught) {
		if (caught instanceof DomainError && caught.code === 'not_found') return null;
		throw caught;
	}
}

/** The plot the server holds under this id is the one the phone made: same household and day. */
function samePlot(plot: PlotDetail, payload: Record<string, unknown>): boolean {
	return plot.householdId === payload.householdId && plot.plantedOn === payload.plantedOn;
}

/**
 * A plot recorded in the field, by the phone's id: the planting domain checks and creates
 * it (with its planting measurement and audit row); the same id again is already had; the
 * same id for another household or day is a conflict.
 */
export const plotHandler: SyncHandler = {
	async apply(db, actor, entry, today) {
		const before = await existing(db, actor, entry.id);
		if (before) {
			if (!samePlot(before, entry.payload))
				throw DomainError.conflict('', 'sync_error_replay_differs');
			return { replayed: true, record: before };
		}
		try {
			await createPlot(
				db,
				actor,
				{ ...entry.payload, id: entry.id } as Parameters<typeof createPlot>[2],
				today
			);
		} catch (caught) {
			// Two tabs sent it at once: the other one recorded it.
			if (!isUniqueViolation(caught)) throw caught;
			const other = await existing(db, actor, entry.id);
			if (!other || !samePlot(other, entry.payload))
				throw DomainError.conflict('', 'sync_error_replay_differs');
			return { replayed: true, record: other };
		}
		return { replayed: false, record: await getPlot(db, actor, entry.id) };
	},
	current: (db, actor, entry) => existing(db, actor, entry.id)
};
