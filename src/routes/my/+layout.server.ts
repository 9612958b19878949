import { requireRole } from '$lib/server/http';
import type { LayoutServerLoad } from './$types';

// The family's own pages: a household only; everyone else is told they do not exist.
export const load: LayoutServerLoad = async (event) => {
	await requireRole(event, 'household');
	return {};
};
