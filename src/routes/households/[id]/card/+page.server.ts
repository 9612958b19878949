import QRCode from 'qrcode';
import { getHousehold } from '$lib/server/households';
import { issueHouseholdCard } from '$lib/server/auth/users';
import { failFromDomain, orNotFound, requireRole } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff');
	const { db } = await database();
	return { household: await orNotFound(event, getHousehold(db, user, event.params.id)) };
};

export const actions: Actions = {
	// The token exists only in this answer: printing again issues a new card.
	issue: async (event) => {
		const user = await requireRole(event, 'county_admin', 'township_staff');
		const { db } = await database();
		try {
			const { token } = await issueHouseholdCard(db, user, event.params.id);
			const url = `${event.url.origin}/card/${token}`;
			const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
			return { card: { svg, url } };
		} catch (caught) {
			return failFromDomain(event, caught);
		}
	}
};
