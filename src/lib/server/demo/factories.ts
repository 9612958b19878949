import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { bulkInsert } from '../db/bulk';
import { newId } from '../db/ids';
import { recordAudit } from '../audit';
import { systemActor } from '../auth/actor';
import { users } from '../auth/schema';
import { divisions } from '../divisions/schema';
import { factories, factoryJobs, factoryOwners, factoryWages } from '../factories/schema';
import { creditCheckCharacter, employedInMonth, lastDay, monthsBetween } from '../factories/rules';
import { households, members } from '../households/schema';
import { postLedgerEntries, type Posting } from '../income';
import { monitoringRecords } from '../monitoring/schema';
import { identityCheckCharacter } from '../../identity';
import {
	DEMO_OWNER_FACTORIES,
	ENTERPRISE_PLACES,
	ENTERPRISE_WORDS,
	FACTORY_LINES,
	MONTHLY_WAGE_YUAN,
	OUTSIDE_ADDRESS_CODES,
	OUTSIDE_HOMES,
	SPRING_FESTIVAL_MONTH,
	SPRING_FESTIVAL_SHARE
} from './factories-data';
import { demoLedgerWindow } from './monitoring';
import { GIVEN_NAME_GENERATIONS, SURNAMES } from './names';
import { Random } from './random';

// The demo county's micro-factories: about thirty workshops in the villages of the demo
// households' townships, the people they hired from those households (monitored ones
// more often) and a few from across the border, and a year of monthly wages posted to the
// households' income ledgers. The same every time: seeded, no clock.

export const DEMO_FACTORY_SEED = 4340108;
const FACTORY_COUNT = 28;
const CREDIT_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** 东代固镇: the demo owner's factories and the e2e's township. */
const OWNER_TOWNSHIP = '130434108';

type FactoryRow = typeof factories.$inferInsert;
type JobRow = typeof factoryJobs.$inferInsert & { id: string; startedOn: string };

export interface DemoFactoriesResult {
	factories: number;
	jobs: number;
	wages: number;
	postings: number;
}

function dateOf(year: number, month: number, day: number): string {
	return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function randomDate(random: Random, from: string, to: string): string {
	const start = Date.parse(`${from}T00:00:00Z`);
	const end = Date.parse(`${to}T00:00:00Z`);
	const day =
		start + random.int(0, Math.max(0, Math.round((end - start) / 86_400_000))) * 86_400_000;
	return new Date(day).toISOString().slice(0, 10);
}

function addDays(isoDate: string, days: number): string {
	return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000)
		.toISOString()
		.slice(0, 10);
}

function tenYuanFen(yuan: number): number {
	return Math.max(0, Math.round(yuan / 10) * 1000);
}

function mobile(random: Random): string {
	let rest = '';
	for (let i = 0; i < 8; i++) rest += String(random.int(0, 9));
	return `1${random.pick(['3', '5', '8'])}${random.int(0, 9)}${rest}`;
}

function personName(random: Random, birthYear: number, female: boolean): string {
	const surname = SURNAMES[random.weightedIndex(SURNAMES.map((s) => s.weight))].surname;
	const generation =
		GIVEN_NAME_GENERATIONS.find((g) => g.bornUntil === null || birthYear <= g.bornUntil) ??
		GIVEN_NAME_GENERATIONS[GIVEN_NAME_GENERATIONS.length - 1];
	return surname + random.pick(female ? generation.female : generation.male);
}

function creditCode(random: Random): string {
	let body = '91130434MA0';
	for (let i = 0; i < 6; i++) body += random.pick([...CREDIT_CHARACTERS]);
	return body + creditCheckCharacter(body);
}

/** A worker from outside the county: a valid identity number of a neighbouring county. */
function outsideWorker(random: Random) {
	const home = random.int(0, OUTSIDE_HOMES.length - 1);
	const year = random.int(1972, 2002);
	const female = random.chance(0.8);
	const first17 = `${OUTSIDE_ADDRESS_CODES[home]}${dateOf(year, random.int(1, 12), random.int(1, 28)).replace(/-/g, '')}${String(random.int(10, 99))}${female ? random.pick([0, 2, 4, 6, 8]) : random.pick([1, 3, 5, 7, 9])}`;
	return {
		workerName: personName(random, year, female),
		workerIdNumber: first17 + identityCheckCharacter(first17),
		homeVillage: `${OUTSIDE_HOMES[home]}${random.pick(['前', '后', '东', '西', '南', '北'])}${random.pick(['屯', '庄', '营', '寨'])}村`
	};
}

/**
 * Creates the demo micro-factories with their jobs and wages and posts the wages of
 * linked workers to their households' ledgers. Call inside the demo seed's transaction,
 * after the households and their monitoring records exist.
 */
export async function seedDemoFactories(tx: Db, countyId: string): Promise<DemoFactoriesResult> {
	const random = new Random(DEMO_FACTORY_SEED);
	const actor = systemActor('demo');
	const window = demoLedgerWindow();
	const months = monthsBetween(window.from.slice(0, 7), window.to.slice(0, 7));
	const lastMonth = months[months.length - 1];

	// Who could work at a factory: at home, of working age, able, not at school.
	const people = await tx
		.select({
			id: members.id,
			householdId: members.householdId,
			birthDate: members.birthDate,
			sex: members.sex,
			name: members.name,
			idNumber: members.idNumber,
			villageCode: households.villageCode,
			status: monitoringRecords.status
		})
		.from(members)
		.innerJoin(
			households,
			and(eq(households.countyId, members.countyId), eq(households.id, members.householdId))
		)
		.leftJoin(
			monitoringRecords,
			and(
				eq(monitoringRecords.countyId, members.countyId),
				eq(monitoringRecords.householdId, members.householdId)
			)
		)
		.where(
			and(
				eq(members.countyId, countyId),
				eq(members.current, true),
				eq(members.inSchool, false),
				eq(members.workingAway, false),
				inArray(members.labourCapacity, ['full', 'partial']),
				inArray(members.health, ['healthy', 'chronic'])
			)
		)
		.orderBy(asc(members.idNumber));
	const able = people.filter((p) => p.birthDate >= '1968-01-01' && p.birthDate <= '2007-11-30');
	const demoVillages = [...new Set(people.map((p) => p.villageCode))].sort();
	const townships = [...new Set(demoVillages.map((v) => v.slice(0, 9)))].sort();
	const villages = await tx
		.select({ code: divisions.code, name: divisions.name, parentCode: divisions.parentCode })
		.from(divisions)
		.where(and(inArray(divisions.parentCode, townships), eq(divisions.level, 'village')))
		.orderBy(asc(divisions.code));
	const nameOf = new Map(villages.map((v) => [v.code, v.name]));

	// Where: one factory in every village with demo households (two in the large ones),
	// the rest in other villages of the same townships, 东代固镇 first.
	const peopleIn = new Map<string, number>();
	for (const p of able) peopleIn.set(p.villageCode, (peopleIn.get(p.villageCode) ?? 0) + 1);
	const sites: string[] = [];
	for (const code of demoVillages) {
		sites.push(code);
		if ((peopleIn.get(code) ?? 0) >= 35) sites.push(code);
	}
	const spare = random.shuffle(
		villages.filter((v) => !demoVillages.includes(v.code) && v.name.endsWith('村'))
	);
	const ownerSpare = spare.filter((v) => v.code.startsWith(OWNER_TOWNSHIP));
	for (const v of [...ownerSpare.slice(0, 3), ...spare.filter((s) => !ownerSpare.includes(s))]) {
		if (sites.length >= FACTORY_COUNT) break;
		sites.push(v.code);
	}
	sites.sort();

	const factoryRows: FactoryRow[] = [];
	const lineOf = new Map<string, (typeof FACTORY_LINES)[number]>();
	const names = new Set<string>();
	let building = false;
	let idle = false;
	for (const [index, villageCode] of sites.entries()) {
		const line = FACTORY_LINES[random.weightedIndex(FACTORY_LINES.map((l) => l.weight))];
		const village = nameOf.get(villageCode) ?? villageCode;
		let name = `${village}${line.trade}扶贫微工厂`;
		for (let n = 2; names.has(name); n++) name = `${village}${line.trade}扶贫微工厂${n}号车间`;
		names.add(name);
		// 东代固镇's workshops are the older ones: the report's first micro-factories.
		const isOwners = villageCode.startsWith(OWNER_TOWNSHIP);
		const openedOn = randomDate(random, '2018-04-01', isOwners ? '2021-12-31' : '2024-10-31');
		// One new workshop still being built, one standing idle since its lessee left.
		let status: FactoryRow['status'] = 'operating';
		if (!building && !isOwners && !demoVillages.includes(villageCode)) {
			status = 'building';
			building = true;
		} else if (!idle && !isOwners && !demoVillages.includes(villageCode) && index % 2 === 1) {
			status = 'idle';
			idle = true;
		}
		const area = random.int(16, 40) * 50;
		const leaseStart = status === 'building' ? null : addDays(openedOn, -random.int(10, 60));
		const enterprise =
			ENTERPRISE_PLACES[random.weightedIndex(ENTERPRISE_PLACES.map((p) => p.weight))].prefix +
			random.pick(ENTERPRISE_WORDS) +
			line.trade +
			'有限公司';
		const id = newId();
		lineOf.set(id, line);
		factoryRows.push({
			countyId,
			id,
			name,
			villageCode,
			floorAreaM2: area,
			buildingCostFen: area * random.int(1_100, 1_500) * 100,
			enterpriseName: status === 'building' ? '（招租中）' : enterprise,
			enterpriseContact:
				status === 'building' ? null : personName(random, random.int(1968, 1990), false),
			enterprisePhone: status === 'building' ? null : mobile(random),
			creditCode: status === 'building' ? null : creditCode(random),
			products: status === 'building' ? [] : [...line.products],
			leaseStart,
			leaseEnd: leaseStart
				? `${Number(leaseStart.slice(0, 4)) + random.pick([5, 8, 10])}${leaseStart.slice(4)}`
				: null,
			annualRentFen: status === 'building' ? null : area * random.int(6, 15) * 100,
			status,
			openedOn: status === 'building' ? '2027-03-01' : openedOn
		});
	}
	// The owner account runs the first factories of 东代固镇 in villages with households
	// (the same rule as demoOwnerFactoryIds).
	const ownerFactories = ownerChoice(
		factoryRows.map((f) => ({ ...f, id: f.id!, status: f.status! })),
		new Set(demoVillages)
	).map((id) => factoryRows.find((f) => f.id === id)!);

	// Who works where: most of those able and at home, people of monitored households more
	// often (employment assistance) and mostly hired during the year, so the county can
	// see their income rise.
	const operating = factoryRows.filter((f) => f.status !== 'building');
	const jobs: JobRow[] = [];
	const baseWage = new Map<string, number>();
	const hired = new Map<string, number>();
	const windowStart = window.from;
	for (const person of able) {
		const monitored = person.status === 'monitored';
		if (!random.chance(monitored ? 0.75 : 0.55)) continue;
		// The workshop at home if there is one; otherwise, or now and then, the one of the
		// township with the fewest people so far, so no workshop stands empty.
		const near = operating.filter((f) => f.villageCode === person.villageCode);
		const township = operating.filter(
			(f) => f.villageCode.slice(0, 9) === person.villageCode.slice(0, 9)
		);
		if (township.length === 0) continue;
		const factory =
			near.length && random.chance(0.6)
				? random.pick(near)
				: township.reduce((a, b) => ((hired.get(b.id!) ?? 0) < (hired.get(a.id!) ?? 0) ? b : a));
		hired.set(factory.id!, (hired.get(factory.id!) ?? 0) + 1);
		const recent = random.chance(monitored ? 0.7 : 0.35);
		const earliest = factory.openedOn! > '2019-01-01' ? factory.openedOn! : '2019-01-01';
		const startedOn = recent
			? randomDate(random, '2026-01-04', '2026-09-20')
			: randomDate(random, earliest, addDays(windowStart, -1));
		if (startedOn < factory.openedOn!) continue;
		const line = lineOf.get(factory.id!)!;
		const jobTitle = random.pick(line.titles);
		const pieceWork = jobTitle === '手工' || jobTitle === '充棉工' || random.chance(0.25);
		let endedOn: string | null = null;
		let endReason: string | null = null;
		if (factory.status === 'idle') {
			endedOn = randomDate(random, '2026-03-10', '2026-04-30');
			endReason = 'contract_end';
		} else if (random.chance(0.08)) {
			const from = startedOn > windowStart ? addDays(startedOn, 45) : windowStart;
			if (from < '2026-10-31') {
				endedOn = randomDate(random, from, '2026-10-31');
				endReason = random.pick(['resigned', 'family', 'health', 'moved_away', 'other']);
			}
		}
		if (endedOn && endedOn < startedOn) continue;
		const id = newId();
		jobs.push({
			countyId,
			id,
			factoryId: factory.id!,
			memberId: person.id,
			householdId: person.householdId,
			workerName: person.name,
			workerIdNumber: person.idNumber,
			homeVillage: null,
			jobTitle,
			payBasis: pieceWork ? 'piece_rate' : 'monthly',
			startedOn,
			endedOn,
			endReason
		});
		baseWage.set(id, random.int(MONTHLY_WAGE_YUAN.low, MONTHLY_WAGE_YUAN.high));
	}
	for (const factory of operating.filter((f) => f.status === 'operating')) {
		if (!random.chance(0.4)) continue;
		const line = lineOf.get(factory.id!)!;
		for (let i = random.int(1, 3); i > 0; i--) {
			const id = newId();
			const earliest = factory.openedOn! > '2024-01-01' ? factory.openedOn! : '2024-01-01';
			jobs.push({
				countyId,
				id,
				factoryId: factory.id!,
				memberId: null,
				householdId: null,
				...outsideWorker(random),
				jobTitle: random.pick(line.titles),
				payBasis: 'monthly',
				startedOn: randomDate(random, earliest, '2026-08-31'),
				endedOn: null,
				endReason: null
			});
			baseWage.set(id, random.int(MONTHLY_WAGE_YUAN.low, MONTHLY_WAGE_YUAN.high));
		}
	}

	// A year of wages. The first and last months are paid for the days worked; Spring
	// Festival closes the workshops for two weeks. November's sheets are still being filled.
	const novemberFilled = new Map(
		factoryRows.map((f) => [
			f.id!,
			ownerFactories.includes(f) ? 0.6 : random.pick([0, 0, 0.5, 1, 1])
		])
	);
	const wages: (typeof factoryWages.$inferInsert)[] = [];
	const postings: Posting[] = [];
	const factoryName = new Map(factoryRows.map((f) => [f.id!, f.name]));
	for (const job of jobs) {
		const base = baseWage.get(job.id)!;
		for (const month of months) {
			if (!employedInMonth({ startedOn: job.startedOn, endedOn: job.endedOn ?? null }, month))
				continue;
			if (month === lastMonth && !random.chance(novemberFilled.get(job.factoryId)!)) continue;
			const first = `${month}-01`;
			const last = lastDay(month);
			const from = job.startedOn > first ? job.startedOn : first;
			const to = job.endedOn && job.endedOn < last ? job.endedOn : last;
			const days = Number(last.slice(8));
			const worked = Number(to.slice(8)) - Number(from.slice(8)) + 1;
			let yuan = (base * worked) / days;
			yuan *=
				job.payBasis === 'piece_rate' ? 0.82 + random.next() * 0.36 : 0.97 + random.next() * 0.06;
			if (month === SPRING_FESTIVAL_MONTH) yuan *= SPRING_FESTIVAL_SHARE;
			const amountFen = tenYuanFen(yuan);
			if (amountFen === 0) continue;
			const id = newId();
			wages.push({ countyId, id, jobId: job.id, month: first, amountFen, version: 1 });
			if (job.householdId)
				postings.push({
					countyId,
					householdId: job.householdId,
					memberId: job.memberId,
					businessDate: month === lastMonth ? window.to : last,
					amountFen,
					kind: 'wage',
					subtype: 'factory_wage',
					source: 'factory_wage',
					sourceId: id,
					sourceVersion: 1,
					note: `${factoryName.get(job.factoryId)} ${month}`
				});
		}
	}

	await tx.insert(factories).values(factoryRows);
	await bulkInsert(tx, factoryJobs, jobs);
	await bulkInsert(tx, factoryWages, wages);
	const posted = await postLedgerEntries(tx, actor, postings);
	const result = {
		factories: factoryRows.length,
		jobs: jobs.length,
		wages: wages.length,
		postings: posted
	};
	await recordAudit(tx, actor, {
		countyId,
		action: 'demo.seed_factories',
		entity: 'county',
		entityId: countyId,
		after: { seed: DEMO_FACTORY_SEED, ...result }
	});
	return result;
}

/** The factories the demo owner account runs: the first of 东代固镇 with workers, by name. */
export async function demoOwnerFactoryIds(db: Db, countyId: string): Promise<string[]> {
	const rows = await db
		.select({
			id: factories.id,
			name: factories.name,
			villageCode: factories.villageCode,
			status: factories.status
		})
		.from(factories)
		.where(eq(factories.countyId, countyId));
	const withPeople = new Set(
		(
			await db
				.selectDistinct({ villageCode: households.villageCode })
				.from(households)
				.where(eq(households.countyId, countyId))
		).map((h) => h.villageCode)
	);
	return ownerChoice(rows, withPeople);
}

function ownerChoice(
	rows: { id: string; name: string; villageCode: string; status: string }[],
	withPeople: ReadonlySet<string>
): string[] {
	return rows
		.filter(
			(f) =>
				f.villageCode.startsWith(OWNER_TOWNSHIP) &&
				withPeople.has(f.villageCode) &&
				f.status === 'operating'
		)
		.sort((a, b) =>
			a.villageCode === b.villageCode
				? a.name.localeCompare(b.name, 'zh-CN')
				: a.villageCode < b.villageCode
					? -1
					: 1
		)
		.slice(0, DEMO_OWNER_FACTORIES)
		.map((f) => f.id);
}

/** Attaches the demo owner account to its factories (after the accounts exist). */
export async function attachDemoOwner(db: Db, countyId: string, username: string): Promise<void> {
	const [user] = await db.select().from(users).where(eq(users.username, username));
	if (!user || user.role !== 'factory_owner') return;
	const ids = await demoOwnerFactoryIds(db, countyId);
	if (ids.length === 0) return;
	await inTransaction(db, async (tx) => {
		await tx
			.insert(factoryOwners)
			.values(ids.map((factoryId) => ({ countyId, factoryId, userId: user.id })))
			.onConflictDoNothing();
		for (const factoryId of ids)
			await recordAudit(tx, systemActor('demo'), {
				countyId,
				action: 'factories.owner_add',
				entity: 'factory',
				entityId: factoryId,
				after: { userId: user.id, displayName: user.displayName }
			});
	});
}
