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

async function signIn(page: Page, username: string, password: string): Promise<void> {
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill(username);
	await page.getByLabel('密码', { exact: true }).fill(password);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
}

/** A field screen used once online: the service worker controls it, the roster is kept. */
async function readyOffline<T>(page: Page, path: string): Promise<T> {
	await page.goto(path);
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	await page.reload();
	await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
	await expect(page.locator('.freshness').getByText(/名单更新于|updated/)).toBeVisible();
	return page.evaluate(async () => (await fetch('/api/sync/roster')).json() as Promise<T>);
}

interface VisitRoster {
	visits: {
		villages: Record<string, string>;
		households: { id: string; headName: string; openWarnings: string[] }[];
	};
}

test('a grid member records a visit offline that becomes a warning after sync', async ({
	page,
	context,
	browser
}) => {
	await signIn(page, 'grid', 'weixian-grid');
	const roster = await readyOffline<VisitRoster>(page, '/field/visit');
	const all = roster.visits.households;
	// A household with no open warning whose head's name starts no other's: one row to tap.
	const household = all.find(
		(h) =>
			h.headName &&
			h.openWarnings.length === 0 &&
			all.filter((o) => o.headName.startsWith(h.headName)).length === 1
	);
	expect(household).toBeDefined();
	const name = household!.headName;
	const note = `屋顶漏雨，老人腿摔伤了（离线走访 ${Date.now()}）`;

	await context.setOffline(true);
	await page.close();
	const tab = await context.newPage();
	await tab.goto('/field/visit');
	await expect(tab.getByRole('heading', { name: '入户走访（没有网络也能用）' })).toBeVisible();
	await tab.getByLabel(/找农户/).fill(name);
	await tab.locator('button.household').filter({ hasText: name }).click();
	await expect(tab.getByRole('heading', { name })).toBeVisible();
	await tab.getByLabel(/家里有什么变化/).fill('老人摔伤，看病花了三千多');
	await tab.getByLabel('情况不好，要报预警').check();
	await tab.getByLabel(/预警说明/).fill(note);
	await tab.getByRole('button', { name: '保存走访' }).click();
	await expect(tab.getByText(`已存到手机：${name} 家`)).toBeVisible();
	await pendingShown(tab, 1);
	await tab.close();

	// Reopened, still offline: the visit waits on the phone.
	const again = await context.newPage();
	await again.goto('/field/outbox');
	await pendingShown(again, 1);
	await expect(again.getByText(`${name} 家`)).toBeVisible();

	await context.setOffline(false);
	await expect(again.locator('.outbox-badge')).toHaveCount(0, { timeout: 20_000 });
	await expect(again.getByText('这台手机上的记录都已经发送了。')).toBeVisible();

	// The township's queue has it: a visit warning for this household, with the note.
	const staff = await (
		await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '192.0.2.61' } })
	).newPage();
	await signInAsStaff(staff);
	await staff.goto('/warnings?kind=visit&status=open', { waitUntil: 'networkidle' });
	const item = staff.locator('a[href^="/warnings/"]').filter({ hasText: name });
	await expect(item).toHaveCount(1);
	await expect(item).toContainText('走访发现');
	await item.click();
	await expect(staff.getByText(note).first()).toBeVisible();
	await staff.context().close();
});

interface PlotRoster {
	plots: {
		villages: Record<string, string>;
		households: { id: string; householdNumber: string; headName: string; villageCode: string }[];
	};
}

/** The plots the server holds in a village (the online list's count). */
async function plotCount(page: Page, villageCode: string): Promise<number> {
	const query = new URLSearchParams({
		township: villageCode.slice(0, 9),
		village: villageCode,
		status: 'all'
	});
	await page.goto(`/planting/plots?${query}`, { waitUntil: 'networkidle' });
	return Number(/共 (\d+) 块/.exec(await page.locator('p.count').innerText())?.[1]);
}

test('a plot recorded offline is recorded exactly once when the network returns', async ({
	page,
	context
}) => {
	await signInAsStaff(page);
	const roster = await readyOffline<PlotRoster>(page, '/field/plots');
	const household = roster.plots.households[3];
	const before = await plotCount(page, household.villageCode);

	await context.setOffline(true);
	await page.close();
	const tab = await context.newPage();
	await tab.goto('/field/plots');
	await expect(tab.getByRole('heading', { name: '登记地块（没有网络也能用）' })).toBeVisible();
	const search = tab.getByLabel(/找种植户/);
	// A surname finds many households: none is chosen until one is tapped.
	await search.fill(household.headName.slice(0, 1));
	await expect(
		tab.getByRole('status').filter({ hasText: /找到 \d+ 户，请点一下是哪一户/ })
	).toBeVisible();
	await search.press('Enter');
	await expect(tab.getByLabel('面积（亩）')).toHaveCount(0);
	// The household number finds the one household.
	await search.fill(household.householdNumber);
	await expect(tab.locator('button.household')).toHaveCount(1);
	await tab.locator('button.household').click();
	await expect(tab.getByLabel('地块所在村')).toHaveValue(household.villageCode);
	await tab.getByLabel('面积（亩）').fill('1,5');
	await tab.getByRole('button', { name: '存到手机' }).click();
	await expect(tab.getByText(/逗号|小数点/).first()).toBeVisible();
	await tab.getByLabel('面积（亩）').fill('1.25');
	await tab.getByLabel('备注').fill('村东河边，金银花二年苗');
	await tab.getByRole('button', { name: '存到手机' }).click();
	await expect(tab.getByText(`已存到手机：${household.headName}家`)).toBeVisible();
	await expect(tab.getByTestId('day-entries').getByText('未发送')).toHaveCount(1);
	await pendingShown(tab, 1);
	await tab.screenshot({ path: 'test-results/offline-plot-360.png', fullPage: true });
	await tab.close();

	const again = await context.newPage();
	await again.goto('/field/plots');
	await pendingShown(again, 1);
	await context.setOffline(false);
	await expect(again.locator('.outbox-badge')).toHaveCount(0, { timeout: 20_000 });
	await expect(again.getByTestId('day-entries').getByText('已发送')).toHaveCount(1);
	expect(await plotCount(again, household.villageCode)).toBe(before + 1);
});

test('a person who chose English sees the field screens in English, offline too', async ({
	page,
	context
}) => {
	await signInAsStaff(page);
	await readyOffline(page, '/field/plots');
	await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'en', url: page.url() }]);
	await context.setOffline(true);
	await page.close();
	const tab = await context.newPage();
	await tab.goto('/field/plots');
	await expect(tab.getByRole('heading', { name: 'Record a plot (works offline)' })).toBeVisible();
	await expect(tab.locator('html')).toHaveAttribute('lang', 'en');
	await expect(tab.getByLabel(/Find the household/)).toBeVisible();
	await tab.screenshot({ path: 'test-results/offline-plot-en-360.png', fullPage: true });
	await tab.goto('/field/weigh');
	await expect(tab.getByRole('heading', { name: 'Weighing (works offline)' })).toBeVisible();
	await expect(tab.getByText('过秤')).toHaveCount(0);
});
