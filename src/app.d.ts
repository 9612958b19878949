// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
			/** Quoted to the county admin when a 500 keeps happening; matches the server log. */
			errorId?: string;
		}
		interface Locals {
			locale: 'zh-CN' | 'en';
			user: import('$lib/server/auth/actor').UserActor | null;
			session: import('$lib/server/auth/sessions').SessionInfo | null;
		}
	}
}

export {};
