import type { Roster, RosterPlotHousehold } from './types';

// The online household search (server: households/list.ts) done on the phone's plot
// roster: anyone's name or its start (a space, then part of the village, narrows it), an
// ID's last 4, or the start of a household number. The same order (village, household
// number) and limit. A phone number or a whole ID cannot be searched offline: the roster
// does not hold them. The search only lists; the person taps the household (never chosen
// for them, even when one is found).

export const MAX_QUERY = 40;
const LIMIT = 20;

export type HouseholdQuery =
	| { kind: 'id_tail'; tail: string }
	| { kind: 'number'; prefix: string }
	| { kind: 'name'; name: string; place: string }
	| { kind: 'problem'; key: string };

export function parseHouseholdQuery(input: string): HouseholdQuery | null {
	const q = input
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u001f\u007f]/g, '')
		.trim()
		.replace(/\s+/g, ' ');
	if (!q) return null;
	if (q.length > MAX_QUERY) return { kind: 'problem', key: 'field_search_too_long' };
	const compact = q.replace(/\s/g, '');
	if (/^\d{17}[\dXx]$/.test(compact) || /^1\d{10}$/.test(compact))
		return { kind: 'problem', key: 'sync_search_offline_digits' };
	if (/^\d{3}[\dXx]$/.test(compact)) return { kind: 'id_tail', tail: compact.toUpperCase() };
	if (/^[\d-]{5,}$/.test(compact)) return { kind: 'number', prefix: compact };
	if (/^[\d\sXx-]+$/.test(q)) return { kind: 'problem', key: 'sync_plot_search_digits' };
	const [name, ...place] = q.split(' ');
	return { kind: 'name', name, place: place.join('') };
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
		let found: { name: string } | undefined;
		if (query.kind === 'number') {
			if (household.householdNumber.startsWith(query.prefix)) found = household.people[0];
		} else if (query.kind === 'id_tail') {
			found = household.people.find((p) => p.idTail === query.tail);
		} else if (!query.place || villageName.includes(query.place)) {
			found = household.people.find((p) => p.name.startsWith(query.name));
		}
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
