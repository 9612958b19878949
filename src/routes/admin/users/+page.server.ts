import { canSeeTownship } from '$lib/server/auth/scope';
import { listTownships, listVillages } from '$lib/server/divisions';
import { searchText } from '$lib/input';
import { createGridMember, createStaffUser, listUsers } from '$lib/server/auth/users';
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
		listTownships(db, user.countyCode)
	]);
	const mine = townships.filter((t) => canSeeTownship(user, t.code));
	// Grid members are given villages: admins any of the county's, staff their townships'.
	const villages = await villagesOf(db, user.countyCode, mine);
	return {
		canCreate: user.role === 'county_admin',
		role,
		query,
		users: users.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })),
		townships: mine.map((t) => ({ code: t.code, name: t.name })),
		villages
	};
};

async function villagesOf(
	db: Parameters<typeof listVillages>[0],
	countyCode: string,
	townships: { code: string; name: string }[]
) {
	const lists = await Promise.all(townships.map((t) => listVillages(db, countyCode, t.code)));
	return townships.map((t, i) => ({
		township: t.name,
		villages: lists[i].map((v) => ({ code: v.code, name: v.name }))
	}));
}

export const actions: Actions = {
	createGrid: async (event) => {
		const user = await requireRole(event, 'county_admin', 'township_staff');
		const data = await readForm(event);
		const { db } = await database();
		try {
			const created = await createGridMember(db, user, {
				displayName: formText(data, 'displayName'),
				username: formText(data, 'username'),
				phone: formText(data, 'phone'),
				password: formText(data, 'password'),
				villageCodes: data.getAll('villageCodes')
			});
			return { created: { id: created.id, name: created.displayName } };
		} catch (caught) {
			return failFromDomain(event, caught, {
				...formValues(data, ['displayName', 'username', 'phone']),
				role: 'grid_member'
			});
		}
	},
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
