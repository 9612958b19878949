import { translate } from './i18n';

// Names of the proposal codes the server sends, in the person's language.

export function proposalKindName(kind: string): string {
	return named(`proposals_kind_${kind}`, kind);
}

export function proposalStatusName(status: string): string {
	return named(`proposals_status_${status}`, status);
}

export function proposalStepName(step: string): string {
	return named(`proposals_step_${step}`, step);
}

function named(key: string, fallback: string): string {
	const name = translate(key);
	return name === key ? fallback : name;
}
