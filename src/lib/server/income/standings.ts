import { performance } from 'node:perf_hooks';
import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { longRunning } from '../db/long';
import { isEmbedded } from '../db/maintenance';
import { recordAudit } from '../audit';
import { systemActor, type Actor } from '../auth/actor';
import { households } from '../households/schema';
import { getCountySettings } from '../settings';
import { todayInChina } from '../../format';
import { ALREADY_THERE, JOINING, windowStart } from './account';

/**
 * Stored standings (household_standings): each household's account against the line,
 * written set-based in SQL so that a whole county fits in a minute. The SQL repeats
 * incomeAccount's rules (window, residents from the membership events, truncated
 * per-capita income, near-line margin); a test recomputes every row with incomeAccount.
 */

export type StandingReason =
	| 'posting'
	| 'reversal'
	| 'membership'
	| 'line_change'
	| 'settings_change'
	| 'rule_change'
	| 'nightly'
	| 'import'
	| 'demo';

const CHUNK = 5000;

const list = (values: readonly string[]) =>
	sql.join(
		values.map((v) => sql`${v}`),
		sql`, `
	);

/**
 * Each step is MATERIALIZED: inside a transaction that has just written thousands of rows
 * the planner has no statistics, guesses one row everywhere and would otherwise compute
 * the aggregates again for every household (seen: 70 s instead of 0.1 s for the demo).
 *
 * The standing of the households `pick(column)` selects, on a date, as a SELECT of
 * (household_id, village_code, net, residents, per_capita, line, large, prior_net,
 * prior_income, below_line, near_line): the ledger sums of the window, resident counts on
 * the date, the line of its year, the monthly summary's sums of the calendar year before.
 */
export function standingsSelect(
	countyId: string,
	onDate: string,
	marginPct: number,
	pick: (column: SQL) => SQL,
	/** The prior calendar year's sums (what the standings keep); a caller that only reads skips them. */
	withPriorYear = true
): SQL {
	const from = windowStart(onDate);
	const year = Number(onDate.slice(0, 4));
	const priorStep = withPriorYear
		? sql`), prior as materialized (
	select m.household_id,
		sum(case m.kind when 'production_cost' then -m.amount_fen when 'large_expense' then 0
			else m.amount_fen end)::bigint as net,
		coalesce(sum(m.amount_fen) filter (where m.kind in ('wage', 'operating', 'property', 'transfer')),
			0)::bigint as income
	from household_income_months m
	where m.county_id = ${countyId} and ${pick(sql`m.household_id`)}
		and m.month >= ${`${year - 1}-01-01`}::date and m.month < ${`${year}-01-01`}::date
	group by m.household_id
`
		: sql`), prior as (select null::uuid as household_id, 0::bigint as net, 0::bigint as income where false
`;
	return sql`
with ev as materialized (
	select e.household_id, e.member_id,
		(array_agg(e.kind order by e.happened_on desc, e.id desc)
			filter (where e.happened_on <= ${onDate}::date))[1] as last_kind,
		(array_agg(e.kind order by e.happened_on, e.id))[1] as first_kind
	from membership_events e
	where e.county_id = ${countyId} and ${pick(sql`e.household_id`)}
	group by e.household_id, e.member_id
), people as materialized (
	-- Today's residence of a person named by the events: one index lookup each (a join
	-- would read every member of the county for each chunk).
	select ev.household_id,
		(select m.resident from members m where m.county_id = ${countyId} and m.id = ev.member_id)
			as resident,
		case when ev.last_kind is not null then ev.last_kind in (${list(JOINING)})
			else ev.first_kind in (${list(ALREADY_THERE)}) end as counted
	from ev
	union all
	select m.household_id, m.resident, true
	from members m
	where m.county_id = ${countyId} and ${pick(sql`m.household_id`)} and m.current
		-- Against ev (this pick's events, already read), not membership_events: the planner
		-- would otherwise hash every event of the county for each chunk.
		and not exists (select 1 from ev where ev.household_id = m.household_id and ev.member_id = m.id)
), residents as materialized (
	select household_id, count(*)::int as n
	from people
	where counted and resident
	group by household_id
), ledger as materialized (
	select l.household_id,
		sum(case l.kind when 'production_cost' then -l.amount_fen when 'large_expense' then 0
			else l.amount_fen end)::bigint as net,
		sum(case when l.kind = 'large_expense' then l.amount_fen else 0 end)::bigint as large
	from ledger_entries l
	where l.county_id = ${countyId} and ${pick(sql`l.household_id`)}
		and l.business_date >= ${from}::date and l.business_date <= ${onDate}::date
	group by l.household_id
${priorStep}), line as materialized (
	select (select line_fen_per_person from monitoring_lines
		where county_id = ${countyId} and year = ${year}) as fen
), counted as (
	select h.id as household_id, h.village_code, coalesce(g.net, 0)::bigint as net, coalesce(r.n, 0) as n,
		coalesce(g.large, 0)::bigint as large, line.fen as line,
		coalesce(p.net, 0)::bigint as prior_net, coalesce(p.income, 0)::bigint as prior_income
	from households h
	cross join line
	left join ledger g on g.household_id = h.id
	left join prior p on p.household_id = h.id
	left join residents r on r.household_id = h.id
	where h.county_id = ${countyId} and ${pick(sql`h.id`)}
), calc as (
	select *, case when n > 0 then net / n end as pc from counted
)
select household_id, village_code, net, n as residents, pc as per_capita, line, large, prior_net,
	prior_income,
	case when pc is null or line is null then null else pc < line end as below_line,
	coalesce(pc >= line and pc * 100 < line * (100 + ${marginPct}::int), false) as near_line
from calc`;
}

/**
 * The upsert of standingsSelect's rows (exported for the bench, which times it bare over
 * a whole county).
 */
export function standingsUpsert(
	countyId: string,
	onDate: string,
	marginPct: number,
	reason: string,
	pick: (column: SQL) => SQL
): SQL {
	return sql`
insert into household_standings (county_id, household_id, evaluated_on, village_code, net_fen, residents,
	per_capita_fen, line_fen, below_line, near_line, large_expense_fen, prior_year_net_fen,
	prior_year_income_fen, reason, updated_at)
select ${countyId}::uuid, s.household_id, ${onDate}::date, s.village_code, s.net, s.residents,
	s.per_capita,
	s.line, s.below_line, s.near_line, s.large, s.prior_net, s.prior_income, ${reason}, now()
from (${standingsSelect(countyId, onDate, marginPct, pick)}) s
on conflict (county_id, household_id) do update set
	evaluated_on = excluded.evaluated_on, village_code = excluded.village_code,
	net_fen = excluded.net_fen,
	residents = excluded.residents, per_capita_fen = excluded.per_capita_fen,
	line_fen = excluded.line_fen, below_line = excluded.below_line,
	near_line = excluded.near_line, large_expense_fen = excluded.large_expense_fen,
	prior_year_net_fen = excluded.prior_year_net_fen,
	prior_year_income_fen = excluded.prior_year_income_fen,
	reason = excluded.reason, updated_at = excluded.updated_at`;
}

/**
 * Re-evaluates these households' standings on `onDate` (today in China by default). Call
 * it inside the transaction that changed their ledger or membership, so the standing never
 * lags the ledger.
 */
export async function refreshStandings(
	tx: Db,
	countyId: string,
	householdIds: readonly string[],
	reason: StandingReason,
	onDate: string = todayInChina()
): Promise<void> {
	const ids = [...new Set(householdIds)];
	if (ids.length === 0) return;
	const { nearLineMarginPct } = await getCountySettings(tx, countyId);
	for (let i = 0; i < ids.length; i += CHUNK) {
		const chunk = ids.slice(i, i + CHUNK);
		await tx.execute(
			standingsUpsert(
				countyId,
				onDate,
				nearLineMarginPct,
				reason,
				// One array parameter: thousands of bound values cost more to bind and plan than
				// the refresh of a chunk of new households itself. A semi-join on its elements,
				// not `= any(array)`: with a county's statistics (or none, inside an import) the
				// planner reads every event and member of the county for a chunk's `= any`;
				// joined, each household is index lookups, whatever the county's size.
				(column) => sql`${column} in (select unnest(${`{${chunk.join(',')}}`}::uuid[]))`
			)
		);
	}
}

/**
 * Every household of the county, when the line, the window (the date moved) or a rule
 * changed: chunks of 5,000 households by id range, each committed on its own so other
 * requests get in between; a run cut short is made whole by the next one (nightly at the
 * latest). One audit row for the run.
 */
export async function reevaluateCounty(
	db: Db,
	actor: Actor,
	countyId: string,
	reason: StandingReason,
	onDate: string = todayInChina()
): Promise<{ households: number; ms: number }> {
	const t0 = performance.now();
	const { nearLineMarginPct } = await getCountySettings(db, countyId);
	let after: string | null = null;
	let total = 0;
	for (;;) {
		const lower: string | null = after;
		const boundaries: { id: string }[] = await db
			.select({ id: households.id })
			.from(households)
			.where(and(eq(households.countyId, countyId), lower ? gt(households.id, lower) : undefined))
			.orderBy(asc(households.id))
			.limit(1)
			.offset(CHUNK - 1);
		const upper: string | null = boundaries[0]?.id ?? null;
		const pick = (column: SQL) =>
			sql`${lower ? sql`${column} > ${lower}::uuid` : sql`true`} and ${upper ? sql`${column} <= ${upper}::uuid` : sql`true`}`;
		const written = await longRunning(db, async (tx) => {
			// Compiling each chunk's plan (JIT) costs more than it saves at this size.
			if (!isEmbedded(tx)) await tx.execute(sql`set local jit = off`);
			return tx.execute(standingsUpsert(countyId, onDate, nearLineMarginPct, reason, pick));
		});
		total += affected(written);
		if (!upper) break;
		after = upper;
	}
	const ms = Math.round(performance.now() - t0);
	await recordAudit(db, actor, {
		countyId,
		action: 'standings.reevaluate',
		entity: 'county',
		entityId: countyId,
		after: { reason, onDate, households: total, ms }
	});
	return { households: total, ms };
}

/** Rows an INSERT touched, from either driver's result. */
function affected(result: unknown): number {
	const r = result as { affectedRows?: number; count?: number };
	return Number(r.affectedRows ?? r.count ?? 0);
}

/**
 * The nightly job (the scheduler in warnings/nightly.ts runs it once per business day):
 * the window moves with the date, so every standing is evaluated again.
 */
export const standingsJob = {
	name: 'standings',
	async run(db: Db, countyId: string, businessDate: string): Promise<Record<string, number>> {
		const run = await reevaluateCounty(
			db,
			systemActor('nightly'),
			countyId,
			'nightly',
			businessDate
		);
		return { households: run.households };
	}
};
