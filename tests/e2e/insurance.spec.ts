import { expect, test, type Page } from '@playwright/test';

// On a phone, in Chinese: township staff enrol a migrant worker, a grid member reports
// the worker's accident, staff investigate with 看四算一, the county admin approves and
// pays, and the household's income account shows the payout as transfer income.

async function signIn(page: Page, username: string, password: string): Promise<void> {
	await page.context().clearCookies();
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill(username);
	await page.getByLabel('密码', { exact: true }).fill(password);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
}

/** Today in China, or the last day of the demo's scheme year once that year is over. */
function eventDay(): string {
	const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
	return today < '2026-12-31' ? today : '2026-12-31';
}

test('a worker is enrolled, has an accident, is investigated, approved and paid into the income account', async ({
	page
}) => {
	// Four sign-ins (argon2) and four people's steps.
	test.setTimeout(120_000);
	// Staff enrol one worker of 东代固镇 who is not on the list yet.
	await signIn(page, 'staff', 'weixian-staff');
	await page.goto('/insurance', { waitUntil: 'networkidle' });
	await page.getByRole('link', { name: /务工人员意外伤害保险/ }).click();
	await page.getByRole('link', { name: '参保登记' }).click();
	await page.getByLabel('乡镇').selectOption({ label: '东代固镇' });
	await page.getByRole('button', { name: '筛选' }).click();
	await page.waitForLoadState('networkidle');
	const open = page.locator('li[data-household]').filter({
		has: page.locator('input[name="keys"]:not([disabled])')
	});
	await expect(open.first()).toBeVisible();
	const row = open.first();
	const householdId = await row.getAttribute('data-household');
	const workerName = await row.locator('strong').first().innerText();
	await row.locator('input[name="keys"]').check();
	await page.getByRole('button', { name: /给选中的 1 个参保/ }).click();
	await expect(page.getByRole('status')).toContainText('已登记 1 个');
	await page.screenshot({ path: 'test-results/insurance-enrol.png', fullPage: true });

	// The grid member of the village reports the accident from the household's page.
	await signIn(page, 'grid', 'weixian-grid');
	await page.goto(`/households/${householdId}`, { waitUntil: 'networkidle' });
	const section = page.locator('#insurance');
	await expect(section).toContainText('务工人员意外伤害保险');
	await section.getByRole('link', { name: '报案' }).click();
	await page
		.getByRole('radio', { name: new RegExp(`务工人员意外伤害保险[\\s\\S]*${workerName}`) })
		.check();
	await page.getByLabel('出了什么事').selectOption({ label: '意外事故' });
	await page.getByLabel('出事日期').fill(eventDay());
	await page.getByLabel('损失金额（元）').fill('8000');
	await page.getByLabel('看过的材料').fill('医院诊断证明、医疗发票');
	await page.screenshot({ path: 'test-results/insurance-report.png', fullPage: true });
	await page.getByRole('button', { name: '提交报案' }).click();
	await expect(page.getByRole('status')).toHaveText('已报案。下一步：入户查勘。');
	const claimUrl = page.url().split('?')[0];

	// Staff investigate at the door: 看四算一 on the phone.
	await signIn(page, 'staff', 'weixian-staff');
	await page.goto(claimUrl, { waitUntil: 'networkidle' });
	await page.getByRole('link', { name: '去入户查勘（看四算一）' }).click();
	await expect(page.getByRole('heading', { name: '算一算：人均纯收入' })).toBeVisible();
	for (const [look, choice] of [
		['看住房', '困难'],
		['看大件（车辆、农机）', '一般'],
		['看家具家电', '一般'],
		['看子女上学', '困难']
	]) {
		const group = page.getByRole('group', { name: look });
		await group.getByRole('radio', { name: choice }).check();
		await group.getByRole('textbox').fill('看过了');
	}
	await page.screenshot({ path: 'test-results/insurance-investigate.png', fullPage: true });
	await page.getByRole('button', { name: '保存查勘结果' }).click();
	await expect(page.getByRole('status')).toHaveText('查勘已记下。等县里核定。');

	// The county admin approves what the rule gives ((8,000 − 200) × 90% = 7,020) and pays.
	await signIn(page, 'admin', 'weixian-admin');
	await page.goto(claimUrl, { waitUntil: 'networkidle' });
	await expect(page.getByLabel('核定赔款（元）')).toHaveValue('7020');
	await page.getByRole('button', { name: '核定赔付' }).click();
	await expect(page.getByText('已核定', { exact: true })).toBeVisible();
	await page.getByRole('button', { name: '确认赔付 ¥7,020.00' }).click();
	await expect(page.getByText('已赔付', { exact: true }).first()).toBeVisible();
	await expect(page.getByRole('heading', { name: '办理经过' })).toBeVisible();
	await page.screenshot({ path: 'test-results/insurance-paid.png', fullPage: true });

	// The scheme's fund shows the payout against the premiums, with a table one tap away.
	await page.goto('/insurance', { waitUntil: 'networkidle' });
	await page.getByRole('link', { name: /务工人员意外伤害保险/ }).click();
	await expect(page.getByRole('heading', { name: '2026年每月保费和赔款' })).toBeVisible();
	await page.screenshot({ path: 'test-results/insurance-fund.png', fullPage: true });

	// The household's income account shows the payout among its allowances and insurance.
	await page.goto(`/households/${householdId}`, { waitUntil: 'networkidle' });
	const income = page.locator('#income');
	await expect(income).toContainText('保险赔款');
	await expect(income).toContainText('¥7,020.00');
	await expect(page.locator('#insurance')).toContainText('赔了 ¥7,020.00');
});
