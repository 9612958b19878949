// npm run bench — measures Levee on generated county-size data (not a test: it prints).
//   import: a 100,000-household national-registry CSV (about 300,000 member rows), checked
//           and written in one transaction, on embedded PGlite (and on PostgreSQL when
//           BENCH_DATABASE_URL is set).
// BENCH_HOUSEHOLDS changes the size.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { identityCheckCharacter } from '../src/lib/identity';
import { openDatabase, type Database } from '../src/lib/server/db';
import { runMigrations } from '../src/lib/server/db/migrate';
import { systemActor, type UserActor } from '../src/lib/server/auth/actor';
import { listTownships, listVillages, loadCountyDivisions } from '../src/lib/server/divisions';
import { applyImport, previewImport } from '../src/lib/server/households/import';
import { createFirstAdmin } from '../src/lib/server/auth/bootstrap';
import { listHouseholds } from '../src/lib/server/households';

const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 100_000);
const TODAY = '2026-11-29';
const SURNAMES = ['王', '李', '张', '刘', '赵', '杨', '陈', '郭', '马', '孙'];
const GIVEN = [
	'建国',
	'秀英',
	'桂兰',
	'国强',
	'海涛',
	'丽娜',
	'浩然',
	'欣怡',
	'子涵',
	'宇轩',
	'志刚',
	'玉梅'
];

/** Deterministic: the n-th person gets a unique valid number (birth date × sequence). */
function identityNumber(n: number, male: boolean): string {
	const day = new Date(Date.UTC(1940, 0, 1) + (n % 25000) * 86_400_000);
	const birth = day.toISOString().slice(0, 10).replace(/-/g, '');
	const sequence = (Math.floor(n / 25000) * 2 + (male ? 1 : 0)) % 1000;
	const first17 = `130434${birth}${String(sequence).padStart(3, '0')}`;
	return first17 + identityCheckCharacter(first17);
}

async function generateCsv(database: Database): Promise<{ bytes: Uint8Array; rows: number }> {
	const townships = await listTownships(database.db, '130434');
	const villages: { township: string; village: string; code: string }[] = [];
	for (const t of townships) {
		for (const v of await listVillages(database.db, '130434', t.code)) {
			villages.push({ township: t.officialName ?? t.name, village: v.name, code: v.code });
		}
	}
	const lines = [
		'乡(镇),行政村,户编号,姓名,证件号码,与户主关系,性别,健康状况,劳动技能,监测对象类别,致贫/返贫风险1,识别监测时间,风险是否已消除'
	];
	let person = 0;
	for (let h = 0; h < HOUSEHOLDS; h++) {
		const place = villages[h % villages.length];
		const number = `${place.code}${String(h).padStart(6, '0')}`;
		const monitored = h % 5 === 0;
		const size = 1 + (h % 5);
		for (let m = 0; m < size; m++) {
			const male = m % 2 === 0;
			const name = SURNAMES[h % SURNAMES.length] + GIVEN[(h + m) % GIVEN.length];
			const relation = m === 0 ? '户主' : m === 1 ? '配偶' : male ? '之子' : '之女';
			lines.push(
				[
					place.township,
					place.village,
					number,
					name,
					identityNumber(person++, male),
					relation,
					male ? '男' : '女',
					'健康',
					'普通劳动力',
					monitored && m === 0 ? '边缘易致贫户' : '',
					monitored && m === 0 ? '因病' : '',
					monitored && m === 0 ? '202403' : '',
					monitored && m === 0 ? '否' : ''
				].join(',')
			);
		}
	}
	return { bytes: new TextEncoder().encode(lines.join('\n')), rows: person };
}

async function benchImport(label: string, database: Database): Promise<void> {
	await runMigrations(database);
	await loadCountyDivisions(database.db, systemActor('bench'), '130434');
	const username = `bench${randomBytes(3).toString('hex')}`;
	const { userId } = await createFirstAdmin(database.db, {
		countyCode: '130434',
		username,
		displayName: 'bench',
		password: 'bench-password-1'
	});
	const county = (await loadCountyDivisions(database.db, systemActor('bench'), '130434')).county;
	const actor: UserActor = {
		userId,
		label: 'bench',
		role: 'county_admin',
		countyId: county.id,
		countyCode: '130434',
		townshipCodes: [],
		householdId: null,
		factoryIds: []
	};
	const { bytes, rows } = await generateCsv(database);
	const t0 = performance.now();
	const preview = await previewImport(database.db, actor, bytes, 'bench.csv', TODAY);
	const t1 = performance.now();
	const result = await applyImport(database.db, actor, bytes, 'bench.csv', preview.fileHash, TODAY);
	const t2 = performance.now();
	const search0 = performance.now();
	const found = await listHouseholds(database.db, actor, { query: '王建' }, 1, 25);
	const search1 = performance.now();
	const total = (t2 - t0) / 1000;
	console.log(
		[
			`${label}: ${HOUSEHOLDS.toLocaleString('en')} households, ${rows.toLocaleString('en')} member rows, ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB CSV`,
			`  preview (read + check + lookups): ${((t1 - t0) / 1000).toFixed(1)} s`,
			`  write (one transaction):          ${((t2 - t1) / 1000).toFixed(1)} s`,
			`  total: ${total.toFixed(1)} s = ${Math.round(rows / total).toLocaleString('en')} member rows/s end to end; write alone ${Math.round(rows / ((t2 - t1) / 1000)).toLocaleString('en')} rows/s`,
			`  created ${result.households.created} households, ${result.members.created} members`,
			`  household search by name prefix over the imported county: ${(search1 - search0).toFixed(0)} ms (${found.total} matches)`
		].join('\n')
	);
}

const pglite = await openDatabase({ kind: 'memory' });
await benchImport('PGlite (embedded, in memory)', pglite);
await pglite.close();

const url = process.env.BENCH_DATABASE_URL;
if (url) {
	const name = `levee_bench_${randomBytes(4).toString('hex')}`;
	const admin = postgres(url, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	const target = new URL(url);
	target.pathname = `/${name}`;
	const pg = await openDatabase({ kind: 'postgres', url: target.toString() });
	try {
		await benchImport('PostgreSQL', pg);
	} finally {
		await pg.close();
		await admin.unsafe(`drop database ${name} with (force)`);
		await admin.end();
	}
}
