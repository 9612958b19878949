import type { SubmitFunction } from '@sveltejs/kit';
import { translate } from '$lib/i18n';

// Names for the micro-factory codes the server sends, in the person's language.

function translateOr(key: string, fallback: string): string {
	const name = translate(key);
	return name === key ? fallback : name;
}

export function factoryStatusName(status: string): string {
	return translateOr(`factories_status_${status}`, status);
}

export function payBasisName(basis: string): string {
	return translateOr(`jobs_pay_${basis}`, basis);
}

export function endReasonName(reason: string | null): string {
	return reason ? translateOr(`jobs_reason_${reason}`, reason) : '';
}

/** 320050 fen → "3200.50", 320000 → "3200": what a person would type, never a float. */
export function fenToYuanText(fen: number): string {
	const negative = fen < 0;
	const abs = Math.abs(fen);
	const whole = Math.trunc(abs / 100);
	const cents = abs % 100;
	const text = cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, '0')}`;
	return negative ? `-${text}` : text;
}

/** The month before or after a "YYYY-MM" month. */
export function shiftMonth(month: string, count: number): string {
	const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + count;
	return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * For the factory forms: keep what was typed, say when the form is being sent, and take
 * the person to the first field that needs fixing.
 */
export function keepAndFocus(pending: (busy: boolean) => void): SubmitFunction {
	return () => {
		pending(true);
		return async ({ update }) => {
			await update({ reset: false });
			pending(false);
			document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
		};
	};
}
