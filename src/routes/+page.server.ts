import { database } from '$lib/server/startup';
import { listCounties, listTownships } from '$lib/server/divisions';
import { countHouseholds } from '$lib/server/households';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const { db } = await database();
	const [county] = await listCounties(db);
	if (!county) return { overview: null };
	const [townships, counts] = await Promise.all([
		listTownships(db, county.code),
		countHouseholds(db, county.id)
	]);
	return {
		overview: {
			county,
			townships: townships.length,
			villages: townships.reduce((sum, t) => sum + t.villageCount, 0),
			...counts
		}
	};
};
