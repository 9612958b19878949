import { and, count, eq } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db';
import { inTransaction } from '../db';
import { newId } from '../db/ids';
import { analyzeAfterBulkWrite } from '../db/maintenance';
import { systemActor } from '../auth/actor';
import { recordAudit } from '../audit';
import { auditLog } from '../audit/schema';
import {
	authEvents,
	householdCards,
	sessions,
	userTownships,
	userVillages,
	users
} from '../auth/schema';
import { homeVisits } from '../warnings/schema';
import { findCountyByCode, loadCountyDivisions } from '../divisions';
import { counties, divisions } from '../divisions/schema';
import { factories, factoryJobs, factoryOwners, factoryWages } from '../factories/schema';
import { households, members, membershipEvents } from '../households/schema';
import { postLedgerEntries, type Posting } from '../income';
import {
	householdIncomeMonths,
	householdProgramYears,
	householdStandings,
	ledgerEntries,
	villageCounts,
	villageIncomeMonths
} from '../income/schema';
import { reevaluateCounty } from '../income/standings';
import { writeMonitoringRecord } from '../monitoring';
import {
	assistanceMeasures,
	countyOptions,
	monitoringHistory,
	monitoringProposals,
	monitoringRecords,
	monitoringRisks,
	proposalSteps,
	qualityFindings,
	qualityRules
} from '../monitoring/schema';
import {
	pickingEntries,
	pickingPayments,
	plantingSeasons,
	plantingSubsidies,
	plotMeasurements,
	plots,
	weighingStations
} from '../planting/schema';
import { setMonitoringLine } from '../settings';
import { countySettings, monitoringLines } from '../settings/schema';
import {
	DEMO_COUNTY_CODE,
	DEMO_REFERENCE_YEAR,
	DEMO_SEED,
	generateDemoHouseholds
} from './generate';
import { DEMO_MONITORING_LINE_FEN, DEMO_MONITORING_SEED, generateDemoLife } from './monitoring';
import { seedDemoFactories } from './factories';
import { seedDemoPlanting } from './planting';
import { dueBusinessDate, rulesJob, runNightlyJob } from '../warnings/nightly';
import { scheduledRuns } from '../warnings/nightly-schema';
import { warningSteps, warnings } from '../warnings/schema';
import { seedDemoInsurance } from './insurance';
import {
	insuranceClaimSteps,
	insuranceClaims,
	insuranceFundEntries,
	insurancePolicies,
	insuranceSchemes
} from '../insurance/schema';
import { seedDemoProposals } from './proposals';
import { todayInChina } from '../../format';
import { seedDemoHistory } from './history';

export { DEMO_COUNTY_CODE } from './generate';

const BATCH_SIZE = 500;

export interface DemoSeedResult {
	countyId: string;
	households: number;
	members: number;
	/** Households with a monitoring record (monitored or risk eliminated); 0 when left alone. */
	monitored: number;
	/** Ledger entries posted; 0 when the county was left alone. */
	postings: number;
}

/**
 * Makes Wei County a tenant with its townships and villages and fills it with about 300
 * generated households, their monitoring records, assistance measures and helping cadres,
 * and a year of income ledger. A county that already has households is left as it is.
 */
export async function seedDemoCounty(db: Db): Promise<DemoSeedResult> {
	const actor = systemActor('demo');
	const county =
		(await findCountyByCode(db, DEMO_COUNTY_CODE)) ??
		(await loadCountyDivisions(db, actor, DEMO_COUNTY_CODE)).county;
	const villages = await db
		.select({ code: divisions.code, name: divisions.name, parentCode: divisions.parentCode })
		.from(divisions)
		.where(and(eq(divisions.countyCode, DEMO_COUNTY_CODE), eq(divisions.level, 'village')));
	const generated = generateDemoHouseholds(
		villages.map((v) => ({
			code: v.code,
			name: v.name,
			townshipCode: v.parentCode ?? v.code.slice(0, 9)
		})),
		{ seed: DEMO_SEED, referenceYear: DEMO_REFERENCE_YEAR }
	);
	const townships = await db
		.select({ code: divisions.code, name: divisions.name })
		.from(divisions)
		.where(and(eq(divisions.countyCode, DEMO_COUNTY_CODE), eq(divisions.level, 'township')));
	const lives = generateDemoLife(generated, {
		seed: DEMO_MONITORING_SEED,
		referenceYear: DEMO_REFERENCE_YEAR,
		townshipNames: new Map(townships.map((t) => [t.code, t.name]))
	});

	const seeded = await inTransaction(db, async (tx) => {
		const [existing] = await tx
			.select({ households: count() })
			.from(households)
			.where(eq(households.countyId, county.id));
		if (existing.households > 0) {
			const [people] = await tx
				.select({ members: count() })
				.from(members)
				.where(eq(members.countyId, county.id));
			return {
				countyId: county.id,
				households: existing.households,
				members: people.members,
				monitored: 0,
				postings: 0
			};
		}

		const householdRows: (typeof households.$inferInsert)[] = [];
		const memberRows: (typeof members.$inferInsert)[] = [];
		const measureRows: (typeof assistanceMeasures.$inferInsert)[] = [];
		const postings: Posting[] = [];
		const records: { householdId: string; life: (typeof lives)[number] }[] = [];
		for (const [index, household] of generated.entries()) {
			const life = lives[index];
			const householdId = newId();
			householdRows.push({
				countyId: county.id,
				id: householdId,
				householdNumber: household.householdNumber,
				villageCode: household.villageCode,
				address: household.address,
				phone: household.phone
			});
			const memberIds = household.members.map(() => newId());
			household.members.forEach((member, i) => {
				memberRows.push({
					countyId: county.id,
					id: memberIds[i],
					householdId,
					...member,
					...life.members[i]
				});
			});
			if (life.monitoring) records.push({ householdId, life });
			for (const measure of life.measures) {
				measureRows.push({ countyId: county.id, id: newId(), householdId, ...measure });
			}
			for (const posting of life.postings) {
				postings.push({
					countyId: county.id,
					householdId,
					memberId: posting.memberIndex === null ? null : memberIds[posting.memberIndex],
					businessDate: posting.businessDate,
					amountFen: posting.amountFen,
					kind: posting.kind,
					subtype: posting.subtype,
					source: 'manual',
					note: posting.note
				});
			}
		}
		for (let i = 0; i < householdRows.length; i += BATCH_SIZE) {
			await tx.insert(households).values(householdRows.slice(i, i + BATCH_SIZE));
		}
		for (let i = 0; i < memberRows.length; i += BATCH_SIZE) {
			await tx.insert(members).values(memberRows.slice(i, i + BATCH_SIZE));
		}

		for (const { householdId, life } of records) {
			const record = life.monitoring!;
			await writeMonitoringRecord(tx, actor, county.id, householdId, {
				...record,
				risks: [...record.risks],
				cadre: life.cadre ?? undefined
			});
		}
		for (let i = 0; i < measureRows.length; i += BATCH_SIZE) {
			await tx.insert(assistanceMeasures).values(measureRows.slice(i, i + BATCH_SIZE));
		}
		const posted = await postLedgerEntries(tx, actor, postings);
		await seedDemoHistory(tx, actor, postings);
		for (const year of [DEMO_REFERENCE_YEAR - 1, DEMO_REFERENCE_YEAR]) {
			await setMonitoringLine(tx, county.id, year, DEMO_MONITORING_LINE_FEN);
		}
		// The county's rule thresholds and ceilings start at the defaults; the admin edits them.
		await tx.insert(countySettings).values({ countyId: county.id }).onConflictDoNothing();

		await seedDemoFactories(tx, county.id);
		await seedDemoPlanting(tx, county.id);
		// After the ledger and the plots: its payouts are real claims, posted once.
		await seedDemoInsurance(tx, county.id);
		await seedDemoProposals(tx, county.id, todayInChina());
		await recordAudit(tx, actor, {
			countyId: county.id,
			action: 'demo.seed',
			entity: 'county',
			entityId: DEMO_COUNTY_CODE,
			after: {
				seed: DEMO_SEED,
				referenceYear: DEMO_REFERENCE_YEAR,
				villages: new Set(householdRows.map((h) => h.villageCode)).size,
				households: householdRows.length,
				members: memberRows.length,
				monitored: records.length,
				measures: measureRows.length,
				postings: posted
			}
		});
		return {
			countyId: county.id,
			households: householdRows.length,
			members: memberRows.length,
			monitored: records.length,
			postings: posted
		};
	});
	await analyzeAfterBulkWrite(db, 'demo', 'all');
	// The lines were set after the postings: every standing is evaluated once more, and the
	// households without postings get theirs.
	if (seeded.postings > 0) await reevaluateCounty(db, systemActor('demo'), seeded.countyId, 'demo');
	// Tonight's rules over the whole demo county (recorded, so the scheduler does not repeat
	// them): the time rules too, so the demo shows warnings of several kinds.
	if (seeded.postings > 0)
		await runNightlyJob(db, rulesJob, county.id, dueBusinessDate(new Date()));
	return seeded;
}

/**
 * Every table, children before the tables their foreign keys point to, so deleting in
 * this order never breaks a constraint. A new table goes above every table it references.
 */
const TABLES_CHILDREN_FIRST: readonly PgTable[] = [
	insuranceClaimSteps,
	insuranceFundEntries,
	insuranceClaims,
	insurancePolicies,
	insuranceSchemes,
	scheduledRuns,
	warningSteps,
	warnings,
	pickingEntries,
	pickingPayments,
	plantingSubsidies,
	plotMeasurements,
	plots,
	weighingStations,
	plantingSeasons,
	factoryWages,
	factoryJobs,
	factoryOwners,
	factories,
	authEvents,
	sessions,
	householdCards,
	userTownships,
	userVillages,
	homeVisits,
	users,
	villageIncomeMonths,
	householdProgramYears,
	householdIncomeMonths,
	ledgerEntries,
	householdStandings,
	proposalSteps,
	monitoringProposals,
	qualityFindings,
	assistanceMeasures,
	monitoringHistory,
	monitoringRisks,
	monitoringRecords,
	membershipEvents,
	members,
	households,
	// After the households and their standings: deleting them empties the counts first.
	villageCounts,
	auditLog,
	countyOptions,
	qualityRules,
	countySettings,
	monitoringLines,
	divisions,
	counties
];

/** Empties the database (every county, not only the demo's) so the demo can be rebuilt. */
export async function resetDemoData(db: Db): Promise<void> {
	await inTransaction(db, async (tx) => {
		for (const table of TABLES_CHILDREN_FIRST) await tx.delete(table);
	});
}
