import { redirect } from '@sveltejs/kit';
import { todayInChina } from '$lib/format';
import { formText } from '$lib/server/http';
import {
	createSeason,
	defaultWindow,
	listSeasons,
	SEASON_DEFAULTS,
	type SeasonInput
} from '$lib/server/planting';
import { plantingAction, requireProgramStaff } from '$lib/server/planting-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

const SEASON_FIELDS = [
	'year',
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
	const seasons = await listSeasons(db, user);
	const thisYear = Number(todayInChina().slice(0, 4));
	const nextYear = seasons.some((s) => s.year === thisYear) ? thisYear + 1 : thisYear;
	return {
		isAdmin: user.role === 'county_admin',
		seasons: seasons.map((s) => ({
			id: s.id,
			year: s.year,
			startsOn: s.startsOn,
			endsOn: s.endsOn,
			firstYearSubsidyFenPerMu: s.firstYearSubsidyFenPerMu,
			laterYearSubsidyFenPerMu: s.laterYearSubsidyFenPerMu,
			pickingRateFenPerKg: s.pickingRateFenPerKg,
			seedlingsPerMu: s.seedlingsPerMu,
			pickingEntries: s.pickingEntries,
			subsidyLines: s.subsidyLines
		})),
		defaults: { year: nextYear, ...SEASON_DEFAULTS, ...defaultWindow(nextYear) }
	};
};

export const actions: Actions = {
	create: async (event) => {
		const result = await plantingAction('create', SEASON_FIELDS, async ({ user, db, data }) => ({
			id: await createSeason(
				db,
				user,
				Object.fromEntries(
					SEASON_FIELDS.map((f) => [f, formText(data, f)])
				) as unknown as SeasonInput
			)
		}))(event);
		if ('id' in result && typeof result.id === 'string') {
			redirect(303, `/planting/seasons/${result.id}?created=1`);
		}
		return result;
	}
};
