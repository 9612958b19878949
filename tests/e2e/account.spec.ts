import { expect, test, type Page } from '@playwright/test';

// The income account on a phone: staff see a household's standing against the line (the
// gap per person, who lives there on the date, large expenses beside the income, what each
// program brought); the county sees which program lifted households above the line.

async function signIn(page: Page, username: string, password: string): Promise<void> {
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill(username);
	await page.getByLabel('密码', { exact: true }).fill(password);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
}

async function section(page: Page, summary: string) {
	const element = page
		.locator('details')
		.filter({ has: page.locator('summary', { hasText: summary }) });
	if (!(await element.evaluate((el) => (el as HTMLDetailsElement).open))) {
		await element.locator('summary').click();
	}
	return element;
}

test('a medical bill stands beside the income, and the gap to the line is said per person', async ({
	page
}) => {
	await signIn(page, 'staff', 'weixian-staff');
	await page.goto('/households?q=130434108', { waitUntil: 'networkidle' });
	await page
		.getByRole('main')
		.getByRole('link', { name: /户编号 130434108/ })
		.nth(1)
		.click();
	await expect(page.getByRole('heading', { level: 1, name: /家$/ })).toBeVisible();
	await page.waitForLoadState('networkidle');

	const income = page.locator('#income');
	await expect(
		income.getByText(/按 \d{4}年\d{1,2}月\d{1,2}日 家里常住的 \d+ 口人算/)
	).toBeVisible();
	await expect(income.getByText(/近12个月：/)).toBeVisible();

	const addEntry = await section(page, '记一笔收入或支出');
	await addEntry.getByLabel('类别').selectOption({ label: '看病自付费用' });
	await addEntry.getByLabel('金额（元）').fill('90,000');
	await addEntry.getByRole('button', { name: '记账' }).click();
	await expect(page.getByText('已记账')).toBeVisible();
	await page.reload();

	const expenses = income.locator('.expenses');
	await expect(expenses.getByRole('heading', { name: '同期的大额支出' })).toBeVisible();
	await expect(expenses.getByText(/看病自付费用/).first()).toBeVisible();
	await expect(expenses.getByText(/大额支出合计 ¥[\d,]+\.\d\d/)).toBeVisible();
	// The standing says the gap per person in words, whichever side of the line it is.
	await expect(
		income.getByText(/每人还差 ¥[\d,.]+ 才到监测线|比监测线每人多 ¥[\d,.]+|正好在监测线上/)
	).toBeVisible();
	await expect(income.getByRole('heading', { name: '各项目带来的收入' })).toBeVisible();
	await expect(income.getByRole('heading', { name: '这一年每月收入' })).toBeVisible();
	await income.getByRole('heading', { name: '收入账' }).scrollIntoViewIfNeeded();
	await page.screenshot({ path: 'test-results/account-household.png' });
	await expenses.scrollIntoViewIfNeeded();
	await page.screenshot({ path: 'test-results/account-household-expenses.png' });
	await income.getByRole('heading', { name: '各项目带来的收入' }).scrollIntoViewIfNeeded();
	await page.screenshot({ path: 'test-results/account-household-programs.png' });
});

test('the county sees what each program brought and which lifted households above the line', async ({
	page
}) => {
	await signIn(page, 'admin', 'weixian-admin');
	await page.getByRole('link', { name: '各项目带来的收入' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '各项目带来的收入' })).toBeVisible();
	await expect(page.getByRole('heading', { name: '各项目今年和去年带来多少收入' })).toBeVisible();
	await expect(page.getByRole('heading', { name: '哪个项目帮农户过了监测线' })).toBeVisible();
	// The chart's numbers, one tap away.
	await page.getByText('看表格').click();
	await expect(page.getByRole('rowheader', { name: '微工厂工资' }).first()).toBeVisible();
	await expect(page.getByText(/共 [\d,]+ 户过了监测线/)).toBeVisible();
	await page.screenshot({ path: 'test-results/account-attribution.png' });
	await page.getByRole('heading', { name: '哪个项目帮农户过了监测线' }).scrollIntoViewIfNeeded();
	await page.screenshot({ path: 'test-results/account-attribution-lifted.png' });
	// Last year's view.
	await page.getByLabel('年份').selectOption({ index: 1 });
	await page.getByRole('button', { name: '查看' }).click();
	await expect(page).toHaveURL(/year=\d{4}/);
	await expect(page.getByRole('heading', { level: 1, name: '各项目带来的收入' })).toBeVisible();
});
