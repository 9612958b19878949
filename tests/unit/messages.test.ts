import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every visible string lives in both message files, and every key the code names exists.

const root = join(import.meta.dirname, '../..');
// Every message file the inlang project loads: messages/{locale}.json and one folder per
// program or concern (messages/<folder>/{locale}.json).
const settings = JSON.parse(readFileSync(join(root, 'project.inlang/settings.json'), 'utf8')) as {
	'plugin.inlang.messageFormat': { pathPattern: string[] };
};
const PATH_PATTERNS = settings['plugin.inlang.messageFormat'].pathPattern;
function load(locale: string): Record<string, string> {
	const all: Record<string, string> = {};
	for (const pattern of PATH_PATTERNS) {
		const file = join(root, pattern.replace('{locale}', locale));
		const messages = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
		for (const [key, text] of Object.entries(messages)) {
			if (key === '$schema') continue;
			if (key in all) throw new Error(`${key} is defined twice (${file})`);
			all[key] = text;
		}
	}
	return all;
}

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (name === 'paraglide') return [];
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return /\.(ts|svelte)$/.test(name) ? [path] : [];
	});
}

describe('message files', () => {
	const zh = load('zh-CN');
	const en = load('en');

	it('have the same keys in Chinese and English, none empty', () => {
		const keys = (m: Record<string, string>) =>
			Object.keys(m)
				.filter((k) => k !== '$schema')
				.sort();
		expect(keys(en)).toEqual(keys(zh));
		for (const key of keys(zh)) {
			expect(zh[key].trim(), key).not.toBe('');
			expect(en[key].trim(), key).not.toBe('');
		}
	});

	it('have every key the code uses', () => {
		const missing = new Set<string>();
		for (const file of sourceFiles(join(root, 'src'))) {
			const text = readFileSync(file, 'utf8');
			for (const match of text.matchAll(/\bm\.([a-z][a-z0-9_]*)\(/g)) {
				if (!(match[1] in zh)) missing.add(`${match[1]} (${file.replace(root, '')})`);
			}
			// Message keys that travel as data: domain errors and translate('…').
			for (const match of text.matchAll(/['`]([a-z]+_(?:error|file)_[a-z0-9_]+)['`]/g)) {
				if (!(match[1] in zh)) missing.add(`${match[1]} (${file.replace(root, '')})`);
			}
		}
		expect([...missing]).toEqual([]);
	});
});
