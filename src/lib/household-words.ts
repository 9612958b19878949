import { m } from './paraglide/messages.js';
import { formatFen, formatGrams, formatMu, type Locale } from './format';

// The household's pages in the words a family uses. Every message is called by name (no
// lookup by key): a keyed lookup pulls every message of the app into the page's script.

export type MoneyGroup = 'work' | 'farm' | 'property' | 'support';
export type EntryGroup = MoneyGroup | 'cost' | 'expense';

export const MONEY_GROUPS: readonly MoneyGroup[] = ['work', 'farm', 'property', 'support'];

export function groupName(group: EntryGroup): string {
	switch (group) {
		case 'work':
			return m.my_group_work();
		case 'farm':
			return m.my_group_farm();
		case 'property':
			return m.my_group_property();
		case 'support':
			return m.my_group_support();
		case 'cost':
			return m.my_group_cost();
		case 'expense':
			return m.my_group_expense();
	}
}

/** The official term behind a group, for those who want it ("工资性收入"). */
export function groupTerm(group: EntryGroup): string {
	const line = (() => {
		switch (group) {
			case 'work':
				return m.my_term_work();
			case 'farm':
				return m.my_term_farm();
			case 'property':
				return m.my_term_property();
			case 'support':
				return m.my_term_support();
			case 'cost':
				return m.my_term_cost();
			case 'expense':
				return m.my_group_expense();
		}
	})();
	// "打工挣的 = 工资性收入" → "工资性收入"
	return line.split(' = ').pop() ?? line;
}

/** What an entry was, in plain words; an unknown subtype falls back to "进账". */
export function subtypeWords(subtype: string, locale?: Locale): string {
	const options = locale ? { locale } : undefined;
	switch (subtype) {
		case 'public_welfare_job':
			return m.my_what_public_welfare_job({}, options);
		case 'temporary_job':
			return m.my_what_temporary_job({}, options);
		case 'migrant_work':
			return m.my_what_migrant_work({}, options);
		case 'livestock_sale':
			return m.my_what_livestock_sale({}, options);
		case 'crop_sale':
			return m.my_what_crop_sale({}, options);
		case 'other_operating':
			return m.my_what_other_operating({}, options);
		case 'pv_dividend':
			return m.my_what_pv_dividend({}, options);
		case 'land_rent':
			return m.my_what_land_rent({}, options);
		case 'dibao':
			return m.my_what_dibao({}, options);
		case 'pension':
			return m.my_what_pension({}, options);
		case 'disability_allowance':
			return m.my_what_disability_allowance({}, options);
		case 'other_transfer':
			return m.my_what_other_transfer({}, options);
		case 'production_cost':
			return m.my_what_production_cost({}, options);
		case 'medical':
			return m.my_what_medical({}, options);
		case 'schooling':
			return m.my_what_schooling({}, options);
		case 'disaster_loss':
			return m.my_what_disaster_loss({}, options);
		case 'anti_poverty_insurance':
			return m.my_what_anti_poverty_insurance({}, options);
		case 'industry_insurance':
			return m.my_what_industry_insurance({}, options);
		case 'migrant_insurance':
			return m.my_what_migrant_insurance({}, options);
		case 'picking':
			return m.my_source_picking({}, options);
		case 'factory_wage':
			return m.my_source_factory_wage({}, options);
		case 'planting_subsidy':
			return m.my_source_planting_subsidy({}, options);
		default:
			return m.my_what_money({}, options);
	}
}

export function sourceWords(source: string): string {
	switch (source) {
		case 'picking':
			return m.my_source_picking();
		case 'factory_wage':
			return m.my_source_factory_wage();
		case 'planting_subsidy':
			return m.my_source_planting_subsidy();
		case 'insurance':
			return m.my_source_insurance();
		default:
			return m.my_source_manual();
	}
}

/** "2026-08-18" → "8月18日" / "18 Aug": the year is in the heading around it. */
export function dayText(isoDate: string, locale: Locale): string {
	const [year, month, day] = isoDate.split('-').map(Number);
	if (locale === 'zh-CN') return `${month}月${day}日`;
	return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' })
		.format(new Date(Date.UTC(year, month - 1, day)))
		.replace(/\.$/, '');
}

/** "2026-11" → "11月" / "Nov". */
export function monthText(month: string, locale: Locale): string {
	const [year, number] = month.split('-').map(Number);
	if (locale === 'zh-CN') return `${number}月`;
	return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'short' }).format(
		new Date(Date.UTC(year, number - 1, 1))
	);
}

/** "2026-11" → "2026年11月" / "Nov 2026". */
export function yearMonthText(month: string, locale: Locale): string {
	const [year, number] = month.split('-').map(Number);
	if (locale === 'zh-CN') return `${year}年${number}月`;
	return `${monthText(month, locale)} ${year}`;
}

export interface SentenceEntry {
	businessDate: string;
	amountFen: number;
	group: EntryGroup;
	subtype: string;
	detail:
		| { type: 'picking'; stationName: string; pickedOn: string; weightGrams: number }
		| { type: 'wage'; factoryName: string; month: string }
		| { type: 'subsidy'; year: number; areaHundredthsMu: number }
		| { type: 'insurance' }
		| { type: 'other' };
}

/** An entry as a person says it: "8月18日 在后闫庄收购点摘花 20.15 公斤，工钱 ¥20.15". */
export function entrySentence(entry: SentenceEntry, locale: Locale): string {
	const options = { locale };
	const amount = formatFen(entry.amountFen, locale);
	const d = entry.detail;
	switch (d.type) {
		case 'picking': {
			const date = dayText(d.pickedOn, locale);
			const weight = formatGrams(d.weightGrams, locale);
			return m.my_entry_picking({ date, station: d.stationName, weight, amount }, options);
		}
		case 'wage':
			return m.my_entry_wage(
				{ month: monthText(d.month, locale), factory: d.factoryName, amount },
				options
			);
		case 'subsidy':
			return m.my_entry_subsidy(
				{ year: d.year, area: formatMu(d.areaHundredthsMu, locale), amount },
				options
			);
		case 'insurance': {
			const words = subtypeWords(entry.subtype, locale);
			const what =
				words === m.my_what_money({}, options) ? m.my_source_insurance({}, options) : words;
			return m.my_entry_insurance({ what, amount }, options);
		}
		case 'other': {
			const date = dayText(entry.businessDate, locale);
			const what = subtypeWords(entry.subtype, locale);
			return entry.group === 'cost'
				? m.my_entry_cost({ date, what, amount }, options)
				: m.my_entry_other({ date, what, amount }, options);
		}
	}
}

export const DIFFICULTIES = [
	'illness',
	'accident',
	'disaster',
	'lost_job',
	'big_expense',
	'other'
] as const;

export function difficultyName(what: string): string {
	switch (what) {
		case 'illness':
			return m.my_report_what_illness();
		case 'accident':
			return m.my_report_what_accident();
		case 'disaster':
			return m.my_report_what_disaster();
		case 'lost_job':
			return m.my_report_what_lost_job();
		case 'big_expense':
			return m.my_report_what_big_expense();
		default:
			return m.my_report_what_other();
	}
}

export const PROGRESS = ['received', 'visited', 'done'] as const;

export function progressName(step: string): string {
	switch (step) {
		case 'visited':
			return m.my_progress_visited();
		case 'done':
			return m.my_progress_done();
		default:
			return m.my_progress_received();
	}
}
