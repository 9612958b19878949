// Serves the built app (build/) with defaults that suit `npm start` on one machine:
// port 3000 and an http://localhost origin, so forms pass SvelteKit's origin check.
// Behind a proxy or on another host, set ORIGIN (and PORT) yourself.
import { existsSync } from 'node:fs';

process.env.PORT ||= '3000';
process.env.ORIGIN ||= `http://localhost:${process.env.PORT}`;
process.env.NODE_ENV ||= 'production';
// BODY_SIZE_LIMIT and SHUTDOWN_TIMEOUT have Levee's defaults in the build itself
// (src/instrumentation.server.ts), so `node build` behaves the same.

if (!existsSync(new URL('../build/index.js', import.meta.url))) {
	console.error(
		'Levee is not built yet: run `npm run build` (or `npm start`, which builds first).'
	);
	process.exit(1);
}
await import('../build/index.js');
