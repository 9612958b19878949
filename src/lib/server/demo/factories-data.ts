// Words and figures the demo's micro-factories are made of: what they make, who leases
// them, what their people do and earn. Demo data only; no real enterprise or person.

/** What Wei County's micro-factories make (the seed report's products), and how often. */
export const FACTORY_LINES: readonly {
	products: readonly string[];
	/** The trade word in the enterprise's and the factory's name. */
	trade: string;
	titles: readonly string[];
	weight: number;
}[] = [
	{
		products: ['书包', '箱包'],
		trade: '箱包',
		titles: ['缝纫工', '缝纫工', '裁剪工', '包装工', '质检员'],
		weight: 34
	},
	{
		products: ['拉杆箱', '旅行包'],
		trade: '箱包',
		titles: ['缝纫工', '装配工', '包装工', '质检员'],
		weight: 14
	},
	{
		products: ['服装', '校服'],
		trade: '服饰',
		titles: ['缝纫工', '缝纫工', '熨烫工', '锁边工', '包装工'],
		weight: 26
	},
	{
		products: ['毛绒玩具'],
		trade: '玩具',
		titles: ['缝纫工', '充棉工', '手工', '手工', '包装工'],
		weight: 22
	},
	{
		products: ['假发', '发制品'],
		trade: '发制品',
		titles: ['手工', '手工', '梳理工', '包装工'],
		weight: 8
	}
];

/** First words of enterprise names: 魏县 + one of these + trade + 有限公司. */
export const ENTERPRISE_WORDS: readonly string[] = [
	'鑫达',
	'恒源',
	'金梨',
	'宏盛',
	'万顺',
	'兴旺',
	'瑞丰',
	'佳美',
	'博远',
	'诚信',
	'乐童',
	'卓越',
	'华泰',
	'润泽',
	'启航',
	'锦程',
	'永兴',
	'汇通'
];

/** Where the enterprises come from: most are local, some came from the coast. */
export const ENTERPRISE_PLACES: readonly { prefix: string; weight: number }[] = [
	{ prefix: '魏县', weight: 60 },
	{ prefix: '邯郸市', weight: 20 },
	{ prefix: '白沟新城', weight: 10 },
	{ prefix: '浙江义乌', weight: 5 },
	{ prefix: '江苏扬州', weight: 5 }
];

/** Outside workers' home places: neighbouring counties across the provincial border. */
export const OUTSIDE_HOMES: readonly string[] = [
	'河南省南乐县张果屯镇',
	'河南省内黄县楚旺镇',
	'山东省冠县东古城镇',
	'山东省冠县北馆陶镇',
	'河北省大名县金滩镇',
	'河北省广平县平固店镇'
];

/** Address codes of those places' counties, for outside workers' identity numbers. */
export const OUTSIDE_ADDRESS_CODES: readonly string[] = [
	'410923',
	'410527',
	'371525',
	'371525',
	'130425',
	'130432'
];

/** Monthly wages in yuan: sewing pays more than packing; piece work swings with orders. */
export const MONTHLY_WAGE_YUAN = { low: 2_200, high: 3_900 } as const;

/** Spring Festival 2026 fell on 17 February: the factories close about two weeks. */
export const SPRING_FESTIVAL_MONTH = '2026-02';
export const SPRING_FESTIVAL_SHARE = 0.55;

/** The factories the demo owner account `factory` runs: the first two of 东代固镇. */
export const DEMO_OWNER_FACTORIES = 2;
