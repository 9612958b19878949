import { m } from '$lib/paraglide/messages';

// The words for the insurance domain's codes, in the person's language.

const KINDS: Record<string, () => string> = {
	industry: m.insurance_kind_industry,
	migrant_worker: m.insurance_kind_migrant_worker,
	anti_poverty: m.insurance_kind_anti_poverty
};
const EVENTS: Record<string, () => string> = {
	natural_disaster: m.insurance_event_natural_disaster,
	fire: m.insurance_event_fire,
	accident: m.insurance_event_accident,
	work_injury: m.insurance_event_work_injury,
	illness: m.insurance_event_illness,
	livestock_death: m.insurance_event_livestock_death
};
const STATUSES: Record<string, () => string> = {
	reported: m.insurance_status_reported,
	investigated: m.insurance_status_investigated,
	approved: m.insurance_status_approved,
	rejected: m.insurance_status_rejected,
	paid: m.insurance_status_paid
};
const OBJECTS: Record<string, () => string> = {
	plot: m.insurance_object_plot,
	flock: m.insurance_object_flock,
	workshop: m.insurance_object_workshop,
	project: m.insurance_object_project,
	worker: m.insurance_object_worker,
	household: m.insurance_object_household
};
const LOOKS: Record<string, () => string> = {
	housing: m.insurance_look_housing,
	largeItems: m.insurance_look_large_items,
	furniture: m.insurance_look_furniture,
	children: m.insurance_look_children
};
const CHOICES: Record<string, () => string> = {
	poor: m.insurance_choice_poor,
	ordinary: m.insurance_choice_ordinary,
	good: m.insurance_choice_good
};
const FUND: Record<string, () => string> = {
	premium: m.insurance_fund_premium,
	payout: m.insurance_fund_payout,
	top_up: m.insurance_fund_top_up,
	carry_in: m.insurance_fund_carry_in,
	carry_out: m.insurance_fund_carry_out
};
const COVERAGES: Record<string, () => string> = {
	named: m.insurance_coverage_named,
	monitored_households: m.insurance_coverage_monitored
};

const word = (table: Record<string, () => string>, code: string) => table[code]?.() ?? code;

export const schemeKindName = (code: string) => word(KINDS, code);
export const eventName = (code: string) => word(EVENTS, code);
export const claimStatusName = (code: string) => word(STATUSES, code);
export const objectKindName = (code: string) => word(OBJECTS, code);
export const lookName = (code: string) => word(LOOKS, code);
export const lookChoiceName = (code: string) => word(CHOICES, code);
export const fundKindName = (code: string) => word(FUND, code);
export const coverageName = (code: string) => word(COVERAGES, code);

export const EVENT_CODES = Object.keys(EVENTS);
export const KIND_CODES = Object.keys(KINDS);
export const LOOK_CODES = Object.keys(LOOKS);
export const CHOICE_CODES = Object.keys(CHOICES);
