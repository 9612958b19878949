import type { RequestEvent } from '@sveltejs/kit';
import { todayInChina } from '../format';
import type { UserActor } from './auth/actor';
import type { Db } from './db';
import { failFromDomain, formValues, readForm, requireRole } from './http';
import { database } from './startup';

// The honeysuckle pages' glue: program staff only, one domain call per form, and a
// domain error becomes field messages beside the form that was sent.

export interface PlantingWork {
	user: UserActor;
	db: Db;
	data: FormData;
	today: string;
}

/** Admins and township staff; everyone else is told the page does not exist. */
export function requireProgramStaff(event: RequestEvent): Promise<UserActor> {
	return requireRole(event, 'county_admin', 'township_staff');
}

/**
 * A form action: `name` names the form (or says how to, from its fields) so its answer shows beside it; `echo` lists the
 * fields sent back with the error messages.
 */
export function plantingAction<T extends Record<string, unknown>>(
	name: string | ((data: FormData) => string),
	echo: string[],
	work: (w: PlantingWork) => Promise<T>
) {
	return async (event: RequestEvent) => {
		const user = await requireProgramStaff(event);
		const data = await readForm(event);
		const { db } = await database();
		const form = typeof name === 'string' ? name : name(data);
		try {
			return { form, ...(await work({ user, db, data, today: todayInChina() })) };
		} catch (caught) {
			return failFromDomain(event, caught, { ...formValues(data, echo), form });
		}
	};
}
