import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
	DataFolderInUseError,
	displayPath,
	LOCK_FILE,
	lockDataFolder,
	type DataFolderLock
} from '../../src/lib/server/db/lock';

// The lock itself, in this process; tests/integration/built-server.test.ts starts real servers.

const held: DataFolderLock[] = [];
const folders: string[] = [];

afterEach(() => {
	for (const lock of held.splice(0)) lock.release();
	for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
	const path = mkdtempSync(join(tmpdir(), 'levee-lock-'));
	folders.push(path);
	return path;
}

function lock(path: string): DataFolderLock {
	const taken = lockDataFolder(path);
	held.push(taken);
	return taken;
}

function refusal(path: string): DataFolderInUseError {
	try {
		lock(path);
	} catch (error) {
		if (error instanceof DataFolderInUseError) return error;
		throw error;
	}
	throw new Error('the lock was taken');
}

/** A process that runs until the test ends it. */
function sleeper() {
	const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
	return { pid: child.pid!, stop: () => child.kill('SIGKILL') };
}

describe('the data folder lock', () => {
	it('writes the PID, refuses a second holder and is free again once released', () => {
		const path = folder();
		const first = lock(path);
		expect(readFileSync(join(path, LOCK_FILE), 'utf8').split('\n')[0]).toBe(String(process.pid));
		expect(refusal(path).pid).toBe(process.pid);
		first.release();
		expect(existsSync(join(path, LOCK_FILE))).toBe(false);
		lock(path);
		expect(existsSync(join(path, LOCK_FILE))).toBe(true);
	});

	it('refuses a folder another running process holds, naming that process', () => {
		const path = folder();
		const other = sleeper();
		try {
			writeFileSync(join(path, LOCK_FILE), `${other.pid}\n`);
			const error = refusal(path);
			expect(error.pid).toBe(other.pid);
			expect(error.message).toBe(
				`The data folder ${path} is in use by another Levee process (pid ${other.pid}).`
			);
			// The other process's lock is left as it was.
			expect(readFileSync(join(path, LOCK_FILE), 'utf8')).toBe(`${other.pid}\n`);
		} finally {
			other.stop();
		}
	});

	it('takes over a lock whose process has ended', async () => {
		const path = folder();
		const other = sleeper();
		writeFileSync(join(path, LOCK_FILE), `${other.pid}\n`);
		other.stop();
		await new Promise((resolve) => setTimeout(resolve, 200));
		lock(path);
		expect(readFileSync(join(path, LOCK_FILE), 'utf8').split('\n')[0]).toBe(String(process.pid));
	});

	it.runIf(existsSync('/proc/self/stat'))(
		'takes over a lock whose PID now belongs to another process',
		() => {
			const path = folder();
			const other = sleeper();
			try {
				// Same PID, but the process recorded in the lock started at another time.
				writeFileSync(join(path, LOCK_FILE), `${other.pid}\nboot/1\n`);
				lock(path);
				expect(readFileSync(join(path, LOCK_FILE), 'utf8').split('\n')[0]).toBe(
					String(process.pid)
				);
			} finally {
				other.stop();
			}
		}
	);

	it('takes over an empty or unreadable lock file', () => {
		const path = folder();
		writeFileSync(join(path, LOCK_FILE), '');
		lock(path);
		expect(readFileSync(join(path, LOCK_FILE), 'utf8').split('\n')[0]).toBe(String(process.pid));
	});

	it('never removes a lock another process has taken over since', () => {
		const path = folder();
		const mine = lock(path);
		writeFileSync(join(path, LOCK_FILE), '999999\n');
		mine.release();
		expect(readFileSync(join(path, LOCK_FILE), 'utf8')).toBe('999999\n');
	});

	it('names a folder under the working directory the short way', () => {
		expect(displayPath(join(process.cwd(), 'data'))).toBe('./data');
		expect(displayPath('/srv/levee/data')).toBe('/srv/levee/data');
	});
});
