import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

// The built server (build/), started as a child process the way a deployment starts it.
// Tests that need it call ensureBuilt() in beforeAll: `npm test` runs the integration
// tests before `test:e2e` builds, so a fresh checkout has no build yet.

const ROOT = process.cwd();
const BUILD_ENTRY = join(ROOT, 'build', 'index.js');
/** What the build is made from (the compiled messages in src/lib/paraglide are rewritten by every check). */
const SOURCES = ['src', 'messages', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];

/** Builds once when build/ is missing or older than a source file; about 30 s. */
export function ensureBuilt(): void {
	if (existsSync(BUILD_ENTRY) && newestSource() <= statSync(BUILD_ENTRY).mtimeMs) return;
	const result = spawnSync('npx', ['vite', 'build'], {
		cwd: ROOT,
		encoding: 'utf8',
		timeout: 280_000,
		env: { ...process.env, NODE_ENV: 'production' }
	});
	if (result.status !== 0) {
		throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
	}
}

function newestSource(): number {
	let newest = 0;
	const visit = (path: string) => {
		const stat = statSync(path, { throwIfNoEntry: false });
		if (!stat) return;
		if (stat.isDirectory()) {
			if (path.endsWith(join('src', 'lib', 'paraglide'))) return;
			for (const name of readdirSync(path)) visit(join(path, name));
		} else {
			newest = Math.max(newest, stat.mtimeMs);
		}
	};
	for (const source of SOURCES) visit(join(ROOT, source));
	return newest;
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

export interface RunningServer {
	child: ChildProcess;
	port: number;
	origin: string;
	/** Everything the process printed so far (stdout and stderr). */
	output(): string;
	stderr(): string;
	/** Resolves with the exit code (or the signal's name) once the process has ended. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
	dataDir: string;
	port?: number;
	/** The command after `node`: the build itself by default, as a deployment runs it. */
	entry?: string[];
	env?: Record<string, string>;
}

/** Starts the built server; does not wait for it (see waitUntilServing). */
export async function startServer(options: StartOptions): Promise<RunningServer> {
	const port = options.port ?? (await freePort());
	const origin = `http://localhost:${port}`;
	// Levee's own defaults for these, not whatever the shell running the tests has set.
	const inherited = { ...process.env };
	delete inherited.BODY_SIZE_LIMIT;
	delete inherited.SHUTDOWN_TIMEOUT;
	const child = spawn(process.execPath, options.entry ?? ['build'], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {
			...inherited,
			NODE_ENV: 'production',
			PORT: String(port),
			ORIGIN: origin,
			LEVEE_DATA_DIR: options.dataDir,
			DATABASE_URL: '',
			LEVEE_DEMO: '0',
			LEVEE_LOG_LEVEL: 'info',
			...options.env
		}
	});
	let out = '';
	let err = '';
	child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => {
		out += chunk.toString();
		err += chunk.toString();
	});
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal }))
	);
	return { child, port, origin, output: () => out, stderr: () => err, exited };
}

/** Waits until /healthz answers 200; fails early when the process exits instead. */
export async function waitUntilServing(server: RunningServer, timeoutMs = 90_000): Promise<void> {
	let ended = false;
	void server.exited.then(() => (ended = true));
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (ended) throw new Error(`The server exited before serving:\n${server.output()}`);
		try {
			const response = await fetch(`${server.origin}/healthz`);
			if (response.ok) return;
		} catch {
			// Not listening yet.
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`The server did not serve within ${timeoutMs} ms:\n${server.output()}`);
}

/** Resolves with the exit, or with 'timeout' when the process is still running after `ms`. */
export async function exitWithin(
	server: RunningServer,
	ms: number
): Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'timeout'> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<'timeout'>((resolve) => {
		timer = setTimeout(() => resolve('timeout'), ms);
	});
	try {
		return await Promise.race([server.exited, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** Ends a server a test left running (after a failed assertion), without waiting long. */
export async function kill(server: RunningServer | undefined): Promise<void> {
	if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
	server.child.kill('SIGKILL');
	await server.exited;
}
