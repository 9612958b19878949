import type { Db } from '../db';
import type { Actor } from '../auth/actor';

/**
 * Called by the income domain inside the transaction of every posting or reversal, after
 * the household's standing has been refreshed: the rules that watch the ledger run here.
 */
export async function onLedgerChanged(
	tx: Db,
	actor: Actor,
	countyId: string,
	householdIds: string[],
	businessDate: string
): Promise<void> {
	// The monitoring rules are wired in by the rules work (issue 11, item 3).
	void tx;
	void actor;
	void countyId;
	void householdIds;
	void businessDate;
}
