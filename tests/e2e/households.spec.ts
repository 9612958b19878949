import { expect, test, type Page } from '@playwright/test';
import { identityCheckCharacter } from '../../src/lib/identity';

// Township staff on a phone: find a household, add a member, record an income and a
// medical expense, and see them on the household's page.

async function signInAsStaff(page: Page): Promise<void> {
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill('staff');
	await page.getByLabel('密码', { exact: true }).fill('weixian-staff');
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
}

/** A <details> section by its summary, opened (a second click would close it). */
async function section(page: Page, summary: string) {
	const element = page
		.locator('details')
		.filter({ has: page.locator('summary', { hasText: summary }) });
	if (!(await element.evaluate((el) => (el as HTMLDetailsElement).open))) {
		await element.locator('summary').click();
	}
	return element;
}

test('staff finds a household, adds a member, and records income and a medical expense', async ({
	page
}) => {
	await signInAsStaff(page);
	await page
		.getByRole('navigation', { name: '主导航' })
		.getByRole('link', { name: '农户', exact: false })
		.first()
		.click();
	await expect(page.getByRole('heading', { name: '农户', level: 1 })).toBeVisible();

	// Search by the township's household-number prefix, open the first household.
	await page.getByRole('searchbox').fill('130434108');
	await page.getByRole('button', { name: '查找' }).click();
	await expect(page.getByText(/共 \d+ 户/)).toBeVisible();
	await page
		.getByRole('main')
		.getByRole('link', { name: /户编号 130434108/ })
		.first()
		.click();
	await expect(page.getByRole('heading', { level: 1, name: /家$/ })).toBeVisible();
	await page.waitForLoadState('networkidle');

	// A daughter-in-law marries in.
	const first17 =
		'13043419980304' + String(100 + Math.floor(Math.random() * 400) * 2).padStart(3, '0');
	const idNumber = first17 + identityCheckCharacter(first17);
	const addMember = await section(page, '登记新成员');
	await addMember.locator('#add-event').selectOption({ label: '婚入' });
	await addMember.locator('#add-date').fill('2026-10-01');
	await addMember.locator('#add-name').fill('刘欣怡');
	await addMember.locator('#add-idNumber').fill(idNumber);
	await addMember.locator('#add-relation').fill('之儿媳');
	await addMember.getByRole('button', { name: '登记新成员' }).click();
	await expect(page.getByText('已登记新成员')).toBeVisible();
	const masked = `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`;
	await expect(page.getByText(masked, { exact: true })).toBeVisible();
	await expect(page.getByText('刘欣怡').first()).toBeVisible();

	// A public-welfare job's pay.
	const addEntry = await section(page, '记一笔收入或支出');
	await addEntry.getByLabel('类别').selectOption({ label: '公益岗位工资' });
	await addEntry.getByLabel('金额（元）').fill('500');
	await addEntry.getByRole('button', { name: '记账' }).click();
	await expect(page.getByText('已记账')).toBeVisible();
	const entries = page.locator('ul.entries').first();
	await expect(entries.getByText('公益岗位工资').first()).toBeVisible();
	await expect(entries.getByText('¥500.00').first()).toBeVisible();

	// A large medical bill, as in the report.
	const again = await section(page, '记一笔收入或支出');
	await again.getByLabel('类别').selectOption({ label: '看病自付费用' });
	await again.getByLabel('金额（元）').fill('57,593.50');
	await again.getByRole('button', { name: '记账' }).click();
	await expect(page.getByText('已记账')).toBeVisible();
	await expect(entries.getByText('看病自付费用').first()).toBeVisible();
	await expect(entries.getByText(/57,593\.50/).first()).toBeVisible();

	// Both survive a reload: they are on the household's page, not just in the form answer.
	await page.reload();
	await expect(page.getByText(masked, { exact: true })).toBeVisible();
	await expect(
		page
			.locator('ul.entries')
			.first()
			.getByText(/57,593\.50/)
			.first()
	).toBeVisible();
});

test('a wrong identity number is refused beside the field, and nothing is added', async ({
	page
}) => {
	await signInAsStaff(page);
	await page.goto('/households?q=130434205', { waitUntil: 'networkidle' });
	await page
		.getByRole('main')
		.getByRole('link', { name: /户编号 130434205/ })
		.first()
		.click();
	await expect(page.getByRole('heading', { level: 1, name: /家$/ })).toBeVisible();
	await page.waitForLoadState('networkidle');
	const addMember = await section(page, '登记新成员');
	await addMember.locator('#add-name').fill('错号码');
	await addMember.locator('#add-idNumber').fill('130434199803041230');
	await addMember.locator('#add-relation').fill('之女');
	await addMember.getByRole('button', { name: '登记新成员' }).click();
	await expect(
		addMember.getByText(/身份证号最后一位（校验码）不对|身份证号里的出生日期不对/)
	).toBeVisible();
	await page.reload();
	await expect(page.getByRole('heading', { level: 1, name: /家$/ })).toBeVisible();
	await expect(page.getByText('错号码')).toHaveCount(0);
});
