import { and, eq } from 'drizzle-orm';
import type { Db } from '../db';
import { countySettings, monitoringLines } from './schema';

export interface CountySettings {
	ledgerCeilingFen: number;
	monthlyWageCeilingFen: number;
	weighInCeilingGrams: number;
	nearLineMarginPct: number;
	incomeDropPct: number;
	jobGapDays: number;
	largeExpenseSharePct: number;
	verificationDueWorkingDays: number;
	publicNoticeDays: number;
	eliminationStableMonths: number;
}

export const SETTINGS_DEFAULTS: CountySettings = {
	ledgerCeilingFen: 100_000_000,
	monthlyWageCeilingFen: 2_000_000,
	weighInCeilingGrams: 100_000,
	nearLineMarginPct: 10,
	incomeDropPct: 30,
	jobGapDays: 30,
	largeExpenseSharePct: 50,
	verificationDueWorkingDays: 2,
	publicNoticeDays: 5,
	eliminationStableMonths: 6
};

export async function getCountySettings(db: Db, countyId: string): Promise<CountySettings> {
	const [row] = await db.select().from(countySettings).where(eq(countySettings.countyId, countyId));
	if (!row) return { ...SETTINGS_DEFAULTS };
	const settings = { ...SETTINGS_DEFAULTS };
	for (const key of Object.keys(SETTINGS_DEFAULTS) as (keyof CountySettings)[])
		settings[key] = row[key];
	return settings;
}

/** The county's monitoring line for a year, or null when it has not been set. */
export async function monitoringLineFor(
	db: Db,
	countyId: string,
	year: number
): Promise<number | null> {
	const [row] = await db
		.select({ line: monitoringLines.lineFenPerPerson })
		.from(monitoringLines)
		.where(and(eq(monitoringLines.countyId, countyId), eq(monitoringLines.year, year)));
	return row?.line ?? null;
}

export async function setMonitoringLine(
	db: Db,
	countyId: string,
	year: number,
	lineFen: number
): Promise<void> {
	await db
		.insert(monitoringLines)
		.values({ countyId, year, lineFenPerPerson: lineFen })
		.onConflictDoUpdate({
			target: [monitoringLines.countyId, monitoringLines.year],
			set: { lineFenPerPerson: lineFen, updatedAt: new Date() }
		});
}
