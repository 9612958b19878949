import { todayInChina } from '$lib/format';
import { requireRole } from '$lib/server/http';
import { listTownships } from '$lib/server/divisions';
import { reportKindsFor } from '$lib/server/reports';
import { readReportParams } from '$lib/server/reports/forms';
import { canSeeTownship } from '$lib/server/auth/scope';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

/** The reports a county admin or township staff may print or download, with the period form. */
export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin', 'township_staff');
	const { db } = await database();
	const townships = (await listTownships(db, user.countyCode)).filter((t) =>
		canSeeTownship(user, t.code)
	);
	const params = readReportParams(event.url.searchParams, todayInChina());
	return {
		kinds: reportKindsFor(user),
		townships: townships.map((t) => ({ code: t.code, name: t.name })),
		county: user.role === 'county_admin',
		from: params.from,
		to: params.to,
		township: params.townshipCodes?.[0] ?? ''
	};
};
