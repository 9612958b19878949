import { sql } from 'drizzle-orm';
import { inTransaction, type Db } from './index';
import { isEmbedded } from './maintenance';

/**
 * PostgreSQL ends an interactive request's statement after a few seconds
 * (`statement_timeout`, set on the server's connections), so one broad query cannot hold
 * the database for everyone. Imports, exports and reports are long by nature: they run
 * here, in a transaction with their own, longer limit (`SET LOCAL` ends with it).
 */
export const INTERACTIVE_STATEMENT_TIMEOUT_MS = 5_000;
export const LONG_STATEMENT_TIMEOUT = '15min';

export function longRunning<T>(db: Db, work: (db: Db) => Promise<T>): Promise<T> {
	// PGlite has no statement_timeout (tested: it is accepted and ignored): nothing to lift.
	if (isEmbedded(db)) return work(db);
	return inTransaction(db, async (tx) => {
		await tx.execute(sql.raw(`set local statement_timeout = '${LONG_STATEMENT_TIMEOUT}'`));
		return work(tx);
	});
}
