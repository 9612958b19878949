import { and, desc, eq } from 'drizzle-orm';
import { parseYuan } from '../../input';
import type { Db } from '../db';
import { isUuidV7, newId } from '../db/ids';
import { DomainError, type FieldIssue } from '../errors';
import { textInput, numberIssue } from '../input';
import type { UserActor } from '../auth/actor';
import { raiseWarning } from '../warnings';
import { warnings } from '../warnings/schema';
import { ownHouseholdId } from './own-account';

// 自主申报: a family says "we are in trouble" from its own phone. It becomes a warning on
// its record, which a grid member verifies at home; the family follows it from there.

export const DIFFICULTIES = [
	'illness',
	'accident',
	'disaster',
	'lost_job',
	'big_expense',
	'other'
] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

/** "Roughly how much": up to a million yuan; more is a typing mistake, not a hardship. */
export const MAX_REPORT_FEN = 100_000_000;
export const MAX_REPORT_NOTE = 500;

export interface DifficultyInput {
	/** Made by the phone (UUIDv7): a retried submit records one report. */
	id: unknown;
	what: unknown;
	amount: unknown;
	note: unknown;
}

/** Checks everything first; then one transaction raises the warning (and its audit row). */
export async function reportDifficulty(
	db: Db,
	actor: UserActor,
	input: DifficultyInput,
	today: string
): Promise<{ reportId: string; recorded: boolean }> {
	const householdId = ownHouseholdId(actor);
	const issues: FieldIssue[] = [];
	const id = input.id === undefined || input.id === '' ? newId() : input.id;
	if (!isUuidV7(id)) issues.push({ field: '', key: 'my_report_error_id' });
	const what = typeof input.what === 'string' ? input.what : '';
	if (!(DIFFICULTIES as readonly string[]).includes(what))
		issues.push({ field: 'what', key: 'my_report_error_what' });
	let amountFen: number | null = null;
	const amountText = typeof input.amount === 'string' ? input.amount.trim() : '';
	if (input.amount !== undefined && typeof input.amount !== 'string')
		issues.push({ field: 'amount', key: 'my_report_error_amount' });
	else if (amountText) {
		const parsed = parseYuan(amountText, { max: MAX_REPORT_FEN });
		if (parsed.ok) amountFen = parsed.value;
		else
			issues.push(
				parsed.problem === 'too_large'
					? { field: 'amount', key: 'my_report_error_amount_large' }
					: numberIssue('amount', parsed, 'my_report_error_amount')
			);
	}
	let note = '';
	try {
		note = textInput(input.note ?? '', MAX_REPORT_NOTE, 'note');
	} catch (caught) {
		if (!(caught instanceof DomainError)) throw caught;
		issues.push(...caught.issues);
	}
	if (what === 'other' && !note) issues.push({ field: 'note', key: 'my_report_error_note' });
	if (issues.length > 0) throw new DomainError('invalid', issues);

	return db.transaction(async (tx) => {
		const { warning, raised } = await raiseWarning(tx, actor, {
			countyId: actor.countyId,
			householdId,
			kind: 'self_report',
			source: 'household',
			evidence: { what, amountFen },
			note: note || null,
			raisedOn: today,
			id: id as string
		});
		// The same report sent again is fine; a new one while the last is still open is told
		// that the office already has it (the family calls if something changed).
		if (!raised && warning.id !== id)
			throw DomainError.conflict('', 'my_report_error_already_open');
		return { reportId: warning.id, recorded: raised };
	});
}

export interface OwnReport {
	id: string;
	what: string;
	amountFen: number | null;
	note: string | null;
	raisedOn: string;
	/** 已收到 → 干部已上门 → 已处理. */
	progress: 'received' | 'visited' | 'done';
	verifiedOn: string | null;
	closedOn: string | null;
}

/** The family's own reports and how far each has come, newest first. */
export async function ownReports(db: Db, actor: UserActor, limit = 10): Promise<OwnReport[]> {
	const householdId = ownHouseholdId(actor);
	const rows = await db
		.select()
		.from(warnings)
		.where(
			and(
				eq(warnings.countyId, actor.countyId),
				eq(warnings.householdId, householdId),
				eq(warnings.kind, 'self_report')
			)
		)
		.orderBy(desc(warnings.raisedAt))
		.limit(limit);
	return rows.map((w) => {
		const evidence = w.evidence as { what?: unknown; amountFen?: unknown };
		return {
			id: w.id,
			what: typeof evidence.what === 'string' ? evidence.what : 'other',
			amountFen: typeof evidence.amountFen === 'number' ? evidence.amountFen : null,
			note: w.note,
			raisedOn: w.raisedOn,
			progress: w.status === 'closed' ? 'done' : w.status === 'verified' ? 'visited' : 'received',
			verifiedOn: w.verifiedOn,
			closedOn: w.closedOn
		};
	});
}
