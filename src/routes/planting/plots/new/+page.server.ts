import { redirect } from '@sveltejs/kit';
import { searchText } from '$lib/input';
import { todayInChina } from '$lib/format';
import { canSeeTownship } from '$lib/server/auth/scope';
import { listTownships, listVillages } from '$lib/server/divisions';
import { listHouseholds } from '$lib/server/households';
import { formText } from '$lib/server/http';
import {
	createPlot,
	currentSeason,
	plotHouseholdChoice,
	SEASON_DEFAULTS,
	type PlotInput
} from '$lib/server/planting';
import { plantingAction, requireProgramStaff } from '$lib/server/planting-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

const FIELDS = ['householdId', 'villageCode', 'area', 'plantedOn', 'seedlings', 'notes'];

export const load: PageServerLoad = async (event) => {
	const user = await requireProgramStaff(event);
	const { db } = await database();
	const query = searchText(event.url.searchParams.get('q'));
	const household = await plotHouseholdChoice(db, user, event.url.searchParams.get('household'));
	const today = todayInChina();
	const [found, townships, season] = await Promise.all([
		!household && query ? listHouseholds(db, user, { query }, 1, 20) : null,
		listTownships(db, user.countyCode),
		currentSeason(db, user.countyId, today)
	]);
	// The plot's village: in the actor's townships, the household's own first.
	const mine = townships.filter((t) => canSeeTownship(user, t.code));
	const near = household
		? mine.filter((t) => t.code === household.villageCode.slice(0, 9))
		: mine.length <= 2
			? mine
			: [];
	const villages = household
		? (await Promise.all(near.map((t) => listVillages(db, user.countyCode, t.code)))).flat()
		: [];
	return {
		query,
		today,
		household,
		foundNotice: found?.notice ?? null,
		found: found?.items.map((h) => ({
			id: h.id,
			householdNumber: h.householdNumber,
			headName: h.headName,
			villageName: h.villageName
		})),
		seedlingsPerMu: season?.seedlingsPerMu ?? SEASON_DEFAULTS.seedlingsPerMu,
		townships: near.map((t) => ({ code: t.code, name: t.name })),
		villages: villages.map((v) => ({ code: v.code, name: v.name, townshipCode: v.parentCode }))
	};
};

export const actions: Actions = {
	default: async (event) => {
		const result = await plantingAction('create', FIELDS, async ({ user, db, data, today }) => ({
			id: await createPlot(
				db,
				user,
				Object.fromEntries(FIELDS.map((f) => [f, formText(data, f)])) as unknown as PlotInput,
				today
			)
		}))(event);
		if ('id' in result && typeof result.id === 'string') {
			redirect(303, `/planting/plots/${result.id}?created=1`);
		}
		return result;
	}
};
