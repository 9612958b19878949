import type { RequestEvent } from '@sveltejs/kit';
import { todayInChina } from '../format';
import type { UserActor } from './auth/actor';
import type { Db } from './db';
import { failFromDomain, formValues, readForm, requireRole } from './http';
import { database } from './startup';

// The county settings pages' glue: the county admin only, one domain call per form, and
// a domain error becomes field messages beside the form that was sent.

export interface SettingsWork {
	user: UserActor;
	db: Db;
	data: FormData;
	today: string;
}

/**
 * A form action: `form` names the form (or says how to, from its fields) so its answer
 * shows beside it; `echo` lists the fields sent back with the error messages.
 */
export function settingsAction<T extends Record<string, unknown>>(
	form: string | ((data: FormData) => string),
	echo: string[],
	work: (w: SettingsWork) => Promise<T>
) {
	return async (event: RequestEvent) => {
		const user = await requireRole(event, 'county_admin');
		const data = await readForm(event);
		const { db } = await database();
		const name = typeof form === 'string' ? form : form(data);
		try {
			return {
				form: name,
				saved: true,
				...(await work({ user, db, data, today: todayInChina() }))
			};
		} catch (caught) {
			return failFromDomain(event, caught, { ...formValues(data, echo), form: name });
		}
	};
}
