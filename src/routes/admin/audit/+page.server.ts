import { listAudit, listAuditActions } from '$lib/server/audit';
import { searchText } from '$lib/input';
import { isUuid } from '$lib/server/db/ids';
import { listUsers } from '$lib/server/auth/users';
import { requireRole } from '$lib/server/http';
import { database } from '$lib/server/startup';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

export const load: PageServerLoad = async (event) => {
	const user = await requireRole(event, 'county_admin');
	const params = event.url.searchParams;
	const filter = {
		actorUserId: isUuid(params.get('actor')) ? (params.get('actor') as string) : undefined,
		action: searchText(params.get('action')) || undefined,
		from: params.get('from') || undefined,
		to: params.get('to') || undefined
	};
	const page = Math.min(100_000, Math.max(1, Math.trunc(Number(params.get('page'))) || 1));
	const { db } = await database();
	const [rows, actions, people] = await Promise.all([
		listAudit(db, user.countyId, {
			...filter,
			limit: PAGE_SIZE + 1,
			offset: (page - 1) * PAGE_SIZE
		}),
		listAuditActions(db, user.countyId),
		listUsers(db, user, { limit: 500 })
	]);
	return {
		filter,
		page,
		hasNext: rows.length > PAGE_SIZE,
		actions,
		people: people
			.filter((p) => p.role !== 'household')
			.map((p) => ({ id: p.id, name: p.displayName })),
		rows: rows.slice(0, PAGE_SIZE).map((r) => ({
			id: r.id,
			at: r.at.toISOString(),
			actor: r.actorLabel,
			action: r.action,
			entity: r.entity,
			entityId: r.entityId,
			before: r.before === null ? null : JSON.stringify(r.before),
			after: r.after === null ? null : JSON.stringify(r.after)
		}))
	};
};
