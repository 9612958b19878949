import {
	closeSync,
	linkSync,
	openSync,
	readFileSync,
	renameSync,
	unlinkSync,
	writeFileSync,
	writeSync,
	type PathLike
} from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { StartupError, describeConnectionError } from './errors';

// PGlite does not lock its folder: two processes on one folder each see only their own
// writes, and whichever closes last overwrites the other. So every Levee process that opens
// an embedded data folder (the server, db:migrate, seed:demo, create-admin) first takes
// this lock: a file holding its PID, created atomically. A lock whose process no longer
// exists (killed, power cut) is taken over.

export const LOCK_FILE = 'levee.lock';

export interface DataFolderLock {
	readonly path: string;
	/** Removes the lock file if it is still ours; safe to call more than once. */
	release(): void;
}

interface Holder {
	pid: number;
	/** Boot id and start time of the process (Linux), so a reused PID is not mistaken for it. */
	identity: string | null;
}

// Locks held by this process (lock file → its content), kept on globalThis so a module
// reloaded by the dev server still knows them. Whatever is still held when the process
// exits (process.exit after a start-up error, an uncaught exception) is released then.
const HELD_KEY = Symbol.for('levee.dataFolderLocks');
const globals = globalThis as Record<symbol, unknown>;
const held = (globals[HELD_KEY] ??= newHeldMap()) as Map<string, string>;

function newHeldMap(): Map<string, string> {
	const map = new Map<string, string>();
	process.once('exit', () => {
		for (const [path, content] of map) release(path, content);
	});
	return map;
}

/** "./data" for a folder under the working directory, the full path otherwise. */
export function displayPath(folder: string): string {
	const rel = relative(process.cwd(), folder);
	if (rel === '') return '.';
	return rel.startsWith('..') || isAbsolute(rel) ? folder : `./${rel}`;
}

export class DataFolderInUseError extends StartupError {
	constructor(
		readonly folder: string,
		readonly pid: number
	) {
		super(
			`The data folder ${displayPath(folder)} is in use by another Levee process (pid ${pid}).`
		);
	}
}

/**
 * Takes the lock on an embedded data folder (which must exist), or throws
 * DataFolderInUseError naming the process that holds it.
 */
export function lockDataFolder(folder: string): DataFolderLock {
	const path = join(folder, LOCK_FILE);
	if (held.has(path)) throw new DataFolderInUseError(folder, process.pid);
	const content = `${process.pid}\n${processIdentity(process.pid) ?? ''}\n`;
	// Written to a private file first, then linked into place: link() fails if the lock
	// exists, and the lock never appears half-written.
	const draft = `${path}.${process.pid}.tmp`;
	try {
		writeFileSync(draft, content, { mode: 0o644 });
		for (let attempt = 0; attempt < 5; attempt++) {
			if (place(draft, path, content)) {
				held.set(path, content);
				return { path, release: () => release(path, content) };
			}
			const holder = readHolder(path);
			if (holder && isAlive(holder)) throw new DataFolderInUseError(folder, holder.pid);
			takeOverStale(path, holder);
		}
		// Another process keeps taking the lock between our attempts: it is in use.
		throw new DataFolderInUseError(folder, readHolder(path)?.pid ?? 0);
	} catch (error) {
		if (error instanceof StartupError) throw error;
		throw new StartupError(
			`The data folder ${displayPath(folder)} cannot be locked: ${describeConnectionError(error)}`
		);
	} finally {
		removeQuietly(draft);
	}
}

/** Puts the lock file in place; false when one is there already. */
function place(draft: string, path: string, content: string): boolean {
	try {
		linkSync(draft, path);
		return true;
	} catch (error) {
		if (code(error) === 'EEXIST') return false;
		if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP'].includes(code(error) ?? '')) throw error;
	}
	// A file system without hard links (some network shares): created exclusively instead.
	let fd: number;
	try {
		fd = openSync(path, 'wx', 0o644);
	} catch (error) {
		if (code(error) === 'EEXIST') return false;
		throw error;
	}
	try {
		writeSync(fd, content);
	} finally {
		closeSync(fd);
	}
	return true;
}

function release(path: string, content: string): void {
	if (held.get(path) !== content) return;
	held.delete(path);
	try {
		// Only our own lock: never one another process took over meanwhile.
		if (readFileSync(path, 'utf8') === content) unlinkSync(path);
	} catch {
		// Already gone.
	}
}

/**
 * Moves a stale lock aside under a private name, then deletes it, or puts it back when it
 * turns out to be a live lock another process took in the meantime.
 */
function takeOverStale(path: string, seen: Holder | null): void {
	const aside = `${path}.${process.pid}.stale`;
	try {
		renameSync(path, aside);
	} catch (error) {
		if (code(error) === 'ENOENT') return;
		throw error;
	}
	const moved = readHolder(aside);
	const sameAsSeen = moved?.pid === seen?.pid && moved?.identity === seen?.identity;
	if (!sameAsSeen && moved && isAlive(moved)) {
		try {
			linkSync(aside, path);
		} catch {
			// Yet another process holds it now; the next attempt finds that one.
		}
	}
	removeQuietly(aside);
}

function readHolder(path: PathLike): Holder | null {
	try {
		const [pidLine, identity] = readFileSync(path, 'utf8').split('\n');
		const pid = Number(pidLine);
		if (!Number.isInteger(pid) || pid <= 0) return null;
		return { pid, identity: identity?.trim() || null };
	} catch {
		return null;
	}
}

/** Whether the process named in a lock file still runs (and is the same process). */
function isAlive(holder: Holder): boolean {
	// Our own PID in a lock we do not hold is a lock left by an earlier life of this PID
	// (a container restarted after a crash often gets the same PID).
	if (holder.pid === process.pid) return false;
	try {
		process.kill(holder.pid, 0);
	} catch (error) {
		// EPERM: it exists but belongs to another user.
		if (code(error) !== 'EPERM') return false;
	}
	if (holder.identity) {
		const now = processIdentity(holder.pid);
		if (now && now !== holder.identity) return false;
	}
	return true;
}

/** "<boot id>/<start time in clock ticks>" on Linux; null where /proc is not there. */
function processIdentity(pid: number): string | null {
	try {
		const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Field 22 (starttime); the command name in field 2 may contain spaces and parentheses.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const started = fields[19];
		return boot && started ? `${boot}/${started}` : null;
	} catch {
		return null;
	}
}

function removeQuietly(path: string): void {
	try {
		unlinkSync(path);
	} catch {
		// Not there.
	}
}

function code(error: unknown): string | undefined {
	return error && typeof error === 'object' && 'code' in error
		? String((error as { code: unknown }).code)
		: undefined;
}
