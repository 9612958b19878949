// Words and figures the demo's monitoring records and income ledger are written with: places
// people work, units that send helping cadres, texts of assistance measures, notes on ledger
// entries. Demo data only; nothing here describes a real person or a real record.

export interface WeightedText {
	text: string;
	weight: number;
}

/** 务工所在地: where people of Wei County work away from home. */
export const WORK_PLACES: readonly WeightedText[] = [
	{ text: '北京', weight: 26 },
	{ text: '天津', weight: 20 },
	{ text: '邯郸市区', weight: 18 },
	{ text: '石家庄', weight: 10 },
	{ text: '郑州', weight: 6 },
	{ text: '江苏苏州', weight: 5 },
	{ text: '上海', weight: 4 },
	{ text: '山东聊城', weight: 4 },
	{ text: '浙江宁波', weight: 3 },
	{ text: '广东东莞', weight: 2 }
];

/** County bureaus that send helping cadres (帮扶干部). */
export const COUNTY_UNITS: readonly string[] = [
	'魏县农业农村局',
	'魏县人社局',
	'魏县民政局',
	'魏县乡村振兴局',
	'魏县教育体育局',
	'魏县卫生健康局',
	'魏县水利局',
	'魏县财政局',
	'魏县供销合作社',
	'魏县自然资源和规划局'
];

/** A township's government: 东代固镇 + 人民政府. */
export const TOWNSHIP_UNIT_SUFFIX = '人民政府';

/** 风险消除方式. */
export const ELIMINATION_METHODS = {
	assisted: '帮扶消除',
	natural: '自然消除'
} as const;

/** An industry measure and what it produces. */
export interface IndustryVariant {
	description: string;
	kind: 'honeysuckle' | 'sheep' | 'pear';
	/** Honeysuckle or pear: area in mu. */
	mu?: number;
	/** Sheep: breeding ewes. */
	ewes?: number;
}

export const INDUSTRY_MEASURES: readonly IndustryVariant[] = [
	{ description: '种植金银花2亩', kind: 'honeysuckle', mu: 2 },
	{ description: '种植金银花3亩', kind: 'honeysuckle', mu: 3 },
	{ description: '种植金银花1.5亩', kind: 'honeysuckle', mu: 1.5 },
	{ description: '养羊（基础母羊10只）', kind: 'sheep', ewes: 10 },
	{ description: '养羊（基础母羊15只）', kind: 'sheep', ewes: 15 },
	{ description: '发展鸭梨种植2亩', kind: 'pear', mu: 2 }
];

/** A public-welfare job (公益岗位) and its monthly pay. */
export interface PublicWelfareJob {
	description: string;
	monthlyFen: number;
}

export const PUBLIC_WELFARE_JOBS: readonly PublicWelfareJob[] = [
	{ description: '公益岗位：护林员', monthlyFen: 50_000 },
	{ description: '公益岗位：村保洁员', monthlyFen: 50_000 },
	{ description: '公益岗位：护路员', monthlyFen: 50_000 },
	{ description: '公益岗位：水管员', monthlyFen: 40_000 },
	{ description: '公益岗位：防贫信息员', monthlyFen: 60_000 }
];

/** Employment support: a micro-factory hire (wages come from the factory) or work away. */
export const EMPLOYMENT_MEASURES = {
	microFactory: '扶贫微工厂务工',
	migrant: '劳务对接，稳岗外出务工'
} as const;

export const SMALL_LOAN = {
	description: '小额信贷5万元，期限3年，免抵押，财政贴息',
	amountFen: 5_000_000,
	years: 3
} as const;

export const DIBAO_MEASURE = '纳入农村低保';
export const INSURANCE_MEASURES: readonly string[] = ['防贫保', '产业保险', '务工人员保险'];
export const MEDICAL_MEASURES: readonly string[] = [
	'医疗救助',
	'大病保险二次报销',
	'家庭医生签约服务，慢病用药报销'
];
export const EDUCATION_MEASURES: readonly string[] = ['雨露计划职业教育补助', '高中助学金'];
export const SOCIAL_ASSISTANCE_MEASURES: readonly string[] = ['临时救助', '残疾人两项补贴'];
export const HOUSING_MEASURES: readonly string[] = ['危房改造（加固维修）'];

/** Notes on ledger entries. */
export const LEDGER_NOTES = {
	pension: '城乡居民基本养老金',
	dibao: '农村低保金',
	publicWelfareJob: '公益岗位工资',
	migrantMonthly: '外出务工工资',
	migrantSettlement: '外出务工工资结算',
	temporaryJob: '本地打零工',
	support: '子女给付赡养费',
	pvDividend: '光伏扶贫电站收益分红',
	landRent: '土地流转租金',
	disabilityAllowance: '残疾人两项补贴（季度）',
	wheat: '出售小麦',
	corn: '出售玉米',
	honeysuckle: '出售金银花',
	pear: '出售鸭梨',
	sheep: '出售肉羊',
	seedsFertiliser: '种子、化肥',
	honeysuckleCost: '金银花管护、肥料',
	pearCost: '梨园化肥、农药、套袋',
	feed: '饲草饲料、防疫',
	hospital: '住院医疗费用（医保报销后自付）',
	outpatient: '门诊慢病自付费用',
	reportHospital: '住院医疗费用（医保报销后自付），见调研报告',
	highSchool: '高中学费、住宿费',
	college: '大学学费、住宿费',
	vocational: '中职学费、生活费',
	disaster: '暴雨受灾损失（房屋修缮、农作物）'
} as const;

/**
 * The report's household paid 57,593.50 yuan of medical bills itself after medical
 * insurance (domain.md); the demo gives it to one household of 连枣林村.
 */
export const REPORT_MEDICAL_EXPENSE_FEN = 5_759_350;
