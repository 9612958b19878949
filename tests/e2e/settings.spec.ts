import { expect, test, type Page } from '@playwright/test';

// The county admin on a phone: from the home page to the settings, changes this year's
// monitoring line and a warning threshold, and sees an absurd line refused beside the field.

async function signInAsAdmin(page: Page): Promise<void> {
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill('admin');
	await page.getByLabel('密码', { exact: true }).fill('weixian-admin');
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
}

const thisYear = () =>
	Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format().slice(0, 4));

test('the admin changes this year’s line and a threshold; an absurd line is refused', async ({
	page
}) => {
	const year = thisYear();
	await signInAsAdmin(page);

	// The home says who is below the line and what the line is, with a way to change it.
	await expect(page.getByRole('heading', { name: '谁低于监测线' })).toBeVisible();
	await expect(page.getByRole('heading', { name: '待办的预警' })).toBeVisible();
	await page.getByRole('link', { name: /县里的设置/ }).click();
	await expect(page.getByRole('heading', { level: 1, name: '县里的设置' })).toBeVisible();

	await page
		.getByRole('link', { name: /监测线/ })
		.first()
		.click();
	await expect(page.getByRole('heading', { level: 1, name: '监测线' })).toBeVisible();
	await page.waitForLoadState('networkidle');

	// A zero too many: refused beside the field, nothing saved.
	const line = page.getByLabel('监测线（元/人·年）');
	await page.getByLabel('年份').selectOption(String(year));
	await line.fill('85,000');
	await page.getByRole('button', { name: '保存并重新评估' }).click();
	await expect(page.getByRole('alert').filter({ hasText: '监测线要在每人每年' })).toBeVisible();
	await expect(line).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByText(/已保存/)).toHaveCount(0);

	// Zero is refused too.
	await line.fill('0');
	await page.getByRole('button', { name: '保存并重新评估' }).click();
	await expect(page.getByRole('alert').filter({ hasText: '监测线要大于 0 元' })).toBeVisible();

	// The real change: 8,500 yuan per person per year.
	await line.fill('8,500');
	await page.getByRole('button', { name: '保存并重新评估' }).click();
	await expect(
		page.getByRole('status').filter({ hasText: `已保存：${year}年监测线 ¥8,500.00/人·年。` })
	).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: /重新评估 \d+ 户/ })).toBeVisible();
	await expect(page.getByText(/管理员 于 .* 修改/).first()).toBeVisible();
	await page.screenshot({ path: 'test-results/settings-line-360.png', fullPage: true });

	// A threshold: verification due within 3 working days instead of 2.
	await page.getByRole('link', { name: /县里的设置/ }).click();
	await page.getByRole('link', { name: /预警规则和期限/ }).click();
	await expect(page.getByRole('heading', { level: 1, name: '预警规则和期限' })).toBeVisible();
	await page.waitForLoadState('networkidle');
	const notice = page.getByLabel('公示天数（天）');
	await notice.fill('4');
	await page.getByRole('button', { name: '保存规则' }).click();
	await expect(
		page.getByRole('alert').filter({ hasText: '请填 5 到 30 之间的整数' })
	).toBeVisible();
	await notice.fill('5');
	await page.getByLabel('入户核实期限（个工作日）').fill('3');
	await page.getByRole('button', { name: '保存规则' }).click();
	await expect(page.getByRole('status').filter({ hasText: '已保存规则。' })).toBeVisible();
	await page.screenshot({ path: 'test-results/settings-rules-360.png', fullPage: true });

	// The home shows the new line.
	await page.goto('/', { waitUntil: 'networkidle' });
	await expect(page.getByText(`${year}年 ¥8,500.00/人·年`)).toBeVisible();
	await page.screenshot({ path: 'test-results/settings-home-360.png', fullPage: true });
});
