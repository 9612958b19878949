// Payout rules of the county's insurance schemes: pure arithmetic over integer fen, shared
// by the server (deciding a claim) and the pages (showing what the rule gives).

/**
 * Nothing up to the deductible, then each band of the loss (for 防贫保: the household's own
 * cost after medical insurance) paid back at its rate, at most `maximumFen`. Rates in
 * permille (600 = 60%). Bands start at or above the deductible, strictly rising.
 */
export interface PayoutRule {
	deductibleFen: number;
	maximumFen: number;
	bands: { fromFen: number; ratePermille: number }[];
}

export type RuleProblem = 'deductible' | 'maximum' | 'bands' | 'band_order' | 'rate';

/** What is wrong with a rule, or null: every amount whole fen, bands rising, rates 1–1000‰. */
export function ruleProblem(rule: PayoutRule): RuleProblem | null {
	const fen = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
	if (!fen(rule.deductibleFen)) return 'deductible';
	if (!fen(rule.maximumFen) || rule.maximumFen <= 0) return 'maximum';
	if (rule.bands.length === 0 || rule.bands.length > 8) return 'bands';
	let previous = -1;
	for (const band of rule.bands) {
		if (!fen(band.fromFen) || band.fromFen < rule.deductibleFen || band.fromFen <= previous)
			return 'band_order';
		if (!Number.isInteger(band.ratePermille) || band.ratePermille < 1 || band.ratePermille > 1000)
			return 'rate';
		previous = band.fromFen;
	}
	return null;
}

/** One band's part of a payout: what falls in it, and what is paid back of that. */
export interface BandPart {
	fromFen: number;
	toFen: number | null;
	ratePermille: number;
	inBandFen: number;
	paidFen: number;
}

export interface Payout {
	parts: BandPart[];
	/** Before the maximum and the insured value. */
	beforeCapFen: number;
	/** What the rule pays. */
	amountFen: number;
	cappedBy: 'maximum' | 'insured_value' | null;
}

/**
 * The payout for a loss under a rule, capped by the scheme's maximum and, for an insured
 * object, by its insured value. Each band rounds down to the fen (never pays a part-fen).
 */
export function computePayout(
	rule: PayoutRule,
	lossFen: number,
	insuredValueFen: number | null = null
): Payout {
	if (!Number.isSafeInteger(lossFen) || lossFen < 0) throw new Error('loss is whole fen');
	const parts: BandPart[] = rule.bands.map((band, i) => {
		const toFen = rule.bands[i + 1]?.fromFen ?? null;
		const top = toFen === null ? lossFen : Math.min(lossFen, toFen);
		const inBandFen = Math.max(0, top - band.fromFen);
		// Integer arithmetic: fen × permille stays far below 2^53 for any real loss.
		const paidFen = Math.floor((inBandFen * band.ratePermille) / 1000);
		return { fromFen: band.fromFen, toFen, ratePermille: band.ratePermille, inBandFen, paidFen };
	});
	const beforeCapFen = parts.reduce((sum, p) => sum + p.paidFen, 0);
	let amountFen = beforeCapFen;
	let cappedBy: Payout['cappedBy'] = null;
	if (amountFen > rule.maximumFen) {
		amountFen = rule.maximumFen;
		cappedBy = 'maximum';
	}
	if (insuredValueFen !== null && amountFen > insuredValueFen) {
		amountFen = insuredValueFen;
		cappedBy = 'insured_value';
	}
	return { parts, beforeCapFen, amountFen, cappedBy };
}

/** The balance of a fund from its entries: money in minus money out. */
export function fundBalance(entries: { kind: string; amountFen: number }[]): number {
	return entries.reduce((sum, e) => sum + (FUND_SIGN[e.kind] ?? 0) * e.amountFen, 0);
}

const FUND_SIGN: Record<string, 1 | -1> = {
	premium: 1,
	top_up: 1,
	carry_in: 1,
	payout: -1,
	carry_out: -1
};
