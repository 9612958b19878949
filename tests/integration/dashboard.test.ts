import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { inTransaction } from '../../src/lib/server/db';
import { newId } from '../../src/lib/server/db/ids';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { countyDashboard, type CountyDashboard } from '../../src/lib/server/dashboard';
import { divisions } from '../../src/lib/server/divisions/schema';
import { factories, factoryJobs } from '../../src/lib/server/factories/schema';
import { createHousehold } from '../../src/lib/server/households';
import { households } from '../../src/lib/server/households/schema';
import { postLedgerEntries, reverseLedgerEntry, type Posting } from '../../src/lib/server/income';
import { refreshStandings } from '../../src/lib/server/income/standings';
import { programYearsDifferences } from '../../src/lib/server/income/months';
import {
	householdProgramYears,
	ledgerEntries,
	type LedgerKind,
	type LedgerSource
} from '../../src/lib/server/income/schema';
import {
	assistanceMeasures,
	monitoringRecords,
	qualityFindings
} from '../../src/lib/server/monitoring/schema';
import { programSummaryReport } from '../../src/lib/server/reports/program-summary';
import { setMonitoringLine } from '../../src/lib/server/settings';
import { todayInChina } from '../../src/lib/format';
import { warnings, WARNING_KINDS } from '../../src/lib/server/warnings/schema';
import { scheduledRuns } from '../../src/lib/server/warnings/nightly-schema';
import { identityCheckCharacter } from '../../src/lib/identity';
import { actorFor, buildWorld, type World } from './fixtures';
import { freshDatabase } from './helpers';

// Random records of every kind the dashboard counts, made with a seeded generator so a
// failure can be replayed; each figure is then recomputed here from the records themselves
// (the ledger, not the monthly summary the dashboard reads).

function seeded(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const random = seeded(20261130);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
function dayIn(from: string, to: string): string {
	const a = Date.parse(`${from}T00:00:00Z`);
	const b = Date.parse(`${to}T00:00:00Z`);
	return new Date(a + Math.floor(random() * ((b - a) / 86400000 + 1)) * 86400000)
		.toISOString()
		.slice(0, 10);
}
const addDays = (date: string, days: number) =>
	new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);

const LINE_FEN = 800_000;
const FROM = '2026-02-01';
const TO = '2026-09-30';
/** The months the dashboard reads for a period of whole months: before it, and the 12 up to its end. */
function periodOf(from: string, to: string) {
	const shift = (month: string, by: number) => {
		const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + by;
		return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
	};
	const months: string[] = [];
	for (let m = from.slice(0, 7); m <= to.slice(0, 7); m = shift(m, 1)) months.push(m);
	return {
		from,
		to,
		beforeStart: `${shift(from.slice(0, 7), -12)}-01`,
		recentStart: `${shift(to.slice(0, 7), -11)}-01`,
		months
	};
}
const PERIOD = periodOf(FROM, TO);
const PROGRAMS = ['factory_wage', 'picking', 'planting_subsidy', 'insurance'] as const;
const SOURCES: { source: LedgerSource; kind: LedgerKind }[] = [
	{ source: 'factory_wage', kind: 'wage' },
	{ source: 'picking', kind: 'wage' },
	{ source: 'planting_subsidy', kind: 'transfer' },
	{ source: 'insurance', kind: 'transfer' },
	{ source: 'manual', kind: 'operating' },
	{ source: 'manual', kind: 'transfer' },
	{ source: 'manual', kind: 'production_cost' },
	{ source: 'manual', kind: 'large_expense' }
];
const INCOME = ['wage', 'operating', 'property', 'transfer'];

let database: Database;
let world: World;
let admin: UserActor;
let staff: UserActor;
const villages: string[] = [];
const townshipOf = (village: string) => village.slice(0, 9);
const homes: { id: string; village: string; category: string }[] = [];

beforeAll(async () => {
	database = await freshDatabase();
	const { db } = database;
	world = await buildWorld(db);
	admin = (await actorFor(db, world.userIds.admin)).user;
	staff = (await actorFor(db, world.userIds.staffIn)).user;
	for (const year of [2024, 2025, 2026])
		await setMonitoringLine(db, world.countyA.id, year, LINE_FEN);
	const [third] = await db
		.select({ code: divisions.code })
		.from(divisions)
		.where(
			and(
				eq(divisions.countyCode, '130434'),
				eq(divisions.level, 'village'),
				sql`left(${divisions.code}, 9) not in ('130434108', '130434205')`
			)
		)
		.limit(1);
	villages.push('130434108068', '130434205213', third.code);
	// Households through the households domain: each has a resident head from 2020.
	for (let i = 0; i < 30; i++) {
		const village = pick(villages);
		const first17 = `13043419700101${String(100 + i * 2).padStart(3, '0')}`;
		const id = await createHousehold(
			db,
			admin,
			{
				householdNumber: `${village}77${String(i).padStart(2, '0')}`,
				villageCode: village,
				address: '',
				phone: '',
				registeredOn: '2020-01-01',
				head: {
					name: `看板${i}`,
					idNumber: first17 + identityCheckCharacter(first17),
					relation: '户主',
					labourCapacity: 'full',
					health: 'healthy',
					inSchool: '',
					workingAway: '',
					resident: 'on'
				}
			},
			'2026-11-29'
		);
		const category = pick(['unstable', 'marginal', 'sudden', 'ordinary', 'none']);
		if (category !== 'none')
			await db.insert(monitoringRecords).values({
				countyId: world.countyA.id,
				householdId: id,
				category,
				status: category === 'ordinary' ? 'not_monitored' : pick(['monitored', 'eliminated']),
				monitoredSince: category === 'ordinary' ? null : '2024-06-01'
			});
		homes.push({ id, village, category: category === 'none' ? 'ordinary' : category });
	}
	// Income: risers earn little in the year before the period and much since; the rest random.
	const postings: Posting[] = [];
	for (const home of homes) {
		const riser = random() < 0.5;
		const count = between(2, 14);
		for (let k = 0; k < count; k++) {
			const { source, kind } = pick(SOURCES);
			const early = random() < 0.5;
			const date = early ? dayIn('2024-11-01', '2026-01-31') : dayIn('2026-02-01', '2026-11-28');
			const amount = riser && early ? between(1_000, 60_000) : between(10_000, 900_000);
			postings.push({
				countyId: world.countyA.id,
				householdId: home.id,
				businessDate: date,
				amountFen: amount,
				kind,
				subtype: source === 'manual' ? 'other' : source,
				source
			});
		}
	}
	await inTransaction(db, (tx) => postLedgerEntries(tx, { userId: null, label: 'test' }, postings));
	const entries = await db
		.select({ id: ledgerEntries.id })
		.from(ledgerEntries)
		.where(eq(ledgerEntries.countyId, world.countyA.id));
	for (const entry of entries.filter(() => random() < 0.1))
		await inTransaction(db, (tx) =>
			reverseLedgerEntry(tx, { userId: null, label: 'test' }, world.countyA.id, entry.id)
		);
	// Warnings in every state, raised inside and outside the period.
	for (const home of homes) {
		for (let k = 0; k < between(0, 4); k++) {
			const raisedOn = dayIn('2025-10-01', '2026-11-28');
			const status = pick(['open', 'verified', 'closed'] as const);
			const verifiedOn = status === 'open' ? null : addDays(raisedOn, between(0, 20));
			await db
				.insert(warnings)
				.values({
					countyId: world.countyA.id,
					id: newId(),
					householdId: home.id,
					villageCode: home.village,
					kind: pick(WARNING_KINDS),
					source: 'person',
					raisedOn,
					dueOn: addDays(raisedOn, between(3, 10)),
					status,
					verifiedOn,
					closedOn: status === 'closed' ? addDays(verifiedOn!, between(0, 20)) : null
				})
				.onConflictDoNothing();
		}
		if (random() < 0.5)
			await db.insert(assistanceMeasures).values({
				countyId: world.countyA.id,
				id: newId(),
				householdId: home.id,
				measure: 'employment',
				startedOn: dayIn('2025-10-01', '2026-11-28')
			});
		if (random() < 0.4)
			await db.insert(qualityFindings).values({
				countyId: world.countyA.id,
				ruleCode: pick(['phone_malformed', 'health_empty']),
				subjectId: home.id,
				householdId: home.id,
				townshipCode: townshipOf(home.village)
			});
	}
	// Factories in two townships, jobs starting and ending around the period.
	for (const village of villages.slice(0, 2)) {
		const factoryId = newId();
		await db.insert(factories).values({
			countyId: world.countyA.id,
			id: factoryId,
			name: `看板工厂${village}`,
			villageCode: village,
			floorAreaM2: 1000,
			enterpriseName: '测试',
			status: 'operating',
			openedOn: '2024-01-01'
		});
		for (let k = 0; k < 12; k++) {
			const home = random() < 0.7 ? pick(homes) : null;
			const startedOn = dayIn('2025-06-01', '2026-11-01');
			await db.insert(factoryJobs).values({
				countyId: world.countyA.id,
				id: newId(),
				factoryId,
				householdId: home?.id ?? null,
				workerName: `工${k}`,
				workerIdNumber: `13043419900101${String(k).padStart(4, '0')}`,
				jobTitle: '缝纫工',
				payBasis: 'monthly',
				startedOn,
				endedOn: random() < 0.4 ? addDays(startedOn, between(10, 200)) : null
			});
		}
	}
}, 120_000);
afterAll(async () => {
	await database.close();
});

/** Every figure, recomputed from the records for the households `inArea` selects. */
async function expected(
	inArea: (h: { id: string; village: string; category: string }) => boolean,
	townships: string[] | null,
	category: string | null,
	period = PERIOD
) {
	const { FROM, TO, BEFORE_START, RECENT_START } = {
		FROM: period.from,
		TO: period.to,
		BEFORE_START: period.beforeStart,
		RECENT_START: period.recentStart
	};
	const { db } = database;
	const mine = homes.filter(inArea);
	const ids = new Set(mine.map((h) => h.id));
	const ledger = (
		await db.select().from(ledgerEntries).where(eq(ledgerEntries.countyId, world.countyA.id))
	).filter((e) => ids.has(e.householdId));
	const inPeriod = ledger.filter((e) => e.businessDate >= FROM && e.businessDate <= TO);
	const total = (list: typeof ledger) => list.reduce((s, e) => s + e.amountFen, 0);
	const records = await db
		.select()
		.from(monitoringRecords)
		.where(eq(monitoringRecords.countyId, world.countyA.id));
	const standings = rowsOf<{
		household_id: string;
		below_line: boolean | null;
		near_line: boolean;
		per_capita_fen: string | null;
		residents: number;
	}>(
		await db.execute(sql`select * from household_standings where county_id = ${world.countyA.id}`)
	).filter((s) => ids.has(s.household_id));
	const ws = (
		await db.select().from(warnings).where(eq(warnings.countyId, world.countyA.id))
	).filter((w) => ids.has(w.householdId));
	const within = (d: string | null) => d !== null && d >= FROM && d <= TO;
	const today = todayInChina();
	const measures = (
		await db
			.select()
			.from(assistanceMeasures)
			.where(eq(assistanceMeasures.countyId, world.countyA.id))
	).filter((m) => ids.has(m.householdId) && within(m.startedOn));
	const assisted = new Set(measures.map((m) => m.householdId));
	const findings = (
		await db.select().from(qualityFindings).where(eq(qualityFindings.countyId, world.countyA.id))
	).filter((f) => ids.has(f.householdId));
	const jobs = await db
		.select({ job: factoryJobs, village: factories.villageCode })
		.from(factoryJobs)
		.innerJoin(
			factories,
			and(eq(factories.countyId, factoryJobs.countyId), eq(factories.id, factoryJobs.factoryId))
		)
		.where(eq(factoryJobs.countyId, world.countyA.id));
	const categoryOf = new Map(records.map((r) => [r.householdId, r.category]));
	const jobsInArea = jobs.filter(
		(j) =>
			(!townships || townships.includes(townshipOf(j.village))) &&
			(!category ||
				(j.job.householdId !== null &&
					(categoryOf.get(j.job.householdId) ?? 'ordinary') === category))
	);
	// Lifted: below the line on FROM (12 months before, per resident now), not below now.
	const lifted: Record<string, number> = {};
	for (const home of mine) {
		const standing = standings.find((s) => s.household_id === home.id);
		if (!standing || standing.below_line !== false || standing.residents <= 0) continue;
		const mineLedger = ledger.filter((e) => e.householdId === home.id);
		const before = mineLedger.filter(
			(e) => e.businessDate >= BEFORE_START && e.businessDate < FROM
		);
		const income = total(before.filter((e) => INCOME.includes(e.kind)));
		const net = income - total(before.filter((e) => e.kind === 'production_cost'));
		if (income === 0 || net >= LINE_FEN * standing.residents) continue;
		let best: { source: string; growth: number; recent: number } | null = null;
		for (const source of ['factory_wage', 'picking', 'planting_subsidy', 'insurance', 'manual']) {
			const own = mineLedger.filter((e) => e.source === source && INCOME.includes(e.kind));
			const recent = total(
				own.filter((e) => e.businessDate >= RECENT_START && e.businessDate <= TO)
			);
			const earlier = total(
				own.filter((e) => e.businessDate >= BEFORE_START && e.businessDate < FROM)
			);
			const growth = recent - earlier;
			if (
				growth > 0 &&
				(!best || growth > best.growth || (growth === best.growth && recent > best.recent))
			)
				best = { source, growth, recent };
		}
		const program = best?.source ?? 'none';
		lifted[program] = (lifted[program] ?? 0) + 1;
	}
	const transfers = inPeriod.filter((e) => e.kind === 'transfer');
	return {
		households: {
			total: mine.length,
			monitored: records.filter((r) => ids.has(r.householdId) && r.status === 'monitored').length,
			below: standings.filter((s) => s.below_line === true).length,
			near: standings.filter((s) => s.below_line === false && s.near_line).length,
			above: standings.filter((s) => s.below_line === false && !s.near_line).length,
			unknown: standings.filter((s) => s.below_line === null && s.per_capita_fen === null).length
		},
		warnings: {
			raised: ws.filter((w) => within(w.raisedOn)).length,
			verified: ws.filter((w) => within(w.verifiedOn)).length,
			closed: ws.filter((w) => within(w.closedOn)).length,
			overdue: ws.filter((w) => w.status === 'open' && w.dueOn < today).length
		},
		assistance: {
			households: assisted.size,
			people: standings
				.filter((s) => assisted.has(s.household_id))
				.reduce((a, s) => a + s.residents, 0)
		},
		aid: {
			totalFen: total(transfers),
			insuranceFen: total(transfers.filter((e) => e.source === 'insurance')),
			plantingSubsidyFen: total(transfers.filter((e) => e.source === 'planting_subsidy')),
			otherFen: total(
				transfers.filter((e) => e.source !== 'insurance' && e.source !== 'planting_subsidy')
			)
		},
		programs: PROGRAMS.map((program) => {
			const own = inPeriod.filter((e) => e.source === program && INCOME.includes(e.kind));
			const perHousehold = new Map<string, number>();
			for (const e of own)
				perHousehold.set(e.householdId, (perHousehold.get(e.householdId) ?? 0) + e.amountFen);
			return {
				program,
				incomeFen: total(own),
				households: [...perHousehold.values()].filter((v) => v > 0).length,
				lifted: lifted[program] ?? 0
			};
		}),
		factories: {
			jobsCreated: jobsInArea.filter((j) => within(j.job.startedOn)).length,
			peopleEmployed: new Set(
				jobsInArea
					.filter((j) => j.job.startedOn <= TO && (j.job.endedOn === null || j.job.endedOn >= FROM))
					.map((j) => j.job.workerIdNumber)
			).size
		},
		liftedTotal: Object.values(lifted).reduce((a, b) => a + b, 0),
		lifted,
		qualityOpen: findings.length,
		trend: period.months.map((month) => ({
			month,
			incomeFen: Object.fromEntries(
				PROGRAMS.map((p) => [
					p,
					total(
						inPeriod.filter(
							(e) => e.source === p && INCOME.includes(e.kind) && e.businessDate.startsWith(month)
						)
					)
				])
			)
		})),
		warningsByKind: WARNING_KINDS.map((kind) => ({
			kind,
			raised: ws.filter((w) => w.kind === kind && within(w.raisedOn)).length,
			stillOpen: ws.filter((w) => w.kind === kind && within(w.raisedOn) && w.status !== 'closed')
				.length
		})).filter((k) => k.raised > 0)
	};
}

function rowsOf<T>(result: unknown): T[] {
	return ((result as { rows?: T[] }).rows ?? result) as T[];
}

function figures(d: CountyDashboard) {
	return {
		households: d.households,
		warnings: d.warnings,
		assistance: d.assistance,
		aid: d.aid,
		programs: d.programs,
		factories: d.factories,
		liftedTotal: d.lifted.total,
		lifted: Object.fromEntries(Object.entries(d.lifted.byProgram).filter(([, v]) => v > 0)),
		qualityOpen: d.qualityOpen,
		trend: d.trend,
		warningsByKind: d.warningsByKind
	};
}

describe('the county dashboard', () => {
	it('equals its records, for the county, a township and a category', async () => {
		const whole = await countyDashboard(database.db, admin, { from: FROM, to: TO });
		expect(whole.period).toMatchObject({ from: FROM, to: TO });
		const county = await expected((h) => homes.includes(h) && true, null, null);
		// The world's own households (buildWorld) are in the county too.
		const all = await database.db
			.select({ id: households.id, village: households.villageCode })
			.from(households)
			.where(eq(households.countyId, world.countyA.id));
		expect(whole.households.total).toBe(all.length);
		const ours = await countyDashboard(database.db, admin, {
			from: FROM,
			to: TO,
			townshipCodes: [...new Set(villages.map(townshipOf))]
		});
		expect(figures(ours)).toEqual({
			...county,
			households: { ...county.households, total: homes.length + 3 }
		});

		const township = townshipOf(villages[1]);
		const one = await countyDashboard(database.db, admin, {
			from: FROM,
			to: TO,
			townshipCodes: [township]
		});
		const worldIn205 = all.filter(
			(h) => townshipOf(h.village) === township && !homes.some((x) => x.id === h.id)
		).length;
		const expectOne = await expected((h) => townshipOf(h.village) === township, [township], null);
		expect(figures(one)).toEqual({
			...expectOne,
			households: { ...expectOne.households, total: expectOne.households.total + worldIn205 }
		});
		expect(one.byTownship.map((t) => t.code)).toEqual([township]);
		expect(one.lifted.total).toBeGreaterThanOrEqual(0);

		const marginal = await countyDashboard(database.db, admin, {
			from: FROM,
			to: TO,
			category: 'marginal'
		});
		expect(figures(marginal)).toEqual(
			await expected((h) => h.category === 'marginal', null, 'marginal')
		);
		// The random data reaches every figure at least once.
		expect(county.liftedTotal).toBeGreaterThan(0);
		expect(county.warnings.overdue).toBeGreaterThan(0);
		expect(county.aid.totalFen).toBeGreaterThan(0);
	}, 60_000);

	it('reads the same figures for the whole county without a filter (no households join)', async () => {
		const whole = await countyDashboard(database.db, admin, { from: FROM, to: TO });
		const ours = await countyDashboard(database.db, admin, {
			from: FROM,
			to: TO,
			townshipCodes: [...new Set(villages.map(townshipOf))]
		});
		const all = await database.db
			.select({ id: households.id })
			.from(households)
			.where(eq(households.countyId, world.countyA.id));
		// Every household with income, warnings or findings is in the three townships.
		expect(figures(whole)).toEqual({
			...figures(ours),
			households: { ...figures(ours).households, total: all.length }
		});
	}, 60_000);

	it('counts the lifted of a period from January from the standings once the night has re-evaluated them', async () => {
		const january = periodOf('2026-01-01', '2026-09-30');
		const ownTownships = [...new Set(villages.map(townshipOf))];
		const ask = () =>
			countyDashboard(database.db, admin, {
				from: january.from,
				to: january.to,
				townshipCodes: ownTownships
			});
		const want = await expected((h) => homes.includes(h), null, null, january);
		// The standings keep each household's prior calendar year as the ledger says it.
		const ledger = await database.db
			.select()
			.from(ledgerEntries)
			.where(eq(ledgerEntries.countyId, world.countyA.id));
		const standings = rowsOf<{
			household_id: string;
			evaluated_on: string;
			prior_year_net_fen: string;
			prior_year_income_fen: string;
		}>(
			await database.db.execute(
				sql`select household_id, evaluated_on::text, prior_year_net_fen, prior_year_income_fen
					from household_standings where county_id = ${world.countyA.id}`
			)
		);
		for (const st of standings) {
			const year = String(Number(st.evaluated_on.slice(0, 4)) - 1);
			const own = ledger.filter(
				(e) => e.householdId === st.household_id && e.businessDate.startsWith(year)
			);
			const sumOf = (kinds: string[]) =>
				own.filter((e) => kinds.includes(e.kind)).reduce((a, e) => a + e.amountFen, 0);
			expect([Number(st.prior_year_net_fen), Number(st.prior_year_income_fen)]).toEqual([
				sumOf(INCOME) - sumOf(['production_cost']),
				sumOf(INCOME)
			]);
		}
		const d = await ask();
		expect(figures(d)).toEqual({
			...want,
			households: { ...want.households, total: homes.length + 3 }
		});
		expect(want.liftedTotal).toBeGreaterThan(0);
		// Once the night has re-evaluated every standing this year, the prior year is read from
		// the standings: emptied there, the same question finds nobody lifted, which proves
		// which path answered; without that night's run the monthly summary answers.
		const today = todayInChina();
		if (today.startsWith('2026')) {
			await database.db.insert(scheduledRuns).values({
				countyId: world.countyA.id,
				id: newId(),
				job: 'standings',
				businessDate: today,
				startedAt: new Date(),
				finishedAt: new Date()
			});
			expect(figures(await ask())).toEqual(figures(d));
			await database.db.execute(sql`update household_standings set prior_year_income_fen = 0
				where county_id = ${world.countyA.id}`);
			try {
				expect((await ask()).lifted.total).toBe(0);
				await database.db.delete(scheduledRuns).where(eq(scheduledRuns.countyId, world.countyA.id));
				expect(figures(await ask())).toEqual(figures(d));
			} finally {
				await inTransaction(database.db, (tx) =>
					refreshStandings(
						tx,
						world.countyA.id,
						homes.map((h) => h.id),
						'rule_change'
					)
				);
			}
		}
	}, 60_000);

	it('counts the households a program reached in a calendar year from its program years', async () => {
		const year = periodOf('2026-01-01', '2026-12-31');
		const ownTownships = [...new Set(villages.map(townshipOf))];
		const ask = (period = year) =>
			countyDashboard(database.db, admin, {
				from: period.from,
				to: period.to,
				townshipCodes: ownTownships
			});
		const want = await expected((h) => homes.includes(h), null, null, year);
		const d = await ask();
		expect(figures(d)).toEqual({
			...want,
			households: { ...want.households, total: homes.length + 3 }
		});
		expect(d.programs.filter((p) => p.households > 0).length).toBeGreaterThan(1);
		expect(await programYearsDifferences(database.db, world.countyA.id)).toEqual([]);
		// Which path answered: with the program years emptied, the whole year finds nobody
		// reached, while a period from February (the monthly summary) still finds them.
		const kept = await database.db
			.select()
			.from(householdProgramYears)
			.where(eq(householdProgramYears.countyId, world.countyA.id));
		await database.db
			.delete(householdProgramYears)
			.where(eq(householdProgramYears.countyId, world.countyA.id));
		try {
			expect((await ask()).programs.every((p) => p.households === 0)).toBe(true);
			const february = periodOf('2026-02-01', '2026-12-31');
			const fromFebruary = await expected((h) => homes.includes(h), null, null, february);
			expect((await ask(february)).programs).toEqual(fromFebruary.programs);
		} finally {
			await database.db.insert(householdProgramYears).values(kept);
		}
	}, 60_000);

	it('shows township staff only their townships, and ignores a township outside them', async () => {
		const own = await countyDashboard(database.db, staff, { from: FROM, to: TO });
		expect(own.townships.map((t) => t.code)).toEqual(['130434108']);
		const outside = await countyDashboard(database.db, staff, {
			from: FROM,
			to: TO,
			townshipCodes: ['130434205']
		});
		expect(outside.townshipFilter).toEqual([]);
		expect(figures(outside)).toEqual(figures(own));
		const expectOwn = await expected(
			(h) => townshipOf(h.village) === '130434108',
			['130434108'],
			null
		);
		expect(figures(own)).toEqual({
			...expectOwn,
			households: { ...expectOwn.households, total: expectOwn.households.total + 2 }
		});
		const grid = (await actorFor(database.db, world.userIds.gridIn)).user;
		await expect(countyDashboard(database.db, grid, {})).rejects.toMatchObject({
			code: 'not_found'
		});
	}, 60_000);

	it('rounds the period out to whole months and defaults to this year', async () => {
		const d = await countyDashboard(database.db, admin, { from: '2026-03-15', to: '2026-02-03' });
		expect(d.period).toEqual({
			from: '2026-02-01',
			to: '2026-03-31',
			months: ['2026-02', '2026-03']
		});
		const year = await countyDashboard(database.db, admin, { from: 'nonsense' });
		expect(year.period.from).toBe(`${todayInChina().slice(0, 4)}-01-01`);
	}, 60_000);

	it('makes the program summary report from the same figures', async () => {
		const d = await countyDashboard(database.db, admin, { from: FROM, to: TO });
		const report = await programSummaryReport(database.db, admin, { from: FROM, to: TO });
		expect(report.kind).toBe('program-summary');
		expect(report.period).toEqual({ from: FROM, to: TO });
		const programs = report.tables[1];
		expect(programs.rows.map((r) => r.incomeFen)).toEqual(d.programs.map((p) => p.incomeFen));
		expect(programs.totals?.incomeFen).toBe(d.programs.reduce((a, p) => a + p.incomeFen, 0));
		const figuresTable = report.tables[0];
		expect(figuresTable.rows.find((r) => r.key === 'aid_paid')?.value).toBe(d.aid.totalFen);
		expect(report.definitions.length).toBeGreaterThan(5);
	}, 60_000);
});
