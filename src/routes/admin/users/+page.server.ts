import { listTownships } from '$lib/server/divisions';
import { searchText } from '$lib/input';
import { createStaffUser, listUsers } from '$lib/server/auth/users';
import { failFromDomain, formText, formValues, readForm, requireRole } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff');
	const { db } = await database();
	const role = searchText(event.url.searchParams.get('role'), 30);
	const query = searchText(event.url.searchParams.get('q'));
	const [users, townships] = await Promise.all([
		listUsers(db, user, { role, query }),
		user.role === 'county_admin' ? listTownships(db, user.countyCode) : Promise.resolve([])
	]);
	return {
		canCreate: user.role === 'county_admin',
		role,
		query,
		users: users.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })),
		townships: townships.map((t) => ({ code: t.code, name: t.name }))
	};
};

export const actions: Actions = {
	create: async (event) => {
		const user = await requireRole(event, 'county_admin');
		const data = await readForm(event);
		const { db } = await database();
		try {
			const created = await createStaffUser(db, user, {
				role: formText(data, 'role'),
				displayName: formText(data, 'displayName'),
				username: formText(data, 'username'),
				phone: formText(data, 'phone'),
				password: formText(data, 'password'),
				townshipCodes: data.getAll('townshipCodes')
			});
			return { created: { id: created.id, name: created.displayName } };
		} catch (caught) {
			return failFromDomain(
				event,
				caught,
				formValues(data, ['role', 'displayName', 'username', 'phone'])
			);
		}
	}
};
