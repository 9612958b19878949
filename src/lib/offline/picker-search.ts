import type { Roster, RosterPicker } from './types';
import { findsPerson, parseRosterQuery, type PersonQuery } from './roster-query';

// The online picker search (server: planting/picking.ts searchPickers) done on the phone's
// roster: the same ways of finding (roster-query.ts: last 4 of the ID, name, name + part
// of the village), the same order (weighed at this station this year, then 16–70, then the older, then
// children; the station's township first; then village, name) and the same limit.

const LIMIT = 12;

export type OfflineQuery = PersonQuery;

export function parseOfflineQuery(input: string): OfflineQuery | null {
	return parseRosterQuery(input, { digitsKey: 'field_search_digits' });
}

export interface OfflineMatch {
	memberId: string;
	householdId: string;
	name: string;
	maskedIdNumber: string;
	birthYear: string;
	villageName: string;
	townshipName: string;
	nearby: boolean;
	pickedHere: boolean;
	child: boolean;
	outsideScope: boolean;
}

export function searchRoster(
	roster: NonNullable<Roster['picking']>,
	query: OfflineQuery,
	station: { id: string; villageCode: string } | null,
	/** The day being weighed: someone who turns 16 after it is a child for that day. */
	day: string
): OfflineMatch[] {
	if (query.kind === 'problem') return [];
	const near = station?.villageCode.slice(0, 9) ?? '';
	const found = roster.pickers.filter((p) =>
		findsPerson(query, p, roster.villages[p.villageCode] ?? '')
	);
	const bandOn = (p: RosterPicker) => (p.adultOn && day < p.adultOn ? 3 : p.band);
	const key = (p: RosterPicker) => ({
		here: station ? p.stationIds.includes(station.id) : false,
		nearby: p.villageCode.slice(0, 9) === near
	});
	const compare = (a: RosterPicker, b: RosterPicker): number => {
		const ka = key(a);
		const kb = key(b);
		return (
			Number(kb.here) - Number(ka.here) ||
			bandOn(a) - bandOn(b) ||
			Number(kb.nearby) - Number(ka.nearby) ||
			a.villageCode.localeCompare(b.villageCode) ||
			(a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
			a.memberId.localeCompare(b.memberId)
		);
	};
	const townships = new Map(
		roster.stations.map((s) => [s.villageCode.slice(0, 9), s.townshipName])
	);
	return found
		.sort(compare)
		.slice(0, LIMIT)
		.map((p) => ({
			memberId: p.memberId,
			householdId: '',
			name: p.name,
			maskedIdNumber: `**************${p.idTail}`,
			birthYear: '',
			villageName: roster.villages[p.villageCode] ?? '',
			townshipName: townships.get(p.villageCode.slice(0, 9)) ?? '',
			nearby: p.villageCode.slice(0, 9) === near,
			pickedHere: key(p).here,
			child: bandOn(p) === 3,
			outsideScope: false
		}));
}
