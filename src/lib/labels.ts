import { m } from './paraglide/messages.js';
import { translate } from './i18n';

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
