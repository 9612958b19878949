/** A problem with one field of the input, named by a message key from messages/*.json. */
export interface FieldIssue {
	field: string;
	key: string;
	params?: Record<string, string | number>;
}

export type DomainErrorCode = 'invalid' | 'not_found' | 'conflict';

/**
 * The one error domain functions throw on purpose. Routes turn it into `fail(...)` with
 * field messages in the person's language (see $lib/server/http.ts).
 */
export class DomainError extends Error {
	override name = 'DomainError';
	constructor(
		readonly code: DomainErrorCode,
		readonly issues: FieldIssue[]
	) {
		super(`${code}: ${issues.map((i) => `${i.field}=${i.key}`).join(', ')}`);
	}

	static invalid(field: string, key: string, params?: FieldIssue['params']): DomainError {
		return new DomainError('invalid', [{ field, key, params }]);
	}

	static notFound(): DomainError {
		return new DomainError('not_found', [{ field: '', key: 'error_not_found' }]);
	}

	static conflict(field: string, key: string, params?: FieldIssue['params']): DomainError {
		return new DomainError('conflict', [{ field, key, params }]);
	}
}
