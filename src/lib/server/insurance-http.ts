import type { RequestEvent } from '@sveltejs/kit';
import { todayInChina } from '../format';
import type { UserActor } from './auth/actor';
import type { Role } from './auth/schema';
import type { Db } from './db';
import { failFromDomain, formValues, readForm, requireRole } from './http';
import { database } from './startup';

// The insurance pages' glue: who may use a form, one domain call, and a domain error
// becomes field messages beside the form that was sent.

export const INSURANCE_STAFF: Role[] = ['county_admin', 'township_staff'];
export const CLAIM_REPORTERS: Role[] = ['county_admin', 'township_staff', 'grid_member'];

export interface InsuranceWork {
	user: UserActor;
	db: Db;
	data: FormData;
	today: string;
	/** The route's parameters ([scheme], [claim]). */
	params: Record<string, string>;
}

/** A form action for `roles`: `name` names the form so its answer shows beside it. */
export function insuranceAction<T extends Record<string, unknown>>(
	roles: Role[],
	name: string,
	echo: string[],
	work: (w: InsuranceWork) => Promise<T>
) {
	return async (event: RequestEvent) => {
		const user = await requireRole(event, ...roles);
		const data = await readForm(event);
		const { db } = await database();
		try {
			return {
				form: name,
				saved: name,
				...(await work({
					user,
					db,
					data,
					today: todayInChina(),
					params: event.params as Record<string, string>
				}))
			};
		} catch (caught) {
			return failFromDomain(event, caught, { ...formValues(data, echo), form: name });
		}
	};
}
