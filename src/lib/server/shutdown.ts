import type { Database } from './db';
import { SERVER_DEFAULTS } from './defaults';
import { log } from './logger';

// How the built server stops on SIGTERM or SIGINT (Ctrl+C). adapter-node does the first
// half: it stops listening, closes idle connections, lets requests in flight finish for up
// to SHUTDOWN_TIMEOUT seconds, then emits 'sveltekit:shutdown'. Here comes the second half:
// close the database (PGlite writes its files and the data folder's lock is released;
// postgres.js ends its connections) and exit 0. Without it the process lingers: PGlite
// keeps a timer running until it is closed.

/** After the signal, the process exits 1 at this point whatever is still running. */
const HARD_DEADLINE_MS = 9_000;

let installed = false;
let stopping = false;

/**
 * Installs the shutdown of the built server; called once, just before the database opens
 * (`opening` gives the opening database, or undefined while it has not started).
 */
export function stopGracefullyOnSignals(opening: () => Promise<Database> | undefined): void {
	if (installed) return;
	installed = true;
	const onSignal = (signal: NodeJS.Signals) => {
		if (stopping) return;
		stopping = true;
		// adapter-node listens for the signal too, from the moment the server listens.
		if (process.listenerCount(signal) > 1) {
			const seconds = Number(process.env.SHUTDOWN_TIMEOUT || SERVER_DEFAULTS.SHUTDOWN_TIMEOUT);
			log.info(`${signal}: stopping; requests in flight have up to ${seconds} s to finish.`);
			setTimeout(() => {
				log.error(`Levee did not stop within ${HARD_DEADLINE_MS / 1000} s; exiting now.`);
				process.exit(1);
			}, HARD_DEADLINE_MS).unref();
		} else {
			// Still starting (migrations, the demo county): never cut that off half-way.
			log.info(`${signal}: stopping as soon as start-up has finished.`);
			void closeAndExit(opening);
		}
	};
	process.on('SIGTERM', onSignal);
	process.on('SIGINT', onSignal);
	(process as NodeJS.EventEmitter).once('sveltekit:shutdown', () => void closeAndExit(opening));
}

async function closeAndExit(opening: () => Promise<Database> | undefined): Promise<void> {
	const pending = opening();
	// Nothing was opened yet: nothing to close.
	if (!pending) process.exit(0);
	let database: Database;
	try {
		database = await pending;
	} catch {
		return; // It never opened: the start-up error is told and the process exits 1.
	}
	try {
		await database.close();
		log.info('Levee stopped; the database is closed.');
		process.exit(0);
	} catch (error) {
		log.error('Levee could not close the database cleanly', { error: String(error) });
		process.exit(1);
	}
}
