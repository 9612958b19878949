import type { Roster, RosterPlotHousehold } from './types';
import { findsPerson, parseRosterQuery, type RosterQuery } from './roster-query';

// The online household search (server: households/list.ts) done on the phone's plot
// roster: anyone's name or its start (a space, then part of the village, narrows it), an
// ID's last 4, or the start of a household number (roster-query.ts). The same order
// (village, household number) and limit. The search only lists; the person taps the
// household (never chosen for them, even when one is found).

const LIMIT = 20;

export type HouseholdQuery = RosterQuery;

export function parseHouseholdQuery(input: string): HouseholdQuery | null {
	return parseRosterQuery(input, { digitsKey: 'sync_plot_search_digits', householdNumbers: true });
}

export interface HouseholdMatch {
	household: RosterPlotHousehold;
	villageName: string;
	/** The person the search found in it (a name or last 4 that is not the head's). */
	foundPerson: string | null;
}

export function searchHouseholds(
	roster: NonNullable<Roster['plots']>,
	query: HouseholdQuery
): HouseholdMatch[] {
	if (query.kind === 'problem') return [];
	const matches: HouseholdMatch[] = [];
	for (const household of roster.households) {
		const villageName = roster.villages[household.villageCode] ?? '';
		const found =
			query.kind === 'number'
				? household.householdNumber.startsWith(query.prefix)
					? household.people[0]
					: undefined
				: household.people.find((p) => findsPerson(query, p, villageName));
		if (!found) continue;
		matches.push({
			household,
			villageName,
			foundPerson: found.name === household.headName ? null : found.name
		});
	}
	return matches
		.sort(
			(a, b) =>
				a.household.villageCode.localeCompare(b.household.villageCode) ||
				a.household.householdNumber.localeCompare(b.household.householdNumber)
		)
		.slice(0, LIMIT);
}
