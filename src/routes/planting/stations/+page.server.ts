import { canSeeTownship } from '$lib/server/auth/scope';
import { listTownships, listVillages } from '$lib/server/divisions';
import { formText } from '$lib/server/http';
import { createStation, listStations, updateStation } from '$lib/server/planting';
import { plantingAction, requireProgramStaff } from '$lib/server/planting-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireProgramStaff(event);
	const { db } = await database();
	const [stations, townships] = await Promise.all([
		listStations(db, user),
		listTownships(db, user.countyCode)
	]);
	const mine = townships.filter((t) => canSeeTownship(user, t.code));
	// Staff have a township or two; an admin chooses the township first.
	const township = event.url.searchParams.get('township') ?? (mine.length <= 2 ? '' : null);
	const shown = township === null ? [] : mine.filter((t) => !township || t.code === township);
	const villages = (
		await Promise.all(shown.map((t) => listVillages(db, user.countyCode, t.code)))
	).flat();
	return {
		stations,
		townships: mine.map((t) => ({ code: t.code, name: t.name })),
		township: township ?? '',
		villages: villages.map((v) => ({ code: v.code, name: v.name, townshipCode: v.parentCode }))
	};
};

const input = (data: FormData) => ({
	name: formText(data, 'name'),
	villageCode: formText(data, 'villageCode'),
	active: formText(data, 'active')
});

export const actions: Actions = {
	create: plantingAction('create', ['name', 'villageCode'], async ({ user, db, data }) => ({
		created: await createStation(db, user, input(data))
	})),
	update: plantingAction(
		(data) => `update:${formText(data, 'stationId')}`,
		['name', 'villageCode', 'stationId'],
		async ({ user, db, data }) => {
			await updateStation(db, user, formText(data, 'stationId'), input(data));
			return { saved: true };
		}
	)
};
