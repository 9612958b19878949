import { todayInChina } from '$lib/format';
import { orNotFound, formText } from '$lib/server/http';
import {
	currentSeason,
	listStations,
	paySheet,
	paymentSheet,
	pickerVillages,
	recentPayments,
	seasonOn
} from '$lib/server/planting';
import { plantingAction, requireProgramStaff } from '$lib/server/planting-http';
import { database } from '$lib/server/startup';
import { isIsoDate } from '$lib/planting';
import { WEIGH_COOKIE, readWeighChoice } from '$lib/picking-choice';
import type { Actions, PageServerLoad } from './$types';

/** A day's or a week's payment sheet of a station (or of a village's pickers). */
export const load: PageServerLoad = async (event) => {
	const user = await requireProgramStaff(event);
	const { db } = await database();
	const today = todayInChina();
	const params = event.url.searchParams;
	const remembered = readWeighChoice(event.cookies.get(WEIGH_COOKIE), today);
	const [stations, current, todaySeason, recent] = await Promise.all([
		listStations(db, user),
		currentSeason(db, user.countyId, today),
		seasonOn(db, user.countyId, today),
		recentPayments(db, user, 10)
	]);
	const fallback = todaySeason || !current || current.endsOn > today ? today : current.endsOn;
	const asked = params.get('date');
	const date = isIsoDate(asked) ? asked : (remembered.date ?? fallback);
	const period = params.get('period') === 'week' ? 'week' : 'day';
	const villageCode = params.get('village') ?? '';
	const stationId =
		params.get('station') ??
		(villageCode
			? ''
			: (stations.find((s) => s.id === remembered.station)?.id ?? stations[0]?.id ?? ''));
	const sheet =
		stationId || villageCode
			? await orNotFound(
					event,
					paymentSheet(db, user, {
						stationId: stationId || undefined,
						villageCode: villageCode || undefined,
						period,
						date
					})
				)
			: null;
	const villages = sheet ? await pickerVillages(db, user, sheet.from, sheet.to) : [];
	return {
		today,
		date,
		period,
		stations: stations.map((s) => ({ id: s.id, name: s.name, villageName: s.villageName })),
		villages,
		sheet,
		// The second step of paying: the count and total shown, to confirm.
		confirm: params.get('confirm') === '1',
		recent
	};
};

const SHEET_FIELDS = ['station', 'village', 'period', 'date'];

export const actions: Actions = {
	pay: plantingAction('pay', ['paidOn', ...SHEET_FIELDS], async ({ user, db, data, today }) => ({
		paid: await paySheet(
			db,
			user,
			{
				stationId: formText(data, 'station') || undefined,
				villageCode: formText(data, 'village') || undefined,
				period: formText(data, 'period'),
				date: formText(data, 'date'),
				paidOn: formText(data, 'paidOn'),
				expectedEntries: formText(data, 'expectedEntries'),
				expectedFen: formText(data, 'expectedFen')
			},
			today
		)
	}))
};
