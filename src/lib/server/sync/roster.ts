import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { getWageSheet, type WageSheet } from '../factories/wages';
import { pickerRoster, type PickerRoster } from '../planting/roster';
import { visitRoster, type VisitRoster } from '../warnings/roster';

/**
 * Everything one person's phone keeps for the field screens of their role, and nothing of
 * anyone else's scope. The phone replaces what it kept with this on every refresh and
 * erases it on sign-out.
 */
export interface Roster {
	person: { userId: string; name: string; role: UserActor['role'] };
	/** The server's time of this refresh ("更新于 …" on the screens). */
	refreshedAt: string;
	today: string;
	picking: PickerRoster | null;
	visits: VisitRoster | null;
	wages: WageSheet[] | null;
}

export async function buildRoster(db: Db, actor: UserActor, today: string): Promise<Roster> {
	const staff = actor.role === 'county_admin' || actor.role === 'township_staff';
	const [picking, visits, wages] = await Promise.all([
		staff ? pickerRoster(db, actor, today) : null,
		actor.role === 'grid_member' ? visitRoster(db, actor) : null,
		actor.role === 'factory_owner'
			? Promise.all(actor.factoryIds.map((id) => getWageSheet(db, actor, id, null, today)))
			: null
	]);
	return {
		person: { userId: actor.userId, name: actor.label, role: actor.role },
		refreshedAt: new Date().toISOString(),
		today,
		picking,
		visits,
		wages
	};
}
