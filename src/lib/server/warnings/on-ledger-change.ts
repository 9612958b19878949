import type { Db } from '../db';
import { onBeforeCommit } from '../db';
import type { Actor } from '../auth/actor';
import { evaluateRules } from './evaluate';
import { LEDGER_RULES } from './rules';

interface Pending {
	actor: Actor;
	businessDate: string;
	households: Map<string, Set<string>>;
}

const pendingByTransaction = new WeakMap<object, Pending>();

/**
 * Called by the income domain inside the transaction of every posting or reversal, after
 * the household's standing has been refreshed: the rules that watch the ledger run here.
 * They run once, at the end of the transaction, over every household it posted to: a
 * correction reverses and re-posts, and the rules must see the corrected ledger, not the
 * moment between. A transaction not opened by inTransaction runs them at once.
 */
export async function onLedgerChanged(
	tx: Db,
	actor: Actor,
	countyId: string,
	householdIds: string[],
	businessDate: string
): Promise<void> {
	if (householdIds.length === 0) return;
	let pending = pendingByTransaction.get(tx);
	if (!pending) {
		const fresh: Pending = { actor, businessDate, households: new Map() };
		const deferred = onBeforeCommit(tx, async () => {
			pendingByTransaction.delete(tx);
			for (const [county, ids] of fresh.households)
				await evaluateRules(tx, county, [...ids], fresh.businessDate, {
					kinds: LEDGER_RULES,
					trigger: 'posting',
					triggeredBy: fresh.actor
				});
		});
		if (!deferred) {
			await evaluateRules(tx, countyId, householdIds, businessDate, {
				kinds: LEDGER_RULES,
				trigger: 'posting',
				triggeredBy: actor
			});
			return;
		}
		pendingByTransaction.set(tx, (pending = fresh));
	}
	if (businessDate > pending.businessDate) pending.businessDate = businessDate;
	let ids = pending.households.get(countyId);
	if (!ids) pending.households.set(countyId, (ids = new Set()));
	for (const id of householdIds) ids.add(id);
}
