import { expect, test, type Page } from '@playwright/test';

// Risk elimination on a phone: township staff propose a candidate of the demo county and
// record home verification, the village review with its public notice and the township
// review (back-dated, as a clerk catching up does); the county admin approves, and the
// household's record says the risk is eliminated.

const SHOTS = process.env.E2E_SHOTS ?? 'test-results';

function chinaDate(daysFromToday: number): string {
	const now = new Date(Date.now() + daysFromToday * 86_400_000);
	return now.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill(username);
	await page.getByLabel('密码', { exact: true }).fill(password);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
}

test('staff propose elimination and walk the steps; the county approves', async ({ page }) => {
	await signIn(page, 'staff', 'weixian-staff');
	await page.getByRole('link', { name: '识别和风险消除' }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: '识别和风险消除' })).toBeVisible();
	await page.screenshot({ path: `${SHOTS}/proposals-list-360.png` });

	const candidates = page.getByRole('region', { name: '可以提议消除风险的监测户' });
	const first = candidates.locator('ul.list > li').first();
	await expect(first).toContainText('高于监测线');
	const name = (await first.locator('strong').first().innerText()).trim();
	await first.getByLabel('提议日期').fill(chinaDate(-12));
	await first.getByRole('button', { name: '提议消除风险' }).click();
	await expect(page).toHaveURL(/\/monitoring\/proposals\/[0-9a-f-]{36}\?proposed=1$/);
	await expect(page.getByText('已提议。下一步：入户核实。')).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
	const proposalUrl = page.url().replace(/\?.*$/, '');

	let next = page.getByRole('region', { name: /下一步/ });
	await expect(next.getByRole('heading')).toHaveText('下一步：入户核实');
	await next.getByLabel('日期', { exact: true }).fill(chinaDate(-11));
	await next.getByLabel('经办人').fill('网格员 李红');
	await next
		.getByLabel('核实情况')
		.fill('女儿在村里微工厂上班半年多了，收入稳定，看病的钱已经还上。');
	await next.getByRole('button', { name: '记下入户核实' }).click();
	await expect(page.getByText('已记下“入户核实”。')).toBeVisible();

	next = page.getByRole('region', { name: /下一步/ });
	await expect(next.getByRole('heading')).toHaveText('下一步：村级评议公示');
	await next.getByLabel('日期', { exact: true }).fill(chinaDate(-10));
	await next.getByLabel('经办人').fill('村两委');
	await next.getByLabel('公示开始日期').fill(chinaDate(-10));
	// Three days of notice: refused beside the field, nothing recorded.
	await next.getByLabel('公示结束日期').fill(chinaDate(-7));
	await next.getByRole('button', { name: '记下评议，开始公示' }).click();
	await expect(page.getByText('公示不少于 5 天，请把结束日期往后改。')).toBeVisible();
	await next.getByLabel('公示结束日期').fill(chinaDate(-5));
	await next.getByRole('button', { name: '记下评议，开始公示' }).click();
	await expect(page.getByText('已记下“村级评议公示”。')).toBeVisible();

	next = page.getByRole('region', { name: /下一步/ });
	await expect(next.getByRole('heading')).toHaveText('下一步：乡镇审核');
	await next.getByLabel('日期', { exact: true }).fill(chinaDate(-4));
	await next.getByLabel('经办人').fill('镇党委 审核');
	await next.getByRole('button', { name: '记下乡镇审核' }).click();
	await expect(page.getByText('已记下“乡镇审核”。')).toBeVisible();
	// The county approves; staff only see that it waits.
	await expect(page.getByText('等县防返贫办审批。')).toBeVisible();
	await expect(page.getByRole('button', { name: '批准' })).toHaveCount(0);

	await page.context().clearCookies();
	await signIn(page, 'admin', 'weixian-admin');
	await page.goto(proposalUrl, { waitUntil: 'networkidle' });
	next = page.getByRole('region', { name: /下一步/ });
	await expect(next.getByRole('heading')).toHaveText('下一步：县级审批');
	await next.getByLabel('经办人').fill('县防返贫办');
	await next.getByRole('button', { name: '批准' }).click();
	await expect(page.getByText('已记下“县级审批”。')).toBeVisible();
	await expect(page.locator('.status')).toHaveText('已批准');
	const steps = page.getByRole('region', { name: '办理过程' }).locator('li');
	await expect(steps).toHaveCount(5);
	await page.screenshot({ path: `${SHOTS}/proposal-approved-360.png`, fullPage: true });

	// The household's record: risk eliminated, kept, with its dated history.
	await page.getByRole('link', { name: '查看农户档案' }).click();
	await expect(page.getByText('风险已消除').first()).toBeVisible();
});

test('the data-quality page lists findings per township with how to fix them', async ({ page }) => {
	await signIn(page, 'staff', 'weixian-staff');
	await page.getByRole('link', { name: '数据疑点' }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: '数据疑点' })).toBeVisible();
	const findings = page.getByRole('region', { name: '疑点明细' }).locator('ul.findings > li');
	await expect(findings.first()).toBeVisible();
	await expect(findings.first()).toContainText('怎么改：');
	await page.screenshot({ path: `${SHOTS}/quality-360.png` });
	await findings.first().scrollIntoViewIfNeeded();
	await page.screenshot({ path: `${SHOTS}/quality-finding-360.png` });
});
