import { sql, eq } from 'drizzle-orm';
import { openDatabase } from '/work/wt/perf/src/lib/server/db';
import { householdPageQuery, listHouseholds } from '/work/wt/perf/src/lib/server/households/list';
import { users } from '/work/wt/perf/src/lib/server/auth/schema';
const database = await openDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/levee_bench_search_kept' });
const db = database.db;
const [u] = await db.select().from(users).where(eq(users.username, 'benchcounty'));
const actor = { userId: u.id, label: 'b', role: 'county_admin' as const, countyId: u.countyId, countyCode: '130434', townshipCodes: [], householdId: null, factoryIds: [] };
const q = process.argv[2] ?? '李红';
const filter: any = { query: q };
if (process.argv[3]) filter.townshipCode = process.argv[3];
const query = householdPageQuery(db, actor, filter);
const r: any = await db.execute(sql`explain (analyze, buffers) ${query}`);
console.log((r.rows ?? r).map((x: any) => x['QUERY PLAN']).join('\n'));
for (let i = 0; i < 5; i++) { const t = performance.now(); await listHouseholds(db, actor, filter); console.log('list', (performance.now() - t).toFixed(1)); }
await database.close();
