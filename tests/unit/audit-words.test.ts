import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	AUDIT_ACTIONS,
	auditActionWords,
	auditHeadline,
	describeAudit,
	type AuditNames
} from '../../src/lib/audit-words';
import { PROPOSAL_KINDS, PROPOSAL_STEPS } from '../../src/lib/server/monitoring/schema';
import { WARNING_STEPS } from '../../src/lib/server/warnings/schema';

// The audit log in words (issue 15): every action Levee records has its phrase, a row names
// the household and the person, and its before/after reads as words, not ids or JSON.

const root = join(import.meta.dirname, '../..');
function files(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return files(path);
		return name.endsWith('.ts') ? [path] : [];
	});
}

/** Every action code the server writes, read from its source (templates expanded). */
function actionsInCode(): Set<string> {
	const found = new Set<string>();
	const templates = new Set<string>();
	for (const file of files(join(root, 'src/lib/server'))) {
		const text = readFileSync(file, 'utf8');
		if (!/recordAudit\(|auditLog/.test(text)) continue;
		for (const match of text.matchAll(/\baction\b[:,]/g)) {
			const near = text.slice(match.index, match.index + 160).split(/\bentity\b/)[0];
			for (const literal of near.matchAll(/'([a-z_]+(?:\.[a-z_]+)+)'/g)) found.add(literal[1]);
			for (const literal of near.matchAll(/`([a-z_]+\.[a-z_]*)\$\{/g)) templates.add(literal[1]);
		}
	}
	// The actions built from a step or a decision, each expanded from its list.
	expect([...templates].sort()).toEqual(['insurance.claim_', 'proposal.', 'warnings.']);
	for (const kind of PROPOSAL_KINDS) found.add(`proposal.${kind}`);
	for (const step of PROPOSAL_STEPS) found.add(`proposal.${step}`);
	for (const step of WARNING_STEPS) found.add(`warnings.${step}`);
	for (const decision of ['approve', 'reject']) found.add(`insurance.claim_${decision}`);
	return found;
}

const HOUSEHOLD = '01a22ec3-a0c0-7642-9923-e2b01c880484';
const MEMBER = '01a22ec3-a0c1-75ba-8a1c-f5cc91dd368a';
const names: AuditNames = {
	[`household:${HOUSEHOLD}`]: '王秀英',
	[`member:${MEMBER}`]: '李小军'
};

describe('the audit log in words', () => {
	it('knows every action the server records', () => {
		const known = new Set<string>(AUDIT_ACTIONS);
		const inCode = actionsInCode();
		expect(inCode.size).toBeGreaterThan(80);
		const missing = [...inCode].filter((action) => !known.has(action));
		expect(missing).toEqual([]);
	});

	it('has a phrase in both languages for every known action, never the code', () => {
		for (const action of AUDIT_ACTIONS) {
			for (const locale of ['zh-CN', 'en'] as const) {
				const words = auditActionWords(action, locale);
				expect(words, action).not.toContain(action);
				expect(words, action).not.toMatch(/其他改动|another change/);
				expect(words.trim(), action).not.toBe('');
			}
		}
	});

	it('still says an unknown action in words: its area when known, else “another change”', () => {
		expect(auditActionWords('members.merge', 'zh-CN')).toBe('家庭成员：其他改动');
		expect(auditActionWords('members.merge', 'en')).toBe('family members: another change');
		expect(auditActionWords('teleport.household', 'zh-CN')).toBe('其他改动');
		const row = { action: 'teleport.household', entity: 'household', entityId: HOUSEHOLD };
		expect(
			auditHeadline(describeAudit({ ...row, before: null, after: null }, names, 'zh-CN'))
		).toBe('王秀英家 · 其他改动');
	});

	it('names the household by its head and the new member by name', () => {
		const words = describeAudit(
			{
				action: 'members.join',
				entity: 'household',
				entityId: HOUSEHOLD,
				before: null,
				after: {
					member: MEMBER,
					event: 'birth',
					happenedOn: '2026-03-05',
					name: '李小军',
					relation: '之子',
					idNumber: '130434********1234'
				}
			},
			names,
			'zh-CN'
		);
		expect(auditHeadline(words)).toBe('王秀英家 · 新增家庭成员 李小军');
		expect(words.householdId).toBe(HOUSEHOLD);
		const lines = Object.fromEntries(words.changes.map((c) => [c.label, c.after]));
		expect(lines['日期']).toBe('2026年3月5日');
		expect(lines['与户主关系']).toBe('之子');
		expect(lines['身份证号']).toBe('130434********1234');
		// The member's id is the headline's name, not a line of its own.
		expect(JSON.stringify(words)).not.toContain(MEMBER);
	});

	it('shows money in yuan, only the fields that changed, and masks an identity number it meets', () => {
		const words = describeAudit(
			{
				action: 'members.update',
				entity: 'household',
				entityId: HOUSEHOLD,
				before: {
					member: MEMBER,
					name: '李晓军',
					idNumber: '130434199001011234',
					relation: '之子'
				},
				after: { member: MEMBER, name: '李小军', idNumber: '130434199001011234', relation: '之子' }
			},
			names,
			'zh-CN'
		);
		expect(auditHeadline(words)).toBe('王秀英家 · 修改家庭成员 李小军 的信息');
		expect(words.changes).toEqual([{ label: '姓名/名称', before: '李晓军', after: '李小军' }]);
		const paid = describeAudit(
			{
				action: 'insurance.claim_pay',
				entity: 'household',
				entityId: HOUSEHOLD,
				before: null,
				after: { claim: MEMBER, entry: MEMBER, paidOn: '2026-05-29', amountFen: 3933415 }
			},
			names,
			'zh-CN'
		);
		expect(paid.changes).toEqual([
			{ label: '发放日期', before: null, after: '2026年5月29日' },
			{ label: '金额', before: null, after: '¥39,334.15' }
		]);
		const text = JSON.stringify(
			describeAudit(
				{
					action: 'members.update',
					entity: 'household',
					entityId: HOUSEHOLD,
					before: { idNumber: '130434199001011234' },
					after: { idNumber: '13043419900101123X' }
				},
				names,
				'en'
			)
		);
		expect(text).not.toMatch(/\d{17}[\dX]/);
		expect(text).toContain('130434********1234');
	});

	it('says a ledger posting, a warning and a wage sheet in words', () => {
		const post = describeAudit(
			{
				action: 'ledger.post',
				entity: 'household',
				entityId: HOUSEHOLD,
				before: null,
				after: { kind: 'transfer', entry: MEMBER, subtype: 'insurance_payout', amountFen: 440000 }
			},
			names,
			'zh-CN'
		);
		expect(auditHeadline(post)).toBe('王秀英家 · 记入一笔收入');
		expect(post.changes.map((c) => c.after)).toContain('¥4,400.00');
		expect(post.changes.map((c) => c.after)).not.toContain('transfer');
		const warning = describeAudit(
			{
				action: 'warning.raise',
				entity: 'household',
				entityId: HOUSEHOLD,
				before: null,
				after: { warning: MEMBER, kind: 'job_ended', source: 'rule', evidence: { gapDays: 30 } }
			},
			names,
			'zh-CN'
		);
		expect(auditHeadline(warning)).toMatch(/^王秀英家 · 发出预警：\S+/);
		expect(auditHeadline(warning)).not.toContain('job_ended');
		expect(warning.changes.find((c) => c.label === '依据 · 间隔天数')?.after).toBe('30');
		const wages = describeAudit(
			{
				action: 'wages.save',
				entity: 'factory',
				entityId: MEMBER,
				before: { month: '2026-10', wages: [[HOUSEHOLD, 250000]] },
				after: { month: '2026-10', wages: [[HOUSEHOLD, '张秀兰', 260000]] }
			},
			{ [`factory:${MEMBER}`]: '连枣林微工厂' },
			'zh-CN'
		);
		expect(auditHeadline(wages)).toBe('连枣林微工厂 · 保存工资表');
		expect(wages.changes).toEqual([
			{ label: '月份', before: null, after: '2026年10月' },
			{ label: '张秀兰', before: '¥2,500.00', after: '¥2,600.00' }
		]);
	});

	it('never shows an id it could not name, nor any JSON', () => {
		const words = describeAudit(
			{
				action: 'jobs.hire',
				entity: 'factory',
				entityId: MEMBER,
				before: null,
				after: { job: HOUSEHOLD, memberId: MEMBER, workerName: '张秀兰', startedOn: '2026-04-01' }
			},
			{},
			'zh-CN'
		);
		expect(auditHeadline(words)).toBe('微工厂 · 招用工人 张秀兰');
		const text = JSON.stringify(words.changes);
		expect(text).not.toContain(HOUSEHOLD);
		expect(text).not.toContain(MEMBER);
		expect(words.changes.every((c) => !/[{}[\]]/.test(`${c.before}${c.after}`))).toBe(true);
	});
});
