import { expect, test, type Page } from '@playwright/test';

// The county admin's home is the county dashboard: figures of a period, each with its
// definition one tap away and a link to the records it counts.
async function signInAsAdmin(page: Page): Promise<void> {
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill('admin');
	await page.getByLabel('密码', { exact: true }).fill('weixian-admin');
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
}

const figure = (page: Page, label: string) =>
	page.locator('.stat-tile').filter({ has: page.locator('dt', { hasText: label }) });

test('the admin reads a figure’s definition and follows it to its records', async ({ page }) => {
	await signInAsAdmin(page);
	await expect(page.getByRole('heading', { name: '全县防返贫看板', level: 1 })).toBeVisible();
	const below = figure(page, '低于监测线');
	const count = Number((await below.locator('.value').textContent())?.replace(/,/g, ''));
	expect(count).toBeGreaterThan(0);

	await below.getByText('怎么算的').click();
	await expect(below.getByText('按最近12个月人均纯收入')).toBeVisible();

	// No tile spills its number out of the phone's width.
	const spilled = await page
		.locator('.stat-tile .value')
		.evaluateAll((values) => values.filter((v) => v.scrollWidth > v.clientWidth + 1).length);
	expect(spilled).toBe(0);
	await page.screenshot({ path: 'test-results/dashboard-360.png', fullPage: true });

	await below.getByRole('link', { name: '看明细' }).click();
	await expect(page).toHaveURL(/\/households\?standing=below$/);
	await expect(page.locator('.count').first()).toContainText(`共 ${count} 户`);
});

test('the admin changes the period and the township, and the address keeps them', async ({
	page
}) => {
	await signInAsAdmin(page);
	await page.getByLabel('从（月份）').fill('2025-01');
	await page.getByLabel('到（月份）').fill('2025-12');
	await page.getByLabel('乡镇', { exact: true }).selectOption({ label: '东代固镇' });
	await page.getByRole('button', { name: '查看', exact: true }).click();
	await expect(page).toHaveURL(/township=130434108/);
	await expect(page).toHaveURL(/from=2025-01&to=2025-12/);
	await expect(page.getByText('2025年1月1日 至 2025年12月31日')).toBeVisible();
	await expect(page.getByLabel('乡镇', { exact: true })).toHaveValue('130434108');

	// Warnings raised in the period, in that township: the list shows the same records.
	const raised = figure(page, '发出预警');
	const count = Number((await raised.locator('.value').textContent())?.replace(/,/g, ''));
	await raised.getByRole('link', { name: '看明细' }).click();
	await expect(page).toHaveURL(
		/\/warnings\?status=all&on=raised&from=2025-01-01&to=2025-12-31&township=130434108/
	);
	await expect(page.getByText('发出预警：2025年1月1日 至 2025年12月31日')).toBeVisible();
	expect(count).toBeLessThanOrEqual(200);
	await expect(page.locator('section[aria-labelledby="list-heading"] ul.list > li')).toHaveCount(
		count
	);
});
