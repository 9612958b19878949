import { identityCheckCharacter } from '../../identity';
import { Random } from './random';
import {
	GIVEN_NAME_GENERATIONS,
	HOUSE_NUMBER_SUFFIX,
	LIANZAOLIN_VILLAGE,
	RELATIONS,
	SURNAMES,
	VILLAGE_SUFFIX
} from './names';

// The demo county: about 300 households of Wei County made up from a seed, the same every
// time. Pure: no database, no clock, no Math.random.

export const DEMO_COUNTY_CODE = '130434';
export const DEMO_SEED = 130434;
/** Ages are counted from this year, so the data does not change with the clock. */
export const DEMO_REFERENCE_YEAR = 2026;

/** 东代固镇 (Dongdaigu Town). */
const DONGDAIGU_TOWNSHIP = '130434108';
const DONGDAIGU_HOUSEHOLDS = 60;
const DONGDAIGU_VILLAGES = 6;
const LIANZAOLIN_HOUSEHOLDS = 40;
const OTHER_HOUSEHOLDS = 200;
const OTHER_VILLAGES = 7;
const MAX_MEMBERS = 6;

export type DemoSex = 'male' | 'female';
export type DemoRelation = (typeof RELATIONS)[keyof typeof RELATIONS];

export interface DemoVillage {
	code: string;
	name: string;
	townshipCode: string;
}

export interface DemoMember {
	name: string;
	idNumber: string;
	sex: DemoSex;
	/** YYYY-MM-DD */
	birthDate: string;
	relation: DemoRelation;
}

export interface DemoHousehold {
	householdNumber: string;
	villageCode: string;
	address: string;
	phone: string | null;
	/** The head first. */
	members: DemoMember[];
}

export interface DemoOptions {
	seed?: number;
	referenceYear?: number;
}

const SURNAME_WEIGHTS = SURNAMES.map((s) => s.weight);
const SURNAME_SET = new Set(SURNAMES.map((s) => s.surname));

function commonSurname(random: Random): string {
	return SURNAMES[random.weightedIndex(SURNAME_WEIGHTS)].surname;
}

function givenNamesFor(sex: DemoSex, birthYear: number): readonly string[] {
	const generation =
		GIVEN_NAME_GENERATIONS.find((g) => g.bornUntil === null || birthYear <= g.bornUntil) ??
		GIVEN_NAME_GENERATIONS[GIVEN_NAME_GENERATIONS.length - 1];
	return sex === 'male' ? generation.male : generation.female;
}

/** Splits `total` into `parts` uneven positive shares that add up to `total`. */
function unevenShares(random: Random, total: number, parts: number): number[] {
	const weights = Array.from({ length: parts }, () => 0.6 + random.next() * 0.8);
	const sum = weights.reduce((a, b) => a + b, 0);
	const shares = weights.map((w) => Math.max(1, Math.floor((total * w) / sum)));
	let rest = total - shares.reduce((a, b) => a + b, 0);
	for (let i = 0; rest !== 0; i = (i + 1) % parts) {
		if (rest > 0) {
			shares[i]++;
			rest--;
		} else if (shares[i] > 1) {
			shares[i]--;
			rest++;
		}
	}
	return shares;
}

interface VillagePlan {
	village: DemoVillage;
	households: number;
}

/** Villages first, town quarters (社区) only when a township has no village. */
function preferVillages(list: DemoVillage[]): DemoVillage[] {
	const villages = list.filter((v) => v.name.endsWith(VILLAGE_SUFFIX));
	return villages.length > 0 ? villages : list;
}

function planVillages(random: Random, all: readonly DemoVillage[]): VillagePlan[] {
	const sorted = [...all].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
	const dongdaigu = preferVillages(sorted.filter((v) => v.townshipCode === DONGDAIGU_TOWNSHIP));
	const lianzaolin = sorted.find((v) => v.name === LIANZAOLIN_VILLAGE);
	if (dongdaigu.length === 0 || !lianzaolin) {
		throw new Error(
			`The demo needs the villages of township ${DONGDAIGU_TOWNSHIP} and ${LIANZAOLIN_VILLAGE}`
		);
	}
	const elsewhere = preferVillages(
		sorted.filter(
			(v) => v.townshipCode !== DONGDAIGU_TOWNSHIP && v.townshipCode !== lianzaolin.townshipCode
		)
	);
	const byTownship = new Map<string, DemoVillage[]>();
	for (const v of elsewhere) {
		byTownship.set(v.townshipCode, [...(byTownship.get(v.townshipCode) ?? []), v]);
	}
	// One village in each of several townships, so most of the county shows some households.
	const others = random
		.shuffle([...byTownship.values()])
		.slice(0, OTHER_VILLAGES)
		.map((list) => random.pick(list));
	if (others.length === 0) throw new Error('The demo needs villages of other townships');

	const chosenDongdaigu = random.shuffle(dongdaigu).slice(0, DONGDAIGU_VILLAGES);
	const plan: VillagePlan[] = [{ village: lianzaolin, households: LIANZAOLIN_HOUSEHOLDS }];
	const dongdaiguShares = unevenShares(random, DONGDAIGU_HOUSEHOLDS, chosenDongdaigu.length);
	chosenDongdaigu.forEach((village, i) => plan.push({ village, households: dongdaiguShares[i] }));
	const otherShares = unevenShares(random, OTHER_HOUSEHOLDS, others.length);
	others.forEach((village, i) => plan.push({ village, households: otherShares[i] }));
	return plan;
}

interface Person {
	surname: string;
	sex: DemoSex;
	birthYear: number;
	relation: DemoRelation;
}

const RELATION_ORDER: readonly DemoRelation[] = [
	RELATIONS.head,
	RELATIONS.spouse,
	RELATIONS.father,
	RELATIONS.mother,
	RELATIONS.son,
	RELATIONS.daughter,
	RELATIONS.daughterInLaw,
	RELATIONS.grandson,
	RELATIONS.granddaughter
];

function opposite(sex: DemoSex): DemoSex {
	return sex === 'male' ? 'female' : 'male';
}

/** Anyone but `avoid`, as brides mostly come from another clan. */
function otherSurname(random: Random, avoid: string): string {
	const surname = commonSurname(random);
	return surname === avoid ? commonSurname(random) : surname;
}

/**
 * Who lives in one household. Ages follow relations: parents are 21–33 years older than
 * their children, spouses of a similar age, no one over 96.
 */
function composeFamily(random: Random, clans: readonly string[], year: number): Person[] {
	const roll = random.next();
	const headAge =
		roll < 0.25
			? random.int(70, 86)
			: roll < 0.65
				? random.int(55, 69)
				: roll < 0.9
					? random.int(40, 54)
					: random.int(27, 39);
	const hasSpouse = random.chance(headAge >= 70 ? 0.6 : headAge < 32 ? 0.75 : 0.88);
	const headSex: DemoSex = hasSpouse
		? random.chance(0.94)
			? 'male'
			: 'female'
		: random.chance(headAge >= 65 ? 0.5 : 0.75)
			? 'male'
			: 'female';
	const headSurname =
		clans.length > 0 && random.chance(0.45) ? random.pick(clans) : commonSurname(random);
	const people: Person[] = [
		{ surname: headSurname, sex: headSex, birthYear: year - headAge, relation: RELATIONS.head }
	];
	const room = () => people.length < MAX_MEMBERS;

	let youngestParentAge = headAge;
	let familySurname = headSurname;
	if (hasSpouse) {
		const spouseSex = opposite(headSex);
		const spouseAge =
			spouseSex === 'female' ? headAge - random.int(-2, 5) : headAge + random.int(-1, 5);
		const spouseSurname = otherSurname(random, headSurname);
		people.push({
			surname: spouseSurname,
			sex: spouseSex,
			birthYear: year - spouseAge,
			relation: RELATIONS.spouse
		});
		youngestParentAge = Math.min(headAge, spouseAge);
		if (headSex === 'female') familySurname = spouseSurname;
	} else if (headSex === 'female') {
		// A widow: the children carry their late father's surname.
		familySurname = otherSurname(random, headSurname);
	}

	const childWeights =
		headAge >= 70
			? [45, 55]
			: headAge >= 55
				? [25, 50, 25]
				: headAge >= 40
					? [0, 35, 45, 20]
					: [20, 45, 35];
	const childCount = random.weightedIndex(childWeights);
	let childAge = youngestParentAge - random.int(21, 33);
	const sons: number[] = [];
	for (let i = 0; i < childCount && childAge >= 1 && room(); i++) {
		const sex: DemoSex = random.chance(0.55) ? 'male' : 'female';
		if (sex === 'male') sons.push(childAge);
		people.push({
			surname: familySurname,
			sex,
			birthYear: year - childAge,
			relation: sex === 'male' ? RELATIONS.son : RELATIONS.daughter
		});
		childAge -= random.int(1, 6);
	}

	if (headAge <= 66 && random.chance(0.22) && room()) {
		const parentAge = headAge + random.int(22, 32);
		if (parentAge <= 96) {
			const isMother = random.chance(0.7);
			people.push({
				surname: isMother ? otherSurname(random, familySurname) : headSurname,
				sex: isMother ? 'female' : 'male',
				birthYear: year - parentAge,
				relation: isMother ? RELATIONS.mother : RELATIONS.father
			});
		}
	}

	// Grandchildren are the eldest son's, often left with the grandparents while he works away.
	const eldestSon = sons[0];
	if (eldestSon !== undefined && eldestSon >= 22) {
		const count = random.weightedIndex([35, 35, 30]);
		let age = eldestSon - random.int(22, 32);
		for (let i = 0; i < count && age >= 1 && room(); i++) {
			const sex: DemoSex = random.chance(0.55) ? 'male' : 'female';
			people.push({
				surname: familySurname,
				sex,
				birthYear: year - age,
				relation: sex === 'male' ? RELATIONS.grandson : RELATIONS.granddaughter
			});
			age -= random.int(1, 5);
		}
		const hasGrandchildren = people.some(
			(p) => p.relation === RELATIONS.grandson || p.relation === RELATIONS.granddaughter
		);
		if (random.chance(hasGrandchildren ? 0.5 : 0.15) && room()) {
			people.push({
				surname: otherSurname(random, familySurname),
				sex: 'female',
				birthYear: year - (eldestSon - random.int(-1, 4)),
				relation: RELATIONS.daughterInLaw
			});
		}
	}

	return people.sort(
		(a, b) => RELATION_ORDER.indexOf(a.relation) - RELATION_ORDER.indexOf(b.relation)
	);
}

function daysInMonth(year: number, month: number): number {
	return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function birthDate(random: Random, year: number): string {
	const month = random.int(1, 12);
	const day = random.int(1, daysInMonth(year, month));
	return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A valid identity number not yet given to anyone: odd sequence for men, even for women. */
function identityNumber(random: Random, date: string, sex: DemoSex, taken: Set<string>): string {
	const prefix = DEMO_COUNTY_CODE + date.replace(/-/g, '');
	const parity = sex === 'male' ? 1 : 0;
	for (let attempt = 0; ; attempt++) {
		// After a few random tries, walk the sequence so a crowded birth date still ends.
		const base = attempt < 20 ? random.int(0, 499) : attempt - 20;
		if (base > 499) throw new Error(`No identity number left for ${date}`);
		const sequence = base * 2 + parity;
		if (sequence === 0) continue;
		const first17 = prefix + String(sequence).padStart(3, '0');
		if (taken.has(first17)) continue;
		taken.add(first17);
		return first17 + identityCheckCharacter(first17);
	}
}

function givenName(random: Random, person: Person, usedNames: Set<string>): string {
	const choices = givenNamesFor(person.sex, person.birthYear);
	let name = person.surname + random.pick(choices);
	for (let i = 0; i < 10 && usedNames.has(name); i++) name = person.surname + random.pick(choices);
	usedNames.add(name);
	return name;
}

function mobilePhone(random: Random): string {
	const second = random.pick(['3', '5', '8']);
	// 154 is not issued.
	const third =
		second === '5'
			? random.pick(['0', '1', '2', '3', '5', '6', '7', '8', '9'])
			: String(random.int(0, 9));
	let rest = '';
	for (let i = 0; i < 8; i++) rest += String(random.int(0, 9));
	return `1${second}${third}${rest}`;
}

/** Surnames in the village's name (北张庄 → 张) and a clan or two: most villages have some. */
function villageClans(random: Random, village: DemoVillage): string[] {
	const fromName = [...village.name.slice(0, -1)].filter((c) => SURNAME_SET.has(c));
	if (fromName.length > 0) return [...new Set(fromName)];
	return random.chance(0.5)
		? [commonSurname(random)]
		: [commonSurname(random), commonSurname(random)];
}

/**
 * Households and members for the demo county: 60 households in villages of 东代固镇, 40 in
 * 连枣林村 and 200 spread over villages of seven other townships. The same villages, seed
 * and reference year always give the same households, in household-number order.
 */
export function generateDemoHouseholds(
	villages: readonly DemoVillage[],
	options: DemoOptions = {}
): DemoHousehold[] {
	const random = new Random(options.seed ?? DEMO_SEED);
	const year = options.referenceYear ?? DEMO_REFERENCE_YEAR;
	const takenIdentities = new Set<string>();
	const households: DemoHousehold[] = [];

	for (const { village, households: count } of planVillages(random, villages)) {
		const clans = villageClans(random, village);
		let sequence = random.int(1, 20);
		let houseNumber = random.int(1, 8);
		for (let i = 0; i < count; i++) {
			const usedNames = new Set<string>();
			const members = composeFamily(random, clans, year).map((person): DemoMember => {
				const date = birthDate(random, person.birthYear);
				return {
					name: givenName(random, person, usedNames),
					idNumber: identityNumber(random, date, person.sex, takenIdentities),
					sex: person.sex,
					birthDate: date,
					relation: person.relation
				};
			});
			households.push({
				householdNumber: village.code + String(sequence).padStart(4, '0'),
				villageCode: village.code,
				address: `${village.name}${houseNumber}${HOUSE_NUMBER_SUFFIX}`,
				phone: random.chance(0.85) ? mobilePhone(random) : null,
				members
			});
			sequence += random.int(1, 3);
			houseNumber += random.int(1, 4);
		}
	}

	return households.sort((a, b) =>
		a.householdNumber < b.householdNumber ? -1 : a.householdNumber > b.householdNumber ? 1 : 0
	);
}
