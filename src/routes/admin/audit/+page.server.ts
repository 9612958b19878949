import { auditPage } from '$lib/server/audit';
import { searchText } from '$lib/input';
import { isUuid } from '$lib/server/db/ids';
import { listUsers } from '$lib/server/auth/users';
import { requireRole } from '$lib/server/http';
import { database } from '$lib/server/startup';
import { getLocale } from '$lib/paraglide/runtime';
import {
	AUDIT_ACTIONS,
	auditActionWords,
	auditAreaWords,
	auditHeadline,
	describeAudit
} from '$lib/audit-words';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin');
	const params = event.url.searchParams;
	const household = params.get('household');
	const filter = {
		actorUserId: isUuid(params.get('actor')) ? (params.get('actor') as string) : undefined,
		action: searchText(params.get('action')) || undefined,
		from: params.get('from') || undefined,
		to: params.get('to') || undefined,
		...(isUuid(household) ? { entity: 'household', entityId: household as string } : {})
	};
	const page = Math.min(100_000, Math.max(1, Math.trunc(Number(params.get('page'))) || 1));
	const { db } = await database();
	const [found, people] = await Promise.all([
		auditPage(db, user.countyId, filter, page),
		listUsers(db, user, { limit: 500 })
	]);
	const locale = getLocale();
	const rows = found.rows.map((row) => {
		const words = describeAudit(row, found.names, locale);
		return { id: row.id, at: row.at, actor: row.actor, headline: auditHeadline(words), ...words };
	});
	return {
		filter: {
			actor: filter.actorUserId,
			action: filter.action,
			from: filter.from,
			to: filter.to,
			household: filter.entityId
		},
		householdName: filter.entityId
			? (rows.find((r) => r.householdId === filter.entityId)?.subject ?? null)
			: null,
		actionGroups: actionGroups(locale),
		page,
		hasNext: found.hasNext,
		people: people
			.filter((p) => p.role !== 'household')
			.map((p) => ({ id: p.id, name: p.displayName })),
		rows
	};
};

/** The filter's choices: every action Levee records, by area (a fixed list, not a scan of the log). */
function actionGroups(locale: ReturnType<typeof getLocale>) {
	const groups = new Map<string, { value: string; label: string }[]>();
	for (const action of AUDIT_ACTIONS) {
		const area = action.split('.')[0];
		if (area === 'demo') continue;
		const list = groups.get(area) ?? [];
		list.push({ value: action, label: auditActionWords(action, locale) });
		groups.set(area, list);
	}
	return [...groups].map(([area, actions]) => ({
		area: `${area}.`,
		label: auditAreaWords(area, locale),
		actions
	}));
}
