import { expect, test, type Page } from '@playwright/test';

// Township staff at a weighing station, on a phone: ten pickers weighed in one after
// another without a page load, one weight corrected, the day's sheet paid, and a picker's
// household page showing the money.

const DAY = '2026-09-30';
const SURNAMES = [
	'王',
	'李',
	'张',
	'刘',
	'赵',
	'杨',
	'陈',
	'郭',
	'马',
	'孙',
	'周',
	'吴',
	'高',
	'罗'
];

async function signInAsStaff(page: Page): Promise<void> {
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill('staff');
	await page.getByLabel('密码', { exact: true }).fill('weixian-staff');
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
}

function entriesCount(page: Page) {
	return page
		.locator('.totals div')
		.filter({ hasText: '过秤次数' })
		.locator('dd')
		.innerText()
		.then(Number);
}

test('staff weigh in ten pickers, correct one, pay the day, and the household sees the money', async ({
	page
}) => {
	await signInAsStaff(page);
	await page
		.getByRole('navigation', { name: '主导航' })
		.getByRole('link', { name: '过秤' })
		.click();

	// Station and day, once.
	await expect(page.getByRole('heading', { name: '在哪个收购点、哪一天' })).toBeVisible();
	await page.waitForLoadState('networkidle');
	const station = page.getByLabel('收购点');
	const stationName = (await station.locator('option:checked').innerText()).split('（')[0];
	await page.getByLabel('过秤日期').fill(DAY);
	await page.getByRole('button', { name: '开始过秤' }).click();
	await expect(page.getByText(stationName, { exact: true })).toBeVisible();
	await page.waitForLoadState('networkidle');
	const before = await entriesCount(page);

	const search = page.getByRole('searchbox', { name: '采摘人' });
	const weight = page.getByLabel('重量', { exact: true });
	await expect(search).toBeFocused();
	const recorded: { name: string; kg: string }[] = [];
	for (const surname of SURNAMES) {
		if (recorded.length === 10) break;
		await search.fill(surname);
		const results = page.locator('#picker-search-results li');
		await expect(results.first().or(page.getByText('名单里没有找到'))).toBeVisible();
		if ((await results.count()) === 0) continue;
		// Several people match a surname: the person taps one (Enter would not choose).
		const choice = page.locator('#picker-search-results a.match').first();
		if ((await choice.count()) === 0) continue;
		const name = await choice.locator('.name').innerText();
		await choice.click();
		await expect(weight).toBeFocused();
		const kg = `${10 + recorded.length}.5`;
		await weight.fill(kg);
		await expect(page.getByText(`¥${10 + recorded.length}.50`).first()).toBeVisible();
		await weight.press('Enter');
		await expect(page.locator('.saved')).toContainText(`${name} ${kg} 公斤`);
		// Ready for the next picker at once, without a page load.
		await expect(search).toBeFocused();
		recorded.push({ name, kg });
	}
	expect(recorded).toHaveLength(10);
	expect(await entriesCount(page)).toBe(before + 10);

	// Correct the last weigh-in: 19.5 kg was really 15 kg.
	const last = page.locator('ul.entries > li').first();
	await expect(last).toContainText('19.5 公斤');
	await last.locator('summary').first().click();
	await last.getByLabel('正确的重量（公斤）').fill('15');
	await last.getByRole('button', { name: '改正', exact: true }).click();
	await expect(last).toContainText('15 公斤');
	await expect(last).toContainText('已改正');
	await expect(last).toContainText('¥15.00');

	// Pay the day's sheet in one go.
	// The day shown is back-dated: the button names it.
	await page.getByRole('link', { name: /去发放 9月30日 的工钱/ }).click();
	await expect(page.getByRole('heading', { name: '采摘工钱发放' })).toBeVisible();
	await page.waitForLoadState('networkidle');
	await expect(page.getByRole('row', { name: new RegExp(recorded[0].name) }).first()).toBeVisible();
	// Paying shows the count and total and asks to confirm.
	await page.getByRole('link', { name: /发放 9月30日 的工钱…/ }).click();
	await expect(page.getByText(/\d+ 次过秤，共 ¥[\d,.]+。钱都发到采摘人手里了吗？/)).toBeVisible();
	await page.getByRole('button', { name: /确认已发放/ }).click();
	await expect(page.getByText(/已发放 \d+ 次过秤/)).toBeVisible();
	await expect(page.getByText('这张表已全部发放')).toBeVisible();

	// The first picker's household: the picking and the money on its page.
	await page.goto(`/planting/weigh`, { waitUntil: 'networkidle' });
	const first = page
		.locator('ul.entries > li')
		.filter({ hasText: recorded[0].name })
		.filter({ hasText: '10.5 公斤' })
		.first();
	await expect(first).toContainText('已发');
	await first.locator('summary').first().click();
	await first.getByRole('link', { name: /查看这户/ }).click();
	await expect(page.getByRole('heading', { level: 1, name: /家$/ })).toBeVisible();
	const planting = page.locator('#planting');
	await expect(planting.getByRole('heading', { name: '每月采摘' })).toBeVisible();
	await expect(planting.getByRole('row', { name: /2026年9月/ })).toBeVisible();
	await expect(page.locator('ul.entries').first().getByText('¥10.50').first()).toBeVisible();
});
