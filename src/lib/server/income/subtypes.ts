import type { LedgerKind } from './schema';

/**
 * What staff may type in by hand, and the kind of the net-income formula each one is.
 * Program money (wages from factories, subsidies, picking, insurance) is posted by the
 * programs themselves and is not on this list.
 */
export const MANUAL_SUBTYPES = {
	public_welfare_job: 'wage',
	temporary_job: 'wage',
	migrant_work: 'wage',
	livestock_sale: 'operating',
	crop_sale: 'operating',
	other_operating: 'operating',
	pv_dividend: 'property',
	land_rent: 'property',
	dibao: 'transfer',
	pension: 'transfer',
	disability_allowance: 'transfer',
	other_transfer: 'transfer',
	production_cost: 'production_cost',
	medical: 'large_expense',
	schooling: 'large_expense',
	disaster_loss: 'large_expense'
} as const satisfies Record<string, LedgerKind>;

export type ManualSubtype = keyof typeof MANUAL_SUBTYPES;
