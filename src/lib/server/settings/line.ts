import { and, asc, eq } from 'drizzle-orm';
import { normaliseNumberText, parseYuan } from '../../input';
import { recordAudit } from '../audit';
import type { UserActor } from '../auth/actor';
import { inTransaction, type Db } from '../db';
import { DomainError, type FieldIssue } from '../errors';
import { numberIssue, textInput } from '../input';
import {
	lastChanges,
	reevaluateAfterChange,
	requireCountyAdmin,
	type LastChange,
	type Reevaluation
} from './admin';
import { FIRST_LINE_YEAR, LINE_MAX_FEN, LINE_MIN_FEN } from './ranges';
import { monitoringLines } from './schema';

/** The audit log's name for a year's line: entity 'monitoring_line', id the year. */
const LINE_ENTITY = 'monitoring_line';

const yuan = (fen: number) => (fen / 100).toLocaleString('en');

export interface LineYear {
	year: number;
	lineFen: number;
	lastChange: LastChange | null;
}

/** Every year's line of the county, newest first, with who changed it last. */
export async function listMonitoringLines(db: Db, actor: UserActor): Promise<LineYear[]> {
	requireCountyAdmin(actor);
	const [rows, changes] = await Promise.all([
		db
			.select()
			.from(monitoringLines)
			.where(eq(monitoringLines.countyId, actor.countyId))
			.orderBy(asc(monitoringLines.year)),
		lastChanges(db, actor.countyId, LINE_ENTITY)
	]);
	return rows
		.map((row) => ({
			year: row.year,
			lineFen: row.lineFenPerPerson,
			lastChange: changes.get(String(row.year)) ?? null
		}))
		.reverse();
}

/** The years a line may be set for: 2015 to next year. */
export function lineYears(today: string): { first: number; last: number } {
	return { first: FIRST_LINE_YEAR, last: Number(today.slice(0, 4)) + 1 };
}

export interface LineChangeResult {
	year: number;
	lineFen: number;
	/** The line before, or null when the year had none. */
	beforeFen: number | null;
	/** False when the same line was saved again: nothing written, nothing re-evaluated. */
	changed: boolean;
	reevaluation: Reevaluation | null;
}

/**
 * Sets a year's monitoring line (yuan per person per year, typed as "7,500"), audited, and
 * then re-evaluates the county's standings against it. The line and its audit row land
 * together; the re-evaluation runs after they commit, in its own batches.
 */
export async function saveMonitoringLine(
	db: Db,
	actor: UserActor,
	input: { year: unknown; line: unknown },
	today: string
): Promise<LineChangeResult> {
	requireCountyAdmin(actor);
	const issues: FieldIssue[] = [];
	const { first, last } = lineYears(today);
	const yearText = normaliseNumberText(textInput(input.year, 10, 'year'));
	const year = /^\d{4}$/.test(yearText) ? Number(yearText) : NaN;
	if (!(year >= first && year <= last))
		issues.push({ field: 'year', key: 'settings_error_year', params: { first, last } });
	const lineText = textInput(input.line, 30, 'line');
	let lineFen = 0;
	if (!lineText) issues.push({ field: 'line', key: 'settings_error_line_required' });
	else {
		const parsed = parseYuan(lineText);
		const range = { min: yuan(LINE_MIN_FEN), max: yuan(LINE_MAX_FEN) };
		if (parsed.ok) {
			lineFen = parsed.value;
			if (lineFen < LINE_MIN_FEN || lineFen > LINE_MAX_FEN)
				issues.push({ field: 'line', key: 'settings_error_line_range', params: range });
		} else if (parsed.problem === 'zero' || parsed.problem === 'negative')
			issues.push({ field: 'line', key: 'settings_error_line_positive' });
		else if (parsed.problem === 'too_large')
			issues.push({ field: 'line', key: 'settings_error_line_range', params: range });
		else issues.push(numberIssue('line', parsed, 'settings_error_line_format'));
	}
	if (issues.length) throw new DomainError('invalid', issues);

	const beforeFen = await inTransaction(db, async (tx) => {
		const key = and(eq(monitoringLines.countyId, actor.countyId), eq(monitoringLines.year, year));
		const [before] = await tx.select().from(monitoringLines).where(key).for('update');
		if (before?.lineFenPerPerson === lineFen) return lineFen;
		await tx
			.insert(monitoringLines)
			.values({ countyId: actor.countyId, year, lineFenPerPerson: lineFen })
			.onConflictDoUpdate({
				target: [monitoringLines.countyId, monitoringLines.year],
				set: { lineFenPerPerson: lineFen, updatedAt: new Date() }
			});
		await recordAudit(tx, actor, {
			countyId: actor.countyId,
			action: 'settings.line',
			entity: LINE_ENTITY,
			entityId: String(year),
			before: before ? { year, lineFen: before.lineFenPerPerson } : null,
			after: { year, lineFen }
		});
		return before?.lineFenPerPerson ?? null;
	});
	const changed = beforeFen !== lineFen;
	return {
		year,
		lineFen,
		beforeFen,
		changed,
		reevaluation: changed ? await reevaluateAfterChange(db, actor, 'line_change') : null
	};
}
