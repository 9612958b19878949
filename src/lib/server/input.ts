import { z } from 'zod';
import { checkText, numberMessage } from '../input';
import { DomainError, type FieldIssue } from './errors';

// Domain-side glue for the shared input rules in src/lib/input.ts: a problem becomes a
// field message (a DomainError), never a database error and a 500.

/** Fields that may hold several lines (newlines and tabs). */
const MULTILINE_FIELDS = new Set(['note', 'notes', 'description']);

/**
 * Trimmed one-line text of at most `max` characters (notes and descriptions may hold
 * several lines). NUL, other control characters or too many characters throw a
 * DomainError for `field`.
 */
export function textInput(
	value: unknown,
	max: number,
	field = '',
	multiline = MULTILINE_FIELDS.has(field)
): string {
	const checked = checkText(value, { max, multiline });
	if (checked.ok) return checked.value;
	if (checked.problem === 'control') throw DomainError.invalid(field, 'input_error_control');
	throw DomainError.invalid(field, 'input_error_too_long', { max });
}

/**
 * The field message for a number that could not be read: the shared one for an ambiguous
 * comma ("请用小数点：12.5"), otherwise the domain's own key.
 */
export function numberIssue(
	field: string,
	result: { ok: false; problem: string; hint?: string },
	key: string
): FieldIssue {
	return { field, ...numberMessage(result, key) };
}

/**
 * The same text rule as a zod schema, for domains that validate with zod: a string,
 * trimmed, without control characters, at most `max` characters.
 */
export function textSchema(max: number, multiline = false) {
	return z.string().transform((value, ctx) => {
		const checked = checkText(value, { max, multiline });
		if (checked.ok) return checked.value;
		ctx.addIssue({ code: 'custom', message: checked.problem });
		return z.NEVER;
	});
}
