import { expect, test, type Page } from '@playwright/test';

// The county's figures and the navigation are on the signed-in home; a visitor's home
// only offers the two ways to sign in.
async function signInAsAdmin(page: Page): Promise<void> {
	// Wait for the scripts: text typed before the page hydrates is wiped.
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill('admin');
	await page.getByLabel('密码', { exact: true }).fill('weixian-admin');
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
}

test('a visitor’s home offers the two ways to sign in', async ({ page }) => {
	await page.goto('/');
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
	await expect(page.getByRole('link', { name: '干部和企业登录' })).toBeVisible();
	await expect(page.getByRole('link', { name: '农户登录' })).toBeVisible();
	await expect(page.getByRole('navigation', { name: '主导航' })).toHaveCount(0);
});

test('the home page opens in Chinese, switches to English and back', async ({ page }) => {
	await signInAsAdmin(page);
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
	await expect(page.getByRole('heading', { name: '魏县（130434）' })).toBeVisible();
	await expect(
		page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '首页' })
	).toBeVisible();

	await page.getByRole('button', { name: '切换语言' }).click();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	await expect(page.getByRole('heading', { name: '魏县 (130434)' })).toBeVisible();
	await expect(
		page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Home' })
	).toBeVisible();

	// The choice survives a fresh load.
	await page.reload();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');

	await page.getByRole('button', { name: 'Change language' }).click();
	await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
	await expect(page.getByRole('heading', { name: '农户和监测线' })).toBeVisible();
});

test('the home page shows the demo county in numbers', async ({ page }) => {
	await signInAsAdmin(page);
	// The dashboard's township filter lists the county's 21 townships.
	await expect(page.getByLabel('乡镇', { exact: true }).locator('option')).toHaveCount(22);
	const households = page.locator('.stat-tile').filter({ hasText: /^农户/ }).locator('.value');
	expect(Number((await households.textContent())?.replace(/,/g, ''))).toBeGreaterThanOrEqual(200);
});

test('/healthz names the database driver and says it answers', async ({ request }) => {
	const response = await request.get('/healthz');
	expect(response.status()).toBe(200);
	expect(await response.json()).toEqual({
		status: 'ok',
		database: { driver: 'pglite', answers: true }
	});
});

test('an unknown page answers 404 in the person’s language', async ({ page }) => {
	const response = await page.goto('/no-such-page');
	expect(response?.status()).toBe(404);
	await expect(page.getByRole('heading', { name: '没有找到这个页面或记录' })).toBeVisible();
	await expect(page.getByRole('link', { name: '回到首页' })).toBeVisible();
});

test('the app is installable: manifest, icons and a service worker', async ({ page, request }) => {
	const manifest = await (await request.get('/manifest.webmanifest')).json();
	expect(manifest).toMatchObject({
		name: 'Levee 防返贫',
		start_url: '/',
		display: 'standalone',
		lang: 'zh-CN'
	});
	const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
	expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
	for (const icon of manifest.icons as { src: string }[]) {
		const png = await request.get(icon.src);
		expect(png.status()).toBe(200);
		expect(png.headers()['content-type']).toBe('image/png');
	}

	await page.goto('/');
	const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
	expect(scope).toBe(`http://localhost:${process.env.E2E_PORT ?? 4317}/`);
});

test('offline, a page shows the offline notice instead of a browser error', async ({
	page,
	context
}) => {
	await page.goto('/');
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	await page.reload();
	await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
	await context.setOffline(true);
	await page.goto('/admin/divisions').catch(() => undefined);
	await expect(page.getByRole('heading', { name: '现在没有网络' })).toBeVisible();
	await context.setOffline(false);
});
