import { describe, it, expect } from 'vitest';
import { parseIdentityNumber } from '../../src/lib/identity';
import { officialCounty } from '../../src/lib/server/divisions/data';
import { everydayVillageName } from '../../src/lib/server/divisions/names';
import {
	DEMO_REFERENCE_YEAR,
	generateDemoHouseholds,
	type DemoHousehold,
	type DemoVillage
} from '../../src/lib/server/demo/generate';
import { LIANZAOLIN_VILLAGE, RELATIONS } from '../../src/lib/server/demo/names';

const county = officialCounty('130434');
if (!county) throw new Error('Wei County is missing from the division data');
const villages: DemoVillage[] = county.villages.map((v) => ({
	code: v.code,
	name: everydayVillageName(v.name),
	townshipCode: v.code.slice(0, 9)
}));

const households = generateDemoHouseholds(villages, { seed: 7 });
const everyone = households.flatMap((h) => h.members);

function head(household: DemoHousehold) {
	const found = household.members.find((m) => m.relation === RELATIONS.head);
	if (!found) throw new Error(`${household.householdNumber} has no head`);
	return found;
}

function yearsBetween(older: string, younger: string): number {
	const years = Number(younger.slice(0, 4)) - Number(older.slice(0, 4));
	return younger.slice(5) < older.slice(5) ? years - 1 : years;
}

describe('generateDemoHouseholds', () => {
	it('gives the same county for the same seed and another for another seed', () => {
		expect(generateDemoHouseholds(villages, { seed: 7 })).toEqual(households);
		expect(generateDemoHouseholds([...villages].reverse(), { seed: 7 })).toEqual(households);
		expect(generateDemoHouseholds(villages, { seed: 8 })).not.toEqual(households);
	});

	it('gives every member a valid identity number that matches sex and birth date', () => {
		const today = `${DEMO_REFERENCE_YEAR}-01-01`;
		for (const member of everyone) {
			const parsed = parseIdentityNumber(member.idNumber, today);
			expect(parsed, member.idNumber).toEqual({
				ok: true,
				value: {
					number: member.idNumber,
					addressCode: '130434',
					birthDate: member.birthDate,
					sex: member.sex
				}
			});
		}
	});

	it('never gives two people the same identity number or two households the same number', () => {
		expect(new Set(everyone.map((m) => m.idNumber)).size).toBe(everyone.length);
		expect(new Set(households.map((h) => h.householdNumber)).size).toBe(households.length);
		for (const h of households)
			expect(h.householdNumber).toMatch(new RegExp(`^${h.villageCode}\\d{4}$`));
	});

	it('makes households of one to six people with exactly one head, listed first', () => {
		for (const h of households) {
			expect(h.members.length).toBeGreaterThanOrEqual(1);
			expect(h.members.length).toBeLessThanOrEqual(6);
			expect(h.members.filter((m) => m.relation === RELATIONS.head)).toHaveLength(1);
			expect(h.members[0].relation).toBe(RELATIONS.head);
		}
		const sizes = new Set(households.map((h) => h.members.length));
		expect(sizes.size).toBeGreaterThanOrEqual(5);
	});

	it('keeps relations and ages consistent', () => {
		let spouses = 0;
		let children = 0;
		for (const h of households) {
			const first = head(h);
			for (const m of h.members) {
				if (m.relation === RELATIONS.spouse) {
					spouses++;
					expect(m.sex).not.toBe(first.sex);
					expect(Math.abs(yearsBetween(first.birthDate, m.birthDate))).toBeLessThanOrEqual(8);
				}
				if (m.relation === RELATIONS.son || m.relation === RELATIONS.daughter) {
					children++;
					expect(m.sex).toBe(m.relation === RELATIONS.son ? 'male' : 'female');
					expect(yearsBetween(first.birthDate, m.birthDate)).toBeGreaterThanOrEqual(16);
					if (first.sex === 'male') expect(m.name[0]).toBe(first.name[0]);
				}
				if (m.relation === RELATIONS.grandson || m.relation === RELATIONS.granddaughter) {
					expect(yearsBetween(first.birthDate, m.birthDate)).toBeGreaterThanOrEqual(32);
				}
				if (m.relation === RELATIONS.father || m.relation === RELATIONS.mother) {
					expect(m.sex).toBe(m.relation === RELATIONS.father ? 'male' : 'female');
					expect(yearsBetween(m.birthDate, first.birthDate)).toBeGreaterThanOrEqual(16);
				}
			}
		}
		expect(spouses).toBeGreaterThan(households.length / 2);
		expect(children).toBeGreaterThan(households.length / 2);
	});

	it('puts about 60 households in 东代固镇, 40 in 连枣林村 and the rest in a few other villages', () => {
		const lianzaolin = villages.find((v) => v.name === LIANZAOLIN_VILLAGE);
		expect(lianzaolin?.code.slice(0, 9)).toBe('130434205');
		const townshipOf = new Map(villages.map((v) => [v.code, v.townshipCode]));
		const inDongdaigu = households.filter((h) => townshipOf.get(h.villageCode) === '130434108');
		const inLianzaolin = households.filter((h) => h.villageCode === lianzaolin?.code);
		const elsewhere = households.filter(
			(h) => townshipOf.get(h.villageCode) !== '130434108' && h.villageCode !== lianzaolin?.code
		);
		expect(households.length).toBeGreaterThanOrEqual(280);
		expect(households.length).toBeLessThanOrEqual(320);
		expect(inDongdaigu.length).toBeGreaterThanOrEqual(55);
		expect(inDongdaigu.length).toBeLessThanOrEqual(65);
		expect(inLianzaolin.length).toBeGreaterThanOrEqual(35);
		expect(inLianzaolin.length).toBeLessThanOrEqual(45);
		const otherVillages = new Set(elsewhere.map((h) => h.villageCode));
		expect(otherVillages.size).toBeGreaterThanOrEqual(6);
		expect(otherVillages.size).toBeLessThanOrEqual(8);
		expect(new Set(elsewhere.map((h) => townshipOf.get(h.villageCode))).size).toBe(
			otherVillages.size
		);
	});

	it('writes addresses in the village and mobile numbers a clerk would accept', () => {
		const names = new Map(villages.map((v) => [v.code, v.name]));
		for (const h of households) {
			expect(h.address).toMatch(new RegExp(`^${names.get(h.villageCode)}\\d+号$`));
			if (h.phone !== null) expect(h.phone).toMatch(/^1[358]\d{9}$/);
		}
		const withoutPhone = households.filter((h) => h.phone === null).length;
		expect(withoutPhone).toBeGreaterThan(0);
		expect(withoutPhone).toBeLessThan(households.length / 3);
		expect(new Set(households.map((h) => h.address)).size).toBe(households.length);
	});

	it('names people with a surname and a given name of their generation', () => {
		for (const m of everyone) expect(m.name).toMatch(/^\p{Script=Han}{2,3}$/u);
		const heads = households.map(head);
		expect(new Set(heads.map((h) => h.name[0])).size).toBeGreaterThanOrEqual(20);
	});
});
