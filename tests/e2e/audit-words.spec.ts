import { expect, test, type Page } from '@playwright/test';

// Readable admin screens (issue 15): the audit log in words, tiles whose amounts never spill
// out at 360 px (also with the text made twice as large), figures that say how they were
// computed. Signed in as the demo county's admin.

const ADMIN = { username: 'admin', password: 'weixian-admin' };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

async function signIn(page: Page): Promise<void> {
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill(ADMIN.username);
	await page.getByLabel('密码', { exact: true }).fill(ADMIN.password);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
}

/** Whether anything on the page is wider than the screen, and which tile values are. */
async function overflow(page: Page): Promise<{ page: boolean; tiles: string[] }> {
	return page.evaluate(() => ({
		page: document.documentElement.scrollWidth > document.documentElement.clientWidth,
		tiles: [...document.querySelectorAll('.stat-tile dd, dl dd')]
			.filter((el) => el.scrollWidth > el.clientWidth + 1)
			.map((el) => el.textContent ?? '')
	}));
}

test('the audit log says what changed in words, with toggles a thumb can hit', async ({ page }) => {
	await signIn(page);
	await page.goto('/admin/audit', { waitUntil: 'networkidle' });
	await page.getByLabel('操作', { exact: true }).selectOption({ label: '全部预警操作' });
	await page.getByRole('button', { name: '查询' }).click();
	await expect(page).toHaveURL(/action=warning\./);
	const rows = page.getByRole('main').getByRole('listitem');
	await expect(rows.first()).toContainText(/家 · 发出预警：\S+/);
	const toggle = rows.first().locator('summary');
	await toggle.click();
	const table = rows.first().getByRole('table');
	await expect(table).toBeVisible();
	await expect(table.getByRole('columnheader', { name: '改后' })).toBeVisible();
	for (const control of [
		toggle,
		page.getByLabel('操作', { exact: true }),
		page.getByLabel('操作人'),
		page.getByRole('button', { name: '查询' })
	]) {
		const box = await control.boundingBox();
		expect(box!.height).toBeGreaterThanOrEqual(44);
	}
	const text = await page.getByRole('main').innerText();
	expect(text).not.toMatch(UUID);
	expect(text).not.toMatch(/[{}]|"\w+":/);
	expect(text).not.toMatch(/\d{17}[\dX]/);
	expect(await overflow(page)).toEqual({ page: false, tiles: [] });
	await page.screenshot({ path: 'test-results/audit-words-360.png' });

	// A household's name opens that household's history.
	const household = rows.first().getByRole('link').first();
	const name = await household.innerText();
	await household.click();
	await expect(page).toHaveURL(/household=/);
	await expect(page.getByRole('main').getByRole('listitem').first()).toContainText(name);
	await expect(page.getByRole('link', { name: '看全部记录' })).toBeVisible();
});

test('no money tile spills out at 360 px, nor with the text twice as large', async ({ page }) => {
	test.setTimeout(120_000);
	await signIn(page);
	await page.goto('/insurance', { waitUntil: 'networkidle' });
	const scheme = await page.evaluate(
		() =>
			[...document.querySelectorAll('main a')]
				.map((a) => a.getAttribute('href') ?? '')
				.find((href) => /\/insurance\/[0-9a-f-]{36}$/.test(href)) ?? null
	);
	expect(scheme).not.toBeNull();
	const pages = ['/', '/factories', '/planting', '/planting/dashboard', scheme!];
	for (const path of pages) {
		await page.goto(path, { waitUntil: 'networkidle' });
		expect(await overflow(page), path).toEqual({ page: false, tiles: [] });
		await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
		expect(await overflow(page), `${path} at 200 %`).toEqual({ page: false, tiles: [] });
		if (path === '/factories') {
			await page.locator('.stat-tiles').first().scrollIntoViewIfNeeded();
			await page.screenshot({ path: 'test-results/factories-tiles-200.png' });
			await page.evaluate(() => (document.documentElement.style.fontSize = ''));
			await page.locator('.stat-tiles').first().scrollIntoViewIfNeeded();
			await page.screenshot({ path: 'test-results/factories-tiles-360.png' });
		}
	}
});

test('the factory figures say how they were computed, one tap away', async ({ page }) => {
	await signIn(page);
	await page.goto('/factories', { waitUntil: 'networkidle' });
	await page.getByText('这些数是怎么算的？').click();
	await expect(page.getByText('为什么增收和工资不一样？')).toBeVisible();
	await expect(page.getByText(/按人数平分/)).toBeVisible();
	await expect(page.getByText(/领到工资的人次/)).toBeVisible();
});
