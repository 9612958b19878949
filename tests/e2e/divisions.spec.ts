import { expect, test } from '@playwright/test';

test('an admin loads a second county, renames a village and adds one', async ({ page }) => {
	await page.goto('/admin/divisions');
	await expect(page.getByRole('link', { name: /魏县/ })).toBeVisible();

	// A wrong code gets a message beside the field, and nothing is loaded.
	await page.getByLabel('县代码').fill('12345');
	await page.getByRole('button', { name: '导入乡镇和村' }).click();
	await expect(page.getByText('县代码是6位数字，例如 130434')).toBeVisible();

	await page.getByLabel('县代码').fill('130529');
	await page.getByRole('button', { name: '导入乡镇和村' }).click();
	await expect(page.getByRole('status')).toContainText('已导入 巨鹿县');
	await page.getByRole('link', { name: /巨鹿县/ }).click();
	await expect(page.getByRole('heading', { name: '巨鹿县的乡镇' })).toBeVisible();

	await page.getByRole('link', { name: /巨鹿镇/ }).click();
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
	await expect(page.getByText(/代码要12位数字，并以 \d{9} 开头/)).toBeVisible();
});
