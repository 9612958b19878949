import { expect, test, type Browser, type Page } from '@playwright/test';

// A micro-factory owner on a phone hires two people from the registry, enters this
// month's wages, corrects one; the township's staff then sees the wage on the worker's
// household page.

async function signIn(browser: Browser, username: string, password: string): Promise<Page> {
	const context = await browser.newContext({
		extraHTTPHeaders: { 'x-forwarded-for': `192.0.2.${10 + Math.floor(Math.random() * 200)}` }
	});
	const page = await context.newPage();
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill(username);
	await page.getByLabel('密码', { exact: true }).fill(password);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
	return page;
}

const SURNAMES = ['王', '李', '张', '刘', '赵', '杨', '陈', '郭', '马', '孙', '高', '韩'];

/** Searches the factory's village by surname until someone not yet employed here shows up. */
async function hireSomeone(page: Page, jobTitle: string): Promise<string> {
	for (const surname of SURNAMES) {
		await page.getByLabel('身份证号、手机号或姓名').fill(surname);
		await page.getByRole('button', { name: '查找' }).click();
		await page.waitForURL((url) => url.searchParams.get('q') === surname);
		await expect(page.getByRole('heading', { name: /^找到 \d+ 人$/ })).toBeVisible();
		const choose = page.getByRole('link', { name: /选他/ });
		if ((await choose.count()) === 0) continue;
		const name = (await choose.first().locator('strong').textContent())!.trim();
		await choose.first().click();
		await expect(page.getByRole('heading', { name: `录用 ${name}` })).toBeVisible();
		await page.getByLabel('岗位').fill(jobTitle);
		await page.getByRole('button', { name: '确认录用' }).click();
		await expect(page.getByText(`已招工：${name}`)).toBeVisible();
		return name;
	}
	throw new Error('nobody left to hire in the village');
}

function sheetLine(page: Page, name: string) {
	return page.locator('li.line').filter({ has: page.locator('.name', { hasText: name }) });
}

function wageLine(page: Page, name: string) {
	return sheetLine(page, name).getByRole('textbox');
}

test('an owner hires two people, enters and corrects their wages; staff sees the wage', async ({
	browser
}) => {
	const owner = await signIn(browser, 'factory', 'weixian-factory');
	await expect(owner.getByRole('heading', { name: '我的微工厂', level: 1 })).toBeVisible();
	await expect(owner.getByText(/在岗人数/).first()).toBeVisible();
	await owner.getByRole('link', { name: /招工/ }).first().click();
	await expect(owner.getByRole('heading', { name: '招工', level: 1 })).toBeVisible();
	const factoryUrl = new URL(owner.url()).pathname.replace(/\/hire$/, '');

	const first = await hireSomeone(owner, '缝纫工');
	await owner.getByRole('link', { name: /招工/ }).first().click();
	const second = await hireSomeone(owner, '包装工');
	expect(second).not.toBe(first);
	await expect(owner.getByRole('link', { name: new RegExp(first) }).first()).toBeVisible();

	// This month's sheet lists both new people; a typo in fen instead of yuan is caught.
	await owner.getByRole('link', { name: '填工资' }).click();
	await expect(owner.getByRole('heading', { name: /月工资表$/ })).toBeVisible();
	await owner.waitForLoadState('networkidle');
	await wageLine(owner, first).fill('280000');
	await wageLine(owner, second).fill('2650');
	await owner.getByRole('button', { name: /保存工资表/ }).click();
	await expect(sheetLine(owner, first).getByText(/多打了零/)).toBeVisible();
	await expect(owner.getByText(/整张表都没有保存/)).toBeVisible();

	await wageLine(owner, first).fill('2800');
	await owner.getByRole('button', { name: /保存工资表/ }).click();
	await expect(owner.getByText('已保存，2 人的工资记好了')).toBeVisible();

	// The first was paid 2,860, not 2,800: corrected, and the sheet says so.
	await wageLine(owner, first).fill('2860');
	await owner.getByRole('button', { name: /保存工资表/ }).click();
	await expect(owner.getByText('已保存，1 人的工资记好了')).toBeVisible();
	await expect(sheetLine(owner, first).getByText('改过 1 次')).toBeVisible();
	await owner.reload();
	await expect(wageLine(owner, first)).toHaveValue('2860');
	await expect(wageLine(owner, second)).toHaveValue('2650');

	// Township staff find the worker's household and see the wage there.
	const staff = await signIn(browser, 'staff', 'weixian-staff');
	await staff.goto(`/households?q=${encodeURIComponent(first)}`, { waitUntil: 'networkidle' });
	const households = staff.getByRole('main').getByRole('link', { name: /户编号/ });
	const count = await households.count();
	expect(count).toBeGreaterThan(0);
	let found = false;
	for (let i = 0; i < count && !found; i++) {
		await staff.goto(`/households?q=${encodeURIComponent(first)}`, { waitUntil: 'networkidle' });
		await households.nth(i).click();
		await expect(staff.getByRole('heading', { level: 1, name: /家$/ })).toBeVisible();
		const jobs = staff.locator('#jobs');
		if ((await jobs.count()) === 0) continue;
		const job = jobs.locator('li.job').filter({ hasText: first }).filter({ hasText: '¥2,860.00' });
		if ((await job.count()) === 0) continue;
		found = true;
		await expect(job).toHaveCount(1);
		await expect(job.getByText('缝纫工')).toBeVisible();
		await expect(job.getByText('在岗', { exact: true })).toBeVisible();
		// The income account has the corrected wage; the first posting is shown as reversed.
		const entries = staff.locator('ul.entries').first();
		await expect(entries.getByText('¥2,860.00').first()).toBeVisible();
		await expect(entries.locator('li.reversed').filter({ hasText: '¥2,800.00' })).toHaveCount(1);
		// The factory's page is one tap away for the township's staff.
		await job.getByRole('link').first().click();
		await expect(staff).toHaveURL(new RegExp(`${factoryUrl}$`));
	}
	expect(found).toBe(true);
});
