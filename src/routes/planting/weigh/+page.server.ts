import { redirect } from '@sveltejs/kit';
import { searchText } from '$lib/input';
import { todayInChina } from '$lib/format';
import { newId } from '$lib/server/db/ids';
import { DomainError } from '$lib/server/errors';
import { formText } from '$lib/server/http';
import { translate } from '$lib/i18n';
import {
	correctPickingEntry,
	currentSeason,
	getPicker,
	listStationDay,
	listStations,
	recordPickingEntry,
	searchPickers,
	seasonOn,
	voidPickingEntry
} from '$lib/server/planting';
import { plantingAction, requireProgramStaff } from '$lib/server/planting-http';
import { getCountySettings } from '$lib/server/settings';
import { database } from '$lib/server/startup';
import { isIsoDate } from '$lib/planting';
import { WEIGH_COOKIE, readWeighChoice } from '$lib/picking-choice';
import type { Actions, PageServerLoad } from './$types';

/**
 * The weighing station's screen: the station and day are chosen once (remembered on the
 * phone), then one picker after another. Without JavaScript the search and the save
 * still work, through the address and the `record` action.
 */
export const load: PageServerLoad = async (event) => {
	const user = await requireProgramStaff(event);
	const { db } = await database();
	const today = todayInChina();
	const params = event.url.searchParams;
	const remembered = readWeighChoice(event.cookies.get(WEIGH_COOKIE), today);
	const [stations, current, todaySeason, settings] = await Promise.all([
		listStations(db, user, { activeOnly: true }),
		currentSeason(db, user.countyId, today),
		seasonOn(db, user.countyId, today),
		getCountySettings(db, user.countyId)
	]);
	const wanted = params.get('station') ?? remembered.station;
	const station =
		stations.find((s) => s.id === wanted) ?? (stations.length === 1 ? stations[0] : null);
	// Out of season, the day defaults to the last day of the latest season.
	const fallback = todaySeason || !current || current.endsOn > today ? today : current.endsOn;
	const asked = params.get('date');
	const date = isIsoDate(asked) ? asked : (remembered.date ?? fallback);
	const query = searchText(params.get('q'));
	let searchProblem: string | null = null;
	const found =
		station && query
			? searchPickers(db, user, query, station.id, date).catch((caught) => {
					if (!(caught instanceof DomainError) || caught.code !== 'invalid') throw caught;
					searchProblem = translate(caught.issues[0].key, caught.issues[0].params);
					return [];
				})
			: null;
	const [season, day, matches, picked] = await Promise.all([
		seasonOn(db, user.countyId, date),
		station ? listStationDay(db, user, station.id, date) : null,
		found,
		station ? getPicker(db, user, params.get('member'), date) : null
	]);
	return {
		// Whose entries the phone's outbox holds, when one is saved there without a network.
		userId: user.userId,
		today,
		date,
		stations,
		station,
		season: season && {
			year: season.year,
			startsOn: season.startsOn,
			endsOn: season.endsOn,
			pickingRateFenPerKg: season.pickingRateFenPerKg
		},
		latestSeason: current && {
			year: current.year,
			startsOn: current.startsOn,
			endsOn: current.endsOn
		},
		ceilingGrams: settings.weighInCeilingGrams,
		day,
		query,
		matches,
		searchProblem,
		picked,
		outside: params.get('outside') === '1',
		recorded: day?.entries.find((e) => e.id === params.get('saved')) ?? null
	};
};

const entryForm = (data: FormData) => `entry:${formText(data, 'entryId')}`;

export const actions: Actions = {
	/** The save without JavaScript: the server makes the id, then back to the search. */
	record: async (event) => {
		const result = await plantingAction(
			'record',
			['weight', 'pickerName', 'pickerIdNumber'],
			async ({ user, db, data, today }) => {
				const { entry } = await recordPickingEntry(
					db,
					user,
					{
						id: formText(data, 'id') || newId(),
						stationId: formText(data, 'stationId'),
						pickedOn: formText(data, 'pickedOn'),
						memberId: formText(data, 'memberId'),
						pickerName: formText(data, 'pickerName'),
						pickerIdNumber: formText(data, 'pickerIdNumber'),
						weight: formText(data, 'weight')
					},
					today
				);
				return { recorded: entry };
			}
		)(event);
		if ('recorded' in result && result.recorded) {
			const { stationId, pickedOn, id } = result.recorded;
			redirect(
				303,
				`/planting/weigh?${new URLSearchParams({ station: stationId, date: pickedOn, saved: id })}`
			);
		}
		return result;
	},
	correct: plantingAction(entryForm, ['weight'], async ({ user, db, data, today }) => ({
		corrected: await correctPickingEntry(
			db,
			user,
			formText(data, 'entryId'),
			{
				weight: formText(data, 'weight'),
				memberId: formText(data, 'memberId'),
				version: formText(data, 'version'),
				reason: formText(data, 'reason')
			},
			today
		)
	})),
	void: plantingAction(entryForm, [], async ({ user, db, data }) => {
		await voidPickingEntry(db, user, formText(data, 'entryId'), {
			version: formText(data, 'version'),
			reason: formText(data, 'reason')
		});
		return { voided: formText(data, 'entryId') };
	})
};
