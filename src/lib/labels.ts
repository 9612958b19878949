import { m } from './paraglide/messages.js';
import { translate } from './i18n';
import REGISTRY from './registry-words.json';

// Names for the codes the server sends, in the person's language.

export function roleName(role: string): string {
	switch (role) {
		case 'county_admin':
			return m.role_county_admin();
		case 'township_staff':
			return m.role_township_staff();
		case 'factory_owner':
			return m.role_factory_owner();
		case 'household':
			return m.role_household();
		case 'grid_member':
			return m.grid_role_name();
		default:
			return role;
	}
}

export function signInMethodName(method: string): string {
	switch (method) {
		case 'password':
			return m.method_password();
		case 'pin':
			return m.method_pin();
		case 'card':
			return m.method_card();
		default:
			return method;
	}
}

export function authEventName(kind: string): string {
	switch (kind) {
		case 'sign_in':
			return m.event_sign_in();
		case 'sign_in_attempt':
			return m.security_event_sign_in_attempt();
		case 'sign_in_failed':
			return m.event_sign_in_failed();
		case 'sign_in_throttled':
			return m.event_sign_in_throttled();
		case 'sign_out':
			return m.event_sign_out();
		case 'sign_out_everywhere':
			return m.event_sign_out_everywhere();
		case 'refused':
			return m.event_refused();
		default:
			return kind;
	}
}

/** "users.create" → "新建账号"; an action without a name yet shows its code. */
export function auditActionName(action: string): string {
	const key = `audit_action_${action.replace(/\./g, '_')}`;
	const name = translate(key);
	return name === key ? action : name;
}

export function auditEntityName(entity: string): string {
	const key = `audit_entity_${entity}`;
	const name = translate(key);
	return name === key ? entity : name;
}

export function labourName(capacity: string): string {
	return translateOr(`members_labour_${capacity}`, capacity);
}

export function healthName(health: string): string {
	return translateOr(`members_health_${health}`, health);
}

export function sexName(sex: string): string {
	return sex === 'female' ? m.members_sex_female() : m.members_sex_male();
}

/** Joining and leaving: 出生, 婚入, 迁入, 死亡, 婚出, 迁出, 建档. */
export function membershipEventName(kind: string): string {
	return translateOr(`members_event_${kind}`, kind);
}

export function monitoringStatusName(status: string): string {
	return translateOr(`monitoring_status_${status}`, status);
}

/** An elimination method as the registry stores it, in the person's language. */
export function eliminationMethodName(method: string): string {
	if (method === REGISTRY.eliminationMethods[0]) return m.monitoring_elimination_assisted();
	if (method === REGISTRY.eliminationMethods[1]) return m.monitoring_elimination_natural();
	return method;
}

export function ledgerKindName(kind: string): string {
	return translateOr(`ledger_kind_${kind}`, kind);
}

/** What an income entry was ("公益岗位工资", "低保金"); a program's code shows as itself. */
export function ledgerSubtypeName(subtype: string): string {
	return translateOr(`ledger_subtype_${subtype}`, subtype);
}

export function ledgerSourceName(source: string): string {
	return translateOr(`ledger_source_${source}`, source);
}

/** A county option (category, risk, measure) in the person's language. */
export function optionName(
	options: { code: string; nameZh: string; nameEn: string }[],
	code: string,
	locale: string
): string {
	const option = options.find((o) => o.code === code);
	if (!option) return code;
	return locale === 'en' ? option.nameEn : option.nameZh;
}

function translateOr(key: string, fallback: string): string {
	const name = translate(key);
	return name === key ? fallback : name;
}

// The monitoring loop's words: warning kinds, statuses, steps and decisions.

export function warningKindName(kind: string): string {
	return translateOr(`warnings_kind_${kind}`, kind);
}

export function warningStatusName(status: string): string {
	return translateOr(`warnings_status_${status}`, status);
}

export function warningStepName(step: string): string {
	return translateOr(`warnings_step_${step}`, step);
}

export function warningDecisionName(decision: string): string {
	return translateOr(`warnings_decision_${decision}`, decision);
}
