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
