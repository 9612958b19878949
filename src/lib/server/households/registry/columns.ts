// The column layout of the national monitoring system's household export (one row per
// person; a household is the rows sharing 户编号). The Chinese header names are data: they
// must match the national file, so they live here and nowhere else.

export interface RegistryColumn {
	/** Internal field name, used in parsed rows and in row problems. */
	readonly field: string;
	/** The header as the national export spells it; used for the import template. */
	readonly header: string;
	/** Other spellings seen in county files and re-saved copies. */
	readonly aliases?: readonly string[];
	/** Without this column the file cannot be imported at all. */
	readonly required?: boolean;
	/** 'month' cells hold YYYYMM; Excel date cells are turned into that. */
	readonly kind?: 'month';
}

export const REGISTRY_COLUMNS = [
	// Place and identity.
	{ field: 'seq', header: '序号' },
	{ field: 'province', header: '省', aliases: ['省份', '省(区、市)'] },
	{ field: 'city', header: '市（州）', aliases: ['市', '地市', '市(地、州、盟)'] },
	{ field: 'county', header: '县(市、区、旗)', aliases: ['县(市、区)', '县', '县区'] },
	{
		field: 'township',
		header: '乡(镇)',
		aliases: ['乡镇', '乡(镇、街道)', '乡镇(街道)'],
		required: true
	},
	{
		field: 'village',
		header: '行政村',
		aliases: ['村', '行政村(社区)', '村(社区)'],
		required: true
	},
	{ field: 'naturalVillage', header: '自然村', aliases: ['自然村(组)', '组'] },
	{
		field: 'householdNumber',
		header: '户编号',
		aliases: ['户码', '户编码', '户号'],
		required: true
	},
	{ field: 'personNumber', header: '人编号', aliases: ['人员编号', '人码'] },
	{ field: 'name', header: '姓名', required: true },
	{
		field: 'idNumber',
		header: '证件号码',
		aliases: ['身份证号码', '身份证号', '证件号', '公民身份号码'],
		required: true
	},
	{ field: 'householdSize', header: '人数', aliases: ['家庭人口数', '户人数'] },
	{ field: 'relation', header: '与户主关系', aliases: ['与户主的关系'], required: true },
	{ field: 'sex', header: '性别' },
	{ field: 'ethnicity', header: '民族' },
	{
		field: 'phone',
		header: '联系电话',
		aliases: ['电话', '电话号码', '手机号码', '手机号', '联系方式']
	},
	// Person.
	{ field: 'education', header: '文化程度' },
	{ field: 'schooling', header: '在校生状况', aliases: ['在校生情况'] },
	{ field: 'health', header: '健康状况' },
	{ field: 'labourSkill', header: '劳动技能', aliases: ['劳动能力'] },
	{ field: 'workStatus', header: '务工状况', aliases: ['务工情况'] },
	{ field: 'workPlace', header: '务工所在地', aliases: ['务工地点'] },
	{ field: 'workMonths', header: '务工时间（月）', aliases: ['务工时间'] },
	{ field: 'seriousIllnessInsurance', header: '是否参加大病保险' },
	// Household.
	{ field: 'householdType', header: '户类型' },
	{ field: 'povertyExitType', header: '脱贫属性' },
	{ field: 'povertyExitYear', header: '脱贫年度', aliases: ['脱贫年份'] },
	{ field: 'netIncomePerCapita', header: '人均纯收入', aliases: ['家庭人均纯收入'] },
	{ field: 'minimumLivingAllowance', header: '享受低保政策情况' },
	{ field: 'extremePovertySupport', header: '享受特困供养政策情况' },
	{ field: 'fullNoLabourSupport', header: '整户无劳动能力兜底保障户' },
	{ field: 'dangerousHousing', header: '危房户' },
	{ field: 'drinkingWaterSafety', header: '饮水安全' },
	// Monitoring.
	{ field: 'monitoringCategory', header: '监测对象类别', aliases: ['监测类型'] },
	// A file with a single risk column puts several risks into it, separated by 、 or ,.
	{ field: 'risk1', header: '致贫/返贫风险1', aliases: ['致贫/返贫风险', '风险类型1'] },
	{ field: 'risk2', header: '致贫/返贫风险2', aliases: ['风险类型2'] },
	{ field: 'risk3', header: '致贫/返贫风险3', aliases: ['风险类型3'] },
	{ field: 'risk4', header: '致贫/返贫风险4', aliases: ['风险类型4'] },
	{ field: 'risk5', header: '致贫/返贫风险5', aliases: ['风险类型5'] },
	{ field: 'identifiedMonth', header: '识别监测时间', aliases: ['纳入监测时间'], kind: 'month' },
	{ field: 'riskEliminated', header: '风险是否已消除', aliases: ['是否风险消除'] },
	{ field: 'eliminationMethod', header: '风险消除方式' },
	{ field: 'eliminatedMonth', header: '消除监测时间', aliases: ['风险消除时间'], kind: 'month' },
	// Measures: the text of the measure, empty when none.
	{ field: 'measureIndustry', header: '产业帮扶' },
	{ field: 'measureEmployment', header: '就业帮扶' },
	{ field: 'measurePublicWelfareJob', header: '公益岗位帮扶' },
	{ field: 'measureFinance', header: '金融帮扶', aliases: ['小额信贷'] },
	{ field: 'measureDevelopment', header: '实施开发式帮扶措施情况' },
	{ field: 'measureDrinkingWater', header: '饮水安全保障' },
	{ field: 'measureHealth', header: '健康帮扶' },
	{ field: 'measureEducation', header: '教育帮扶' },
	{ field: 'measureHousing', header: '住房安全保障' },
	{ field: 'measureSocialAssistance', header: '综合保障' },
	{ field: 'measureOther', header: '其他帮扶' }
] as const satisfies readonly RegistryColumn[];

export type RegistryField = (typeof REGISTRY_COLUMNS)[number]['field'];

// The same list typed loosely enough to read the optional properties.
const COLUMNS: readonly (RegistryColumn & { field: RegistryField })[] = REGISTRY_COLUMNS;

/** The fields an import cannot do without. */
export const REQUIRED_FIELDS: readonly RegistryField[] = COLUMNS.filter((c) => c.required).map(
	(c) => c.field
);

/** The required columns by their header names, as a person sees them in the file. */
export const REQUIRED_COLUMNS: readonly string[] = COLUMNS.filter((c) => c.required).map(
	(c) => c.header
);

export const MONTH_FIELDS: ReadonlySet<RegistryField> = new Set(
	COLUMNS.filter((c) => c.kind === 'month').map((c) => c.field)
);

export const RISK_FIELDS = ['risk1', 'risk2', 'risk3', 'risk4', 'risk5'] as const;

export type MeasureType =
	| 'industry'
	| 'employment'
	| 'public_welfare_job'
	| 'finance'
	| 'development'
	| 'drinking_water'
	| 'health'
	| 'education'
	| 'housing'
	| 'social_assistance'
	| 'other';

export const MEASURE_FIELDS: readonly { field: RegistryField; type: MeasureType }[] = [
	{ field: 'measureIndustry', type: 'industry' },
	{ field: 'measureEmployment', type: 'employment' },
	{ field: 'measurePublicWelfareJob', type: 'public_welfare_job' },
	{ field: 'measureFinance', type: 'finance' },
	{ field: 'measureDevelopment', type: 'development' },
	{ field: 'measureDrinkingWater', type: 'drinking_water' },
	{ field: 'measureHealth', type: 'health' },
	{ field: 'measureEducation', type: 'education' },
	{ field: 'measureHousing', type: 'housing' },
	{ field: 'measureSocialAssistance', type: 'social_assistance' },
	{ field: 'measureOther', type: 'other' }
];

/**
 * Header text reduced to what tells columns apart: NFKC folds full-width brackets, digits
 * and spaces; whitespace (headers often wrap inside the cell), brackets, list separators
 * and the `*` templates put on required columns are dropped. So 县（市、区、旗）, 县(市,区,旗)
 * and 县市区旗 are one column.
 */
export function normalizeHeader(text: string): string {
	return text.normalize('NFKC').replace(/[\s*()[\]【】、,/\\]/g, '');
}

const HEADERS = new Map<string, RegistryField>();
for (const column of COLUMNS) {
	for (const spelling of [column.header, ...(column.aliases ?? [])]) {
		const key = normalizeHeader(spelling);
		const taken = HEADERS.get(key);
		// A spelling claimed by two columns would silently misfile data.
		if (taken !== undefined && taken !== column.field) {
			throw new Error(`registry header ${key} maps to both ${taken} and ${column.field}`);
		}
		HEADERS.set(key, column.field);
	}
}

/** The field a header cell names, or null for a column the import does not use. */
export function fieldForHeader(text: string): RegistryField | null {
	return HEADERS.get(normalizeHeader(text)) ?? null;
}

const HEADER_BY_FIELD = new Map<RegistryField, string>(COLUMNS.map((c) => [c.field, c.header]));

/** The national header name of a field, for messages and templates. */
export function columnHeader(field: RegistryField): string {
	return HEADER_BY_FIELD.get(field) ?? field;
}

/** The header row of an import template: every column, or only the required ones. */
export function templateHeaderRow(options: { requiredOnly?: boolean } = {}): string[] {
	return COLUMNS.filter((c) => !options.requiredOnly || c.required === true).map((c) => c.header);
}
