import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isActionFailure, isHttpError, isRedirect } from '@sveltejs/kit';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserActor } from '../../src/lib/server/auth/actor';
import type { Database } from '../../src/lib/server/db';
import { members } from '../../src/lib/server/households/schema';
import { newId } from '../../src/lib/server/db/ids';
import { useDatabase } from '../../src/lib/server/startup';
import { systemActor } from '../../src/lib/server/auth/actor';
import { postLedgerEntry } from '../../src/lib/server/income';
import { log } from '../../src/lib/server/logger';
import {
	actorFor,
	addFactoryWorld,
	addInsuranceWorld,
	addOpenWarning,
	addPlantingWorld,
	addProposalWorld,
	buildWorld,
	identityNumber,
	type FactoryWorld,
	type InsuranceWorld,
	type PlantingWorld,
	type World
} from './fixtures';
import { freshDatabase } from './helpers';
import { discover, requestEvent, type Entry } from './routes';

// Every form action, endpoint and load under src/routes gets a catalogue of hostile
// values, sent by a person who may use it. None may answer 5xx, a refused request may not
// write a row, and at the end no row may hold a date outside 1900 … ten years ahead, a
// control character, or a 10,000-character text. The fields come from the route files
// themselves (what the server reads and what the page's forms name), so a new action is
// covered without being listed here.

const ROOT = resolve(__dirname, '../..');
const TODAY = new Date().toISOString().slice(0, 10);
const LONG = '长'.repeat(10_000);

/** Sent as every field at once (and each JSON key), as text. */
const CATALOGUE: string[] = [
	'2026-02-30',
	'9999-12-31',
	'a\u0000b',
	'\u0001\u0007\u001b[31m',
	'\ud800',
	LONG,
	'12,5',
	'-1',
	'1e400',
	'not-a-uuid'
];

/** Sent as every query parameter a load or GET endpoint reads. */
const QUERY_CATALOGUE: string[] = ['2026-02-30', '+275760-09-13', '\u0000', LONG, '1e400'];

type FieldKind = 'date' | 'month' | 'number' | 'text';

/** What a field holds, by its name. */
function kindOf(field: string): FieldKind {
	if (/On$|date|Date|^from$|^to$|Start$|End$/.test(field)) return 'date';
	if (/month/i.test(field)) return 'month';
	if (
		/amount|Fen|rate|Rate|ceiling|Ceiling|rent|Rent|Cost|weight|Weight|area|Area|seedlings|Months|expected/.test(
			field
		)
	)
		return 'number';
	return 'text';
}

/** The sharp values for each kind of field, sent to all fields of the kind at once. */
const SHARP: Record<FieldKind, string[]> = {
	date: ['2026-02-30', '0000-01-01', '9999-12-31'],
	month: ['2026-13', '0000-01', '9999-12'],
	number: ['12,5', '-1', '1e400', '999999999', '99999999999999999999'],
	text: ['\u0007', LONG]
};

/** A plausible value, so that one hostile field at a time gets past the others' checks. */
function plausible(field: string): string {
	const bare = field.replace(/^head\./, '');
	if (/^amount:/.test(bare)) return '1200.50';
	const known: Record<string, string> = {
		stationId: plantingWorld.stationId,
		station: plantingWorld.stationId,
		seasonId: plantingWorld.seasonId,
		season: plantingWorld.seasonId,
		plotId: plantingWorld.plotId,
		entryId: plantingWorld.entryId,
		jobId: factoryWorld.jobId,
		memberId: headId,
		member: headId,
		factoryId: factoryWorld.factoryId,
		householdId: world.households.inScope,
		household: world.households.inScope,
		idNumber: identityNumber('19900101'),
		pickerIdNumber: identityNumber('19900101'),
		villageCode: '130434108068',
		village: '130434108068',
		township: '130434108',
		townshipCodes: '130434108',
		countyCode: '130434',
		period: 'day',
		format: 'csv',
		locale: 'en',
		relation: '子',
		sex: 'male',
		phone: '13800138000',
		// Choices, so that one hostile field is not hidden behind a refused choice.
		measure: 'industry',
		category: 'unstable',
		risks: 'illness',
		risk: 'illness',
		labourCapacity: 'full',
		health: 'healthy',
		event: 'birth',
		subtype: 'dibao',
		payBasis: 'monthly',
		jobTitle: '缝纫工',
		// settings: an option list and a way to move an item in it
		list: 'risk',
		direction: 'up',
		policyId: insuranceWorld.policyId,
		eventType: 'accident',
		decision: 'approve'
	};
	if (known[bare]) return known[bare];
	if (/month/i.test(bare)) return '2026-05';
	if (/On$|date|Date|Start$|End$/.test(bare)) return '2026-06-01';
	if (/amount|Fen|rate|Rate|ceiling|Ceiling|rent|Rent/.test(bare)) return '12.50';
	if (/weight|Weight/.test(bare)) return '12.5';
	if (/area|Area/.test(bare)) return '1.5';
	if (/Phone$/.test(bare)) return '13800138000';
	if (/name|Name/.test(bare)) return '王小明';
	return 'x';
}

// ---------------------------------------------------------------------------------------
// Which fields a route reads: from its server file and the forms of its page.

function source(path: string): string {
	return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

function pageSources(file: string): string[] {
	const dir = join(ROOT, dirname(file));
	const svelte = source(join(dir, '+page.svelte'));
	const components = [...svelte.matchAll(/from '\$lib\/components\/(\w+\.svelte)'/g)].map((m) =>
		source(join(ROOT, 'src/lib/components', m[1]))
	);
	return [svelte, ...components];
}

function fieldsOf(entry: Entry): string[] {
	const server = source(join(ROOT, entry.file));
	const forms = [...server.matchAll(/from '\$lib\/server\/([\w/]+\/forms)'/g)].map((m) =>
		source(join(ROOT, 'src/lib/server', `${m[1]}.ts`))
	);
	const names = new Set<string>();
	const add = (name: string) => {
		if (/^[a-zA-Z][\w.]*$/.test(name)) names.add(name);
	};
	for (const text of [server, ...forms]) {
		for (const m of text.matchAll(/(?:formText\(\w+, |\.get\(|\.getAll\()'([^']+)'/g)) add(m[1]);
		for (const m of text.matchAll(/_?FIELDS(?::[^=]+)? = \[([^\]]*)\]/g))
			for (const f of m[1].matchAll(/'([^']+)'/g)) add(f[1]);
	}
	for (const text of pageSources(entry.file)) {
		for (const m of text.matchAll(/\bname="([^"{]+)"/g)) add(m[1]);
		for (const m of text.matchAll(/\bname=\{name\('(\w+)'\)\}/g)) add(m[1]);
	}
	if (server.includes('`head.${f}`')) for (const f of [...names]) add(`head.${f}`);
	if (server.includes('amount:${')) names.add(`amount:${factoryWorld.jobId}`);
	return [...names].sort();
}

/** Query parameters pages commonly read, also through helpers the patterns miss. */
const COMMON_QUERY = [
	'q',
	'page',
	'township',
	'village',
	'status',
	'date',
	'month',
	'season',
	'from',
	'to'
];

function queryNames(entry: Entry): string[] {
	const server = source(join(ROOT, entry.file));
	if (!/searchParams/.test(server)) return [];
	const read = [...server.matchAll(/(?:searchParams|params)\.(?:get|getAll|has)\('(\w+)'\)/g)];
	return [...new Set([...COMMON_QUERY, ...read.map((m) => m[1])])];
}

// ---------------------------------------------------------------------------------------
// Calling a handler as a person, and what came of it.

type Persona = 'admin' | 'household';
type Outcome =
	| { kind: 'accepted' }
	| { kind: 'refused'; status: number }
	| { kind: 'not_allowed' }
	| { kind: 'crashed'; status: number; detail: string };

let database: Database;
let world: World;
let factoryWorld: FactoryWorld;
let plantingWorld: PlantingWorld;
let insuranceWorld: InsuranceWorld;
let proposalId = '';
let headId = '';
let warningId = '';
let ledgerEntryId = '';
const actors = new Map<Persona, { user: UserActor; sessionId: string } | null>();

async function headOf(householdId: string): Promise<string> {
	const [head] = await database.db
		.select({ id: members.id })
		.from(members)
		.where(and(eq(members.householdId, householdId), eq(members.relation, '户主')));
	return head.id;
}

function paramsFor(routeId: string): Record<string, string> {
	const all: Record<string, string> = {
		county: '130434',
		township: world.townshipIn,
		id: routeId.startsWith('/admin/users')
			? world.userIds.householdTarget
			: routeId.startsWith('/warnings')
				? warningId
				: world.households.inScope,
		token: 'no-such-card',
		factory: factoryWorld.factoryId,
		job: factoryWorld.jobId,
		season: plantingWorld.seasonId,
		plot: plantingWorld.plotId,
		scheme: insuranceWorld.schemeId,
		claim: insuranceWorld.claimId,
		proposal: proposalId,
		entry: ledgerEntryId,
		kind: 'households'
	};
	const names = [...routeId.matchAll(/\[(\w+)\]/g)].map((m) => m[1]);
	return Object.fromEntries(names.map((n) => [n, all[n]]));
}

type Body =
	| { kind: 'form'; fields: Record<string, string> }
	| { kind: 'json'; value: unknown }
	| { kind: 'raw'; text: string; type: string | null }
	| { kind: 'query'; params: Record<string, string> };

async function call(entry: Entry, persona: Persona, body: Body): Promise<Outcome> {
	const params = paramsFor(entry.routeId);
	const path = entry.routeId.replace(/\[(\w+)\]/g, (_m, name: string) => params[name]);
	const url = new URL(`http://localhost${path}`);
	if (body.kind === 'query')
		for (const [k, v] of Object.entries(body.params)) url.searchParams.set(k, v);
	const headers: Record<string, string> = { origin: url.origin };
	let request: Request;
	if (entry.method === 'GET') request = new Request(url);
	else if (body.kind === 'form') {
		const data = new FormData();
		for (const [k, v] of Object.entries(body.fields)) data.append(k, v);
		request = new Request(url, { method: 'POST', body: data, headers });
	} else if (body.kind === 'json') {
		request = new Request(url, {
			method: 'POST',
			body: JSON.stringify(body.value),
			headers: { ...headers, 'content-type': 'application/json' }
		});
	} else if (body.kind === 'raw') {
		if (body.type) headers['content-type'] = body.type;
		request = new Request(url, { method: 'POST', body: body.text || null, headers });
	} else request = new Request(url, { method: 'POST', headers });
	const actor = actors.get(persona) ?? null;
	const event = requestEvent(entry, url, params, request, actor, '192.0.2.7');
	try {
		const result = await entry.handler(event);
		if (isActionFailure(result)) return { kind: 'refused', status: result.status };
		if (result instanceof Response) {
			if (result.status >= 500)
				return { kind: 'crashed', status: result.status, detail: await result.text() };
			return result.status >= 400
				? { kind: 'refused', status: result.status }
				: { kind: 'accepted' };
		}
		return { kind: 'accepted' };
	} catch (caught) {
		if (isRedirect(caught))
			return caught.location.startsWith('/login') ? { kind: 'not_allowed' } : { kind: 'accepted' };
		if (isHttpError(caught)) {
			if (caught.status < 500) return { kind: 'refused', status: caught.status };
			return { kind: 'crashed', status: caught.status, detail: String(caught.body.message) };
		}
		const error = caught as Error;
		return {
			kind: 'crashed',
			status: 500,
			detail: `${error?.name}: ${String(error?.message).slice(0, 200)}`
		};
	}
}

// ---------------------------------------------------------------------------------------
// Writes: a row trigger on every table (auth_events aside: refusals and failed sign-ins are
// recorded on purpose) counts inserted, updated and deleted rows per table in a table of
// its own, in the same transaction, so a write that was rolled back is not counted.

async function rows<T>(query: string): Promise<T[]> {
	const result = (await database.db.execute(sql.raw(query))) as unknown;
	return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

async function counts(): Promise<Record<string, number>> {
	const found = await rows<{ name: string; n: number | string }>(
		'select table_name as name, n from hostile_writes'
	);
	return Object.fromEntries(found.map((r) => [r.name, Number(r.n)]));
}

function changed(before: Record<string, number>, after: Record<string, number>): string[] {
	return Object.keys(after)
		.filter((t) => after[t] !== before[t])
		.map((t) => `${t} +${after[t] - (before[t] ?? 0)}`);
}

async function countWrites(): Promise<void> {
	const tables = await rows<{ name: string }>(
		`select table_name as name from information_schema.tables
		 where table_schema = 'public' and table_type = 'BASE TABLE'
		   and table_name not in ('auth_events', '__drizzle_migrations') order by 1`
	);
	await rows('create table hostile_writes (table_name text primary key, n bigint not null)');
	await rows(`create function hostile_count() returns trigger language plpgsql as $$
		begin
			insert into hostile_writes values (TG_TABLE_NAME, 1)
			on conflict (table_name) do update set n = hostile_writes.n + 1;
			return null;
		end $$`);
	for (const t of tables)
		await rows(
			`create trigger hostile_count after insert or update or delete on "${t.name}"
			 for each row execute function hostile_count()`
		);
}

beforeAll(async () => {
	database = await freshDatabase();
	useDatabase(database);
	world = await buildWorld(database.db);
	factoryWorld = await addFactoryWorld(database.db, world);
	plantingWorld = await addPlantingWorld(database.db, world);
	insuranceWorld = await addInsuranceWorld(database.db, world);
	proposalId = await addProposalWorld(database.db, world);
	warningId = await addOpenWarning(database.db, world);
	actors.set('admin', await actorFor(database.db, world.userIds.admin));
	actors.set('household', await actorFor(database.db, world.userIds.householdSelf));
	headId = await headOf(world.households.inScope);
	ledgerEntryId = (
		await postLedgerEntry(database.db, systemActor('test'), {
			countyId: world.countyA.id,
			householdId: world.households.inScope,
			businessDate: '2026-01-15',
			amountFen: 47000,
			kind: 'transfer',
			subtype: 'dibao',
			source: 'manual'
		})
	).id;
	await countWrites();
}, 120_000);
afterAll(async () => {
	await database?.close();
});

interface Finding {
	entry: string;
	sent: string;
	problem: string;
}

function describeBody(body: Body): string {
	const show = (v: unknown) => {
		const text = typeof v === 'string' ? v : JSON.stringify(v);
		return JSON.stringify(text.length > 30 ? `${text.slice(0, 12)}…(${text.length})` : text);
	};
	if (body.kind === 'form') {
		const values = [...new Set(Object.values(body.fields))];
		const keys = Object.keys(body.fields);
		return keys.length === 0
			? 'empty form'
			: values.length === 1 && keys.length > 1
				? `every field = ${show(values[0])}`
				: Object.entries(body.fields)
						.filter(([k, v]) => v !== plausibleCache.get(k))
						.map(([k, v]) => `${k}=${show(v)}`)
						.join(' ') || 'plausible form';
	}
	if (body.kind === 'json') return `json ${show(body.value)}`;
	if (body.kind === 'raw') return `raw ${body.type} ${show(body.text)}`;
	return `?${new URLSearchParams(body.params).toString().slice(0, 60)}`;
}

const plausibleCache = new Map<string, string>();

/** The bodies one handler gets. */
function bodiesFor(entry: Entry): Body[] {
	const source = readFileSync(join(ROOT, entry.file), 'utf8');
	if (entry.method === 'GET') {
		const names = queryNames(entry);
		if (names.length === 0) return [{ kind: 'query', params: {} }];
		return QUERY_CATALOGUE.flatMap((value) => [
			{ kind: 'query', params: Object.fromEntries(names.map((n) => [n, value])) } as Body
		]);
	}
	const bodies: Body[] = [
		{ kind: 'raw', text: '', type: null },
		{ kind: 'raw', text: '', type: 'application/x-www-form-urlencoded' },
		{ kind: 'raw', text: '{"a":', type: 'application/json' }
	];
	if (entry.kind === 'endpoint' && /request\.json\(\)/.test(source)) {
		// A JSON endpoint: wrong types for every key it names, then one key at a time.
		const keys = [
			...new Set([...source.matchAll(/\b([a-z][a-zA-Z]+)\b/g)].map((m) => m[1]))
		].filter((k) => allFields.has(k) || k === 'id');
		const base = () =>
			Object.fromEntries(keys.map((k) => [k, k === 'id' ? newId() : plausible(k)])) as Record<
				string,
				unknown
			>;
		bodies.push(
			{ kind: 'json', value: null },
			{ kind: 'json', value: [] },
			{ kind: 'json', value: 'x' }
		);
		bodies.push({ kind: 'json', value: 50 }, { kind: 'json', value: {} });
		const wrong: unknown[] = [true, -1, 1e300, '50', '12,5', {}, '\u0000', LONG];
		for (const value of wrong)
			bodies.push({ kind: 'json', value: Object.fromEntries(keys.map((k) => [k, value])) });
		for (const key of keys)
			for (const value of wrong) bodies.push({ kind: 'json', value: { ...base(), [key]: value } });
		if (entry.routeId === '/api/sync') bodies.push(...syncBodies(wrong));
		return bodies;
	}
	const fields = fieldsOf(entry);
	bodies.push({ kind: 'form', fields: {} });
	for (const value of CATALOGUE)
		bodies.push({ kind: 'form', fields: Object.fromEntries(fields.map((f) => [f, value])) });
	const base = Object.fromEntries(fields.map((f) => [f, plausibleCache.get(f) ?? plausible(f)]));
	for (const [k, v] of Object.entries(base)) plausibleCache.set(k, v);
	// NUL in one text field at a time: another field's check must not hide a missing one.
	for (const field of fields.filter((f) => kindOf(f) === 'text'))
		bodies.push({ kind: 'form', fields: { ...base, [field]: 'a\u0000b' } });
	// One kind of field at a time (every date, every amount…), the others plausible.
	for (const kind of Object.keys(SHARP) as FieldKind[]) {
		const ofKind = fields.filter((f) => kindOf(f) === kind);
		if (ofKind.length === 0) continue;
		for (const value of SHARP[kind])
			bodies.push({
				kind: 'form',
				fields: { ...base, ...Object.fromEntries(ofKind.map((f) => [f, value])) }
			});
	}
	return bodies;
}

/**
 * The offline outbox's batches: each kind's payload with one hostile value per field (the
 * answer is 200 with the entry rejected, and nothing odd may be stored), entries that are
 * not entries, and a batch over the limit (refused whole, nothing written).
 */
function syncBodies(wrong: unknown[]): Body[] {
	const payloads: Record<string, Record<string, unknown>> = {
		picking: {
			stationId: plantingWorld.stationId,
			pickedOn: '2026-06-01',
			memberId: headId,
			weightGrams: 12_500
		},
		plot: { householdId: world.households.inScope, area: '1.5', plantedOn: '2026-04-01' },
		wage: {
			factoryId: factoryWorld.factoryId,
			month: '2026-05',
			lines: [{ jobId: factoryWorld.jobId, amount: '1200.50' }]
		},
		visit: { householdId: world.households.inScope, visitedOn: '2026-06-01', seen: true }
	};
	const batch = (kind: string, payload: unknown, id: unknown = newId()): Body => ({
		kind: 'json',
		value: { entries: [{ id, kind, payload }] }
	});
	const bodies: Body[] = [];
	for (const [kind, payload] of Object.entries(payloads)) {
		bodies.push(batch(kind, payload), batch(kind, null), batch(kind, []));
		for (const key of Object.keys(payload))
			for (const value of [...wrong, ...CATALOGUE])
				bodies.push(batch(kind, { ...payload, [key]: value }));
	}
	for (const value of wrong) bodies.push(batch('picking', payloads.picking, value));
	bodies.push(
		batch('no-such-kind', payloads.picking),
		{ kind: 'json', value: { entries: {} } },
		{ kind: 'json', value: { entries: [null, 1, 'x'] } },
		{
			kind: 'json',
			value: {
				entries: Array.from({ length: 1_000 }, () => ({
					id: newId(),
					kind: 'picking',
					payload: payloads.picking
				}))
			}
		}
	);
	return bodies;
}

const allFields = new Set<string>();

/** Signing out ends the session the rest of the test uses. */
const SKIP = new Set(['/logout action:default', '/account action:signOutEverywhere']);

describe('hostile input', () => {
	it('never answers 5xx, never writes a row for a refused request, never stores nonsense', async () => {
		// HOSTILE_ONLY=/households narrows a run while fixing what it found.
		const only = process.env.HOSTILE_ONLY ?? '';
		const entries = discover().filter(
			(e) =>
				!SKIP.has(e.key) && e.key.includes(only) && (e.kind !== 'load' || queryNames(e).length > 0)
		);
		for (const entry of entries)
			if (entry.kind !== 'load') fieldsOf(entry).forEach((f) => allFields.add(f));
		const findings: Finding[] = [];
		let calls = 0;
		const timing: [string, number, number][] = [];
		const quiet = log.error;
		const warn = log.warn;
		log.error = () => {};
		// The database refusing a value is caught (a 400, not a 500), but a field message
		// should have come first: each such request is a finding too.
		let refusedByDatabase = 0;
		log.warn = (message: string, fields?: object) => {
			if (message === 'Input refused by the database') refusedByDatabase++;
			else warn(message, fields);
		};
		try {
			for (const entry of entries) {
				// The county admin may use every handler (see the access matrix) but the
				// household's own pages, which only a household may use.
				const persona: Persona = entry.routeId.startsWith('/my') ? 'household' : 'admin';
				const started = performance.now();
				const bodies = bodiesFor(entry);
				let before = await counts();
				for (const body of bodies) {
					const netBefore = refusedByDatabase;
					const outcome = await call(entry, persona, body);
					calls++;
					if (refusedByDatabase > netBefore)
						findings.push({
							entry: entry.key,
							sent: describeBody(body),
							problem: 'refused by the database, not by a check'
						});
					const after = await counts();
					const wrote = changed(before, after);
					before = after;
					if (outcome.kind === 'crashed') {
						findings.push({
							entry: entry.key,
							sent: describeBody(body),
							problem: `${outcome.status} ${outcome.detail}`
						});
					} else if (outcome.kind === 'not_allowed') {
						findings.push({
							entry: entry.key,
							sent: describeBody(body),
							problem: 'sent to sign in'
						});
					} else if (outcome.kind === 'refused') {
						if (wrote.length)
							findings.push({
								entry: entry.key,
								sent: describeBody(body),
								problem: `refused (${outcome.status}) but wrote ${wrote.join(', ')}`
							});
					}
				}
				timing.push([entry.key, Math.round(performance.now() - started), bodies.length]);
			}
		} finally {
			log.error = quiet;
			log.warn = warn;
		}
		console.info(`hostile input: ${entries.length} handlers, ${calls} requests`);
		if (process.env.HOSTILE_TIMING) console.info(timing.sort((a, b) => b[1] - a[1]).slice(0, 15));
		// One line per handler and problem is enough to find it.
		const seen = new Set<string>();
		const unique = findings.filter((f) => {
			const key = `${f.entry} ${f.problem.slice(0, 60)}`;
			if (seen.has(key)) return false;
			seen.add(key);
			return true;
		});
		expect(unique.map((f) => `${f.entry} | ${f.sent} | ${f.problem}`)).toEqual([]);

		// Nothing accepted left an impossible date, a control character or endless text.
		const columns = await rows<{ table: string; column: string; type: string }>(
			`select table_name as table, column_name as column, data_type as type
			 from information_schema.columns
			 where table_schema = 'public' and table_name <> '__drizzle_migrations'
			   and data_type in ('date', 'text', 'character varying')`
		);
		const latest = `${Number(TODAY.slice(0, 4)) + 10}-12-31`;
		const bad: string[] = [];
		for (const c of columns) {
			const column = `"${c.table}"."${c.column}"`;
			const where =
				c.type === 'date'
					? `${column} < '1900-01-01' or ${column} > '${latest}'`
					: `${column} ~ '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]' or length(${column}) > 2000`;
			const [row] = await rows<{ n: number | string }>(
				`select count(*) as n from "${c.table}" where ${where}`
			);
			if (Number(row.n) > 0) bad.push(`${column}: ${row.n}`);
		}
		expect(bad).toEqual([]);
	}, 600_000);
});
