// The registry's value lists and Levee's categories side by side. A person's registry value
// (劳动技能 技能劳动力, 健康状况 长期慢性病, …) is stored as written; Levee's category
// (labourCapacity full/partial/none, health healthy/chronic/…) is derived from it for the
// rules, and never written back in its place. Records Levee made itself (the household
// forms, the demo) may have only the category: their registry value is the category's
// usual word, which is what the export writes and what a re-import is compared with.
import REGISTRY from '../../../registry-words.json';
import type { CountyOption, CountyOptions } from '../../monitoring';
import type { HealthState, LabourCapacity } from '../schema';
import type { RegistryField } from './columns';

export const LABOUR_SKILLS: readonly string[] = REGISTRY.labourSkills;
export const HEALTH_WORDS: readonly string[] = REGISTRY.healthStates;

// Which Levee category each registry word means, and the usual word for each category.
const LABOUR_CATEGORY = new Map(
	Object.entries(REGISTRY.labourSkillCategories) as [string, LabourCapacity][]
);
const LABOUR_WORD: Record<LabourCapacity, string> = REGISTRY.labourCategoryWords;
const HEALTH_CATEGORY = new Map(
	Object.entries(REGISTRY.healthStateCategories) as [string, HealthState][]
);
const HEALTH_WORD: Record<HealthState, string> = REGISTRY.healthCategoryWords;
/** 在校生状况 for a person Levee knows is in school but whose level it was not told. */
export const IN_SCHOOL_WORD = REGISTRY.inSchoolWord;
/** 务工状况 for a person Levee knows works away but whose status it was not told. */
export const WORKING_AWAY_WORD = REGISTRY.workingAwayWord;
/** 在校生状况 values that say "not in school". */
export const NOT_IN_SCHOOL: ReadonlySet<string> = new Set(REGISTRY.notInSchoolWords);

export function labourCategory(skill: string | null): LabourCapacity | null {
	return skill === null ? null : (LABOUR_CATEGORY.get(skill) ?? null);
}

export function healthCategory(status: string | null): HealthState | null {
	return status === null ? null : (HEALTH_CATEGORY.get(status) ?? null);
}

/** Whether 务工状况/所在地/月数 say the person works away from home. */
export function worksAway(
	status: string | null,
	place: string | null,
	months: number | null
): boolean {
	return !!place || (months ?? 0) > 0 || (!!status && !/未|无|否|不/.test(status));
}

export interface StoredPerson {
	labourSkill: string | null;
	labourCapacity: LabourCapacity;
	healthStatus: string | null;
	health: HealthState;
	schooling: string | null;
	inSchool: boolean;
	workStatus: string | null;
	workingAway: boolean;
}

/** The registry values of a stored person: as written, else the word of Levee's category. */
export function registryValues(p: StoredPerson) {
	return {
		labourSkill: p.labourSkill ?? LABOUR_WORD[p.labourCapacity],
		healthStatus: p.healthStatus ?? HEALTH_WORD[p.health],
		schooling: p.schooling ?? (p.inSchool ? IN_SCHOOL_WORD : null),
		workStatus: p.workStatus ?? (p.workingAway ? WORKING_AWAY_WORD : null)
	};
}

/** The registry's word for a Levee category (the form's choices, the export's fallback). */
export function labourWord(capacity: LabourCapacity): string {
	return LABOUR_WORD[capacity];
}
export function healthWord(health: HealthState): string {
	return HEALTH_WORD[health];
}

const RISK_WORDS: Record<string, string> = REGISTRY.risks;

/** 致贫/返贫风险 as the registry writes it: the spelling imported, else the registry's word. */
export function riskWord(code: string, written: string | null, options: CountyOptions): string {
	return written ?? RISK_WORDS[code] ?? options.risk.find((o) => o.code === code)?.nameZh ?? code;
}

/**
 * The county's code for a category or risk written in Chinese: the registry's own word
 * first, then the county's list (with or without 因). A risk nobody knows is 'other' (the
 * spelling is stored beside it, so nothing is lost).
 */
export function codeFor(
	options: CountyOptions,
	list: 'category' | 'risk',
	written: string
): string {
	if (list === 'risk') {
		const registry = Object.entries(RISK_WORDS).find(([, word]) => word === written);
		if (registry && options.risk.some((o) => o.code === registry[0])) return registry[0];
	}
	const plain = written.replace(/^因/, '');
	const byName = (o: CountyOption) => o.nameZh === written || o.nameZh.replace(/^因/, '') === plain;
	const found =
		options[list].find(byName) ??
		options[list].find((o) => plain.startsWith(o.nameZh.replace(/^因/, '')));
	return found?.code ?? (list === 'risk' ? 'other' : 'ordinary');
}

/** The registry column each of the county's measure codes is written in. */
const MEASURE_COLUMN: Record<string, RegistryField> = {
	industry: 'measureIndustry',
	employment: 'measureEmployment',
	public_welfare_job: 'measurePublicWelfareJob',
	small_loan: 'measureFinance',
	drinking_water: 'measureDrinkingWater',
	medical: 'measureHealth',
	education: 'measureEducation',
	housing_repair: 'measureHousing',
	social_assistance: 'measureSocialAssistance',
	insurance: 'measureSocialAssistance',
	dibao: 'measureSocialAssistance'
};

export function measureColumn(code: string): RegistryField {
	return MEASURE_COLUMN[code] ?? 'measureOther';
}

/** A measure's text as the export writes it: its description, else the county's name for it. */
export function measureText(code: string, description: string | null, options: CountyOptions) {
	return description ?? options.measure.find((o) => o.code === code)?.nameZh ?? code;
}

/** Two measures are one when they sit in the same registry column with the same text. */
export function measureKey(code: string, description: string | null, options: CountyOptions) {
	return `${measureColumn(code)}|${measureText(code, description, options)}`;
}
