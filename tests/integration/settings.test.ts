import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database, Db } from '../../src/lib/server/db';
import type { Actor, UserActor } from '../../src/lib/server/auth/actor';
import { systemActor } from '../../src/lib/server/auth/actor';
import { listAudit } from '../../src/lib/server/audit';
import { newId } from '../../src/lib/server/db/ids';
import { DomainError } from '../../src/lib/server/errors';
import { listHouseholds } from '../../src/lib/server/households';
import { standingCounts, storedStandingOf } from '../../src/lib/server/income/standing-read';
import { householdStandings } from '../../src/lib/server/income/schema';
import {
	addMeasure,
	getCountyOptions,
	writeMonitoringRecord
} from '../../src/lib/server/monitoring';
import {
	addOption,
	deleteOption,
	listOptionsForAdmin,
	moveOption,
	renameOption,
	setOptionActive
} from '../../src/lib/server/monitoring/options';
import { getCountySettings, monitoringLineFor } from '../../src/lib/server/settings';
import { saveMonitoringLine } from '../../src/lib/server/settings/line';
import { CEILING_RANGES, RULE_RANGES } from '../../src/lib/server/settings/ranges';
import { saveCeilings, saveRuleThresholds } from '../../src/lib/server/settings/thresholds';
import { openWarningCounts } from '../../src/lib/server/warnings/counts';
import { warnings } from '../../src/lib/server/warnings/schema';
import { actorFor, buildWorld, createHousehold, type World } from './fixtures';
import { freshDatabase } from './helpers';

// The county re-evaluation is the account work's; here every call to it is recorded and
// passed through to whatever it does, so the settings side can be checked either way.
const reevaluations = vi.hoisted(
	() => [] as { countyId: string; reason: string; actor: string | null }[]
);
import type { StandingReason } from '../../src/lib/server/income/standings';

vi.mock('../../src/lib/server/income/standings', async (importActual) => {
	const actual = await importActual<typeof import('../../src/lib/server/income/standings')>();
	return {
		...actual,
		reevaluateCounty: async (db: Db, actor: Actor, countyId: string, reason: StandingReason) => {
			reevaluations.push({ countyId, reason, actor: actor.userId });
			return actual.reevaluateCounty(db, actor, countyId, reason);
		}
	};
});

const TODAY = '2026-11-30';
let database: Database;
let world: World;
let admin: UserActor;
let adminB: UserActor;
let staff: UserActor;

beforeAll(async () => {
	database = await freshDatabase();
	world = await buildWorld(database.db);
	admin = (await actorFor(database.db, world.userIds.admin)).user;
	adminB = (await actorFor(database.db, world.userIds.adminB)).user;
	staff = (await actorFor(database.db, world.userIds.staffIn)).user;
});
afterAll(async () => {
	await database.close();
});
beforeEach(() => {
	reevaluations.length = 0;
});

/** The field → message key pairs a refused change gave, or [] when it went through. */
async function refusal(work: Promise<unknown>): Promise<string[]> {
	try {
		await work;
		return [];
	} catch (caught) {
		if (!(caught instanceof DomainError)) throw caught;
		return caught.issues.map((i) => `${i.field}:${i.key}`);
	}
}

async function auditCount(action: string, countyId = world.countyA.id): Promise<number> {
	return (await listAudit(database.db, countyId, { action, limit: 1000 })).length;
}

describe('the monitoring line', () => {
	it('refuses a line of zero, below zero, or of an absurd size, and writes nothing', async () => {
		const cases: [string, string][] = [
			['0', 'line:settings_error_line_positive'],
			['0.00', 'line:settings_error_line_positive'],
			['-7500', 'line:settings_error_line_positive'],
			['999.99', 'line:settings_error_line_range'],
			['50,000.01', 'line:settings_error_line_range'],
			['750000000000000000', 'line:settings_error_line_range'],
			['七千五', 'line:settings_error_line_format'],
			['7,50', 'line:input_error_comma'],
			['', 'line:settings_error_line_required']
		];
		const audited = await auditCount('settings.line');
		for (const [line, expected] of cases) {
			expect(
				await refusal(saveMonitoringLine(database.db, admin, { year: '2019', line }, TODAY)),
				line
			).toEqual([expected]);
		}
		expect(await monitoringLineFor(database.db, world.countyA.id, 2019)).toBeNull();
		expect(await auditCount('settings.line')).toBe(audited);
		expect(reevaluations).toEqual([]);
	});

	it('takes the bounds themselves: 1,000 and 50,000 yuan', async () => {
		await saveMonitoringLine(database.db, admin, { year: '2016', line: '1,000' }, TODAY);
		expect(await monitoringLineFor(database.db, world.countyA.id, 2016)).toBe(100_000);
		await saveMonitoringLine(database.db, admin, { year: '2016', line: '50000' }, TODAY);
		expect(await monitoringLineFor(database.db, world.countyA.id, 2016)).toBe(5_000_000);
	});

	it('refuses a year before 2015 or after next year, with every bad field at once', async () => {
		for (const year of ['2014', '2028', '20xx', '']) {
			expect(
				await refusal(saveMonitoringLine(database.db, admin, { year, line: '0' }, TODAY)),
				year
			).toEqual(['year:settings_error_year', 'line:settings_error_line_positive']);
		}
		const saved = await saveMonitoringLine(
			database.db,
			admin,
			{ year: '2027', line: '8500' },
			TODAY
		);
		expect(saved.year).toBe(2027);
	});

	it('stores "7,500" yuan as fen, audits before and after, and re-evaluates the county', async () => {
		const first = await saveMonitoringLine(
			database.db,
			admin,
			{ year: '2020', line: '7,500' },
			TODAY
		);
		expect(first).toMatchObject({ year: 2020, lineFen: 750_000, beforeFen: null, changed: true });
		expect(first.reevaluation?.households).toBeTypeOf('number');
		expect(first.reevaluation?.ms).toBeGreaterThanOrEqual(0);
		expect(await monitoringLineFor(database.db, world.countyA.id, 2020)).toBe(750_000);

		const second = await saveMonitoringLine(
			database.db,
			admin,
			{ year: '2020', line: '８０００' },
			TODAY
		);
		expect(second).toMatchObject({ lineFen: 800_000, beforeFen: 750_000, changed: true });
		const rows = await listAudit(database.db, world.countyA.id, {
			entity: 'monitoring_line',
			entityId: '2020'
		});
		expect(rows.map((r) => [r.actorUserId, r.before, r.after])).toEqual([
			[admin.userId, { year: 2020, lineFen: 750_000 }, { year: 2020, lineFen: 800_000 }],
			[admin.userId, null, { year: 2020, lineFen: 750_000 }]
		]);
		expect(reevaluations).toEqual([
			{ countyId: world.countyA.id, reason: 'line_change', actor: admin.userId },
			{ countyId: world.countyA.id, reason: 'line_change', actor: admin.userId }
		]);
	});

	it('saving the same line again changes nothing and re-evaluates nothing', async () => {
		await saveMonitoringLine(database.db, admin, { year: '2021', line: '7800' }, TODAY);
		reevaluations.length = 0;
		const audited = await auditCount('settings.line');
		const again = await saveMonitoringLine(
			database.db,
			admin,
			{ year: '2021', line: '7,800.00' },
			TODAY
		);
		expect(again).toMatchObject({ changed: false, reevaluation: null });
		expect(await auditCount('settings.line')).toBe(audited);
		expect(reevaluations).toEqual([]);
	});

	it('is the county admin’s alone, and only for their own county', async () => {
		expect(
			await refusal(saveMonitoringLine(database.db, staff, { year: '2022', line: '7500' }, TODAY))
		).toEqual([':error_not_found']);
		await saveMonitoringLine(database.db, adminB, { year: '2022', line: '9000' }, TODAY);
		expect(await monitoringLineFor(database.db, world.countyB.id, 2022)).toBe(900_000);
		expect(await monitoringLineFor(database.db, world.countyA.id, 2022)).toBeNull();
	});
});

/** Every threshold at its current value, as a form would send them. */
async function currentRules(countyId = world.countyA.id): Promise<Record<string, string>> {
	const settings = await getCountySettings(database.db, countyId);
	return Object.fromEntries(RULE_RANGES.map((r) => [r.key, String(settings[r.key])]));
}

describe('rule thresholds', () => {
	it('refuses each threshold one below its minimum and one above its maximum', async () => {
		const before = await getCountySettings(database.db, world.countyA.id);
		const audited = await auditCount('settings.rules');
		for (const { key, min, max } of RULE_RANGES) {
			for (const value of [String(min - 1), String(max + 1), '1.5', 'x', '']) {
				expect(
					await refusal(
						saveRuleThresholds(database.db, admin, { ...(await currentRules()), [key]: value })
					),
					`${key}=${value}`
				).toEqual([`${key}:settings_error_range`]);
			}
		}
		expect(await getCountySettings(database.db, world.countyA.id)).toEqual(before);
		expect(await auditCount('settings.rules')).toBe(audited);
	});

	it('holds the national minimums: a 4-day public notice and 5 stable months are refused', async () => {
		const rules = await currentRules();
		expect(
			await refusal(
				saveRuleThresholds(database.db, admin, {
					...rules,
					publicNoticeDays: '4',
					eliminationStableMonths: '5'
				})
			)
		).toEqual([
			'publicNoticeDays:settings_error_range',
			'eliminationStableMonths:settings_error_range'
		]);
	});

	it('takes each threshold at its minimum and at its maximum', async () => {
		for (const bound of ['min', 'max'] as const) {
			const values = Object.fromEntries(RULE_RANGES.map((r) => [r.key, String(r[bound])]));
			await saveRuleThresholds(database.db, admin, values);
			const settings = await getCountySettings(database.db, world.countyA.id);
			for (const r of RULE_RANGES) expect(settings[r.key], r.key).toBe(r[bound]);
		}
	});

	it('writes nothing when one field is bad, even though others changed', async () => {
		const before = await getCountySettings(database.db, world.countyA.id);
		const rules = await currentRules();
		const changedMargin = before.nearLineMarginPct === 12 ? '13' : '12';
		expect(
			await refusal(
				saveRuleThresholds(database.db, admin, {
					...rules,
					nearLineMarginPct: changedMargin,
					jobGapDays: '366'
				})
			)
		).toEqual(['jobGapDays:settings_error_range']);
		expect(await getCountySettings(database.db, world.countyA.id)).toEqual(before);
		expect(reevaluations).toEqual([]);
	});

	it('audits what changed and re-evaluates only after a change of the near-the-line margin', async () => {
		const rules = await currentRules();
		const gap = rules.jobGapDays === '45' ? '46' : '45';
		const onlyGap = await saveRuleThresholds(database.db, admin, { ...rules, jobGapDays: gap });
		expect(onlyGap).toEqual({ changed: ['jobGapDays'], reevaluation: null });
		expect(reevaluations).toEqual([]);
		const [row] = await listAudit(database.db, world.countyA.id, { action: 'settings.rules' });
		expect(row.before).toEqual({ jobGapDays: Number(rules.jobGapDays) });
		expect(row.after).toEqual({ jobGapDays: Number(gap) });

		const margin = rules.nearLineMarginPct === '15' ? '16' : '15';
		const withMargin = await saveRuleThresholds(database.db, admin, {
			...rules,
			jobGapDays: gap,
			nearLineMarginPct: margin
		});
		expect(withMargin.changed).toEqual(['nearLineMarginPct']);
		expect(withMargin.reevaluation).not.toBeNull();
		expect(reevaluations).toEqual([
			{ countyId: world.countyA.id, reason: 'rule_change', actor: admin.userId }
		]);
		expect((await getCountySettings(database.db, world.countyA.id)).nearLineMarginPct).toBe(
			Number(margin)
		);

		const same = await saveRuleThresholds(database.db, admin, await currentRules());
		expect(same).toEqual({ changed: [], reevaluation: null });
	});

	it('changes one county only, and is refused to township staff', async () => {
		const beforeB = await getCountySettings(database.db, world.countyB.id);
		const rules = await currentRules();
		await saveRuleThresholds(database.db, admin, {
			...rules,
			verificationDueWorkingDays: rules.verificationDueWorkingDays === '3' ? '4' : '3'
		});
		expect(await getCountySettings(database.db, world.countyB.id)).toEqual(beforeB);
		expect(await refusal(saveRuleThresholds(database.db, staff, rules))).toEqual([
			':error_not_found'
		]);
	});
});

describe('ceilings', () => {
	const sane = { ledgerCeiling: '1,000,000', monthlyWageCeiling: '20000', weighInCeiling: '100' };

	it('stores yuan as fen and kilograms as grams', async () => {
		await saveCeilings(database.db, admin, {
			ledgerCeiling: '200,000',
			monthlyWageCeiling: '15000.50',
			weighInCeiling: '80.5'
		});
		const settings = await getCountySettings(database.db, world.countyA.id);
		expect(settings.ledgerCeilingFen).toBe(20_000_000);
		expect(settings.monthlyWageCeilingFen).toBe(1_500_050);
		expect(settings.weighInCeilingGrams).toBe(80_500);
	});

	it('refuses each ceiling just outside its range, and writes nothing', async () => {
		await saveCeilings(database.db, admin, sane);
		const before = await getCountySettings(database.db, world.countyA.id);
		for (const { field, unit, min, max } of CEILING_RANGES) {
			const scale = unit === 'yuan' ? 100 : 1000;
			const step = unit === 'yuan' ? 0.01 : 0.001;
			for (const value of [
				(min / scale - step).toFixed(3),
				(max / scale + step).toFixed(3),
				'0',
				'-5'
			]) {
				const issues = await refusal(saveCeilings(database.db, admin, { ...sane, [field]: value }));
				expect(issues, `${field}=${value}`).toHaveLength(1);
				expect(issues[0]).toMatch(new RegExp(`^${field}:settings_error_(money|kg)_range$`));
			}
		}
		expect(await getCountySettings(database.db, world.countyA.id)).toEqual(before);
	});
});

describe('option lists', () => {
	it('never puts the ordinary category out of use', async () => {
		expect(
			await refusal(
				setOptionActive(database.db, admin, { list: 'category', code: 'ordinary' }, false)
			)
		).toEqual(['code:settings_error_option_ordinary']);
		const options = await listOptionsForAdmin(database.db, admin, 'category');
		expect(options.find((o) => o.code === 'ordinary')).toMatchObject({
			active: true,
			canDeactivate: false
		});
	});

	it('never deletes a code in use or a national code, and deletes an unused county code', async () => {
		const household = await createHousehold(database.db, world.countyA.id, '130434108068');
		const risk = await addOption(database.db, admin, {
			list: 'risk',
			nameZh: '因婚',
			nameEn: 'Marriage costs'
		});
		await writeMonitoringRecord(database.db, systemActor('test'), world.countyA.id, household, {
			category: 'marginal',
			status: 'monitored',
			monitoredSince: '2026-03-01',
			risks: [risk]
		});
		expect(await refusal(deleteOption(database.db, admin, { list: 'risk', code: risk }))).toEqual([
			'code:settings_error_option_in_use'
		]);
		expect(
			await refusal(deleteOption(database.db, admin, { list: 'risk', code: 'housing' }))
		).toEqual(['code:settings_error_option_national']);

		const measure = await addOption(database.db, admin, {
			list: 'measure',
			code: 'cattle_loan',
			nameZh: '养牛贷款',
			nameEn: 'Cattle loan',
			developmental: 'on'
		});
		await addMeasure(database.db, admin, household, { measure, startedOn: '2026-04-01' });
		expect(
			await refusal(deleteOption(database.db, admin, { list: 'measure', code: measure }))
		).toEqual(['code:settings_error_option_in_use']);
		const listed = (await listOptionsForAdmin(database.db, admin, 'measure')).find(
			(o) => o.code === measure
		);
		expect(listed).toMatchObject({ inUse: 1, canDelete: false, developmental: true });

		const spare = await addOption(database.db, admin, {
			list: 'category',
			nameZh: '试点户',
			nameEn: 'Pilot household'
		});
		await deleteOption(database.db, admin, { list: 'category', code: spare });
		expect(
			(await getCountyOptions(database.db, world.countyA.id)).category.map((c) => c.code)
		).not.toContain(spare);
		const [deleted] = await listAudit(database.db, world.countyA.id, {
			action: 'settings.option_delete'
		});
		expect(deleted.entityId).toBe(`category:${spare}`);
	});

	it('makes a code when none is typed, and refuses a taken code, a bad code or a name twice', async () => {
		const made = await addOption(database.db, admin, {
			list: 'risk',
			nameZh: '因债务',
			nameEn: 'Debt'
		});
		expect(made).toMatch(/^risk_\d+$/);
		expect(
			await refusal(
				addOption(database.db, admin, { list: 'risk', code: made, nameZh: '因赌', nameEn: 'x' })
			)
		).toEqual(['code:settings_error_option_code_taken']);
		expect(
			await refusal(
				addOption(database.db, admin, { list: 'risk', code: '9lives', nameZh: '', nameEn: '' })
			)
		).toEqual([
			'code:settings_error_option_code',
			'nameZh:settings_error_option_name_zh',
			'nameEn:settings_error_option_name_en'
		]);
		expect(
			await refusal(
				addOption(database.db, admin, { list: 'risk', nameZh: '因病', nameEn: 'Illness again' })
			)
		).toEqual(['nameZh:settings_error_option_name_taken']);
		expect(
			await refusal(addOption(database.db, admin, { list: 'colours', nameZh: '红', nameEn: 'Red' }))
		).toEqual(['list:settings_error_option_list']);
	});

	it('renames, reorders, puts out of use and back, each audited', async () => {
		const code = await addOption(database.db, admin, {
			list: 'measure',
			nameZh: '技能培训',
			nameEn: 'Skills training'
		});
		await renameOption(database.db, admin, {
			list: 'measure',
			code,
			nameZh: '职业技能培训',
			nameEn: 'Vocational training',
			developmental: '1'
		});
		let options = await listOptionsForAdmin(database.db, admin, 'measure');
		const last = options.length - 1;
		expect(options[last]).toMatchObject({
			code,
			nameZh: '职业技能培训',
			nameEn: 'Vocational training',
			developmental: true
		});

		await moveOption(database.db, admin, { list: 'measure', code, direction: 'up' });
		options = await listOptionsForAdmin(database.db, admin, 'measure');
		expect(options[last - 1].code).toBe(code);
		// The last item moving down stays where it is.
		const bottom = options[last].code;
		await moveOption(database.db, admin, { list: 'measure', code: bottom, direction: 'down' });
		expect((await listOptionsForAdmin(database.db, admin, 'measure'))[last].code).toBe(bottom);
		expect((await getCountyOptions(database.db, world.countyA.id)).measure[last - 1].code).toBe(
			code
		);

		await setOptionActive(database.db, admin, { list: 'measure', code }, false);
		expect(
			(await getCountyOptions(database.db, world.countyA.id)).measure.map((m) => m.code)
		).not.toContain(code);
		await setOptionActive(database.db, admin, { list: 'measure', code }, true);
		expect(
			(await getCountyOptions(database.db, world.countyA.id)).measure.map((m) => m.code)
		).toContain(code);

		const actions = (
			await listAudit(database.db, world.countyA.id, {
				entity: 'county_option',
				entityId: `measure:${code}`
			})
		).map((r) => r.action);
		expect(actions).toEqual([
			'settings.option_reactivate',
			'settings.option_deactivate',
			'settings.option_move',
			'settings.option_rename',
			'settings.option_add'
		]);
	});

	it('is the county admin’s alone', async () => {
		expect(
			await refusal(addOption(database.db, staff, { list: 'risk', nameZh: '因旱', nameEn: 'x' }))
		).toEqual([':error_not_found']);
		expect(
			await refusal(setOptionActive(database.db, staff, { list: 'risk', code: 'other' }, false))
		).toEqual([':error_not_found']);
	});
});

describe('below the line, from the stored standings', () => {
	async function stand(
		householdId: string,
		standing: { belowLine: boolean | null; nearLine?: boolean; perCapitaFen: number | null },
		countyId = world.countyA.id
	): Promise<void> {
		const values = {
			countyId,
			householdId,
			evaluatedOn: '2026-11-30',
			netFen: (standing.perCapitaFen ?? 0) * 2,
			residents: standing.perCapitaFen === null ? 0 : 2,
			perCapitaFen: standing.perCapitaFen,
			lineFen: 800_000,
			belowLine: standing.belowLine,
			nearLine: standing.nearLine ?? false,
			reason: 'test'
		};
		await database.db
			.insert(householdStandings)
			.values(values)
			.onConflictDoUpdate({
				target: [householdStandings.countyId, householdStandings.householdId],
				set: values
			});
	}

	async function village(code: string, count: number): Promise<string[]> {
		const ids: string[] = [];
		for (let i = 0; i < count; i++)
			ids.push(await createHousehold(database.db, world.countyA.id, code, `刘${i}`));
		return ids;
	}

	it('filters the household list below, near and cannot-compute, within the person’s scope', async () => {
		// A village of its own, so other tests' households do not count here.
		const [below1, below2, near, above, empty] = await village('130434108070', 5);
		const [outBelow] = await village('130434205213', 1);
		await stand(below1, { belowLine: true, perCapitaFen: 500_000 });
		await stand(below2, { belowLine: true, perCapitaFen: 790_000 });
		await stand(near, { belowLine: false, nearLine: true, perCapitaFen: 850_000 });
		await stand(above, { belowLine: false, perCapitaFen: 1_200_000 });
		await stand(empty, { belowLine: null, perCapitaFen: null });
		await stand(outBelow, { belowLine: true, perCapitaFen: 100_000 });
		const ids = async (actor: UserActor, standing: string, villageCode = '130434108070') =>
			(await listHouseholds(database.db, actor, { standing, villageCode }, 1, 50)).items
				.map((i) => i.id)
				.sort();

		expect(await ids(admin, 'below')).toEqual([below1, below2].sort());
		expect(await ids(admin, 'near')).toEqual([near]);
		expect(await ids(admin, 'unknown')).toEqual([empty]);
		expect(await ids(admin, '')).toEqual([below1, below2, near, above, empty].sort());
		// Anything else is no filter at all, never an error.
		expect(await ids(admin, 'sideways')).toHaveLength(5);
		expect(await ids(admin, 'below', '130434205213')).toEqual([outBelow]);
		// Township staff of 东代固镇 do not see 前大磨乡's household below the line.
		expect(await ids(staff, 'below', '130434205213')).toEqual([]);
		expect(await ids(staff, 'below')).toEqual([below1, below2].sort());

		const page = await listHouseholds(database.db, admin, { villageCode: '130434108070' }, 1, 50);
		const marks = Object.fromEntries(page.items.map((i) => [i.id, i.standing]));
		expect(marks).toEqual({
			[below1]: 'below',
			[below2]: 'below',
			[near]: 'near',
			[above]: null,
			[empty]: 'unknown'
		});
	});

	it('gives the household page its per-capita income, line, gap and evaluation date', async () => {
		const [short, ahead, nobody] = await village('130434108072', 3);
		await stand(short, { belowLine: true, perCapitaFen: 740_000 });
		await stand(ahead, { belowLine: false, perCapitaFen: 1_035_000 });
		await stand(nobody, { belowLine: null, perCapitaFen: null });
		expect(await storedStandingOf(database.db, world.countyA.id, short)).toMatchObject({
			evaluatedOn: '2026-11-30',
			perCapitaFen: 740_000,
			lineFen: 800_000,
			gapFen: -60_000,
			mark: 'below'
		});
		expect(await storedStandingOf(database.db, world.countyA.id, ahead)).toMatchObject({
			gapFen: 235_000,
			mark: null
		});
		expect(await storedStandingOf(database.db, world.countyA.id, nobody)).toMatchObject({
			perCapitaFen: null,
			gapFen: null,
			mark: 'unknown'
		});
		const never = await createHousehold(database.db, world.countyA.id, '130434108072');
		expect(await storedStandingOf(database.db, world.countyA.id, never)).toBeNull();
	});

	it('counts below, near and cannot-compute for the county admin and for township staff', async () => {
		const before = {
			admin: await standingCounts(database.db, admin),
			staff: await standingCounts(database.db, staff),
			adminB: await standingCounts(database.db, adminB)
		};
		const [a, b, c] = await village('130434108071', 3);
		const [d] = await village('130434205214', 1);
		await stand(a, { belowLine: true, perCapitaFen: 1 });
		await stand(b, { belowLine: false, nearLine: true, perCapitaFen: 820_000 });
		await stand(c, { belowLine: null, perCapitaFen: null });
		await stand(d, { belowLine: true, perCapitaFen: 2 });
		const after = {
			admin: await standingCounts(database.db, admin),
			staff: await standingCounts(database.db, staff),
			adminB: await standingCounts(database.db, adminB)
		};
		expect(after.admin).toEqual({
			below: before.admin.below + 2,
			near: before.admin.near + 1,
			unknown: before.admin.unknown + 1
		});
		expect(after.staff).toEqual({
			below: before.staff.below + 1,
			near: before.staff.near + 1,
			unknown: before.staff.unknown + 1
		});
		expect(after.adminB).toEqual(before.adminB);
	});
});

describe('open warnings on the homes', () => {
	async function warn(
		householdId: string,
		kind: 'visit' | 'staff' | 'income_drop',
		status: 'open' | 'verified' | 'closed',
		dueOn: string
	): Promise<void> {
		await database.db.insert(warnings).values({
			countyId: world.countyA.id,
			id: newId(),
			householdId,
			kind,
			source: 'person',
			raisedOn: '2026-11-20',
			dueOn,
			status
		});
	}

	it('counts open, verified and overdue in the person’s area; closed ones are gone', async () => {
		const before = {
			admin: await openWarningCounts(database.db, admin, TODAY),
			staff: await openWarningCounts(database.db, staff, TODAY)
		};
		const inside = await createHousehold(database.db, world.countyA.id, '130434108068');
		const outside = await createHousehold(database.db, world.countyA.id, '130434205213');
		await warn(inside, 'visit', 'open', '2026-11-27');
		await warn(inside, 'staff', 'open', TODAY);
		await warn(inside, 'income_drop', 'verified', '2026-11-01');
		await warn(outside, 'visit', 'open', '2026-11-02');
		await warn(outside, 'staff', 'closed', '2026-11-02');
		const after = {
			admin: await openWarningCounts(database.db, admin, TODAY),
			staff: await openWarningCounts(database.db, staff, TODAY)
		};
		// Due today is not overdue yet; verified ones are never overdue for verification.
		expect(after.admin).toEqual({
			open: before.admin.open + 3,
			verified: before.admin.verified + 1,
			overdue: before.admin.overdue + 2
		});
		expect(after.staff).toEqual({
			open: before.staff.open + 2,
			verified: before.staff.verified + 1,
			overdue: before.staff.overdue + 1
		});
	});
});
