import type { SubmitFunction } from '@sveltejs/kit';
import { formAnswer, type FormAnswer } from '$lib/forms';

// A page with many forms: each action's answer names its form ("addMember",
// "editMember:<id>", …) so messages show beside the form that was sent.

const NONE: FormAnswer = { errors: {}, values: {} };

/** The field messages and echoed values of one form, if the last answer was for it. */
export function answerTo(form: unknown, key: string): FormAnswer {
	const answer = formAnswer(form);
	return answer.values.form === key ? answer : NONE;
}

export function failedTo(form: unknown, key: string): boolean {
	return Object.keys(answerTo(form, key).errors).length > 0;
}

/** True when the last answer was a successful save of this form. */
export function savedTo(form: unknown, key: string): boolean {
	return !!form && typeof form === 'object' && 'saved' in form && form.saved === key;
}

/** For forms that show the record being edited: keep what is on screen after saving. */
export const keepValues: SubmitFunction = () => {
	return async ({ update }) => update({ reset: false });
};
