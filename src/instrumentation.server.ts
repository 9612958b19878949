// Loaded before the rest of the built server (kit.experimental.instrumentation.server), so
// these defaults hold however the server is started: `npm start`, `node build`, a service.
// adapter-node reads both when it loads; a value set in the environment wins.
import { SERVER_DEFAULTS } from '$lib/server/defaults';

for (const [name, value] of Object.entries(SERVER_DEFAULTS)) {
	process.env[name] ||= value;
}
