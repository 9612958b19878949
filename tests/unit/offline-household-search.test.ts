import { describe, expect, it } from 'vitest';
import { parseHouseholdQuery, searchHouseholds } from '../../src/lib/offline/household-search';
import type { Roster, RosterPlotHousehold } from '../../src/lib/offline/types';

// The offline plot screen finds households in the roster the phone keeps the way the online
// household search does, and only lists them: the person taps the household.

function household(
	over: Partial<RosterPlotHousehold> & { id: string; people: RosterPlotHousehold['people'] }
): RosterPlotHousehold {
	return {
		householdNumber: `1304341080680${over.id}`,
		headName: over.people[0].name,
		villageCode: '130434108068',
		...over
	};
}

function roster(households: RosterPlotHousehold[]): NonNullable<Roster['plots']> {
	return {
		seedlingsPerMu: 300,
		villages: { '130434108068': '后闫庄村', '130434108070': '前闫庄村' },
		households
	};
}

describe('reading what staff typed to find a household offline', () => {
	it('takes 4 characters as an ID tail, longer digits as a household number, text as a name', () => {
		expect(parseHouseholdQuery(' 123x ')).toEqual({ kind: 'id_tail', tail: '123X' });
		expect(parseHouseholdQuery('13043410')).toEqual({ kind: 'number', prefix: '13043410' });
		expect(parseHouseholdQuery('王 后闫')).toEqual({ kind: 'name', name: '王', place: '后闫' });
		expect(parseHouseholdQuery('   ')).toBeNull();
	});

	it('says what cannot be searched without a network instead of guessing', () => {
		expect(parseHouseholdQuery('13812345678')).toEqual({
			kind: 'problem',
			key: 'sync_search_offline_digits'
		});
		expect(parseHouseholdQuery('130434199001011234')).toMatchObject({ kind: 'problem' });
		expect(parseHouseholdQuery('12')).toEqual({ kind: 'problem', key: 'sync_plot_search_digits' });
		expect(parseHouseholdQuery('王'.repeat(41))).toMatchObject({ kind: 'problem' });
	});
});

describe('finding households in the phone’s roster', () => {
	const wang = household({
		id: '1',
		people: [
			{ name: '王建国', idTail: '1234' },
			{ name: '李秀英', idTail: '5678' }
		]
	});
	const wang2 = household({
		id: '2',
		villageCode: '130434108070',
		householdNumber: '13043410807000002',
		people: [{ name: '王建民', idTail: '0011' }]
	});
	const zhao = household({ id: '3', people: [{ name: '赵刚', idTail: '123X' }] });
	const all = roster([wang2, zhao, wang]);

	it('finds a household by anyone’s name and says whom it found', () => {
		const found = searchHouseholds(all, { kind: 'name', name: '李', place: '' });
		expect(found.map((f) => f.household.id)).toEqual(['1']);
		expect(found[0].foundPerson).toBe('李秀英');
		expect(found[0].villageName).toBe('后闫庄村');
	});

	it('lists every household a name matches, ordered by village and number, for the person to tap', () => {
		const found = searchHouseholds(all, { kind: 'name', name: '王', place: '' });
		expect(found.map((f) => f.household.id)).toEqual(['1', '2']);
		expect(found.every((f) => f.foundPerson === null)).toBe(true);
	});

	it('narrows a name by part of the village name', () => {
		const found = searchHouseholds(all, { kind: 'name', name: '王', place: '前闫' });
		expect(found.map((f) => f.household.id)).toEqual(['2']);
	});

	it('finds by the last 4 of an ID and by the start of a household number', () => {
		expect(
			searchHouseholds(all, { kind: 'id_tail', tail: '123X' }).map((f) => f.household.id)
		).toEqual(['3']);
		expect(
			searchHouseholds(all, { kind: 'number', prefix: '1304341080700' }).map((f) => f.household.id)
		).toEqual(['2']);
	});

	it('finds nothing for a problem and at most 20 households', () => {
		expect(searchHouseholds(all, { kind: 'problem', key: 'x' })).toEqual([]);
		const many = roster(
			Array.from({ length: 30 }, (_, i) =>
				household({ id: String(i).padStart(2, '0'), people: [{ name: `王${i}`, idTail: '0000' }] })
			)
		);
		expect(searchHouseholds(many, { kind: 'name', name: '王', place: '' })).toHaveLength(20);
	});
});
