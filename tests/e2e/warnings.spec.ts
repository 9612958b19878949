import { expect, test, type Browser, type Page } from '@playwright/test';

// The monitoring loop on a phone, in Chinese: a grid member's visit raises a warning that
// township staff find in their queue; and the scenario from a wage sheet to a
// closed warning.

const SHOTS = process.env.E2E_SHOTS ?? 'test-results';

async function phone(browser: Browser, address: string): Promise<Page> {
	const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': address } });
	return context.newPage();
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill(username);
	await page.getByLabel('密码', { exact: true }).fill(password);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
}

test('a grid member records a visit and raises a warning; it shows in the township queue', async ({
	browser
}) => {
	const grid = await phone(browser, '192.0.2.41');
	await signIn(grid, 'grid', 'weixian-grid');
	await expect(grid.getByText('今天已走访（户）')).toBeVisible();
	await grid.screenshot({ path: `${SHOTS}/warnings-grid-home.png`, fullPage: true });

	await grid.getByRole('link', { name: '走访', exact: true }).click();
	await expect(grid.getByRole('heading', { name: '走访' })).toBeVisible();
	await grid.screenshot({ path: `${SHOTS}/warnings-visits.png`, fullPage: true });
	// A household with no open warning, so the warning raised here is a new one.
	const row = grid
		.locator('li.row')
		.filter({ hasNot: grid.locator('.warn') })
		.first();
	const name = (await row.locator('.who strong').innerText()).trim();
	await row.getByRole('link', { name: '记走访' }).click();
	await expect(grid.getByRole('heading', { name: `入户走访：${name}` })).toBeVisible();

	await grid.getByLabel('见到了谁').fill('户主本人');
	await grid.getByLabel('家里有什么变化').fill('户主突发心梗住院，自付两万元');
	await grid.getByRole('checkbox', { name: /发起预警/ }).check();
	await grid.screenshot({ path: `${SHOTS}/warnings-visit-form.png`, fullPage: true });
	await grid.getByRole('button', { name: '保存走访' }).click();
	await expect(grid.getByText('走访已保存')).toBeVisible();
	await expect(grid.getByText('已发起预警')).toBeVisible();
	const href = await grid.getByRole('link', { name: '看这条预警' }).getAttribute('href');
	expect(href).toMatch(/^\/warnings\/[0-9a-f-]{36}$/);

	const staff = await phone(browser, '192.0.2.42');
	await signIn(staff, 'staff', 'weixian-staff');
	await staff.getByRole('link', { name: '预警', exact: true }).click();
	await staff.getByLabel('预警类型').selectOption('visit');
	await staff.getByLabel('办到哪一步').selectOption('open');
	await staff.getByRole('button', { name: '筛选' }).click();
	const item = staff.locator(`a[href="${href}"]`);
	await expect(item).toBeVisible();
	await expect(item).toContainText(name);
	await expect(item).toContainText('走访发现');
	await expect(item).toContainText('待核实');
	await staff.screenshot({ path: `${SHOTS}/warnings-queue.png`, fullPage: true });
	await item.click();
	await expect(staff.getByText('户主突发心梗住院，自付两万元').first()).toBeVisible();
	await staff.screenshot({ path: `${SHOTS}/warnings-detail.png`, fullPage: true });
});

// The scenario, on the demo county: the owner's factory is in 前罗庄村, one of the
// grid member's villages, and its first worker's wage is most of the household's income,
// so a zero for the latest full month trips the income-drop rule (30% by default).
test('a wage sheet set to zero raises a warning; the grid member verifies it at home; staff add an employment measure and close it', async ({
	browser
}) => {
	const owner = await phone(browser, '192.0.2.43');
	await signIn(owner, 'factory', 'weixian-factory');
	await owner.getByRole('link', { name: '填工资' }).first().click();
	await expect(owner).toHaveURL(/\/wages/);
	// The latest month whose income is complete: the month before last on the 1st–14th.
	const today = new Date(Date.now() + 8 * 3600_000);
	const back = today.getUTCDate() >= 15 ? 1 : 2;
	const month = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1))
		.toISOString()
		.slice(0, 7);
	await owner.goto(`${new URL(owner.url()).pathname}?month=${month}`, { waitUntil: 'networkidle' });
	const line = owner.locator('input[name^="amount:"]').first();
	const worker = (
		await owner.locator(`label[for="${await line.getAttribute('id')}"]`).innerText()
	).split('\n')[0];
	await line.fill('0');
	await owner.getByRole('button', { name: /保存/ }).click();
	await expect(owner.getByText(/已保存/)).toBeVisible();

	const staff = await phone(browser, '192.0.2.44');
	await signIn(staff, 'staff', 'weixian-staff');
	await staff.goto(`/households?q=${encodeURIComponent(worker)}`, { waitUntil: 'networkidle' });
	await staff.locator('main ul.list a.list-link').first().click();
	const warning = staff.locator('#warnings a[href^="/warnings/"]').filter({ hasText: '收入骤减' });
	await expect(warning).toBeVisible();
	const href = (await warning.getAttribute('href')) ?? '';
	await staff.goto('/warnings?kind=income_drop', { waitUntil: 'networkidle' });
	await expect(staff.locator(`a[href="${href}"]`)).toBeVisible();

	const grid = await phone(browser, '192.0.2.45');
	await signIn(grid, 'grid', 'weixian-grid');
	await grid.goto(href, { waitUntil: 'networkidle' });
	await grid.getByLabel('核实情况').fill('工厂订单少，十月停工一个月，家里没有别的收入');
	await grid.getByRole('button', { name: '保存核实结果' }).click();
	await expect(grid.getByText('核实结果已保存')).toBeVisible();

	await staff.goto(href, { waitUntil: 'networkidle' });
	await staff.getByLabel('措施', { exact: true }).selectOption('employment');
	await staff.getByLabel('具体做什么').fill('安排到东代固箱包微工厂另一条线上班');
	await staff.getByLabel('责任人', { exact: true }).fill('王建军');
	await staff.getByLabel('责任人电话').fill('13931000001');
	await staff.getByRole('button', { name: '添加这项措施' }).click();
	await expect(staff.getByText('措施已添加')).toBeVisible();
	await staff.getByRole('button', { name: '措施已落实，办结预警' }).click();
	await expect(staff.getByText('预警已办结')).toBeVisible();
	await expect(staff.getByText('已办结：落实帮扶')).toBeVisible();
	await staff.screenshot({ path: `${SHOTS}/warnings-closed.png`, fullPage: true });
});
