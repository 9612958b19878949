import { expect, test, type Page } from '@playwright/test';

// Screens that move money, on a phone: a family's shared phone finds several people and
// Enter chooses none of them until the staff taps one; the subsidy list has nothing ticked
// and pays only after a confirmation that shows the count and the total.

const DAY = '2026-09-30';
const SHOTS = process.env.E2E_SHOTS ?? 'test-results';

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

/**
 * A phone shared by a household of three or more in the staff's township, preferably one
 * with a child (to see the child marked).
 */
async function familyPhone(page: Page): Promise<string> {
	await page.goto('/households?q=130434108', { waitUntil: 'networkidle' });
	const links = await page
		.locator('main a[href^="/households/"]')
		.evaluateAll((as) =>
			as
				.map((a) => a.getAttribute('href') ?? '')
				.filter((href) => /^\/households\/[0-9a-f-]{36}$/.test(href))
		);
	let fallback = '';
	for (const href of links.slice(0, 40)) {
		await page.goto(href, { waitUntil: 'networkidle' });
		const phone = (await page.locator('dd.phone').first().innerText()).trim();
		const people = page.locator('#members ul.list').first().locator(':scope > li');
		if (!/^1\d{10}$/.test(phone) || (await people.count()) < 3) continue;
		const ages = (await people.locator('.who .muted').allInnerTexts()).map((t) =>
			Number(/(\d+)\s*岁/.exec(t)?.[1] ?? 99)
		);
		if (ages.some((a) => a < 16)) return phone;
		fallback ||= phone;
	}
	if (!fallback) throw new Error('no household with a phone and three people among the first 40');
	return fallback;
}

test('a shared phone finds the family, Enter chooses no one, the tapped person is weighed', async ({
	page
}) => {
	await signInAsStaff(page);
	const phone = await familyPhone(page);

	await page.goto(`/planting/weigh?date=${DAY}`, { waitUntil: 'networkidle' });
	if (await page.getByRole('button', { name: '开始过秤' }).isVisible()) {
		await page.getByLabel('过秤日期').fill(DAY);
		await page.getByRole('button', { name: '开始过秤' }).click();
		await page.waitForLoadState('networkidle');
	}
	const search = page.getByRole('searchbox', { name: '采摘人' });
	const before = await entriesCount(page);

	await search.fill(phone);
	const rows = page.locator('#picker-search-results li');
	await expect(rows.nth(1)).toBeVisible();
	const count = await rows.count();
	expect(count).toBeGreaterThanOrEqual(2);
	await search.press('Enter');
	// Nothing chosen: the list stays, it says to tap one, no weight field, nothing saved.
	await expect(page.getByRole('alert').filter({ hasText: `找到 ${count} 人` })).toBeVisible();
	await expect(page.getByLabel('重量', { exact: true })).toHaveCount(0);
	expect(await entriesCount(page)).toBe(before);
	await page.screenshot({ path: `${SHOTS}/weigh-several-matches.png`, fullPage: true });

	// Children under 16 are marked and cannot be tapped.
	const children = page.locator('#picker-search-results .child-row');
	for (const child of await children.all()) await expect(child).toContainText('未满16岁');

	// The staff taps the second adult: the weight goes to that person.
	const adults = page.locator('#picker-search-results a.match');
	const target = (await adults.count()) > 1 ? adults.nth(1) : adults.first();
	const name = await target.locator('.name').innerText();
	await target.click();
	const weight = page.getByLabel('重量', { exact: true });
	await expect(weight).toBeFocused();
	await expect(page.locator('.picked-name')).toHaveText(name);
	await weight.fill('7.5');
	await weight.press('Enter');
	await expect(page.locator('.saved')).toContainText(`${name} 7.5 公斤`);
	expect(await entriesCount(page)).toBe(before + 1);
	await expect(page.locator('ul.entries > li').first()).toContainText(name);
});

test('the subsidy list ticks nothing and pays only after a confirmation', async ({ page }) => {
	await signInAsStaff(page);
	await page.goto('/planting/subsidies', { waitUntil: 'networkidle' });
	const boxes = page.locator('input[name="lineId"]');
	if ((await boxes.count()) < 2) {
		await page.getByRole('button', { name: '生成或更新名单' }).click();
		await page.waitForLoadState('networkidle');
		await page.reload({ waitUntil: 'networkidle' });
	}
	expect(await boxes.count()).toBeGreaterThanOrEqual(2);
	// Nothing ticked at first, and the check button waits for a choice.
	expect(await page.locator('input[name="lineId"]:checked').count()).toBe(0);
	const check = page.getByRole('button', { name: /^核对：已勾选/ });
	await expect(check).toBeDisabled();
	// The box's tap area is at least 48 × 48.
	const area = await page.locator('label.tick').first().boundingBox();
	expect(area!.width).toBeGreaterThanOrEqual(48);
	expect(area!.height).toBeGreaterThanOrEqual(48);

	// Posting a choice without the confirmation pays nothing.
	const unpaidBefore = await boxes.count();
	const seasonId = await page.locator('input[name="seasonId"]').first().inputValue();
	const lineId = await boxes.first().inputValue();
	const origin = new URL(page.url()).origin;
	const refused = await page.request.post('/planting/subsidies?/pay', {
		headers: { origin, accept: 'application/json', 'x-sveltekit-action': 'true' },
		form: { seasonId, lineId, paidOn: '2026-10-15' }
	});
	expect(await refused.text()).toContain('还没有核对');
	await page.reload({ waitUntil: 'networkidle' });
	expect(await boxes.count()).toBe(unpaidBefore);

	// Tick two by tapping the label around each box; check; the confirm step shows the sum.
	await page.locator('label.tick').nth(0).click();
	await page.locator('label.tick').nth(1).click();
	await expect(check).toBeEnabled();
	await expect(check).toContainText('已勾选 2 行');
	await check.click();
	const confirm = page.getByRole('button', { name: /^确认发放 2 行/ });
	await expect(confirm).toBeVisible();
	await expect(page.getByText(/标记 2 行已发放，共 ¥[\d,.]+，发放日期/)).toBeVisible();
	await page.screenshot({ path: `${SHOTS}/subsidy-confirm.png`, fullPage: true });
	// Still nothing paid until the confirmation is pressed.
	await page.reload({ waitUntil: 'networkidle' });
	expect(await boxes.count()).toBe(unpaidBefore);

	await page.locator('label.tick').nth(0).click();
	await page.locator('label.tick').nth(1).click();
	await check.click();
	await page.getByRole('button', { name: /^确认发放 2 行/ }).click();
	await expect(page.getByText(/已发放 2 行，共 ¥[\d,.]+，已记入各户收入/)).toBeVisible();
	expect(await boxes.count()).toBe(unpaidBefore - 2);
});
