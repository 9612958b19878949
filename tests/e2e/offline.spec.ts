import { expect, test, type BrowserContext, type Page } from '@playwright/test';

test.describe.configure({ timeout: 180_000 });

// Issue 13: a weighing station without signal. Staff open the weighing screen offline,
// find registered pickers in the roster the phone keeps, record weigh-ins that survive a
// closed tab, and every one of them is recorded once when the network returns — also when
// the first sync is cut off after the server applied it.

interface RosterPicker {
	memberId: string;
	name: string;
	villageCode: string;
	idTail: string;
	band: number;
	adultOn?: string;
}
interface Roster {
	picking: { stations: { id: string; name: string }[]; pickers: RosterPicker[] };
}

async function signInAsStaff(page: Page): Promise<void> {
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill('staff');
	await page.getByLabel('密码', { exact: true }).fill('weixian-staff');
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
}

/** Used once online: the service worker controls the page and the roster is on the phone. */
async function prepareOnline(page: Page): Promise<Roster> {
	await page.goto('/field/weigh');
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	await page.reload();
	await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
	await expect(page.getByText(/名单更新于/)).toBeVisible();
	return page.evaluate(async () => (await fetch('/api/sync/roster')).json() as Promise<Roster>);
}

/** The weigh-ins the server holds for the station's day (the online screen's count). */
async function sheetCount(page: Page, stationId: string, day: string): Promise<number> {
	await page.goto(`/planting/weigh?${new URLSearchParams({ station: stationId, date: day })}`, {
		waitUntil: 'networkidle'
	});
	const text = await page
		.locator('.totals div')
		.filter({ hasText: '过秤次数' })
		.locator('dd')
		.innerText();
	return Number(text);
}

/** Pays what is unpaid on the station's day; answers the ledger postings the payment made. */
async function payDay(page: Page, stationId: string, day: string): Promise<number> {
	await page.goto(
		`/planting/payments?${new URLSearchParams({ station: stationId, date: day, period: 'day' })}`,
		{ waitUntil: 'networkidle' }
	);
	const pay = page.getByRole('link', { name: /发放 .* 的工钱…/ });
	if ((await pay.count()) === 0) return 0;
	await pay.click();
	await page.getByRole('button', { name: /确认已发放/ }).click();
	// "已发放 20 次过秤，共 ¥400.00；已记入 20 笔农户收入": the ledger postings of the payment.
	const done = page.getByRole('status').filter({ hasText: /已记入 \d+ 笔农户收入/ });
	return Number(/已记入 (\d+) 笔农户收入/.exec(await done.innerText())?.[1]);
}

async function startDay(page: Page, stationId: string, day: string) {
	await page.getByLabel('收购点').selectOption(stationId);
	await page.getByLabel('过秤日期').fill(day);
	await page.getByRole('button', { name: '开始过秤' }).click();
}

async function weigh(page: Page, search: string, picker: RosterPicker, kg: string) {
	const box = page.getByLabel('采摘人');
	await box.fill(search);
	const row = page
		.locator('a.match')
		.filter({ hasText: picker.name })
		.filter({ hasText: picker.idTail })
		.first();
	await row.click();
	await page.locator('#weight').fill(kg);
	await page.locator('#weight').press('Enter');
	await expect(page.getByText(`已存到手机：${picker.name}`)).toBeVisible();
}

/** Twenty different working-age pickers; half found by the last 4, half by name. */
function choosePickers(roster: Roster): RosterPicker[] {
	const seen = new Set<string>();
	return roster.picking.pickers
		.filter((p) => p.band === 1 && !p.adultOn && !seen.has(p.name) && seen.add(p.name))
		.slice(0, 20);
}

async function pendingShown(page: Page, count: number) {
	await expect(page.locator('.outbox-badge')).toContainText(String(count));
	await expect(page.getByText(`${count} 条未发送`)).toBeVisible();
}

async function offlineTab(context: BrowserContext): Promise<Page> {
	const page = await context.newPage();
	await page.goto('/field/weigh');
	await expect(page.getByRole('heading', { name: '过秤（没有网络也能用）' })).toBeVisible();
	return page;
}

test('twenty weigh-ins offline survive a closed tab and are recorded exactly once', async ({
	page,
	context
}) => {
	const day = '2026-09-28';
	await signInAsStaff(page);
	const roster = await prepareOnline(page);
	const station = roster.picking.stations[0];
	await payDay(page, station.id, day);
	const before = await sheetCount(page, station.id, day);
	const pickers = choosePickers(roster);
	expect(pickers).toHaveLength(20);

	await context.setOffline(true);
	await page.close();
	const tab = await offlineTab(context);
	await startDay(tab, station.id, day);
	for (const [i, picker] of pickers.entries()) {
		await weigh(tab, i < 10 ? picker.idTail : picker.name, picker, `${10 + i}.5`);
	}
	await pendingShown(tab, 20);
	await tab.close();

	// A new tab, still offline: the twenty are on the phone, marked as not sent.
	const again = await offlineTab(context);
	await pendingShown(again, 20);
	await expect(again.getByTestId('day-entries').getByText('未发送')).toHaveCount(20);
	await again.screenshot({ path: 'test-results/offline-weigh-360.png', fullPage: true });

	// Online: sent once, recorded once.
	await context.setOffline(false);
	await expect(again.locator('.outbox-badge')).toHaveCount(0, { timeout: 20_000 });
	await expect(again.getByTestId('day-entries').getByText('已发送')).toHaveCount(20);
	expect(await sheetCount(again, station.id, day)).toBe(before + 20);
	expect(await payDay(again, station.id, day)).toBe(20);
});

test('a sync cut off after the server applied it is resent without a second record', async ({
	page,
	context
}) => {
	const day = '2026-09-27';
	await signInAsStaff(page);
	const roster = await prepareOnline(page);
	const station = roster.picking.stations[0];
	await payDay(page, station.id, day);
	const before = await sheetCount(page, station.id, day);
	const pickers = choosePickers(roster).slice(0, 6);

	await context.setOffline(true);
	await page.close();
	const tab = await offlineTab(context);
	await startDay(tab, station.id, day);
	for (const picker of pickers) await weigh(tab, picker.idTail, picker, '8');
	await pendingShown(tab, 6);

	// The first sync reaches the server, but its answer is lost on the way back.
	let cut = 0;
	await context.route('**/api/sync', async (route) => {
		if (cut++ === 0) {
			await route.fetch();
			await route.abort('connectionreset');
		} else await route.continue();
	});
	await context.setOffline(false);
	await expect.poll(() => cut, { timeout: 15_000 }).toBeGreaterThan(0);
	await expect(tab.getByText('6 条未发送')).toBeVisible();
	await tab.getByRole('button', { name: '现在发送' }).click();
	await expect(tab.locator('.outbox-badge')).toHaveCount(0, { timeout: 20_000 });
	expect(cut).toBe(2);
	expect(await sheetCount(tab, station.id, day)).toBe(before + 6);
	expect(await payDay(tab, station.id, day)).toBe(6);
});

test('an entry the server refuses waits under needs attention, to fix and resend', async ({
	page,
	context
}) => {
	const day = '2026-09-26';
	await signInAsStaff(page);
	const roster = await prepareOnline(page);
	const station = roster.picking.stations[0];
	const [picker] = choosePickers(roster);
	// The county lowered nothing, but this phone's copy of the ceiling is stale (too high).
	await page.evaluate(async () => {
		const open = indexedDB.open('levee-field');
		const db = await new Promise<IDBDatabase>((ok) => (open.onsuccess = () => ok(open.result)));
		const tx = db.transaction('roster', 'readwrite');
		const store = tx.objectStore('roster');
		const get = store.get('current');
		await new Promise((ok) => (get.onsuccess = ok));
		const row = get.result as { value: { picking: { ceilingGrams: number } } };
		row.value.picking.ceilingGrams = 10_000_000;
		store.put(row);
		await new Promise((ok) => (tx.oncomplete = ok));
		db.close();
	});

	await context.setOffline(true);
	const tab = await offlineTab(context);
	await startDay(tab, station.id, day);
	await weigh(tab, picker.idTail, picker, '900');
	await context.setOffline(false);
	await expect(tab.locator('.outbox-badge')).toContainText('1 条需处理', { timeout: 20_000 });

	await tab.locator('.outbox-badge').click();
	const entry = tab.getByTestId('attention-entry');
	await expect(entry).toContainText(picker.name);
	await expect(entry).toContainText(/一次不能超过 [\d.]+ 公斤/);
	await entry.getByRole('button', { name: '修改后重发' }).click();
	await tab.getByLabel(/重量/).fill('9');
	await tab.getByRole('button', { name: '重发' }).click();
	await expect(tab.locator('.outbox-badge')).toHaveCount(0, { timeout: 20_000 });
	await expect(tab.getByText('这台手机上的记录都已经发送了。')).toBeVisible();
});
