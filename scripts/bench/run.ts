// npm run bench — with no BENCH_ONLY, the county-size bench's one table (scripts/bench/table.ts;
// `npm run bench -- --save` writes bench/results/<date>.md). BENCH_ONLY=import, picking, search,
// sync or reevaluate runs one of the older, separate benches of scripts/bench.ts instead;
// BENCH_ONLY=county the table alone (the same as no BENCH_ONLY).
import { benchImports, benchPicking, benchReevaluate, benchSearch, benchSync } from '../bench';
import { benchCountyTable } from './table';

const only = process.env.BENCH_ONLY;
switch (only) {
	case undefined:
	case '':
	case 'county':
		await benchCountyTable();
		break;
	case 'sync':
		await benchSync();
		break;
	case 'reevaluate':
		await benchReevaluate();
		break;
	case 'search':
		await benchSearch();
		break;
	case 'picking':
		await benchPicking();
		break;
	case 'import':
		await benchImports();
		break;
	default:
		console.log(
			`BENCH_ONLY=${only}: not a bench (county, import, picking, search, sync, reevaluate)`
		);
}
process.exit(0);
