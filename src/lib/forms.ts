/** The field messages and echoed values of a failed form action, or empty ones. */
export interface FormAnswer {
	errors: Record<string, string>;
	values: Record<string, string>;
}

function record(value: unknown): Record<string, string> {
	return value && typeof value === 'object' ? (value as Record<string, string>) : {};
}

export function formAnswer(form: unknown): FormAnswer {
	const f = record(form) as unknown as Record<string, unknown>;
	return { errors: record(f.errors), values: record(f.values) };
}
