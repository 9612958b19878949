import type { Db } from '../db';
import type { UserActor } from '../auth/actor';
import { getWageSheet, type WageSheet } from '../factories/wages';

/** A factory's month as the phone keeps it: names, last 4 ID characters, what is saved. */
export interface RosterWageSheet {
	factoryId: string;
	factoryName: string;
	month: string;
	lines: {
		jobId: string;
		name: string;
		idTail: string;
		jobTitle: string;
		amountFen: number | null;
		version: number | null;
	}[];
}

function phoneSheet(sheet: WageSheet): RosterWageSheet {
	return {
		factoryId: sheet.factoryId,
		factoryName: sheet.factoryName,
		month: sheet.month,
		lines: sheet.lines.map((l) => ({
			jobId: l.jobId,
			name: l.name,
			idTail: l.maskedIdNumber.slice(-4),
			jobTitle: l.jobTitle,
			amountFen: l.amountFen,
			version: l.version
		}))
	};
}
import { pickerRoster, plotRoster, type PickerRoster, type PlotRoster } from '../planting/roster';
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
	plots: PlotRoster | null;
	visits: VisitRoster | null;
	wages: RosterWageSheet[] | null;
}

export async function buildRoster(db: Db, actor: UserActor, today: string): Promise<Roster> {
	const staff = actor.role === 'county_admin' || actor.role === 'township_staff';
	const [picking, plots, visits, wages] = await Promise.all([
		staff ? pickerRoster(db, actor, today) : null,
		staff ? plotRoster(db, actor, today) : null,
		actor.role === 'grid_member' ? visitRoster(db, actor) : null,
		actor.role === 'factory_owner'
			? Promise.all(
					actor.factoryIds.map(async (id) =>
						phoneSheet(await getWageSheet(db, actor, id, null, today))
					)
				)
			: null
	]);
	return {
		person: { userId: actor.userId, name: actor.label, role: actor.role },
		refreshedAt: new Date().toISOString(),
		today,
		picking,
		plots,
		visits,
		wages
	};
}
