import { searchText } from '$lib/input';
import { formText, orNotFound, requireRole } from '$lib/server/http';
import {
	addOption,
	deleteOption,
	isOptionList,
	listOptionsForAdmin,
	moveOption,
	OPTION_ENTITY,
	renameOption,
	setOptionActive
} from '$lib/server/monitoring/options';
import { OPTION_LISTS } from '$lib/server/monitoring/schema';
import { lastChanges } from '$lib/server/settings/admin';
import { settingsAction } from '$lib/server/settings-http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin');
	const chosen = searchText(event.url.searchParams.get('list'), 20);
	const list = isOptionList(chosen) ? chosen : 'category';
	const { db } = await database();
	const [options, changes] = await Promise.all([
		orNotFound(event, listOptionsForAdmin(db, user, list)),
		lastChanges(db, user.countyId, OPTION_ENTITY)
	]);
	return {
		lists: OPTION_LISTS,
		list,
		// Who changed each item last; the national items nobody touched show nothing.
		options: options.map((o) => ({
			...o,
			lastChange: changes.get(`${list}:${o.code}`) ?? null
		}))
	};
};

const ITEM_FIELDS = ['list', 'code', 'nameZh', 'nameEn', 'developmental'];
/** The answer shows beside the item it was about ("item:risk:illness"), or the add form. */
const item = (data: FormData) => `item:${formText(data, 'list')}:${formText(data, 'code')}`;
const choice = (data: FormData) => ({ list: formText(data, 'list'), code: formText(data, 'code') });

export const actions: Actions = {
	add: settingsAction('add', ITEM_FIELDS, async ({ user, db, data }) => ({
		added: await addOption(db, user, {
			list: formText(data, 'list'),
			code: formText(data, 'code'),
			nameZh: formText(data, 'nameZh'),
			nameEn: formText(data, 'nameEn'),
			developmental: formText(data, 'developmental')
		}),
		name: formText(data, 'nameZh')
	})),
	rename: settingsAction(item, ITEM_FIELDS, async ({ user, db, data }) => {
		await renameOption(db, user, {
			...choice(data),
			nameZh: formText(data, 'nameZh'),
			nameEn: formText(data, 'nameEn'),
			developmental: formText(data, 'developmental')
		});
		return {};
	}),
	move: settingsAction(item, [], async ({ user, db, data }) => {
		await moveOption(db, user, { ...choice(data), direction: formText(data, 'direction') });
		return {};
	}),
	deactivate: settingsAction(item, [], async ({ user, db, data }) => {
		await setOptionActive(db, user, choice(data), false);
		return {};
	}),
	reactivate: settingsAction(item, [], async ({ user, db, data }) => {
		await setOptionActive(db, user, choice(data), true);
		return {};
	}),
	delete: settingsAction(item, [], async ({ user, db, data }) => {
		await deleteOption(db, user, choice(data));
		return {};
	})
};
