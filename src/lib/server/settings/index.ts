import { and, eq } from 'drizzle-orm';
import type { Db } from '../db';
import { countySettings, monitoringLines } from './schema';

export interface CountySettings {
	ledgerCeilingFen: number;
	monthlyWageCeilingFen: number;
	weighInCeilingGrams: number;
}

const DEFAULTS: CountySettings = {
	ledgerCeilingFen: 100_000_000,
	monthlyWageCeilingFen: 2_000_000,
	weighInCeilingGrams: 100_000
};

export async function getCountySettings(db: Db, countyId: string): Promise<CountySettings> {
	const [row] = await db.select().from(countySettings).where(eq(countySettings.countyId, countyId));
	return row
		? {
				ledgerCeilingFen: row.ledgerCeilingFen,
				monthlyWageCeilingFen: row.monthlyWageCeilingFen,
				weighInCeilingGrams: row.weighInCeilingGrams
			}
		: DEFAULTS;
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
