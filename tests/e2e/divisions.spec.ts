import { expect, test, type Page } from '@playwright/test';

// Opens a page once its scripts have taken over: text typed before then is wiped on hydration.
async function open(page: Page, path: string) {
	return page.goto(path, { waitUntil: 'networkidle' });
}

async function signInAsAdmin(page: Page): Promise<void> {
	await open(page, '/login?next=%2Fadmin%2Fdivisions');
	await page.getByLabel('用户名或手机号').fill('admin');
	await page.getByLabel('密码', { exact: true }).fill('weixian-admin');
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/admin\/divisions$/);
}

test('the divisions page is for the county admin only', async ({ page }) => {
	await page.goto('/admin/divisions');
	await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Fdivisions$/);
	await expect(page.getByRole('heading', { name: '登录', level: 1 })).toBeVisible();
});

test('an admin reloads their own county, renames a village and adds one', async ({ page }) => {
	await signInAsAdmin(page);
	await expect(page.getByRole('heading', { name: '行政区划', level: 1 })).toBeVisible();
	await expect(page.getByRole('link', { name: /魏县/ })).toBeVisible();

	// A malformed code gets a message beside the field, and nothing is loaded.
	const code = page.getByLabel('县代码');
	const load = page.getByRole('button', { name: '导入乡镇和村' });
	await code.fill('12345');
	await load.click();
	await expect(page.getByText('县代码是6位数字，例如 130434')).toBeVisible();

	// Another county is refused: the admin manages their own county only.
	await code.fill('130529');
	await load.click();
	await expect(page.getByText(/^只能导入本县（130434）的区划/)).toBeVisible();
	await expect(page.getByRole('link', { name: /巨鹿县/ })).toHaveCount(0);

	// Reloading the own county only fills in what is missing.
	await code.fill('130434');
	await load.click();
	await expect(page.getByRole('status')).toContainText('已导入 魏县');
	await expect(page.getByText(/只能导入本县/)).toHaveCount(0);

	await page.getByRole('link', { name: /魏县/ }).click();
	await expect(page.getByRole('heading', { name: '魏县的乡镇' })).toBeVisible();
	await page.getByRole('link', { name: /前大磨乡/ }).click();
	await expect(page.getByRole('heading', { name: '前大磨乡的行政村' })).toBeVisible();

	const firstVillage = page.locator('li.village').first();
	const oldName = (await firstVillage.locator('summary strong').textContent()) ?? '';
	await firstVillage.locator('summary').click();
	await firstVillage.getByLabel('新名称').fill(`${oldName}一`);
	await firstVillage.getByRole('button', { name: '改名' }).last().click();
	await expect(page.getByText(`已改名为“${oldName}一”`)).toBeVisible();
	await expect(page.locator('li.village').first().locator('summary strong')).toHaveText(
		`${oldName}一`
	);

	// Adding a village with a code from another township is refused with the rule.
	await page.locator('#add-code').fill('130434108999');
	await page.locator('#add-name').fill('新村');
	await page.getByRole('button', { name: '添加' }).click();
	await expect(page.getByText('代码要12位数字，并以 130434205 开头')).toBeVisible();
});
