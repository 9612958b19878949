import { todayInChina } from '$lib/format';
import { formText, orNotFound } from '$lib/server/http';
import { getPlot, remeasurePlot, retirePlot, updatePlotNotes } from '$lib/server/planting';
import { plantingAction, requireProgramStaff } from '$lib/server/planting-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireProgramStaff(event);
	const { db } = await database();
	const plot = await orNotFound(event, getPlot(db, user, event.params.plot));
	return { plot, today: todayInChina(), created: event.url.searchParams.has('created') };
};

export const actions: Actions = {
	remeasure: (event) =>
		plantingAction('remeasure', ['area', 'measuredOn'], async ({ user, db, data, today }) => {
			await remeasurePlot(
				db,
				user,
				event.params.plot,
				{ area: formText(data, 'area'), measuredOn: formText(data, 'measuredOn') },
				today
			);
			return { saved: true };
		})(event),
	retire: (event) =>
		plantingAction('retire', ['retiredOn', 'note'], async ({ user, db, data, today }) => {
			await retirePlot(
				db,
				user,
				event.params.plot,
				{ retiredOn: formText(data, 'retiredOn'), note: formText(data, 'note') },
				today
			);
			return { saved: true };
		})(event),
	update: (event) =>
		plantingAction('update', ['seedlings', 'notes'], async ({ user, db, data }) => {
			await updatePlotNotes(db, user, event.params.plot, {
				seedlings: formText(data, 'seedlings'),
				notes: formText(data, 'notes')
			});
			return { saved: true };
		})(event)
};
