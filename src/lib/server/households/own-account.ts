import { aliasedTable, and, count, desc, eq, isNull, notExists, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { isUuid } from '../db/ids';
import { DomainError } from '../errors';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { villageGridMembers, type VillageContact } from '../auth/village-contacts';
import { householdLedger, incomeBetween, incomeStanding, type KindTotals } from '../income';
import { ledgerEntries } from '../income/schema';
import { getMonitoring } from '../monitoring';
import { householdJobs, wageLedgerDetails } from '../factories';
import { householdPlanting, plantingLedgerDetails } from '../planting';
import { householdInsurance, type HouseholdInsurance } from '../insurance';
import { getHousehold } from './index';
import { members } from './schema';

// The household's own phone: its money in the four groups a farmer uses, its latest
// entries as sentences, its jobs, plots and helpers. Only ever the signed-in household.

/** 打工挣的, 种地养殖, 分红和租金, 补贴和保险: the ledger kinds in a farmer's words. */
export const MONEY_GROUPS = ['work', 'farm', 'property', 'support'] as const;
export type MoneyGroup = (typeof MONEY_GROUPS)[number];
export type EntryGroup = MoneyGroup | 'cost' | 'expense';

const GROUP_OF_KIND: Record<keyof KindTotals, EntryGroup> = {
	wage: 'work',
	operating: 'farm',
	property: 'property',
	transfer: 'support',
	production_cost: 'cost',
	large_expense: 'expense'
};

export interface YearMoney {
	year: number;
	groups: Record<MoneyGroup, number>;
	/** Production costs (种地养殖的本钱), subtracted from the net. */
	costsFen: number;
	netFen: number;
	perPersonFen: number | null;
	/** Large expenses (medical bills, …): shown, never subtracted. */
	largeExpenseFen: number;
}

export interface OwnStanding {
	year: number;
	residents: number;
	/** The 12 months before today, per resident member. */
	perCapitaFen: number | null;
	lineFen: number | null;
	belowLine: boolean | null;
	/** How far from the line per person (always ≥ 0); null when it cannot be said. */
	differenceFen: number | null;
}

export interface OwnMoney {
	standing: OwnStanding;
	thisYear: YearMoney;
	lastYear: YearMoney;
	/** The last 12 months, oldest first, net income of each ("YYYY-MM"). */
	monthly: { month: string; netFen: number }[];
}

function yearMoney(year: number, totals: KindTotals, netFen: number, residents: number): YearMoney {
	return {
		year,
		groups: {
			work: totals.wage,
			farm: totals.operating,
			property: totals.property,
			support: totals.transfer
		},
		costsFen: totals.production_cost,
		netFen,
		perPersonFen: residents > 0 ? Math.trunc(netFen / residents) : null,
		largeExpenseFen: totals.large_expense
	};
}

/**
 * The household's money as its phone shows it. The one place the household pages read
 * the income account: when the county's income-account function lands, only this changes.
 */
export async function ownMoney(
	db: Db,
	countyId: string,
	householdId: string,
	today: string
): Promise<OwnMoney> {
	const year = Number(today.slice(0, 4));
	const [standing, thisYear, lastYear, ledger] = await Promise.all([
		incomeStanding(db, countyId, householdId, today),
		incomeBetween(db, countyId, householdId, `${year}-01-01`, today),
		incomeBetween(db, countyId, householdId, `${year - 1}-01-01`, `${year - 1}-12-31`),
		householdLedger(db, countyId, householdId, today)
	]);
	const { residents } = standing;
	return {
		standing: {
			year: standing.year,
			residents,
			perCapitaFen: standing.perCapitaFen,
			lineFen: standing.lineFen,
			belowLine: standing.belowLine,
			differenceFen:
				standing.perCapitaFen === null || standing.lineFen === null
					? null
					: Math.abs(standing.perCapitaFen - standing.lineFen)
		},
		thisYear: yearMoney(year, thisYear.totals, thisYear.netFen, residents),
		lastYear: yearMoney(year - 1, lastYear.totals, lastYear.netFen, residents),
		monthly: ledger.monthly
	};
}

/** What an entry was about, for the sentence a person would say. */
export type EntryDetail =
	| { type: 'picking'; stationName: string; pickedOn: string; weightGrams: number }
	| { type: 'wage'; factoryName: string; month: string }
	| { type: 'subsidy'; year: number; areaHundredthsMu: number }
	| { type: 'insurance' }
	| { type: 'other' };

export interface OwnEntry {
	id: string;
	businessDate: string;
	amountFen: number;
	kind: keyof KindTotals;
	group: EntryGroup;
	subtype: string;
	source: string;
	memberName: string | null;
	note: string | null;
	detail: EntryDetail;
}

/** The household the signed-in person may see, or "not found" for everyone else. */
export function ownHouseholdId(actor: UserActor): string {
	if (actor.role !== 'household' || !actor.householdId) throw DomainError.notFound();
	return actor.householdId;
}

export const ENTRIES_PER_PAGE = 10;

const reversal = aliasedTable(ledgerEntries, 'reversal');

/** Entries a person sees: a mistake and its reversal cancel out and are left out. */
function visibleEntries(db: Db, countyId: string, householdId: string) {
	return and(
		eq(ledgerEntries.countyId, countyId),
		eq(ledgerEntries.householdId, householdId),
		isNull(ledgerEntries.reversesEntryId),
		notExists(
			db
				.select({ one: sql`1` })
				.from(reversal)
				.where(
					and(
						eq(reversal.countyId, ledgerEntries.countyId),
						eq(reversal.reversesEntryId, ledgerEntries.id)
					)
				)
		)
	);
}

type LedgerRow = typeof ledgerEntries.$inferSelect & { memberName: string | null };

async function describe(db: Db, countyId: string, rows: LedgerRow[]): Promise<OwnEntry[]> {
	const ids = (source: string) =>
		rows.filter((r) => r.source === source && r.sourceId).map((r) => r.sourceId!);
	const [planting, wages] = await Promise.all([
		plantingLedgerDetails(db, countyId, ids('picking'), ids('planting_subsidy')),
		wageLedgerDetails(db, countyId, ids('factory_wage'))
	]);
	return rows.map((row) => {
		const picking = row.source === 'picking' ? planting.picking.get(row.sourceId ?? '') : null;
		const subsidy =
			row.source === 'planting_subsidy' ? planting.subsidies.get(row.sourceId ?? '') : null;
		const wage = row.source === 'factory_wage' ? wages.get(row.sourceId ?? '') : null;
		const detail: EntryDetail = picking
			? { type: 'picking', ...picking }
			: subsidy
				? { type: 'subsidy', ...subsidy }
				: wage
					? { type: 'wage', factoryName: wage.factoryName, month: wage.month }
					: row.source === 'insurance'
						? { type: 'insurance' }
						: { type: 'other' };
		return {
			id: row.id,
			businessDate: row.businessDate,
			amountFen: row.amountFen,
			kind: row.kind,
			group: GROUP_OF_KIND[row.kind],
			subtype: row.subtype,
			source: row.source,
			memberName: row.memberName,
			note: row.note,
			detail
		};
	});
}

function entryQuery(db: Db, countyId: string) {
	return db
		.select({
			entry: ledgerEntries,
			memberName: members.name
		})
		.from(ledgerEntries)
		.leftJoin(
			members,
			and(eq(members.countyId, ledgerEntries.countyId), eq(members.id, ledgerEntries.memberId))
		)
		.$dynamic()
		.where(eq(ledgerEntries.countyId, countyId));
}

/** One page of the household's entries, newest first. */
export async function ownEntries(
	db: Db,
	actor: UserActor,
	page: number,
	perPage = ENTRIES_PER_PAGE
): Promise<{ entries: OwnEntry[]; page: number; pages: number; total: number }> {
	const householdId = ownHouseholdId(actor);
	const where = visibleEntries(db, actor.countyId, householdId);
	const [{ total }] = await db.select({ total: count() }).from(ledgerEntries).where(where);
	const pages = Math.max(1, Math.ceil(total / perPage));
	const current = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
	const rows = await entryQuery(db, actor.countyId)
		.where(where)
		.orderBy(desc(ledgerEntries.businessDate), desc(ledgerEntries.createdAt))
		.limit(perPage)
		.offset((current - 1) * perPage);
	const entries = await describe(
		db,
		actor.countyId,
		rows.map((r) => ({ ...r.entry, memberName: r.memberName }))
	);
	return { entries, page: current, pages, total };
}

/** One of the household's own entries; anyone else's (or a cancelled one) is not found. */
export async function ownEntry(db: Db, actor: UserActor, entryId: string): Promise<OwnEntry> {
	const householdId = ownHouseholdId(actor);
	if (!isUuid(entryId)) throw DomainError.notFound();
	const [row] = await entryQuery(db, actor.countyId).where(
		and(visibleEntries(db, actor.countyId, householdId), eq(ledgerEntries.id, entryId))
	);
	if (!row) throw DomainError.notFound();
	const [entry] = await describe(db, actor.countyId, [
		{ ...row.entry, memberName: row.memberName }
	]);
	return entry;
}

export interface OwnHelpers {
	/** Set when the family is watched over (监测中): said respectfully, with whom to call. */
	watchedOver: boolean;
	cadre: { name: string; unit: string | null; phone: string | null } | null;
	gridMembers: VillageContact[];
	villageName: string;
	townshipName: string;
}

export interface OwnHome {
	household: {
		id: string;
		headName: string | null;
		villageName: string;
		townshipName: string;
	};
	money: OwnMoney;
	latest: OwnEntry[];
	helpers: OwnHelpers;
}

/** Everything the household's home shows: money, the latest entries and who helps. */
export async function ownHome(db: Db, actor: UserActor, today: string): Promise<OwnHome> {
	const householdId = ownHouseholdId(actor);
	const household = await getHousehold(db, actor, householdId);
	const [money, latest, monitoring, gridMembers] = await Promise.all([
		ownMoney(db, actor.countyId, householdId, today),
		ownEntries(db, actor, 1, 5),
		getMonitoring(db, actor.countyId, householdId),
		villageGridMembers(db, actor.countyId, household.villageCode)
	]);
	return {
		household: {
			id: household.id,
			headName: household.headName,
			villageName: household.villageName,
			townshipName: household.townshipName
		},
		money,
		latest: latest.entries,
		helpers: {
			watchedOver: monitoring.status === 'monitored',
			cadre: monitoring.cadre.name
				? {
						name: monitoring.cadre.name,
						unit: monitoring.cadre.unit,
						phone: monitoring.cadre.phone
					}
				: null,
			gridMembers,
			villageName: household.villageName,
			townshipName: household.townshipName
		}
	};
}

export interface OwnFamily {
	members: { id: string; name: string; relation: string; maskedIdNumber: string }[];
	jobs: {
		factoryName: string;
		workerName: string;
		jobTitle: string;
		startedOn: string;
		lastWage: { month: string; amountFen: number } | null;
	}[];
	plots: { villageName: string; areaHundredthsMu: number; plantedOn: string }[];
	/** This year's picking, month by month, newest first. */
	picking: { month: string; grams: number; amountFen: number; paidFen: number }[];
	/** The family's policies and claims, from the insurance domain. */
	insurance: Pick<HouseholdInsurance, 'policies' | 'claims'>;
}

/** The family's jobs, plots, picking and insurance: what is current, kept short. */
export async function ownFamily(db: Db, actor: UserActor, today: string): Promise<OwnFamily> {
	const householdId = ownHouseholdId(actor);
	const household = await getHousehold(db, actor, householdId);
	const year = today.slice(0, 4);
	const [jobs, planting, insurance] = await Promise.all([
		householdJobs(db, actor, actor.countyId, householdId),
		householdPlanting(db, actor.countyId, householdId),
		householdInsurance(db, actor, householdId)
	]);
	return {
		members: household.members
			.filter((p) => p.current)
			.map((p) => ({
				id: p.id,
				name: p.name,
				relation: p.relation,
				maskedIdNumber: p.maskedIdNumber
			})),
		jobs: jobs
			.filter((j) => j.endedOn === null)
			.map((j) => ({
				factoryName: j.factoryName,
				workerName: j.workerName,
				jobTitle: j.jobTitle,
				startedOn: j.startedOn,
				lastWage: j.wages[0] ?? null
			})),
		plots: planting.plots
			.filter((p) => p.retiredOn === null)
			.map((p) => ({
				villageName: p.villageName,
				areaHundredthsMu: p.areaHundredthsMu,
				plantedOn: p.plantedOn
			})),
		picking: planting.pickingByMonth
			.filter((p) => p.month.startsWith(year))
			.map((p) => ({
				month: p.month,
				grams: p.grams,
				amountFen: p.amountFen,
				paidFen: p.paidFen
			})),
		insurance: { policies: insurance.policies, claims: insurance.claims.slice(0, 5) }
	};
}

/** A family member's full identity number, for the family itself; the look is audited. */
export async function revealOwnIdNumber(
	db: Db,
	actor: UserActor,
	memberId: string
): Promise<string> {
	const householdId = ownHouseholdId(actor);
	if (!isUuid(memberId)) throw DomainError.notFound();
	const [member] = await db
		.select({ idNumber: members.idNumber })
		.from(members)
		.where(
			and(
				eq(members.countyId, actor.countyId),
				eq(members.id, memberId),
				eq(members.householdId, householdId),
				eq(members.current, true)
			)
		);
	if (!member) throw DomainError.notFound();
	await recordAudit(db, actor, {
		countyId: actor.countyId,
		action: 'members.reveal_id',
		entity: 'household',
		entityId: householdId,
		after: { member: memberId }
	});
	return member.idNumber;
}
