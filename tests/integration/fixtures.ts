import { and, eq } from 'drizzle-orm';
import type { Db } from '../../src/lib/server/db';
import { newId } from '../../src/lib/server/db/ids';
import { identityCheckCharacter } from '../../src/lib/identity';
import { systemActor, type UserActor } from '../../src/lib/server/auth/actor';
import { hashSecret } from '../../src/lib/server/auth/passwords';
import { userTownships, userVillages, users, type Role } from '../../src/lib/server/auth/schema';
import { createSession, validateSessionToken } from '../../src/lib/server/auth/sessions';
import { loadCountyDivisions } from '../../src/lib/server/divisions';
import { divisions } from '../../src/lib/server/divisions/schema';
import { households, members } from '../../src/lib/server/households/schema';

export const PASSWORD = 'correct-horse-7';

let sequence = 0;

/** A valid identity number from Wei County, unique within a test run. */
export function identityNumber(birth = '19800101', male = true): string {
	sequence += 1;
	const seq = String((sequence * 2 + (male ? 1 : 0)) % 1000).padStart(3, '0');
	const first17 = `130434${birth}${seq}`;
	return first17 + identityCheckCharacter(first17);
}

export async function createHousehold(
	db: Db,
	countyId: string,
	villageCode: string,
	headName = '王建国'
): Promise<string> {
	const id = newId();
	await db.insert(households).values({
		countyId,
		id,
		householdNumber: `${villageCode}${String(++sequence).padStart(4, '0')}`,
		villageCode,
		phone: `138${String(10000000 + sequence).slice(-8)}`
	});
	await db.insert(members).values({
		countyId,
		id: newId(),
		householdId: id,
		name: headName,
		idNumber: identityNumber(),
		sex: 'male',
		birthDate: '1980-01-01',
		relation: '户主'
	});
	return id;
}

export async function createUser(
	db: Db,
	countyId: string,
	role: Role,
	options: {
		username?: string;
		townships?: string[];
		villages?: string[];
		householdId?: string;
		phone?: string;
	} = {}
): Promise<string> {
	const id = newId();
	await db.insert(users).values({
		id,
		countyId,
		role,
		displayName: options.username ?? role,
		username: options.username ?? null,
		phone: options.phone ?? null,
		passwordHash: role === 'household' ? null : await hashSecret(PASSWORD),
		householdId: options.householdId ?? null
	});
	for (const code of options.townships ?? []) {
		await db.insert(userTownships).values({ userId: id, townshipCode: code });
	}
	for (const code of options.villages ?? []) {
		await db.insert(userVillages).values({ userId: id, villageCode: code });
	}
	return id;
}

/** The actor the session hook would put in locals for this user. */
export async function actorFor(
	db: Db,
	userId: string
): Promise<{ user: UserActor; sessionId: string }> {
	const { token } = await createSession(db, userId, 'password');
	const validated = await validateSessionToken(db, token);
	if (!validated) throw new Error('session did not validate');
	return { user: validated.user, sessionId: validated.session.id };
}

export interface World {
	countyA: { id: string; code: string };
	countyB: { id: string; code: string };
	/** 东代固镇 (in staffIn's scope) and 前大磨乡 (staffOut's). */
	townshipIn: string;
	townshipOut: string;
	households: { inScope: string; inScope2: string; outOfScope: string; otherCounty: string };
	userIds: {
		admin: string;
		adminB: string;
		staffIn: string;
		staffOut: string;
		owner: string;
		householdSelf: string;
		householdTarget: string;
		householdOther: string;
		/** A grid member (网格员) of one village of townshipIn: the inScope households'. */
		gridIn: string;
	};
}

/** Two counties, households in and out of a township's scope, and one account per role. */
export async function buildWorld(db: Db): Promise<World> {
	const actor = systemActor('test');
	const a = (await loadCountyDivisions(db, actor, '130434')).county;
	const b = (await loadCountyDivisions(db, actor, '130529')).county;
	const villageIn = '130434108068';
	const villageOut = '130434205213';
	const [bVillage] = await db
		.select()
		.from(divisions)
		.where(and(eq(divisions.countyCode, '130529'), eq(divisions.level, 'village')))
		.limit(1);
	const hIn = await createHousehold(db, a.id, villageIn, '王建国');
	const hIn2 = await createHousehold(db, a.id, villageIn, '李秀英');
	const hOut = await createHousehold(db, a.id, villageOut, '张国强');
	const hB = await createHousehold(db, b.id, bVillage.code, '赵桂兰');
	return {
		countyA: { id: a.id, code: a.code },
		countyB: { id: b.id, code: b.code },
		townshipIn: '130434108',
		townshipOut: '130434205',
		households: { inScope: hIn, inScope2: hIn2, outOfScope: hOut, otherCounty: hB },
		userIds: {
			admin: await createUser(db, a.id, 'county_admin', { username: `admin${++sequence}` }),
			adminB: await createUser(db, b.id, 'county_admin', { username: `adminb${++sequence}` }),
			staffIn: await createUser(db, a.id, 'township_staff', {
				username: `staffin${++sequence}`,
				townships: ['130434108']
			}),
			staffOut: await createUser(db, a.id, 'township_staff', {
				username: `staffout${++sequence}`,
				townships: ['130434205']
			}),
			owner: await createUser(db, a.id, 'factory_owner', { username: `owner${++sequence}` }),
			householdSelf: await createUser(db, a.id, 'household', { householdId: hIn }),
			householdTarget: await createUser(db, a.id, 'household', { householdId: hIn2 }),
			householdOther: await createUser(db, a.id, 'household', { householdId: hOut }),
			gridIn: await createUser(db, a.id, 'grid_member', {
				username: `grid${++sequence}`,
				villages: [villageIn]
			})
		}
	};
}

export async function userRow(db: Db, id: string) {
	const [row] = await db
		.select()
		.from(users)
		.where(and(eq(users.id, id)));
	return row;
}

export interface FactoryWorld {
	factoryId: string;
	/** An open job of the head of `households.inScope2` at the factory. */
	jobId: string;
}

/**
 * A micro-factory in 东代固镇 (staffIn's township) run by the `owner` account, with one
 * worker from a household of the township. Re-create the owner's actor afterwards: owners
 * read their factories when their session is validated.
 */
export async function addFactoryWorld(db: Db, world: World): Promise<FactoryWorld> {
	const { factories, factoryJobs, factoryOwners } =
		await import('../../src/lib/server/factories/schema');
	const factoryId = newId();
	await db.insert(factories).values({
		countyId: world.countyA.id,
		id: factoryId,
		name: `东代固扶贫微工厂${++sequence}`,
		villageCode: '130434108068',
		floorAreaM2: 1200,
		enterpriseName: '魏县东代固箱包有限公司',
		products: ['书包', '箱包'],
		status: 'operating',
		openedOn: '2020-05-01'
	});
	await db
		.insert(factoryOwners)
		.values({ countyId: world.countyA.id, factoryId, userId: world.userIds.owner });
	const [head] = await db
		.select()
		.from(members)
		.where(eq(members.householdId, world.households.inScope2));
	const jobId = newId();
	await db.insert(factoryJobs).values({
		countyId: world.countyA.id,
		id: jobId,
		factoryId,
		memberId: head.id,
		householdId: world.households.inScope2,
		workerName: head.name,
		workerIdNumber: head.idNumber,
		jobTitle: '缝纫工',
		payBasis: 'monthly',
		startedOn: '2024-03-01'
	});
	return { factoryId, jobId };
}

export interface PlantingWorld {
	seasonId: string;
	/** A weighing station in 东代固镇 (staffIn's township). */
	stationId: string;
	/** A plot of `households.inScope`, planted in 2025. */
	plotId: string;
	/** An unpaid weigh-in of that household's head at the station on 2026-06-01. */
	entryId: string;
}

/**
 * The 2026 honeysuckle season (report rates, picking 2026-05-01 … 2026-09-30), a weighing
 * station and a plot in staffIn's township, and one weigh-in, so the season is in use.
 */
export async function addPlantingWorld(db: Db, world: World): Promise<PlantingWorld> {
	const { plantingSeasons, plots, plotMeasurements, weighingStations } =
		await import('../../src/lib/server/planting/schema');
	const countyId = world.countyA.id;
	const seasonId = newId();
	await db.insert(plantingSeasons).values({
		countyId,
		id: seasonId,
		year: 2026,
		startsOn: '2026-05-01',
		endsOn: '2026-09-30'
	});
	const stationId = newId();
	await db.insert(weighingStations).values({
		countyId,
		id: stationId,
		name: `东代固收购点${++sequence}`,
		villageCode: '130434108068'
	});
	const plotId = newId();
	await db.insert(plots).values({
		countyId,
		id: plotId,
		householdId: world.households.inScope,
		villageCode: '130434108068',
		areaHundredthsMu: 150,
		plantedOn: '2025-04-10',
		seedlings: 450
	});
	await db.insert(plotMeasurements).values({
		countyId,
		id: newId(),
		plotId,
		measuredOn: '2025-04-10',
		areaHundredthsMu: 150
	});
	const entryId = await addPickingEntry(db, world, { seasonId, stationId });
	return { seasonId, stationId, plotId, entryId };
}

/** An unpaid 12.5 kg weigh-in of the head of `households.inScope` (a fresh one per call). */
export async function addPickingEntry(
	db: Db,
	world: World,
	planting: { seasonId: string; stationId: string }
): Promise<string> {
	const { pickingEntries } = await import('../../src/lib/server/planting/schema');
	const [head] = await db
		.select()
		.from(members)
		.where(eq(members.householdId, world.households.inScope));
	const id = newId();
	await db.insert(pickingEntries).values({
		countyId: world.countyA.id,
		id,
		seasonId: planting.seasonId,
		stationId: planting.stationId,
		pickedOn: '2026-06-01',
		memberId: head.id,
		householdId: world.households.inScope,
		pickerName: head.name,
		pickerIdNumber: head.idNumber,
		weightGrams: 12_500,
		rateFenPerKg: 100,
		amountFen: 1250
	});
	return id;
}

export interface InsuranceWorld {
	/** The 2026 migrant-worker scheme (accidents and work injuries). */
	schemeId: string;
	/** The head of `households.inScope`, insured under it from 2026-01-01. */
	policyId: string;
	/** A claim on that policy, reported and not yet investigated. */
	claimId: string;
}

/** A 2026 migrant-worker scheme, one enrolled worker of `households.inScope`, one reported claim. */
export async function addInsuranceWorld(db: Db, world: World): Promise<InsuranceWorld> {
	const insurance = await import('../../src/lib/server/insurance');
	const { user: admin } = await actorFor(db, world.userIds.admin);
	const scheme = await insurance.createScheme(
		db,
		admin,
		{
			year: '2026',
			kind: 'migrant_worker',
			name: '务工人员意外伤害保险',
			insurer: '中国人寿魏县支公司',
			coverage: 'named',
			premium: '60',
			budget: '1000000',
			events: ['accident', 'work_injury'],
			deductible: '200',
			maximum: '50000',
			bands: '200:90'
		},
		'2026-06-15'
	);
	const [head] = await db
		.select()
		.from(members)
		.where(and(eq(members.householdId, world.households.inScope), eq(members.relation, '户主')));
	await insurance.writePolicies(
		db,
		admin,
		scheme,
		[
			{
				key: `member:${head.id}`,
				householdId: world.households.inScope,
				memberId: head.id,
				objectKind: 'worker',
				objectRef: null,
				label: head.name,
				employer: '天津建工集团',
				workPlace: '天津',
				units: 1
			}
		],
		{ coverFrom: '2026-01-01', insuredValueFen: null, paidOn: '2026-01-05' }
	);
	const [policy] = await insurance.claimablePolicies(db, admin, world.households.inScope);
	const claim = await insurance.reportClaim(
		db,
		admin,
		{
			householdId: world.households.inScope,
			policyId: policy.id,
			eventType: 'accident',
			eventDate: '2026-05-20',
			loss: '8000'
		},
		'2026-06-15'
	);
	return { schemeId: scheme.id, policyId: policy.id, claimId: claim.id };
}

/**
 * An identification proposal, just proposed, for `households.inScope` (staffIn's township):
 * the [proposal] parameter of the proposal pages.
 */
export async function addProposalWorld(db: Db, world: World): Promise<string> {
	const { monitoringProposals, proposalSteps } =
		await import('../../src/lib/server/monitoring/schema');
	const id = newId();
	await db.insert(monitoringProposals).values({
		countyId: world.countyA.id,
		id,
		householdId: world.households.inScope,
		kind: 'identify',
		category: 'marginal',
		risks: ['illness'],
		proposedOn: '2026-01-05',
		proposedBy: world.userIds.staffIn
	});
	await db.insert(proposalSteps).values({
		countyId: world.countyA.id,
		id: newId(),
		proposalId: id,
		step: 'proposed',
		happenedOn: '2026-01-05',
		byName: 'staffin'
	});
	return id;
}

/** An open warning (kind `visit`, raised 2026-11-20) on `households.inScope`. */
export async function addOpenWarning(db: Db, world: World): Promise<string> {
	const { raiseWarning } = await import('../../src/lib/server/warnings');
	const { warning } = await raiseWarning(db, systemActor('test'), {
		countyId: world.countyA.id,
		householdId: world.households.inScope,
		kind: 'visit',
		source: 'person',
		note: '户主住院',
		raisedOn: '2026-11-20'
	});
	return warning.id;
}
