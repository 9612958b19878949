import { isHttpError, isRedirect } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db';
import { and, eq } from 'drizzle-orm';
import type { UserActor } from '../../src/lib/server/auth/actor';
import { authEvents } from '../../src/lib/server/auth/schema';
import { createSession } from '../../src/lib/server/auth/sessions';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { useDatabase } from '../../src/lib/server/startup';
import { systemActor } from '../../src/lib/server/auth/actor';
import { members } from '../../src/lib/server/households/schema';
import { villageAliases } from '../../src/lib/server/divisions/schema';
import { postLedgerEntry } from '../../src/lib/server/income';
import { newId } from '../../src/lib/server/db/ids';
import {
	actorFor,
	addFactoryWorld,
	addOpenWarning,
	buildWorld,
	type FactoryWorld,
	type World
} from './fixtures';
import { addPickingEntry, addPlantingWorld, type PlantingWorld } from './fixtures';
import { addInsuranceWorld, type InsuranceWorld } from './fixtures';
import { addProposalWorld } from './fixtures';
import { freshDatabase } from './helpers';
import { discover, requestEvent, type Entry } from './routes';

// Every load, form action and endpoint, called as each kind of person inside and
// outside its scope. A route file with a handler that is not in MATRIX fails the test.

type Persona =
	| 'anon'
	| 'admin'
	| 'adminB'
	| 'staffIn'
	| 'staffOut'
	| 'owner'
	| 'householdSelf'
	| 'householdOther'
	| 'gridIn';
type Outcome = 'ok' | 'not_found' | 'login';

const PERSONAS: Persona[] = [
	'anon',
	'admin',
	'adminB',
	'staffIn',
	'staffOut',
	'owner',
	'householdSelf',
	'householdOther',
	'gridIn'
];
const SIGNED_IN = PERSONAS.filter((p) => p !== 'anon');

/** Who gets through; the rest of the signed-in get 404 and visitors are sent to sign in. */
function only(...allowed: Persona[]): Record<Persona, Outcome> {
	return Object.fromEntries(
		PERSONAS.map((p) => [p, allowed.includes(p) ? 'ok' : p === 'anon' ? 'login' : 'not_found'])
	) as Record<Persona, Outcome>;
}
const everyone = only(...PERSONAS);
const signedIn = only(...SIGNED_IN);
const ADMINS: Persona[] = ['admin', 'adminB'];
const STAFF: Persona[] = ['admin', 'adminB', 'staffIn', 'staffOut'];
/** Who works the monitoring loop: staff, and the grid member of the inScope households' village. */
const LOOP: Persona[] = [...STAFF, 'gridIn'];
const HOUSEHOLDS: Persona[] = ['householdSelf', 'householdOther'];

interface Case {
	expect: Record<Persona, Outcome>;
	/** Form fields for an action (functions get the world and the acting persona's session). */
	form?: (ctx: Ctx) => Promise<Record<string, string>> | Record<string, string>;
}

interface Ctx {
	world: World;
	db: Database['db'];
	sessionId: string | null;
}

const MATRIX: Record<string, Case> = {
	'/ layout:load': { expect: everyone },
	'/ load': { expect: everyone },
	'/language load': { expect: everyone },
	'/language action:default': { expect: everyone, form: () => ({ locale: 'en' }) },
	'/healthz GET': { expect: everyone },
	'/manifest.webmanifest GET': { expect: everyone },
	'/login load': { expect: everyone },
	'/login action:default': { expect: everyone },
	'/login/household load': { expect: everyone },
	'/login/household action:default': { expect: everyone },
	'/card/[token] load': { expect: everyone },
	'/card/[token] action:default': { expect: everyone },
	'/logout load': { expect: everyone },
	'/logout action:default': { expect: everyone },
	'/account load': { expect: signedIn },
	// Households have a PIN, not a password.
	'/account action:changePassword': {
		expect: only('admin', 'adminB', 'staffIn', 'staffOut', 'owner', 'gridIn')
	},
	'/account action:signOutEverywhere': { expect: signedIn },
	'/account action:endSession': {
		expect: signedIn,
		form: ({ sessionId }) => ({ session: sessionId ?? '' })
	},
	'/admin/divisions load': { expect: only(...ADMINS) },
	'/admin/divisions action:load': { expect: only(...ADMINS), form: () => ({ countyCode: '' }) },
	'/admin/divisions/[county] load': { expect: only('admin') },
	'/admin/divisions/[county] action:add': { expect: only('admin') },
	'/admin/divisions/[county]/[township] load': { expect: only('admin') },
	'/admin/divisions/[county]/[township] action:add': { expect: only('admin') },
	'/admin/divisions/[county]/[township] action:rename': {
		expect: only('admin'),
		form: () => ({ code: '130434108068', name: '东代固社区' })
	},
	'/admin/divisions/[county]/[township] action:addAlias': {
		expect: only('admin'),
		form: () => ({ code: '130434108068', alias: '东代固村' })
	},
	'/admin/divisions/[county]/[township] action:removeAlias': {
		expect: only('admin'),
		form: async ({ db }) => {
			await db
				.insert(villageAliases)
				.values({
					villageCode: '130434108069',
					townshipCode: '130434108',
					countyCode: '130434',
					alias: '西代固村'
				})
				.onConflictDoNothing();
			return { code: '130434108069', alias: '西代固村' };
		}
	},
	'/admin/users load': { expect: only(...STAFF) },
	'/admin/users action:create': { expect: only(...ADMINS) },
	'/admin/users/[id] load': { expect: only('admin', 'staffIn') },
	'/admin/users/[id] action:disable': { expect: only('admin', 'staffIn') },
	'/admin/users/[id] action:enable': { expect: only('admin', 'staffIn') },
	'/admin/users/[id] action:resetPassword': { expect: only('admin') },
	'/admin/users/[id] action:endSessions': { expect: only('admin', 'staffIn') },
	'/admin/users/[id] action:endSession': {
		expect: only('admin', 'staffIn'),
		form: async ({ db, world }) => ({
			session: (await createSession(db, world.userIds.householdTarget, 'pin')).session.id
		})
	},
	'/admin/audit load': { expect: only(...ADMINS) },
	// settings: routes below
	// The county's settings are its admin's: each admin changes only their own county.
	'/admin/settings load': { expect: only(...ADMINS) },
	'/admin/settings/line load': { expect: only(...ADMINS) },
	// An empty line: refused with a field message, nothing written.
	'/admin/settings/line action:save': { expect: only(...ADMINS) },
	'/admin/settings/rules load': { expect: only(...ADMINS) },
	'/admin/settings/rules action:rules': { expect: only(...ADMINS) },
	'/admin/settings/rules action:ceilings': { expect: only(...ADMINS) },
	'/admin/settings/options load': { expect: only(...ADMINS) },
	'/admin/settings/options action:add': { expect: only(...ADMINS) },
	'/admin/settings/options action:rename': {
		expect: only(...ADMINS),
		form: () => ({ list: 'risk', code: 'other', nameZh: '其他', nameEn: 'Other' })
	},
	'/admin/settings/options action:move': {
		expect: only(...ADMINS),
		form: () => ({ list: 'risk', code: 'other', direction: 'down' })
	},
	'/admin/settings/options action:deactivate': {
		expect: only(...ADMINS),
		form: () => ({ list: 'category', code: 'ordinary' })
	},
	'/admin/settings/options action:reactivate': {
		expect: only(...ADMINS),
		form: () => ({ list: 'risk', code: 'other' })
	},
	// A national code: refused, nothing deleted.
	'/admin/settings/options action:delete': {
		expect: only(...ADMINS),
		form: () => ({ list: 'risk', code: 'illness' })
	},
	// Grid members list the households of their villages only (householdScope).
	'/households load': { expect: only(...LOOP) },
	'/households/[id] load': { expect: only('admin', 'staffIn', 'householdSelf', 'gridIn') },
	'/households/new load': { expect: only(...STAFF) },
	'/households/new action:default': { expect: only(...STAFF) },
	'/households/[id] action:update': { expect: only('admin', 'staffIn') },
	'/households/[id] action:addMember': { expect: only('admin', 'staffIn') },
	'/households/[id] action:editMember': {
		expect: only('admin', 'staffIn'),
		form: async ({ db, world }) => ({ memberId: await headOf(db, world.households.inScope) })
	},
	'/households/[id] action:leave': {
		expect: only('admin', 'staffIn'),
		form: async ({ db, world }) => ({ memberId: await headOf(db, world.households.inScope) })
	},
	// Only county admins see a full identity number.
	'/households/[id] action:revealId': {
		expect: only('admin'),
		form: async ({ db, world }) => ({ memberId: await headOf(db, world.households.inScope) })
	},
	'/households/[id] action:monitoring': { expect: only('admin', 'staffIn') },
	'/households/[id] action:cadre': { expect: only('admin', 'staffIn') },
	'/households/[id] action:addMeasure': { expect: only('admin', 'staffIn') },
	'/households/[id] action:addEntry': { expect: only('admin', 'staffIn') },
	'/households/[id] action:reverseEntry': {
		expect: only('admin', 'staffIn'),
		form: async ({ db, world }) => ({
			entryId: (
				await postLedgerEntry(db, systemActor('test'), {
					countyId: world.countyA.id,
					householdId: world.households.inScope,
					businessDate: '2025-01-15',
					amountFen: 47000,
					kind: 'transfer',
					subtype: 'dibao',
					source: 'manual'
				})
			).id
		})
	},
	'/households/[id] action:setPin': { expect: only('admin', 'staffIn') },
	'/households/[id] action:revokeCard': { expect: only('admin', 'staffIn') },
	'/households/import load': { expect: only(...ADMINS) },
	'/households/import action:preview': { expect: only(...ADMINS) },
	'/households/import action:apply': { expect: only(...ADMINS) },
	'/households/import/done load': { expect: only(...ADMINS) },
	'/households/import/template GET': { expect: only(...ADMINS) },
	'/households/export POST': { expect: only(...STAFF), form: () => ({ format: 'csv' }) },
	// factories: routes below
	// The county's view and registry are the admins'; a factory's pages are for its owner,
	// the county admin and township staff of its township (who only read).
	'/factories load': { expect: only(...ADMINS) },
	'/factories/export POST': { expect: only(...ADMINS) },
	'/factories/new load': { expect: only(...ADMINS) },
	'/factories/new action:default': { expect: only(...ADMINS) },
	'/factories/[factory] load': { expect: only('admin', 'staffIn', 'owner') },
	'/factories/[factory] action:update': { expect: only('admin') },
	'/factories/[factory] action:addOwner': { expect: only('admin') },
	'/factories/[factory] action:removeOwner': { expect: only('admin') },
	'/factories/[factory]/hire load': { expect: only('admin', 'owner') },
	'/factories/[factory]/hire action:default': { expect: only('admin', 'owner') },
	'/factories/[factory]/wages load': { expect: only('admin', 'staffIn', 'owner') },
	// An empty sheet of one worker: checked, nothing written.
	'/factories/[factory]/wages action:default': {
		expect: only('admin', 'owner'),
		form: () => ({
			month: '2026-01',
			jobId: factoryWorld.jobId,
			[`amount:${factoryWorld.jobId}`]: ''
		})
	},
	'/factories/[factory]/jobs/[job] load': { expect: only('admin', 'staffIn', 'owner') },
	'/factories/[factory]/jobs/[job] action:leave': { expect: only('admin', 'owner') },
	'/factories/[factory]/jobs/[job] action:correct': { expect: only('admin', 'owner') },
	// planting: routes below
	// Program staff only: admins in the county, township staff in their townships; the
	// world's station and plot are in staffIn's township. Seasons are county-wide.
	'/planting load': { expect: only(...STAFF) },
	'/planting/dashboard load': { expect: only(...STAFF) },
	'/planting/payments load': { expect: only(...STAFF) },
	// An empty payment date: checked, nothing paid.
	'/planting/payments action:pay': {
		expect: only('admin', 'staffIn'),
		form: () => ({ station: plantingWorld.stationId, period: 'day', date: '2026-06-01' })
	},
	'/planting/payments/export POST': {
		expect: only('admin', 'staffIn'),
		form: () => ({ station: plantingWorld.stationId, period: 'day', date: '2026-06-01' })
	},
	'/planting/plots load': { expect: only(...STAFF) },
	'/planting/plots/new load': { expect: only(...STAFF) },
	'/planting/plots/new action:default': { expect: only(...STAFF) },
	'/planting/plots/[plot] load': { expect: only('admin', 'staffIn') },
	'/planting/plots/[plot] action:remeasure': { expect: only('admin', 'staffIn') },
	'/planting/plots/[plot] action:retire': { expect: only('admin', 'staffIn') },
	'/planting/plots/[plot] action:update': { expect: only('admin', 'staffIn') },
	'/planting/seasons load': { expect: only(...STAFF) },
	'/planting/seasons action:create': { expect: only(...ADMINS) },
	'/planting/seasons/[season] load': { expect: only('admin', 'staffIn', 'staffOut') },
	'/planting/seasons/[season] action:update': { expect: only('admin') },
	// The season has a weigh-in, so deleting it is refused (and nothing is deleted).
	'/planting/seasons/[season] action:delete': { expect: only('admin') },
	'/planting/stations load': { expect: only(...STAFF) },
	'/planting/stations action:create': { expect: only(...STAFF) },
	'/planting/stations action:update': {
		expect: only('admin', 'staffIn'),
		form: () => ({ stationId: plantingWorld.stationId })
	},
	'/planting/subsidies load': { expect: only(...STAFF) },
	'/planting/subsidies action:generate': {
		expect: only('admin', 'staffIn', 'staffOut'),
		form: () => ({ seasonId: plantingWorld.seasonId })
	},
	'/planting/subsidies action:review': {
		expect: only('admin', 'staffIn', 'staffOut'),
		form: () => ({ seasonId: plantingWorld.seasonId })
	},
	'/planting/subsidies action:pay': {
		expect: only('admin', 'staffIn', 'staffOut'),
		form: () => ({ seasonId: plantingWorld.seasonId })
	},
	'/planting/weigh load': { expect: only(...STAFF) },
	'/planting/weigh action:record': {
		expect: only('admin', 'staffIn'),
		form: () => ({ stationId: plantingWorld.stationId, pickedOn: '2026-06-01' })
	},
	'/planting/weigh action:correct': {
		expect: only('admin', 'staffIn'),
		form: () => ({ entryId: plantingWorld.entryId })
	},
	'/planting/weigh action:void': {
		expect: only('admin', 'staffIn'),
		form: async ({ db, world }) => ({ entryId: await addPickingEntry(db, world, plantingWorld) })
	},
	// The matrix sends a form, not JSON: staff get a 400 with a message, others 404.
	'/planting/weigh/entries POST': { expect: only(...STAFF) },
	// The outbox's endpoints answer every signed-in person: each entry is checked by its
	// own domain (an entry outside the person's role or scope is rejected, never applied),
	// and the roster holds only the person's own scope.
	'/api/sync POST': { expect: signedIn },
	'/api/sync/roster GET': { expect: signedIn },
	'/planting/weigh/pickers GET': { expect: only(...STAFF) },
	// insurance: routes below
	// Schemes and funds are the county's (admins change them, staff of the county read
	// them and enrol); claims follow the household's scope. The world's claim is reported
	// and not investigated, so deciding and paying it is refused (nothing written).
	'/insurance load': { expect: only(...STAFF) },
	'/insurance action:create': { expect: only(...ADMINS) },
	'/insurance/[scheme] load': { expect: only('admin', 'staffIn', 'staffOut') },
	'/insurance/[scheme] action:topUp': { expect: only('admin') },
	'/insurance/[scheme] action:carryOver': { expect: only('admin') },
	'/insurance/[scheme] action:rule': { expect: only('admin') },
	'/insurance/[scheme]/enrol load': { expect: only('admin', 'staffIn', 'staffOut') },
	'/insurance/[scheme]/enrol action:default': { expect: only('admin', 'staffIn', 'staffOut') },
	'/insurance/[scheme]/export POST': { expect: only('admin', 'staffIn', 'staffOut') },
	// Grid members report claims and follow them in their villages.
	'/insurance/claims load': { expect: only(...LOOP) },
	'/insurance/claims/new load': { expect: only(...LOOP) },
	'/insurance/claims/new action:default': {
		expect: only('admin', 'staffIn', 'gridIn'),
		form: ({ world }) => ({ householdId: world.households.inScope })
	},
	'/insurance/claims/[claim] load': { expect: only('admin', 'staffIn', 'gridIn') },
	'/insurance/claims/[claim] action:decide': { expect: only('admin') },
	'/insurance/claims/[claim] action:pay': { expect: only('admin') },
	'/insurance/claims/[claim]/investigate load': { expect: only('admin', 'staffIn') },
	'/insurance/claims/[claim]/investigate action:default': { expect: only('admin', 'staffIn') },
	// warnings: routes below
	// The loop: grid members visit and verify in their villages; staff and admins decide.
	'/visits load': { expect: only(...LOOP) },
	'/households/[id]/visit load': { expect: only('admin', 'staffIn', 'gridIn') },
	'/households/[id]/visit action:default': { expect: only('admin', 'staffIn', 'gridIn') },
	'/households/[id] action:raiseWarning': { expect: only('admin', 'staffIn') },
	'/warnings load': { expect: only(...LOOP) },
	'/warnings/[id] load': { expect: only('admin', 'staffIn', 'gridIn') },
	// Empty forms: checked, nothing written (the world's warning stays open).
	'/warnings/[id] action:verify': { expect: only('admin', 'staffIn', 'gridIn') },
	'/warnings/[id] action:identify': { expect: only('admin', 'staffIn') },
	'/warnings/[id] action:assist': { expect: only('admin', 'staffIn') },
	'/warnings/[id] action:close': { expect: only('admin', 'staffIn') },
	'/warnings/[id] action:dismiss': { expect: only('admin', 'staffIn') },
	// Staff create grid members for their own villages (an empty form is refused with a message).
	'/admin/users action:createGrid': { expect: only(...STAFF) },
	// The matrix's user is a household account, never a grid member: nobody sets its villages.
	'/admin/users/[id] action:villages': { expect: only() },
	'/households/[id]/card load': { expect: only('admin', 'staffIn') },
	'/households/[id]/card action:issue': { expect: only('admin', 'staffIn') },
	// proposals: routes below
	// Identification and elimination proposals: staff in their townships, admins in the
	// county; the fixture proposal is for a household of staffIn's township. Only the county
	// approves. Empty forms are refused by the domain, so nothing moves.
	'/monitoring/proposals load': { expect: only(...STAFF) },
	'/monitoring/proposals action:propose': {
		expect: only('admin', 'staffIn'),
		form: ({ world }) => ({ kind: 'identify', householdId: world.households.inScope })
	},
	'/monitoring/proposals/[proposal] load': { expect: only('admin', 'staffIn') },
	'/monitoring/proposals/[proposal] action:verify': { expect: only('admin', 'staffIn') },
	'/monitoring/proposals/[proposal] action:review': { expect: only('admin', 'staffIn') },
	'/monitoring/proposals/[proposal] action:township': { expect: only('admin', 'staffIn') },
	'/monitoring/proposals/[proposal] action:approve': { expect: only('admin') },
	'/monitoring/proposals/[proposal] action:reject': { expect: only('admin', 'staffIn') },
	// Data-quality findings: staff see their townships; admins switch rules and run checks.
	'/monitoring/quality load': { expect: only(...STAFF) },
	'/monitoring/quality action:rule': {
		expect: only(...ADMINS),
		form: () => ({ code: 'phone_invalid', enabled: 'on' })
	},
	'/monitoring/quality action:run': { expect: only(...ADMINS) },
	// attribution: routes below
	// Admins see their county, township staff their townships (staffOut sees an empty one).
	'/monitoring/attribution load': { expect: only(...STAFF) },
	// reports: routes below
	// Admins read their county, township staff their townships (staffOut's are empty).
	'/reports load': { expect: only(...STAFF) },
	'/reports/[kind] load': { expect: only(...STAFF) },
	'/reports/[kind]/xlsx POST': { expect: only(...STAFF) },
	// household: the family's own pages; each household sees only itself, staff nothing.
	'/my load': { expect: only(...HOUSEHOLDS) },
	'/my/entries load': { expect: only(...HOUSEHOLDS) },
	'/my/entries/[entry] load': { expect: only('householdSelf') },
	'/my/family load': { expect: only(...HOUSEHOLDS) },
	'/my/family action:revealId': {
		expect: only('householdSelf'),
		form: async ({ db, world }) => ({ memberId: await headOf(db, world.households.inScope) })
	},
	'/my/report load': { expect: only(...HOUSEHOLDS) },
	'/my/report action:default': {
		expect: only(...HOUSEHOLDS),
		form: () => ({ id: newId(), what: 'illness', amount: '', note: '' })
	}
};

/** The head of a household, for the forms that act on one member. */
async function headOf(db: Database['db'], householdId: string): Promise<string> {
	const [head] = await db
		.select({ id: members.id })
		.from(members)
		.where(and(eq(members.householdId, householdId), eq(members.relation, '户主')));
	return head.id;
}

let database: Database;
let world: World;
let factoryWorld: FactoryWorld;
let plantingWorld: PlantingWorld;
let insuranceWorld: InsuranceWorld;
let proposalId = '';
/** An open warning on households.inScope, for the /warnings/[id] routes. */
let warningId: string;
/** An entry of householdSelf's ledger, for the household's entry page. */
let householdEntryId = '';
const actors = new Map<Persona, { user: UserActor; sessionId: string } | null>();

beforeAll(async () => {
	database = await freshDatabase();
	useDatabase(database);
	world = await buildWorld(database.db);
	factoryWorld = await addFactoryWorld(database.db, world);
	plantingWorld = await addPlantingWorld(database.db, world);
	insuranceWorld = await addInsuranceWorld(database.db, world);
	proposalId = await addProposalWorld(database.db, world);
	warningId = await addOpenWarning(database.db, world);
	householdEntryId = (
		await postLedgerEntry(database.db, systemActor('test'), {
			countyId: world.countyA.id,
			householdId: world.households.inScope,
			businessDate: '2026-01-15',
			amountFen: 300000,
			kind: 'property',
			subtype: 'pv_dividend',
			source: 'manual'
		})
	).id;
	const ids: Record<Exclude<Persona, 'anon'>, string> = world.userIds as unknown as Record<
		Exclude<Persona, 'anon'>,
		string
	>;
	actors.set('anon', null);
	for (const persona of SIGNED_IN) actors.set(persona, await actorFor(database.db, ids[persona]));
});
afterAll(async () => {
	await database.close();
});

function paramsFor(routeId: string): Record<string, string> {
	const all: Record<string, string> = {
		county: '130434',
		township: world.townshipIn,
		id: routeId.startsWith('/admin/users')
			? world.userIds.householdTarget
			: routeId.startsWith('/warnings')
				? warningId
				: world.households.inScope,
		token: hashToken('no-such-card').slice(0, 52),
		factory: factoryWorld.factoryId,
		job: factoryWorld.jobId,
		season: plantingWorld.seasonId,
		plot: plantingWorld.plotId,
		scheme: insuranceWorld.schemeId,
		claim: insuranceWorld.claimId,
		proposal: proposalId,
		entry: householdEntryId,
		kind: 'households'
	};
	const names = [...routeId.matchAll(/\[(\w+)\]/g)].map((m) => m[1]);
	return Object.fromEntries(names.map((n) => [n, all[n]]));
}

async function call(entry: Entry, persona: Persona): Promise<Outcome> {
	const params = paramsFor(entry.routeId);
	const path = entry.routeId.replace(/\[(\w+)\]/g, (_m, name: string) => params[name]);
	const url = new URL(`http://localhost${path}`);
	const actor = actors.get(persona) ?? null;
	const ctx: Ctx = { world, db: database.db, sessionId: actor?.sessionId ?? null };
	const fields = (await MATRIX[entry.key]?.form?.(ctx)) ?? {};
	const body = new FormData();
	for (const [k, v] of Object.entries(fields)) body.set(k, v);
	const request =
		entry.method === 'POST'
			? new Request(url, { method: 'POST', body, headers: { origin: url.origin } })
			: new Request(url);
	const event = requestEvent(entry, url, params, request, actor, '192.0.2.1');
	try {
		await entry.handler(event);
		return 'ok';
	} catch (caught) {
		if (isHttpError(caught) && caught.status === 404) return 'not_found';
		if (isRedirect(caught))
			return /^\/login(\/household)?\?next=/.test(caught.location) ? 'login' : 'ok';
		throw caught;
	}
}

describe('the access matrix', () => {
	it('names every handler of every route, and nothing that is gone', () => {
		expect(discover().map((e) => e.key)).toEqual(
			Object.keys(MATRIX).sort((a, b) => a.localeCompare(b))
		);
	});

	it('gives each person exactly the access they should have', async () => {
		const differences: string[] = [];
		const entries = discover();
		expect(entries.length).toBeGreaterThan(30);
		for (const entry of entries) {
			const spec = MATRIX[entry.key];
			if (!spec) continue;
			for (const persona of PERSONAS) {
				const outcome = await call(entry, persona);
				if (outcome !== spec.expect[persona]) {
					differences.push(
						`${entry.key} as ${persona}: got ${outcome}, expected ${spec.expect[persona]}`
					);
				}
			}
		}
		expect(differences).toEqual([]);
	});

	it('keeps the home dashboard in the staff member’s townships whatever the address asks', async () => {
		// A township outside the person's scope in ?township= is ignored, not shown.
		const entry = discover().find((e) => e.key === '/ load')!;
		const url = new URL(`http://localhost/?township=${world.townshipOut}&from=2020-01&to=2030-12`);
		const actor = actors.get('staffIn') ?? null;
		const event = requestEvent(entry, url, {}, new Request(url), actor, '192.0.2.1');
		const data = (await entry.handler(event)) as {
			dashboard: { townships: { code: string }[]; townshipFilter: string[] };
			townships: { code: string }[];
		};
		expect(data.dashboard.townships.map((t) => t.code)).toEqual([world.townshipIn]);
		expect(data.dashboard.townshipFilter).toEqual([]);
		expect(data.townships.map((t) => t.code)).toEqual([world.townshipIn]);
	});

	it('recorded the refusals, so the county can see who tried', async () => {
		const refused = await database.db
			.select()
			.from(authEvents)
			.where(and(eq(authEvents.kind, 'refused'), eq(authEvents.userId, world.userIds.staffOut)));
		expect(refused.map((e) => (e.detail as { route: string }).route)).toContain('/households/[id]');
	});
});
