import { describe, expect, it } from 'vitest';
import { parseOfflineQuery, searchRoster } from '../../src/lib/offline/picker-search';
import type { Roster, RosterPicker } from '../../src/lib/offline/types';

// The phone's picker search must find and order people as the online search does, and
// never offer a choice the server would refuse (a child on the day weighed).

const STATION = { id: 's1', villageCode: '130434108068' };

function picker(over: Partial<RosterPicker> & { memberId: string; name: string }): RosterPicker {
	return { villageCode: '130434108068', idTail: '1234', band: 1, stationIds: [], ...over };
}

function roster(pickers: RosterPicker[]): NonNullable<Roster['picking']> {
	return {
		stations: [{ ...STATION, name: '后闫庄', villageName: '后闫庄村', townshipName: '东代固镇' }],
		season: { year: 2026, startsOn: '2026-05-01', endsOn: '2026-09-30', pickingRateFenPerKg: 100 },
		ceilingGrams: 100_000,
		villages: { '130434108068': '后闫庄村', '130434205213': '连枣林村' },
		pickers
	};
}

describe('reading what the station typed, offline', () => {
	it('takes 4 characters as the ID tail and text as a name with an optional village', () => {
		expect(parseOfflineQuery(' 123x ')).toEqual({ kind: 'id_tail', tail: '123X' });
		expect(parseOfflineQuery('王建国 连枣')).toEqual({
			kind: 'name',
			name: '王建国',
			place: '连枣'
		});
		expect(parseOfflineQuery('')).toBeNull();
	});

	it('says a phone or a whole ID cannot be searched offline, instead of finding nobody', () => {
		expect(parseOfflineQuery('13800138000')).toEqual({
			kind: 'problem',
			key: 'sync_search_offline_digits'
		});
		expect(parseOfflineQuery('130434198001010011')).toMatchObject({ kind: 'problem' });
		expect(parseOfflineQuery('12345')).toEqual({ kind: 'problem', key: 'field_search_digits' });
	});
});

describe('the order of matches, as online', () => {
	const people = [
		picker({ memberId: 'a', name: '王大爷', band: 2 }),
		picker({ memberId: 'b', name: '王小孩', band: 3 }),
		picker({ memberId: 'c', name: '王远', villageCode: '130434205213' }),
		picker({ memberId: 'd', name: '王建国' }),
		picker({ memberId: 'e', name: '王常来', stationIds: ['s1'] })
	];

	it('puts this station’s pickers first, then working age near, then far, older, children', () => {
		const found = searchRoster(
			roster(people),
			{ kind: 'id_tail', tail: '1234' },
			STATION,
			'2026-06-01'
		);
		expect(found.map((f) => f.memberId)).toEqual(['e', 'd', 'c', 'a', 'b']);
		expect(found.find((f) => f.memberId === 'b')?.child).toBe(true);
		expect(found.find((f) => f.memberId === 'e')?.pickedHere).toBe(true);
	});

	it('narrows a name by part of the village name', () => {
		const found = searchRoster(
			roster(people),
			{ kind: 'name', name: '王', place: '连枣' },
			STATION,
			'2026-06-01'
		);
		expect(found.map((f) => f.memberId)).toEqual(['c']);
	});

	it('marks someone as a child on a day before their sixteenth birthday', () => {
		const teen = picker({ memberId: 't', name: '张佳怡', adultOn: '2026-07-01' });
		const query = { kind: 'name', name: '张佳怡', place: '' } as const;
		expect(searchRoster(roster([teen]), query, STATION, '2026-06-30')[0].child).toBe(true);
		expect(searchRoster(roster([teen]), query, STATION, '2026-07-01')[0].child).toBe(false);
	});
});
