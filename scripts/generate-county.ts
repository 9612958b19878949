// A generated county in the national registry's CSV layout, for the bench and for tests
// that need a county-size household list. Deterministic: the same size gives the same file.
import { identityCheckCharacter } from '../src/lib/identity';
import type { Db } from '../src/lib/server/db';
import { listTownships, listVillages } from '../src/lib/server/divisions';

export const SURNAMES = ['王', '李', '张', '刘', '赵', '杨', '陈', '郭', '马', '孙'];
export const GIVEN = [
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
	'玉梅',
	'红梅',
	'红军'
];

/** Deterministic: the n-th person gets a unique valid number (birth date × sequence). */
export function identityNumber(n: number, male: boolean): string {
	const day = new Date(Date.UTC(1940, 0, 1) + (n % 25000) * 86_400_000);
	const birth = day.toISOString().slice(0, 10).replace(/-/g, '');
	const sequence = (Math.floor(n / 25000) * 2 + (male ? 1 : 0)) % 1000;
	const first17 = `130434${birth}${String(sequence).padStart(3, '0')}`;
	return first17 + identityCheckCharacter(first17);
}

export interface GeneratedCounty {
	bytes: Uint8Array;
	/** Member rows (people). */
	rows: number;
	/** A few values to search for, taken from the file. */
	samples: { householdNumber: string; phone: string; idNumber: string; name: string };
}

/** Households `from` … `to - 1` of Wei County (130434), 1–5 people each, a fifth monitored. */
export async function generateCountyCsv(
	db: Db,
	from: number,
	to: number
): Promise<GeneratedCounty> {
	const townships = await listTownships(db, '130434');
	const villages: { township: string; village: string; code: string }[] = [];
	for (const t of townships) {
		for (const v of await listVillages(db, '130434', t.code)) {
			villages.push({ township: t.officialName ?? t.name, village: v.name, code: v.code });
		}
	}
	const lines = [
		'乡(镇),行政村,户编号,姓名,证件号码,与户主关系,性别,联系电话,健康状况,劳动技能,监测对象类别,致贫/返贫风险1,识别监测时间,风险是否已消除'
	];
	// Person numbers continue across chunks: household h's people start at 3h (1–5 each, 3 on average).
	let person = from * 3;
	let samples: GeneratedCounty['samples'] | null = null;
	for (let h = from; h < to; h++) {
		const place = villages[h % villages.length];
		const number = `${place.code}${String(h).padStart(6, '0')}`;
		const phone = `1${3 + (h % 7)}${String((h * 7919) % 1_000_000_000).padStart(9, '0')}`;
		const monitored = h % 5 === 0;
		const size = 1 + (h % 5);
		for (let m = 0; m < size; m++) {
			const male = m % 2 === 0;
			const name = SURNAMES[h % SURNAMES.length] + GIVEN[(h + m) % GIVEN.length];
			const relation = m === 0 ? '户主' : m === 1 ? '配偶' : male ? '之子' : '之女';
			const id = identityNumber(person++, male);
			samples ??= { householdNumber: number, phone, idNumber: id, name };
			lines.push(
				[
					place.township,
					place.village,
					number,
					name,
					id,
					relation,
					male ? '男' : '女',
					m === 0 ? phone : '',
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
	return {
		bytes: new TextEncoder().encode(lines.join('\n')),
		rows: person - from * 3,
		samples: samples!
	};
}
