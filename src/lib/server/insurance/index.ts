// The county's insurance programs: schemes and their funds, enrolment, claims with
// 看四算一, and payouts posted to the household's income ledger.
export * from './schemes';
export * from './funds';
export * from './enrolment';
export * from './claims';
export {
	CLAIM_STATUSES,
	COVERAGES,
	EVENT_TYPES,
	LOOKS,
	LOOK_CHOICES,
	OBJECT_KINDS,
	SCHEME_KINDS,
	type ClaimStatus,
	type Coverage,
	type EventType,
	type Investigation,
	type Look,
	type LookChoice,
	type ObjectKind,
	type SchemeKind
} from './schema';
