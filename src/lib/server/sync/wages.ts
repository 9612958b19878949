import { DomainError } from '../errors';
import { getWageSheet, saveWageSheet } from '../factories/wages';
import { parseYuanToFen } from '../income';
import type { SyncHandler } from '.';

interface WageLineIn {
	jobId: unknown;
	amount: unknown;
	/** The version of this wage the phone showed (null: none saved yet). */
	seenVersion?: unknown;
}

function lines(payload: Record<string, unknown>): WageLineIn[] {
	const raw = payload.lines;
	if (!Array.isArray(raw) || raw.length > 500)
		throw DomainError.invalid('lines', 'sync_error_body');
	return raw.map((line: unknown) => {
		if (!line || typeof line !== 'object' || Array.isArray(line))
			throw DomainError.invalid('lines', 'sync_error_body');
		return line as WageLineIn;
	});
}

/**
 * A month's wage sheet typed on the shop floor. The factories domain saves it (checks,
 * one transaction, ledger postings, reversal of a changed wage). Sending it again changes
 * nothing (already had it). A wage someone else changed since the phone last saw it is a
 * conflict: the sheet is not saved, and both versions are shown to choose from.
 */
export const wageHandler: SyncHandler = {
	async apply(db, actor, entry, today) {
		const factoryId = typeof entry.payload.factoryId === 'string' ? entry.payload.factoryId : '';
		const input = { month: entry.payload.month, lines: lines(entry.payload) };
		const sheet = await getWageSheet(db, actor, factoryId, input.month, today);
		let pending = 0;
		for (const line of input.lines) {
			const saved = sheet.lines.find((l) => l.jobId === line.jobId);
			const fen = typeof line.amount === 'string' ? parseYuanToFen(line.amount) : null;
			if (!saved || fen === null) continue;
			if (saved.amountFen === fen) continue;
			const seen = line.seenVersion ?? null;
			if (saved.version !== null && saved.version !== seen)
				throw DomainError.conflict(`amount:${saved.jobId}`, 'sync_error_wage_changed', {
					name: saved.name
				});
			pending++;
		}
		// The sheet the server holds answers a replay, and the domain refuses what is wrong.
		const sameMonth = sheet.month === input.month;
		if (pending === 0 && sameMonth && input.lines.length > 0)
			return { replayed: true, record: sheet };
		await saveWageSheet(db, actor, factoryId, input, today);
		return {
			replayed: false,
			record: await getWageSheet(db, actor, factoryId, input.month, today)
		};
	},
	current: (db, actor, entry, today) =>
		getWageSheet(
			db,
			actor,
			typeof entry.payload.factoryId === 'string' ? entry.payload.factoryId : '',
			entry.payload.month,
			today
		)
};
