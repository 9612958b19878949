// Turns the raw rows of a registry export into households ready to write, and a list of row
// problems. A household with any problem is rejected whole, so the write step never stores
// half a family. Pure: no database; the villages of the county come in through the context.
//
// Problem keys (messages/import.*.partial.json; params in braces):
//   import_error_column_missing {column}       a required column is not in the file
//   import_error_household_number_empty        户编号 empty
//   import_error_name_empty                    姓名 empty
//   import_error_id_empty                      证件号码 empty
//   import_error_id_format                     not 17 digits + digit/X
//   import_error_id_birth_date                 the birth date inside the number is not a real date
//   import_error_id_check                      wrong check character
//   import_error_id_duplicate {firstRow}       the same number on an earlier row
//   import_error_stored_as_number              a long number Excel stored as a number (digits lost)
//   import_error_sex_invalid {value}           性别 not 男/女
//   import_error_sex_mismatch                  性别 disagrees with the identity number
//   import_error_relation_empty                与户主关系 empty
//   import_error_head_missing                  no 户主 in the household
//   import_error_head_multiple {firstRow}      a second 户主
//   import_error_township_empty                乡(镇) empty on every row of the household
//   import_error_village_empty                 行政村 empty on every row of the household
//   import_error_village_unknown {township, village}  no such village in the county
//   registry_error_village_ambiguous {township, village, candidates}  the core names several villages
//   registry_error_id_masked                     a masked number (130434********3133) from an export
//   import_error_village_mismatch {firstRow}   rows of one household in different villages
//   import_error_phone_invalid                 not a mobile or landline number
//   import_error_health_invalid {value}        健康状况 outside the list
//   import_error_labour_invalid {value}        劳动技能 outside the list
//   import_error_work_months_invalid {value}   务工时间（月） not a whole number 0–12
//   import_error_yes_no_invalid {value}        a 是/否 column with something else
//   import_error_amount_invalid {value}        人均纯收入 not an amount in yuan
//   import_error_year_invalid {value}          脱贫年度 not a past year
//   import_error_category_invalid {value}      监测对象类别 outside the list
//   import_error_category_missing              monitoring data without 监测对象类别
//   import_error_risk_missing                  a monitored household without any risk
//   import_error_month_missing                 识别/消除监测时间 needed but empty
//   import_error_month_invalid {value}         not YYYYMM
//   import_error_month_future {value}          a month after today
//   import_error_eliminated_before_identified  消除监测时间 before 识别监测时间
//   import_error_elimination_method_invalid {value}  风险消除方式 empty or outside the list
//   import_error_elimination_not_marked        消除方式/时间 given but 风险是否已消除 is not 是
// File-level keys for RegistryFileError kinds (read.ts), in the same message files:
//   import_file_too_large {limitMb}, import_file_empty, import_file_not_spreadsheet,
//   import_file_unsupported_excel, import_file_header_not_found
import { parseIdentityNumber, type IdentityFacts } from '../../../identity';
import REGISTRY from '../../../registry-words.json';
import {
	columnHeader,
	MEASURE_FIELDS,
	RISK_FIELDS,
	type MeasureType,
	type RegistryField
} from './columns';
import type { RawRow, RawSheet } from './read';

export const IMPORT_PROBLEM_KEYS = [
	'import_error_column_missing',
	'import_error_household_number_empty',
	'import_error_name_empty',
	'import_error_id_empty',
	'import_error_id_format',
	'import_error_id_birth_date',
	'import_error_id_check',
	'import_error_id_duplicate',
	'import_error_stored_as_number',
	'import_error_sex_invalid',
	'import_error_sex_mismatch',
	'import_error_relation_empty',
	'import_error_head_missing',
	'import_error_head_multiple',
	'import_error_township_empty',
	'import_error_village_empty',
	'import_error_village_unknown',
	'registry_error_village_ambiguous',
	'registry_error_id_masked',
	'import_error_village_mismatch',
	'import_error_phone_invalid',
	'import_error_health_invalid',
	'import_error_labour_invalid',
	'import_error_work_months_invalid',
	'import_error_yes_no_invalid',
	'import_error_amount_invalid',
	'import_error_year_invalid',
	'import_error_category_invalid',
	'import_error_category_missing',
	'import_error_risk_missing',
	'import_error_month_missing',
	'import_error_month_invalid',
	'import_error_month_future',
	'import_error_eliminated_before_identified',
	'import_error_elimination_method_invalid',
	'import_error_elimination_not_marked'
] as const;

export type ImportProblemKey = (typeof IMPORT_PROBLEM_KEYS)[number];

/** Message keys for RegistryFileError kinds, so the UI can say why a file was refused. */
export const IMPORT_FILE_KEYS = {
	too_large: 'import_file_too_large',
	empty: 'import_file_empty',
	not_spreadsheet: 'import_file_not_spreadsheet',
	unsupported_excel: 'import_file_unsupported_excel',
	header_not_found: 'import_file_header_not_found'
} as const;

export interface RowProblem {
	rowNumber: number;
	/** Internal field name (see columns.ts); the UI shows the column's header. */
	field: RegistryField;
	key: ImportProblemKey;
	params?: Record<string, string | number>;
}

export interface ImportVillage {
	/** 12-digit statistics-bureau code. */
	code: string;
	/** One accepted spelling; a village may come several times (official, everyday name). */
	name: string;
	townshipName: string;
	/** Spellings remembered from earlier imports or set by an admin (village_aliases). */
	aliases?: readonly string[];
}

/** A village matched by its core name: the spelling is remembered for the next import. */
export interface VillageAliasUse {
	villageCode: string;
	/** As written in the file (trimmed). */
	alias: string;
}

export interface ValidationContext {
	/** 6-digit county code; villages outside it are ignored. */
	countyCode: string;
	villages: readonly ImportVillage[];
	/** YYYY-MM-DD in China Standard Time. */
	today: string;
	/** The county's monitoring categories; the national three when absent. */
	monitoringCategories?: readonly string[];
}

export type HealthStatus = 'healthy' | 'chronic_illness' | 'serious_illness' | 'disability';
export type LabourCapacity = 'full' | 'partial' | 'none';

export interface ParsedMember {
	rowNumber: number;
	personNumber: string | null;
	name: string;
	idNumber: string;
	birthDate: string;
	sex: IdentityFacts['sex'];
	/** 与户主关系 as written: 户主, 配偶, 之子, … */
	relation: string;
	isHead: boolean;
	ethnicity: string | null;
	phone: string | null;
	education: string | null;
	/** 在校生状况 exactly as written (小学, 初中, 非在校生, …); null when empty. */
	schooling: string | null;
	/** Derived from 在校生状况. */
	inSchool: boolean;
	/** 健康状况 exactly as written (one of the registry's list); null when empty. */
	healthStatus: string | null;
	/** Levee's category of 健康状况, for rules. */
	health: HealthStatus | null;
	/** 劳动技能 exactly as written (技能劳动力 stays 技能劳动力); null when empty. */
	labourSkill: string | null;
	/** Levee's category of 劳动技能, for rules: never stored in place of the registry's value. */
	labour: LabourCapacity | null;
	workingAway: { status: string | null; place: string | null; months: number | null } | null;
	seriousIllnessInsurance: boolean | null;
}

export interface ParsedMonitoring {
	category: string;
	risks: string[];
	/** YYYYMM */
	identifiedMonth: string;
	riskEliminated: boolean;
	eliminationMethod: string | null;
	/** YYYYMM */
	eliminatedMonth: string | null;
}

export interface ParsedMeasure {
	type: MeasureType;
	text: string;
}

export interface ParsedHousehold {
	householdNumber: string;
	villageCode: string;
	/** The village as written when it matched only by its core name; null otherwise. */
	villageAlias: string | null;
	naturalVillage: string | null;
	/** The head's phone, else the first member's phone given. */
	phone: string | null;
	householdType: string | null;
	povertyExitType: string | null;
	povertyExitYear: number | null;
	/** 人均纯收入 in integer fen. */
	netIncomePerCapitaFen: number | null;
	minimumLivingAllowance: string | null;
	extremePovertySupport: string | null;
	fullNoLabourSupport: boolean | null;
	dangerousHousing: string | null;
	drinkingWaterSafety: string | null;
	/** null for an ordinary household (监测对象类别 empty). */
	monitoring: ParsedMonitoring | null;
	measures: ParsedMeasure[];
	/** In file order. */
	members: ParsedMember[];
	rowNumbers: number[];
}

export interface RejectedHousehold {
	/** '' for a row without 户编号 (each such row is its own entry). */
	householdNumber: string;
	rowNumbers: number[];
}

export interface RegistryValidation {
	households: ParsedHousehold[];
	rejected: RejectedHousehold[];
	/** Sorted by row number. */
	problems: RowProblem[];
	/** Rows without 户编号, 姓名, 证件号码 and 与户主关系: notes and totals under the table. */
	ignoredRows: number[];
	/** Rows whose identity number is masked (an export without full numbers). */
	maskedIds: number;
	/** Villages of valid households matched by their core name, to remember as aliases. */
	aliasesUsed: VillageAliasUse[];
}

export const NATIONAL_MONITORING_CATEGORIES = ['脱贫不稳定户', '边缘易致贫户', '突发严重困难户'];
/** Written in some files for a household that is not monitored; same as empty. */
const ORDINARY_CATEGORY = '一般农户';
const HEAD_RELATION = REGISTRY.headOfHousehold;
const ELIMINATION_METHODS = new Set(REGISTRY.eliminationMethods);
const HEALTH = new Map<string, HealthStatus>([
	['健康', 'healthy'],
	['长期慢性病', 'chronic_illness'],
	['患有大病', 'serious_illness'],
	['残疾', 'disability']
]);
const LABOUR = new Map<string, LabourCapacity>([
	['普通劳动力', 'full'],
	['技能劳动力', 'full'],
	['弱劳动力或半劳动力', 'partial'],
	['丧失劳动力', 'none'],
	['无劳动力', 'none']
]);
const SEX = new Map<string, IdentityFacts['sex']>([
	['男', 'male'],
	['男性', 'male'],
	['女', 'female'],
	['女性', 'female']
]);
const YES_NO = new Map([
	['是', true],
	['否', false]
]);
/** Written instead of leaving a cell empty. */
const PLACEHOLDERS = new Set(['/', '-', '—', '——', '无']);
/** 在校生状况 values that say "not in school". */
const NOT_IN_SCHOOL = new Set(['非在校生', '不在校', '否']);
/** Longest cell text echoed back in a problem. */
const MAX_PARAM_LENGTH = 40;

export function validateRegistryRows(
	sheet: RawSheet,
	context: ValidationContext
): RegistryValidation {
	if (sheet.missingRequired.length > 0) return missingColumns(sheet);
	const index = new RegistryIndex();
	for (const row of sheet.rows) index.add(row);
	const validator = new RegistryValidator(context, index.lastRowOf);
	const households: ParsedHousehold[] = [];
	for (const row of sheet.rows) {
		const household = validator.add(row);
		if (household !== null) households.push(household);
	}
	const rest = validator.finish();
	households.push(...rest.households);
	// In the order households first appear, as when every household was held to the end.
	households.sort((a, b) => a.rowNumbers[0] - b.rowNumbers[0]);
	return { ...rest.validation, households };
}

/** The file's answer when a required column is missing: one problem per column, nothing else. */
export function missingColumns(sheet: Pick<RawSheet, 'missingRequired' | 'headerRowNumber'>) {
	return {
		households: [],
		rejected: [],
		problems: sheet.missingRequired.map((field): RowProblem => ({
			rowNumber: sheet.headerRowNumber,
			field,
			key: 'import_error_column_missing',
			params: { column: columnHeader(field) }
		})),
		ignoredRows: [],
		maskedIds: 0,
		aliasesUsed: []
	} satisfies RegistryValidation;
}

/** A row of notes or totals under the table: none of the four person columns filled. */
function isIgnored(row: RawRow, number: string): boolean {
	return (
		number === '' &&
		clean(row.cells.name) === '' &&
		clean(row.cells.idNumber) === '' &&
		clean(row.cells.relation) === ''
	);
}

function householdKey(row: RawRow): string {
	return code(clean(row.cells.householdNumber));
}

/**
 * What a first, light pass over the file learns, so the rows can then be validated as they
 * stream by: where each household's last row is (rows of one household need not be adjacent),
 * and how many rows there are and how many have masked identity numbers (a masked export is
 * refused before anything else is done).
 */
export class RegistryIndex {
	/** Data rows, as RawSheet.rows counts them. */
	rows = 0;
	/** Rows that are not notes: persons, valid or not. */
	people = 0;
	/** The rows validation reports as registry_error_id_masked. */
	maskedIds = 0;
	/** Household number (as validation reads it) → the row number of its last row. */
	readonly lastRowOf = new Map<string, number>();

	add(row: RawRow): void {
		this.rows++;
		const number = householdKey(row);
		if (isIgnored(row, number)) return;
		this.people++;
		if (number !== '') this.lastRowOf.set(number, row.rowNumber);
		const id = code(clean(row.cells.idNumber));
		if (!isImprecise(row, 'idNumber') && !looksScientific(id) && id.includes('*')) this.maskedIds++;
	}
}

/**
 * Validates rows as they come, in file order: a household is checked and handed back as soon
 * as its last row (from RegistryIndex) has been read, and only the open households' rows are
 * held. Across the file it keeps only what checks need: the first row of each identity
 * number (duplicates in households far apart are still found), the problems, the rejected
 * households' row numbers. The same problems, in the same order, as holding the whole file.
 */
export class RegistryValidator {
	private readonly problems: RowProblem[] = [];
	private readonly rejected: RejectedHousehold[] = [];
	private readonly ignoredRows: number[] = [];
	private readonly open = new Map<string, Group>();
	private readonly firstRowOfId = new Map<string, number>();
	/** Alias uses with the first row of the first household using each, to list them in file order. */
	private readonly aliasesUsed = new Map<string, { use: VillageAliasUse; firstRow: number }>();
	private readonly householdContext: HouseholdContext;
	/** Valid households and their people so far. */
	households = 0;
	members = 0;

	constructor(
		private readonly context: ValidationContext,
		/** Without it, every household stays open until finish(). */
		private readonly lastRowOf: ReadonlyMap<string, number> = new Map()
	) {
		this.householdContext = {
			villages: villageIndex(context),
			places: new Map<string, Place>(),
			categories: new Set(context.monitoringCategories ?? NATIONAL_MONITORING_CATEGORIES),
			todayMonth: context.today.slice(0, 4) + context.today.slice(5, 7)
		};
	}

	/** One data row; the household it completes when that household is valid, else null. */
	add(row: RawRow): ParsedHousehold | null {
		const problems = this.problems;
		// Persons in file order, so "the second row" of a duplicate number is the later one.
		const number = householdKey(row);
		if (isIgnored(row, number)) {
			this.ignoredRows.push(row.rowNumber);
			return null;
		}
		const problemsBefore = problems.length;
		if (number === '') {
			problems.push(problem(row, 'householdNumber', 'import_error_household_number_empty'));
		} else if (isImprecise(row, 'householdNumber')) {
			problems.push(problem(row, 'householdNumber', 'import_error_stored_as_number'));
		}
		const member = parseMember(row, this.context.today, this.firstRowOfId, problems);
		if (number === '') {
			this.rejected.push({ householdNumber: '', rowNumbers: [row.rowNumber] });
			return null;
		}
		let group = this.open.get(number);
		if (group === undefined) {
			const last = this.lastRowOf.get(number);
			// The index was made from these same rows: a household seen again after its last row means the file changed under us.
			if (last !== undefined && last < row.rowNumber)
				throw new Error('registry rows differ from their index');
			group = { number, rows: [], members: [], rejected: false };
			this.open.set(number, group);
		}
		group.rows.push(row);
		if (member !== null) group.members.push(member);
		if (problems.length > problemsBefore || member === null) group.rejected = true;
		return this.lastRowOf.get(number) === row.rowNumber ? this.close(group) : null;
	}

	/**
	 * The households still open (all of them without an index), and the file's verdict
	 * without the households, which went out as they were completed.
	 */
	finish(): { households: ParsedHousehold[]; validation: Omit<RegistryValidation, 'households'> } {
		const households: ParsedHousehold[] = [];
		for (const group of [...this.open.values()]) {
			const household = this.close(group);
			if (household !== null) households.push(household);
		}
		const problems = this.problems.sort((a, b) => a.rowNumber - b.rowNumber);
		const aliases = [...this.aliasesUsed.values()].sort((a, b) => a.firstRow - b.firstRow);
		return {
			households,
			validation: {
				rejected: this.rejected.sort((a, b) => a.rowNumbers[0] - b.rowNumbers[0]),
				problems,
				ignoredRows: this.ignoredRows,
				maskedIds: problems.filter((p) => p.key === 'registry_error_id_masked').length,
				aliasesUsed: aliases.map((a) => a.use)
			}
		};
	}

	private close(group: Group): ParsedHousehold | null {
		this.open.delete(group.number);
		const problems = this.problems;
		const problemsBefore = problems.length;
		const household = parseHousehold(group, this.householdContext, problems);
		if (group.rejected || problems.length > problemsBefore || household === null) {
			this.rejected.push({
				householdNumber: group.number,
				rowNumbers: group.rows.map((r) => r.rowNumber)
			});
			return null;
		}
		this.households++;
		this.members += household.members.length;
		if (household.villageAlias !== null) {
			const use = { villageCode: household.villageCode, alias: household.villageAlias };
			const key = `${use.villageCode}\u0000${use.alias}`;
			const firstRow = household.rowNumbers[0];
			const seen = this.aliasesUsed.get(key);
			if (seen === undefined || firstRow < seen.firstRow)
				this.aliasesUsed.set(key, { use, firstRow });
		}
		return household;
	}
}

interface Group {
	number: string;
	rows: RawRow[];
	members: ParsedMember[];
	rejected: boolean;
}

// --- cells ---

/** The cell's text, with placeholders like "/" and "无" read as empty. */
function cell(row: RawRow, field: RegistryField): string {
	return clean(row.cells[field]);
}

// Hot paths read row.cells.name rather than cell(row, 'name'): a named load on rows that
// share a shape is much cheaper than a lookup by a varying key, over 300,000 rows.
function clean(text: string | undefined): string {
	if (text === undefined) return '';
	// Placeholders are one or two characters; skip the set for everything else.
	return text.length <= 2 && PLACEHOLDERS.has(text) ? '' : text;
}

function optional(row: RawRow, field: RegistryField): string | null {
	const text = cell(row, field);
	return text === '' ? null : text;
}

/** Numbers and codes: full-width digits folded, spaces dropped, x upper-cased. */
function code(text: string): string {
	// Printable ASCII (nearly every cell) needs no folding.
	if (/^[\x21-\x7e]*$/.test(text)) return text.toUpperCase();
	return text.normalize('NFKC').replace(/\s/g, '').toUpperCase();
}

function isImprecise(row: RawRow, field: RegistryField): boolean {
	return row.imprecise?.includes(field) ?? false;
}

/** 1.30434E+17: a CSV re-saved from Excel after the column was read as a number. */
function looksScientific(text: string): boolean {
	return /^\d(\.\d+)?E\+?\d+$/i.test(text);
}

function problem(
	row: RawRow,
	field: RegistryField,
	key: ImportProblemKey,
	params?: RowProblem['params']
): RowProblem {
	return params
		? { rowNumber: row.rowNumber, field, key, params }
		: { rowNumber: row.rowNumber, field, key };
}

function echo(text: string): string {
	return text.length > MAX_PARAM_LENGTH ? text.slice(0, MAX_PARAM_LENGTH) + '…' : text;
}

// --- persons ---

function parseMember(
	row: RawRow,
	today: string,
	firstRowOfId: Map<string, number>,
	problems: RowProblem[]
): ParsedMember | null {
	const name = clean(row.cells.name);
	if (name === '') problems.push(problem(row, 'name', 'import_error_name_empty'));

	const facts = parseId(row, today, firstRowOfId, problems);
	if (isImprecise(row, 'personNumber')) {
		problems.push(problem(row, 'personNumber', 'import_error_stored_as_number'));
	}

	const sexText = clean(row.cells.sex);
	if (sexText !== '') {
		const sex = SEX.get(sexText);
		if (sex === undefined) {
			problems.push(problem(row, 'sex', 'import_error_sex_invalid', { value: echo(sexText) }));
		} else if (facts !== null && sex !== facts.sex) {
			problems.push(problem(row, 'sex', 'import_error_sex_mismatch'));
		}
	}

	const relation = clean(row.cells.relation);
	if (relation === '') problems.push(problem(row, 'relation', 'import_error_relation_empty'));

	const phoneText = clean(row.cells.phone);
	const phone = phoneText === '' ? null : parsePhone(phoneText);
	if (phone === '') problems.push(problem(row, 'phone', 'import_error_phone_invalid'));

	const healthText = clean(row.cells.health);
	const health = healthText === '' ? null : (HEALTH.get(healthText) ?? null);
	if (healthText !== '' && health === null) {
		problems.push(
			problem(row, 'health', 'import_error_health_invalid', { value: echo(healthText) })
		);
	}

	const labourText = clean(row.cells.labourSkill);
	const labour = labourText === '' ? null : (LABOUR.get(labourText) ?? null);
	if (labourText !== '' && labour === null) {
		problems.push(
			problem(row, 'labourSkill', 'import_error_labour_invalid', { value: echo(labourText) })
		);
	}

	const schoolingText = clean(row.cells.schooling);
	const schooling = schoolingText === '' ? null : schoolingText;

	const workStatus = optional(row, 'workStatus');
	const workPlace = optional(row, 'workPlace');
	const monthsText = code(clean(row.cells.workMonths));
	let workMonths: number | null = null;
	if (monthsText !== '') {
		const m = /^(\d{1,2})(?:\.0+)?(?:个月|月)?$/.exec(monthsText);
		workMonths = m && Number(m[1]) <= 12 ? Number(m[1]) : null;
		if (workMonths === null) {
			problems.push(
				problem(row, 'workMonths', 'import_error_work_months_invalid', { value: echo(monthsText) })
			);
		}
	}

	const seriousIllnessInsurance = yesNo(row, 'seriousIllnessInsurance', problems);

	if (facts === null || name === '' || relation === '') return null;
	return {
		rowNumber: row.rowNumber,
		personNumber: optional(row, 'personNumber'),
		name,
		idNumber: facts.number,
		birthDate: facts.birthDate,
		sex: facts.sex,
		relation,
		isHead: relation === HEAD_RELATION,
		ethnicity: optional(row, 'ethnicity'),
		phone,
		education: optional(row, 'education'),
		schooling,
		inSchool: schooling !== null && !NOT_IN_SCHOOL.has(schooling),
		healthStatus: health === null ? null : healthText,
		health,
		labourSkill: labour === null ? null : labourText,
		labour,
		workingAway:
			workStatus === null && workPlace === null && workMonths === null
				? null
				: { status: workStatus, place: workPlace, months: workMonths },
		seriousIllnessInsurance
	};
}

function parseId(
	row: RawRow,
	today: string,
	firstRowOfId: Map<string, number>,
	problems: RowProblem[]
): IdentityFacts | null {
	const text = code(clean(row.cells.idNumber));
	if (isImprecise(row, 'idNumber') || looksScientific(text)) {
		problems.push(problem(row, 'idNumber', 'import_error_stored_as_number'));
		return null;
	}
	if (text === '') {
		problems.push(problem(row, 'idNumber', 'import_error_id_empty'));
		return null;
	}
	// 130434********3133: a list exported with masked numbers cannot say who the person is.
	if (text.includes('*')) {
		problems.push(problem(row, 'idNumber', 'registry_error_id_masked'));
		return null;
	}
	const parsed = parseIdentityNumber(text, today);
	if (!parsed.ok) {
		const key =
			parsed.problem === 'check_character'
				? 'import_error_id_check'
				: parsed.problem === 'birth_date'
					? 'import_error_id_birth_date'
					: 'import_error_id_format';
		problems.push(problem(row, 'idNumber', key));
		return null;
	}
	const firstRow = firstRowOfId.get(parsed.value.number);
	if (firstRow !== undefined) {
		problems.push(problem(row, 'idNumber', 'import_error_id_duplicate', { firstRow }));
		return null;
	}
	firstRowOfId.set(parsed.value.number, row.rowNumber);
	return parsed.value;
}

/**
 * A mobile (11 digits from 1, +86 allowed) or a landline with area code (0310-1234567);
 * returns the number in that form, '' when it is neither.
 */
function parsePhone(text: string): string {
	const t = code(text).replace(/[()（）]/g, '');
	const mobile = t.replace(/[-\s]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
	if (/^1\d{10}$/.test(mobile)) return mobile;
	const landline = /^(0\d{2,3})-?(\d{7,8})$/.exec(t);
	if (landline) return `${landline[1]}-${landline[2]}`;
	return '';
}

function yesNo(row: RawRow, field: RegistryField, problems: RowProblem[]): boolean | null {
	const text = cell(row, field);
	if (text === '') return null;
	const value = YES_NO.get(text);
	if (value === undefined) {
		problems.push(problem(row, field, 'import_error_yes_no_invalid', { value: echo(text) }));
		return null;
	}
	return value;
}

// --- households ---

interface HouseholdContext {
	villages: VillageIndex;
	/** Raw township + village text → the village found; the same few hundred pairs repeat. */
	places: Map<string, Place>;
	categories: ReadonlySet<string>;
	todayMonth: string;
}

/** A household-level value: the first row that has it, the head's row first. */
interface Picked {
	row: RawRow;
	text: string;
}

function parseHousehold(
	group: Group,
	context: HouseholdContext,
	problems: RowProblem[]
): ParsedHousehold | null {
	const heads = group.rows.filter((r) => clean(r.cells.relation) === HEAD_RELATION);
	if (heads.length === 0) {
		problems.push(problem(group.rows[0], 'relation', 'import_error_head_missing'));
	}
	for (const extra of heads.slice(1)) {
		problems.push(
			problem(extra, 'relation', 'import_error_head_multiple', { firstRow: heads[0].rowNumber })
		);
	}
	// Household columns are repeated on every member's row; the head's row speaks first.
	const ordered =
		heads.length > 0 ? [heads[0], ...group.rows.filter((r) => r !== heads[0])] : group.rows;
	const pick = (field: RegistryField): Picked | null => {
		for (const row of ordered) {
			const text = cell(row, field);
			if (text !== '') return { row, text };
		}
		return null;
	};

	const place = resolveVillage(group, context, problems);

	const exitYear = pick('povertyExitYear');
	let povertyExitYear: number | null = null;
	if (exitYear !== null) {
		const m = /^(\d{4})年?$/.exec(code(exitYear.text));
		if (m && Number(m[1]) <= Number(context.todayMonth.slice(0, 4))) povertyExitYear = Number(m[1]);
		else {
			problems.push(
				problem(exitYear.row, 'povertyExitYear', 'import_error_year_invalid', {
					value: echo(exitYear.text)
				})
			);
		}
	}

	const income = pick('netIncomePerCapita');
	let netIncomePerCapitaFen: number | null = null;
	if (income !== null) {
		netIncomePerCapitaFen = yuanToFen(income.text);
		if (netIncomePerCapitaFen === null) {
			problems.push(
				problem(income.row, 'netIncomePerCapita', 'import_error_amount_invalid', {
					value: echo(income.text)
				})
			);
		}
	}

	const fullNoLabour = pick('fullNoLabourSupport');
	const fullNoLabourSupport = fullNoLabour
		? yesNo(fullNoLabour.row, 'fullNoLabourSupport', problems)
		: null;

	const monitoring = parseMonitoring(group.rows, pick, context, problems);

	const measures: ParsedMeasure[] = [];
	const seenMeasures = new Set<string>();
	for (const row of ordered) {
		for (const { field, type } of MEASURE_FIELDS) {
			const text = cell(row, field);
			const key = `${type}\u0000${text}`;
			if (text === '' || seenMeasures.has(key)) continue;
			seenMeasures.add(key);
			measures.push({ type, text });
		}
	}

	const text = (field: RegistryField): string | null => pick(field)?.text ?? null;
	const phone =
		group.members.find((m) => m.isHead)?.phone ?? group.members.find((m) => m.phone)?.phone;

	if (place === null) return null;
	return {
		householdNumber: group.number,
		villageCode: place.code,
		villageAlias: place.alias,
		naturalVillage: text('naturalVillage'),
		phone: phone ?? null,
		householdType: text('householdType'),
		povertyExitType: text('povertyExitType'),
		povertyExitYear,
		netIncomePerCapitaFen,
		minimumLivingAllowance: text('minimumLivingAllowance'),
		extremePovertySupport: text('extremePovertySupport'),
		fullNoLabourSupport,
		dangerousHousing: text('dangerousHousing'),
		drinkingWaterSafety: text('drinkingWaterSafety'),
		monitoring,
		measures,
		members: group.members,
		rowNumbers: group.rows.map((r) => r.rowNumber)
	};
}

function parseMonitoring(
	rows: RawRow[],
	pick: (field: RegistryField) => Picked | null,
	context: HouseholdContext,
	problems: RowProblem[]
): ParsedMonitoring | null {
	const category = pick('monitoringCategory');
	const risks: string[] = [];
	let firstRiskRow: RawRow | null = null;
	for (const row of rows) {
		for (const field of RISK_FIELDS) {
			// One risk per column, or several in one column separated by 、 or commas.
			for (const risk of cell(row, field).split(/[、,，;；]/)) {
				const value = risk.trim();
				if (value === '' || PLACEHOLDERS.has(value)) continue;
				firstRiskRow ??= row;
				if (!risks.includes(value)) risks.push(value);
			}
		}
	}
	const identified = pick('identifiedMonth');
	const eliminatedFlag = pick('riskEliminated');
	const method = pick('eliminationMethod');
	const eliminated = pick('eliminatedMonth');

	if (category === null || category.text === ORDINARY_CATEGORY) {
		const stray =
			firstRiskRow ??
			identified?.row ??
			method?.row ??
			eliminated?.row ??
			(eliminatedFlag?.text === '是' ? eliminatedFlag.row : null);
		if (stray !== null) {
			problems.push(
				problem(category?.row ?? stray, 'monitoringCategory', 'import_error_category_missing')
			);
		}
		return null;
	}

	if (!context.categories.has(category.text)) {
		problems.push(
			problem(category.row, 'monitoringCategory', 'import_error_category_invalid', {
				value: echo(category.text)
			})
		);
	}
	if (risks.length === 0) {
		problems.push(problem(category.row, 'risk1', 'import_error_risk_missing'));
	}

	const identifiedMonth = month(identified, category.row, 'identifiedMonth', context, problems);
	const riskEliminated = eliminatedFlag
		? yesNo(eliminatedFlag.row, 'riskEliminated', problems)
		: false;

	let eliminatedMonth: string | null = null;
	if (riskEliminated === true) {
		if (method === null || !ELIMINATION_METHODS.has(method.text)) {
			problems.push(
				problem(
					method?.row ?? eliminatedFlag?.row ?? category.row,
					'eliminationMethod',
					'import_error_elimination_method_invalid',
					{
						value: echo(method?.text ?? '')
					}
				)
			);
		}
		eliminatedMonth = month(
			eliminated,
			eliminatedFlag?.row ?? category.row,
			'eliminatedMonth',
			context,
			problems
		);
		if (identifiedMonth !== null && eliminatedMonth !== null && eliminatedMonth < identifiedMonth) {
			problems.push(
				problem(
					eliminated?.row ?? category.row,
					'eliminatedMonth',
					'import_error_eliminated_before_identified'
				)
			);
		}
	} else if (riskEliminated === false && (method !== null || eliminated !== null)) {
		problems.push(
			problem(
				eliminatedFlag?.row ?? category.row,
				'riskEliminated',
				'import_error_elimination_not_marked'
			)
		);
	}

	return {
		category: category.text,
		risks,
		identifiedMonth: identifiedMonth ?? '',
		riskEliminated: riskEliminated === true,
		eliminationMethod: riskEliminated === true ? (method?.text ?? null) : null,
		eliminatedMonth
	};
}

/** A YYYYMM month that must be present, real and not after this month. */
function month(
	picked: Picked | null,
	fallbackRow: RawRow,
	field: RegistryField,
	context: HouseholdContext,
	problems: RowProblem[]
): string | null {
	if (picked === null) {
		problems.push(problem(fallbackRow, field, 'import_error_month_missing'));
		return null;
	}
	const value = parseMonth(picked.text);
	if (value === null) {
		problems.push(
			problem(picked.row, field, 'import_error_month_invalid', { value: echo(picked.text) })
		);
		return null;
	}
	if (value > context.todayMonth) {
		problems.push(problem(picked.row, field, 'import_error_month_future', { value }));
		return null;
	}
	return value;
}

/** 202301, 2023-01, 2023/1, 2023.01, 2023年1月, or a full date in those forms → '202301'. */
export function parseMonth(text: string): string | null {
	const t = code(text);
	const m =
		/^(\d{4})(\d{2})$/.exec(t) ??
		/^(\d{4})[-/.年](\d{1,2})(?:月|[-/.]\d{1,2}日?|月\d{1,2}日)?$/.exec(t);
	if (m === null) return null;
	const year = Number(m[1]);
	const monthNumber = Number(m[2]);
	if (year < 1900 || monthNumber < 1 || monthNumber > 12) return null;
	return `${m[1]}${String(monthNumber).padStart(2, '0')}`;
}

/**
 * Yuan as written (8500, 8,500.50, 8533.3333 from a formula) to integer fen, rounding half
 * up on the digits themselves so no floating point touches the amount.
 */
export function yuanToFen(text: string): number | null {
	const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(code(text).replace(/[,元]/g, ''));
	if (m === null) return null;
	const decimals = (m[3] ?? '').padEnd(3, '0');
	let fen = Number(m[2]) * 100 + Number(decimals.slice(0, 2));
	if (Number(decimals[2]) >= 5) fen += 1;
	if (!Number.isSafeInteger(fen)) return null;
	return m[1] === '-' ? -fen : fen;
}

// --- villages ---

/** Village names as the county writes them: 连枣林村民委员会 and 连枣林村 are one village. */
function villageName(name: string): string {
	return name
		.normalize('NFKC')
		.replace(/\s/g, '')
		.replace(/(村民委员会|村委会)$/, '村')
		.replace(/(居民委员会|居委会)$/, '社区');
}

const VILLAGE_SUFFIX = /(村民委员会|居民委员会|村委会|居委会|社区|村)$/;

/**
 * What is left of a village name without its committee or village word: 东代固居民委员会,
 * 东代固社区 and 东代固村 are all 东代固. A name that is nothing but the word stays whole.
 */
export function villageCore(name: string): string {
	const plain = name.normalize('NFKC').replace(/\s/g, '');
	const core = plain.replace(VILLAGE_SUFFIX, '');
	return core === '' ? plain : core;
}

function townshipName(name: string): string {
	return name
		.normalize('NFKC')
		.replace(/\s/g, '')
		.replace(/人民政府$/, '')
		.replace(/街道办事处$/, '街道');
}

interface VillageEntry {
	code: string;
	/** The first name given (the official one): how candidates are named. */
	label: string;
	names: Set<string>;
	cores: Set<string>;
}

/** Township key → its villages. */
type VillageIndex = Map<string, Map<string, VillageEntry>>;

type Place =
	| { kind: 'found'; code: string; alias: string | null }
	| { kind: 'unknown' }
	| { kind: 'ambiguous'; candidates: string[] };

function villageIndex(context: ValidationContext): VillageIndex {
	const index: VillageIndex = new Map();
	for (const v of context.villages) {
		if (!v.code.startsWith(context.countyCode)) continue;
		const township = townshipName(v.townshipName);
		let villages = index.get(township);
		if (villages === undefined) index.set(township, (villages = new Map()));
		let entry = villages.get(v.code);
		if (entry === undefined) {
			entry = { code: v.code, label: v.name, names: new Set(), cores: new Set() };
			villages.set(v.code, entry);
		}
		for (const name of [v.name, ...(v.aliases ?? [])]) {
			entry.names.add(villageName(name));
			entry.cores.add(villageCore(name));
		}
	}
	return index;
}

/**
 * A village within its township: by a name or alias as written, else by its core (东代固村
 * finds 东代固居民委员会) when exactly one village has that core.
 */
function findVillage(index: VillageIndex, township: string, village: string): Place {
	const villages = index.get(townshipName(township));
	if (villages === undefined) return { kind: 'unknown' };
	const name = villageName(village);
	const exact = [...villages.values()].filter((v) => v.names.has(name));
	if (exact.length === 1) return { kind: 'found', code: exact[0].code, alias: null };
	const core = villageCore(village);
	const byCore = exact.length > 1 ? exact : [...villages.values()].filter((v) => v.cores.has(core));
	if (byCore.length === 1) return { kind: 'found', code: byCore[0].code, alias: village };
	if (byCore.length > 1) {
		const sorted = [...byCore].sort((a, b) => (a.code < b.code ? -1 : 1));
		return { kind: 'ambiguous', candidates: sorted.map((v) => v.label) };
	}
	return { kind: 'unknown' };
}

/**
 * The household's village: every row that names one must name the same. Returns null when
 * it cannot be resolved (a problem has been added).
 */
function resolveVillage(
	group: Group,
	context: HouseholdContext,
	problems: RowProblem[]
): { code: string; alias: string | null } | null {
	let first: { row: RawRow; place: Place; township: string; village: string } | null = null;
	let mismatch = false;
	for (const row of group.rows) {
		const township = clean(row.cells.township);
		const village = clean(row.cells.village);
		if (township === '' && village === '') continue;
		const raw = `${township}\u0000${village}`;
		let place = context.places.get(raw);
		if (place === undefined) {
			place =
				township === '' || village === ''
					? { kind: 'unknown' }
					: findVillage(context.villages, township, village);
			context.places.set(raw, place);
		}
		if (first === null) first = { row, place, township, village };
		else if (
			place.kind !== 'found' ||
			first.place.kind !== 'found' ||
			place.code !== first.place.code
		) {
			if (raw !== `${first.township}\u0000${first.village}`) {
				problems.push(
					problem(row, 'village', 'import_error_village_mismatch', {
						firstRow: first.row.rowNumber
					})
				);
				mismatch = true;
			}
		}
	}
	if (first === null) {
		problems.push(problem(group.rows[0], 'village', 'import_error_village_empty'));
		return null;
	}
	if (first.township === '') {
		problems.push(problem(first.row, 'township', 'import_error_township_empty'));
		return null;
	}
	if (first.village === '') {
		problems.push(problem(first.row, 'village', 'import_error_village_empty'));
		return null;
	}
	const place = first.place;
	if (place.kind === 'ambiguous') {
		problems.push(
			problem(first.row, 'village', 'registry_error_village_ambiguous', {
				township: echo(first.township),
				village: echo(first.village),
				candidates: place.candidates.join('、')
			})
		);
		return null;
	}
	if (place.kind === 'unknown') {
		problems.push(
			problem(first.row, 'village', 'import_error_village_unknown', {
				township: echo(first.township),
				village: echo(first.village)
			})
		);
		return null;
	}
	return mismatch ? null : { code: place.code, alias: place.alias };
}
