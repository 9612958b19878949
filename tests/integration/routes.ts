// Every load, form action and endpoint under src/routes, found from the route files
// themselves: the access matrix and the hostile-input test share this list.

export type Handler = (event: unknown) => unknown;
export interface RouteModule {
	load?: Handler;
	actions?: Record<string, Handler>;
	GET?: Handler;
	POST?: Handler;
	PUT?: Handler;
	PATCH?: Handler;
	DELETE?: Handler;
}

const modules = import.meta.glob<RouteModule>(
	[
		'/src/routes/**/+page.server.ts',
		'/src/routes/**/+layout.server.ts',
		'/src/routes/**/+server.ts'
	],
	{ eager: true }
);

export interface Entry {
	key: string;
	routeId: string;
	/** The route file, as /src/routes/…/+page.server.ts. */
	file: string;
	kind: 'load' | 'action' | 'endpoint';
	method: 'GET' | 'POST';
	handler: Handler;
}

export function discover(): Entry[] {
	const entries: Entry[] = [];
	for (const [file, mod] of Object.entries(modules)) {
		const routeId = file.replace('/src/routes', '').replace(/\/\+[a-z.]+\.ts$/, '') || '/';
		const layout = file.endsWith('+layout.server.ts') ? 'layout:' : '';
		if (mod.load)
			entries.push({
				key: `${routeId} ${layout}load`,
				routeId,
				file,
				kind: 'load',
				method: 'GET',
				handler: mod.load
			});
		for (const [name, action] of Object.entries(mod.actions ?? {})) {
			entries.push({
				key: `${routeId} action:${name}`,
				routeId,
				file,
				kind: 'action',
				method: 'POST',
				handler: action
			});
		}
		for (const verb of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
			const handler = mod[verb];
			if (handler)
				entries.push({
					key: `${routeId} ${verb}`,
					routeId,
					file,
					kind: 'endpoint',
					method: verb === 'GET' ? 'GET' : 'POST',
					handler
				});
		}
	}
	return entries.sort((a, b) => a.key.localeCompare(b.key));
}

/** Who calls a handler: a signed-in person (as actorFor gives them) or nobody. */
export interface EventActor {
	user: unknown;
	sessionId: string;
}

/**
 * The RequestEvent SvelteKit would hand a load, action or endpoint: the person in locals
 * as the session hook puts them there, no cookies, and a fixed client address.
 */
export function requestEvent(
	entry: Entry,
	url: URL,
	params: Record<string, string>,
	request: Request,
	actor: EventActor | null,
	clientAddress: string
) {
	return {
		url,
		params,
		route: { id: entry.routeId },
		request,
		locals: {
			locale: 'zh-CN',
			user: actor?.user ?? null,
			session: actor ? { id: actor.sessionId, expiresAt: new Date(), method: 'password' } : null
		},
		cookies: {
			get: () => undefined,
			getAll: () => [],
			set: () => {},
			delete: () => {},
			serialize: () => ''
		},
		getClientAddress: () => clientAddress,
		setHeaders: () => {},
		depends: () => {},
		untrack: <T>(fn: () => T) => fn(),
		parent: async () => ({}),
		fetch,
		isDataRequest: false,
		isSubRequest: false
	};
}
