import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The micro-factory messages: both languages, the same keys, and every key the
// micro-factory code names.

const root = join(import.meta.dirname, '../..');
const load = (path: string): Record<string, string> =>
	JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, string>;
const keys = (m: Record<string, string>) =>
	Object.keys(m)
		.filter((k) => k !== '$schema')
		.sort();

function files(dir: string, match: (name: string) => boolean): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return files(path, match);
		return match(name) ? [path] : [];
	});
}

const zh = load('messages/factories/zh-CN.json');
const en = load('messages/factories/en.json');
// A key may live in any message folder the project loads (e.g. messages/audit-words).
const folders = (
	JSON.parse(readFileSync(join(root, 'project.inlang/settings.json'), 'utf8')) as {
		'plugin.inlang.messageFormat': { pathPattern: string[] };
	}
)['plugin.inlang.messageFormat'].pathPattern.map((p) => p.replace('{locale}', 'zh-CN'));
const everyKey = new Set(folders.flatMap((path) => keys(load(path))));
const sources = [
	...files(join(root, 'src/lib/server/factories'), (n) => n.endsWith('.ts')),
	...files(join(root, 'src/routes/factories'), (n) => /\.(ts|svelte)$/.test(n)),
	...files(join(root, 'src/lib/components'), (n) => /^(Factory|HouseholdJobs|factory-)/.test(n))
];

describe('micro-factory message files', () => {
	it('have the same keys in Chinese and English, all with the program’s prefixes, none empty', () => {
		expect(keys(en)).toEqual(keys(zh));
		for (const key of keys(zh)) {
			expect(key).toMatch(/^(factories|jobs|wages)_[a-z0-9_]+$/);
			expect(zh[key].trim(), key).not.toBe('');
			expect(en[key].trim(), key).not.toBe('');
		}
	});

	it('use the same parameters in both languages', () => {
		const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
		for (const key of keys(zh)) expect(params(en[key]), key).toEqual(params(zh[key]));
	});

	it('have every key the micro-factory code uses', () => {
		expect(sources.length).toBeGreaterThan(10);
		const missing = new Set<string>();
		for (const file of sources) {
			const text = readFileSync(file, 'utf8');
			for (const match of text.matchAll(/\bm\.([a-z][a-z0-9_]*)\(/g))
				if (!everyKey.has(match[1])) missing.add(`${match[1]} (${file.replace(root, '')})`);
			for (const match of text.matchAll(/['`]((?:factories|jobs|wages)_error_[a-z0-9_]+)['`]/g))
				if (!everyKey.has(match[1])) missing.add(`${match[1]} (${file.replace(root, '')})`);
		}
		expect([...missing]).toEqual([]);
	});
});
