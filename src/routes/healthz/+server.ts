import { json } from '@sveltejs/kit';
import { database } from '$lib/server/startup';
import type { RequestHandler } from './$types';

/** For load balancers and people: which database driver is in use and whether it answers. */
export const GET: RequestHandler = async () => {
	const db = await database();
	const answers = await db.ping();
	return json(
		{ status: answers ? 'ok' : 'degraded', database: { driver: db.driver, answers } },
		{ status: answers ? 200 : 503, headers: { 'cache-control': 'no-store' } }
	);
};
