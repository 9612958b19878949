import { todayInChina } from '$lib/format';
import { newId } from '$lib/server/db/ids';
import { getHousehold } from '$lib/server/households';
import {
	failFromDomain,
	formText,
	formValues,
	orNotFound,
	readForm,
	requireRole
} from '$lib/server/http';
import { getCountySettings } from '$lib/server/settings';
import { database } from '$lib/server/startup';
import { recordVisit, visitableHousehold } from '$lib/server/warnings/visits';
import type { Actions, PageServerLoad } from './$types';

const ROLES = ['county_admin', 'township_staff', 'grid_member'] as const;

/** The visit form, phone first. The visit's id is made here, so a double tap saves one. */
export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, ...ROLES);
	const { db } = await database();
	await orNotFound(event, visitableHousehold(db, user, event.params.id));
	const household = await orNotFound(event, getHousehold(db, user, event.params.id));
	const settings = await getCountySettings(db, user.countyId);
	return {
		household: {
			id: household.id,
			headName: household.headName,
			householdNumber: household.householdNumber,
			villageName: household.villageName
		},
		visitId: newId(),
		today: todayInChina(),
		raise: event.url.searchParams.get('raise') === '1',
		dueDays: settings.verificationDueWorkingDays
	};
};

/**
 * The photo as the page sent it: shrunk on the phone into a data URL, or (without
 * scripts) the file itself. Anything unreadable becomes bytes the type check refuses.
 */
async function photoBytes(data: FormData): Promise<Uint8Array | null> {
	const file = data.get('photoFile');
	if (file instanceof File && file.size > 0) return new Uint8Array(await file.arrayBuffer());
	const url = formText(data, 'photo');
	if (!url) return null;
	const match = /^data:image\/[a-z]+;base64,([A-Za-z0-9+/]+={0,2})$/.exec(url);
	return match ? new Uint8Array(Buffer.from(match[1], 'base64')) : new Uint8Array([0]);
}

export const actions: Actions = {
	default: async (event) => {
		const user = await requireRole(event, ...ROLES);
		const data = await readForm(event);
		const { db } = await database();
		try {
			const visit = await recordVisit(
				db,
				user,
				event.params.id,
				{
					id: formText(data, 'id'),
					visitedOn: formText(data, 'visitedOn'),
					seen: formText(data, 'seen'),
					changes: formText(data, 'changes'),
					photo: await photoBytes(data),
					raiseWarning: formText(data, 'raiseWarning') === 'yes'
				},
				todayInChina()
			);
			return { saved: visit };
		} catch (caught) {
			return failFromDomain(
				event,
				caught,
				formValues(data, ['id', 'visitedOn', 'seen', 'changes', 'raiseWarning'])
			);
		}
	}
};
