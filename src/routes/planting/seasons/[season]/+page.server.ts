import { redirect } from '@sveltejs/kit';
import { formText, orNotFound } from '$lib/server/http';
import { deleteSeason, getSeason, updateSeason, type SeasonInput } from '$lib/server/planting';
import { plantingAction, requireProgramStaff } from '$lib/server/planting-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

const FIELDS = [
	'firstYearRate',
	'laterYearRate',
	'pickingRate',
	'seedlingsPerMu',
	'startsOn',
	'endsOn'
];

export const load: PageServerLoad = async (event) => {
	const user = await requireProgramStaff(event);
	const { db } = await database();
	const season = await orNotFound(event, getSeason(db, user, event.params.season));
	return {
		isAdmin: user.role === 'county_admin',
		created: event.url.searchParams.has('created'),
		season: {
			id: season.id,
			year: season.year,
			startsOn: season.startsOn,
			endsOn: season.endsOn,
			firstYearSubsidyFenPerMu: season.firstYearSubsidyFenPerMu,
			laterYearSubsidyFenPerMu: season.laterYearSubsidyFenPerMu,
			pickingRateFenPerKg: season.pickingRateFenPerKg,
			seedlingsPerMu: season.seedlingsPerMu,
			pickingEntries: season.pickingEntries,
			subsidyLines: season.subsidyLines
		}
	};
};

function seasonInput(data: FormData): SeasonInput {
	return {
		year: '',
		...Object.fromEntries(FIELDS.map((f) => [f, formText(data, f)]))
	} as unknown as SeasonInput;
}

export const actions: Actions = {
	update: (event) =>
		plantingAction('update', FIELDS, async ({ user, db, data }) => ({
			saved: true,
			...(await updateSeason(db, user, event.params.season, seasonInput(data)))
		}))(event),
	delete: async (event) => {
		const result = await plantingAction('delete', [], async ({ user, db }) => {
			await deleteSeason(db, user, event.params.season);
			return { deleted: true };
		})(event);
		if ('deleted' in result) redirect(303, '/planting/seasons');
		return result;
	}
};
