import type { Actor } from '../auth/actor';
import type { Db } from '../db';
import { postLedgerEntries, type Posting } from '../income';
import { Random } from './random';

/** Seed of the year-before history, apart from the demo's other draws. */
const HISTORY_SEED = 20251201;
const INCOME = new Set(['wage', 'operating', 'property', 'transfer']);

/**
 * The demo's year before: each household's typed-in income of the demo year, one year
 * earlier and at 55–100% of its size (households' incomes grew), so that the attribution
 * page can say which program lifted whom above the line. Program money (factory wages,
 * picking, subsidies) is not copied: the programs started in the demo year.
 */
export function demoHistory(postings: readonly Posting[]): Posting[] {
	const random = new Random(HISTORY_SEED);
	const share = new Map<string, number>();
	const history: Posting[] = [];
	for (const posting of postings) {
		if (posting.source !== 'manual' || !INCOME.has(posting.kind)) continue;
		let percent = share.get(posting.householdId);
		if (percent === undefined) share.set(posting.householdId, (percent = random.int(55, 100)));
		const year = Number(posting.businessDate.slice(0, 4)) - 1;
		const day = posting.businessDate.slice(5) === '02-29' ? '02-28' : posting.businessDate.slice(5);
		history.push({
			...posting,
			id: undefined,
			businessDate: `${year}-${day}`,
			amountFen: Math.round((posting.amountFen * percent) / 1000) * 10
		});
	}
	return history.filter((p) => p.amountFen > 0);
}

export async function seedDemoHistory(
	tx: Db,
	actor: Actor,
	postings: readonly Posting[]
): Promise<number> {
	return postLedgerEntries(tx, actor, demoHistory(postings));
}
