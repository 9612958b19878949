import { describe, expect, it } from 'vitest';
import {
	entrySentence,
	groupTerm,
	monthText,
	type SentenceEntry
} from '../../src/lib/household-words';

// The household's entries as a person says them (ui.md, "Words on the household's pages").

const entry = (
	detail: SentenceEntry['detail'],
	more: Partial<SentenceEntry> = {}
): SentenceEntry => ({
	businessDate: '2026-08-20',
	amountFen: 2015,
	group: 'work',
	subtype: 'picking',
	detail,
	...more
});

describe('entries in the family’s words', () => {
	it('says picking, wages, subsidies and payouts the way the issue writes them', () => {
		expect(
			entrySentence(
				entry({
					type: 'picking',
					stationName: '后闫庄收购点',
					pickedOn: '2026-08-18',
					weightGrams: 20_150
				}),
				'zh-CN'
			)
		).toBe('8月18日 在后闫庄收购点摘花 20.15 公斤，工钱 ¥20.15');
		expect(
			entrySentence(
				entry(
					{ type: 'wage', factoryName: '连枣林微工厂', month: '2026-11' },
					{ amountFen: 260_000 }
				),
				'zh-CN'
			)
		).toBe('11月 在连枣林微工厂做工 ¥2,600.00');
		expect(
			entrySentence(
				entry(
					{ type: 'subsidy', year: 2026, areaHundredthsMu: 175 },
					{ amountFen: 157_500, group: 'support' }
				),
				'zh-CN'
			)
		).toBe('2026年金银花种植补贴 1.75 亩 ¥1,575.00');
		expect(
			entrySentence(
				entry(
					{ type: 'insurance' },
					{ amountFen: 4_000_000, subtype: 'anti_poverty_insurance', group: 'support' }
				),
				'zh-CN'
			)
		).toBe('防贫保理赔 ¥40,000.00');
	});

	it('translates the items in English and keeps official terms out of the sentence', () => {
		const english = entrySentence(
			entry({ type: 'other' }, { subtype: 'pv_dividend', group: 'property', amountFen: 300_000 }),
			'en'
		);
		expect(english).toBe('20 Aug Solar share dividend CNY 3,000.00');
		expect(english).not.toMatch(/[\u4e00-\u9fff]/);
		expect(groupTerm('work')).toBe('工资性收入');
		expect(monthText('2026-08', 'zh-CN')).toBe('8月');
	});
});
