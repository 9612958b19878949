import type { LayoutServerLoad } from './$types';

/** What every page's frame needs: who is signed in (name and role only). */
export const load: LayoutServerLoad = ({ locals }) => ({
	viewer: locals.user ? { name: locals.user.label, role: locals.user.role } : null
});
