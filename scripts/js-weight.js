// What the built client downloads for one page before anything is tapped: the start and
// app entries plus the route's nodes (layouts and page), with every static import, and
// each file's gzipped size. Usage: node scripts/js-weight.js <route id> [route id …]
// after `vite build`, e.g. node scripts/js-weight.js / /my
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const root = new URL('../.svelte-kit/output/client/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('.vite/manifest.json', root), 'utf8'));
const nodesOf = readFileSync(
	new URL('../.svelte-kit/generated/client-optimized/app.js', import.meta.url),
	'utf8'
);
// The generated dictionary: "route": [page, …layouts], "~" marking a server load.
const dictionary = new Function(
	`return ${nodesOf.match(/export const dictionary = ({[\s\S]*?\n\t});/)?.[1].replaceAll('~', '')}`
)();

function closure(keys) {
	const seen = new Set();
	const walk = (key) => {
		if (seen.has(key)) return;
		seen.add(key);
		for (const next of manifest[key]?.imports ?? []) walk(next);
	};
	keys.forEach(walk);
	return [...seen];
}

const layoutsOf = (route) => {
	const entry = dictionary[route];
	if (!entry) throw new Error(`no route ${route}; known: ${Object.keys(dictionary).join(' ')}`);
	const [page, layouts] = entry;
	// The root error page (node 1) is fetched at start-up too.
	return [0, 1, ...(layouts ?? []).filter((n) => n != null), page];
};

for (const route of process.argv.slice(2)) {
	const nodes = layoutsOf(route);
	const keys = [
		'node_modules/@sveltejs/kit/src/runtime/client/entry.js',
		'.svelte-kit/generated/client-optimized/app.js',
		...nodes.map((n) => `.svelte-kit/generated/client-optimized/nodes/${n}.js`)
	];
	const files = closure(keys).map((k) => {
		const bytes = readFileSync(new URL(manifest[k].file, root));
		return {
			file: manifest[k].file,
			raw: bytes.length,
			gzip: gzipSync(bytes, { level: 9 }).length
		};
	});
	files.sort((a, b) => b.gzip - a.gzip);
	const total = files.reduce((s, f) => s + f.gzip, 0);
	console.log(
		`${route}: ${files.length} JS files, ${(total / 1024).toFixed(1)} KB gzipped (nodes ${nodes.join(',')})`
	);
	for (const f of files.slice(0, 8))
		console.log(`  ${(f.gzip / 1024).toFixed(1).padStart(6)} KB  ${f.file}`);
}
