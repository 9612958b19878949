import { todayInChina } from '$lib/format';
import { canSeeTownship } from '$lib/server/auth/scope';
import { listTownships, listVillages } from '$lib/server/divisions';
import { formText } from '$lib/server/http';
import {
	currentSeason,
	generateSubsidies,
	listSeasons,
	listSubsidies,
	paySubsidies,
	reviewSubsidies
} from '$lib/server/planting';
import { plantingAction, requireProgramStaff } from '$lib/server/planting-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireProgramStaff(event);
	const params = event.url.searchParams;
	const get = (name: string) => params.get(name)?.trim() ?? '';
	const { db } = await database();
	const today = todayInChina();
	const [seasons, townships, current] = await Promise.all([
		listSeasons(db, user),
		listTownships(db, user.countyCode),
		currentSeason(db, user.countyId, today)
	]);
	const chosen =
		seasons.find((s) => s.id === get('season')) ??
		seasons.find((s) => s.id === current?.id) ??
		null;
	const status = get('status');
	const filter = {
		townshipCode: get('township'),
		villageCode: get('village'),
		status: (status === 'paid' || status === 'all' ? status : 'unpaid') as 'unpaid' | 'paid' | 'all'
	};
	if (!filter.villageCode.startsWith(filter.townshipCode)) filter.villageCode = '';
	const [list, villages] = await Promise.all([
		chosen ? listSubsidies(db, user, chosen.id, filter) : null,
		filter.townshipCode && canSeeTownship(user, filter.townshipCode)
			? listVillages(db, user.countyCode, filter.townshipCode)
			: Promise.resolve([])
	]);
	return {
		today,
		seasons: seasons.map((s) => ({ id: s.id, year: s.year })),
		season: chosen && {
			id: chosen.id,
			year: chosen.year,
			firstYearSubsidyFenPerMu: chosen.firstYearSubsidyFenPerMu,
			laterYearSubsidyFenPerMu: chosen.laterYearSubsidyFenPerMu
		},
		filter,
		list,
		townships: townships
			.filter((t) => canSeeTownship(user, t.code))
			.map((t) => ({ code: t.code, name: t.name })),
		villages: villages.map((v) => ({ code: v.code, name: v.name }))
	};
};

export const actions: Actions = {
	generate: plantingAction('generate', [], async ({ user, db, data }) => ({
		generated: await generateSubsidies(db, user, formText(data, 'seasonId'), {
			townshipCode: formText(data, 'township'),
			villageCode: formText(data, 'village')
		})
	})),
	/** Step one of paying: what the ticked lines come to, for the person to confirm. */
	review: plantingAction('pay', ['paidOn'], async ({ user, db, data, today }) => ({
		review: await reviewSubsidies(
			db,
			user,
			formText(data, 'seasonId'),
			{ lineIds: data.getAll('lineId').map(String), paidOn: formText(data, 'paidOn') },
			today
		)
	})),
	/** Step two: pays exactly the lines, count and total that were confirmed. */
	pay: plantingAction('pay', ['paidOn'], async ({ user, db, data, today }) => ({
		paid: await paySubsidies(
			db,
			user,
			formText(data, 'seasonId'),
			{
				lineIds: data.getAll('lineId').map(String),
				paidOn: formText(data, 'paidOn'),
				confirmCount: formText(data, 'confirmCount'),
				confirmFen: formText(data, 'confirmFen')
			},
			today
		)
	}))
};
