import {
	expect,
	test,
	type Browser,
	type BrowserContextOptions,
	type Page
} from '@playwright/test';
import { parse } from 'devalue';

// Sign-in, sign-out, scope and the audit trail, as each kind of person meets them on a phone.
// The demo sign-ins come from src/lib/server/demo/accounts.ts.

const ADMIN = { username: 'admin', password: 'weixian-admin', name: '魏县防返贫办 管理员' };
const STAFF = { username: 'staff', password: 'weixian-staff', name: '王建军（乡镇干部）' };
const OWNER = { username: 'factory', password: 'weixian-factory' };
const DEMO_PIN = '802413';
// The staff member's townships: 东代固镇 and 前大磨乡 (where the demo household lives).
const DONGDAIGU = '130434108';
// A township of Wei County with demo households that the staff member does not work in.
const OTHER_TOWNSHIP = '130434102';

const NOT_FOUND = '没有找到这个页面或记录';
// New usernames for each run, so a retry against the same server does not collide.
const RUN = Date.now().toString(36);

/** A second phone: its own cookies, the same viewport and language as every test. */
async function newPhone(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
	const context = await browser.newContext(options);
	return context.newPage();
}

/**
 * Opens a page and waits until its scripts have taken over. Text typed into a form field
 * before then is wiped when the page hydrates (the field's server-rendered value wins).
 */
async function open(page: Page, path: string) {
	return page.goto(path, { waitUntil: 'networkidle' });
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
	await open(page, '/login');
	await page.getByLabel('用户名或手机号').fill(username);
	await page.getByLabel('密码', { exact: true }).fill(password);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
}

async function signInHousehold(page: Page, phone: string, pin: string): Promise<void> {
	await open(page, '/login/household');
	await page.getByLabel('手机号', { exact: true }).fill(phone);
	await page.getByLabel('6位数字密码').fill(pin);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	// A household lands on its own pages.
	await expect(page).toHaveURL(/\/my$/);
}

/** The household rows a search lists, as links to their pages. */
function householdLinks(page: Page) {
	return page.getByRole('main').getByRole('link', { name: /户编号/ });
}

/** Staff open the nth household of a township and see its page; returns its heading and path. */
async function openHousehold(page: Page, township: string, nth: number) {
	await open(page, `/households?q=${township}`);
	await householdLinks(page).nth(nth).click();
	await expect(page).toHaveURL(/\/households\/[^/?]+$/);
	const heading = page.getByRole('heading', { level: 1 });
	await expect(heading).toHaveText(/家$/);
	return { title: (await heading.textContent())!.trim(), path: new URL(page.url()).pathname };
}

/**
 * The demo household: the first of 前大磨乡 with a sign-in PIN. Staff see its phone in the
 * household page's sign-in section. Returns the phone and the home heading (“<户主>家”).
 */
async function findDemoHousehold(browser: Browser): Promise<{ phone: string; title: string }> {
	const page = await newPhone(browser);
	await signIn(page, STAFF.username, STAFF.password);
	// The demo's only household account (src/lib/server/demo/accounts.ts).
	await open(page, '/admin/users?role=household');
	await page.getByRole('main').getByRole('link', { name: /农户/ }).first().click();
	await page.getByRole('link', { name: '查看这一户' }).click();
	await expect(page).toHaveURL(/\/households\/[^/?]+$/);
	const title = (await page.getByRole('heading', { level: 1 }).textContent())!.trim();
	await expect(page.getByText('已设置登录密码。')).toBeVisible();
	const phone = await page.getByLabel('登录手机号').inputValue();
	await page.context().close();
	return { phone, title };
}

function navLinks(page: Page) {
	return page.getByRole('navigation', { name: '主导航' }).getByRole('link');
}

/** The bottom navigation shows exactly these items, in this order (each after its icon). */
async function expectNav(page: Page, labels: string[]): Promise<void> {
	await expect(navLinks(page)).toHaveText(labels.map((label) => new RegExp(`${label}$`)));
}

function notFoundHeading(page: Page) {
	return page.getByRole('heading', { name: NOT_FOUND });
}

test('each role signs in to its own home and sees only its navigation', async ({
	page,
	browser
}) => {
	// Five sign-ins (each an argon2id check) and two dashboards: more than the default 30 s
	// on a busy 2-core machine.
	test.setTimeout(90_000);
	await signIn(page, ADMIN.username, ADMIN.password);
	await expect(page.getByRole('heading', { name: '全县防返贫看板', level: 1 })).toBeVisible();
	await expect(page.getByRole('heading', { name: '魏县（130434）' })).toBeVisible();
	await expectNav(page, ['首页', '农户', '用户', '日志', '我的']);
	await expect(navLinks(page).first()).toHaveAttribute('aria-current', 'page');

	const staff = await newPhone(browser);
	await signIn(staff, STAFF.username, STAFF.password);
	await expect(staff.getByRole('heading', { name: '乡镇防返贫看板', level: 1 })).toBeVisible();
	// The dashboard's township filter offers exactly the staff member's townships.
	await expect(staff.getByLabel('乡镇', { exact: true }).locator('option')).toHaveText([
		'全部乡镇',
		'东代固镇',
		'前大磨乡'
	]);
	await expectNav(staff, ['首页', '农户', '过秤', '预警', '我的']);

	const owner = await newPhone(browser);
	await signIn(owner, OWNER.username, OWNER.password);
	await expect(owner.getByRole('heading', { name: '我的微工厂', level: 1 })).toBeVisible();
	await expectNav(owner, ['首页', '我的']);

	const demo = await findDemoHousehold(browser);
	const household = await newPhone(browser);
	await signInHousehold(household, demo.phone, DEMO_PIN);
	await expect(household.getByRole('heading', { name: demo.title, level: 1 })).toBeVisible();
	await expect(household.getByText('我家的收入账', { exact: true })).toBeVisible();
	await expectNav(household, ['我家', '明细', '家里', '求助', '我的']);

	for (const other of [staff, owner, household]) await other.context().close();
});

test('a household signs in with its QR card, and revoking the card signs it out', async ({
	page,
	browser
}) => {
	await signIn(page, STAFF.username, STAFF.password);
	const household = await openHousehold(page, DONGDAIGU, 1);

	await page.getByRole('link', { name: '打印二维码卡' }).click();
	await expect(page.getByRole('heading', { name: '农户二维码卡', level: 1 })).toBeVisible();
	const [answer] = await Promise.all([
		page.waitForResponse(
			(r) => r.request().method() === 'POST' && r.url().includes('?/issue') && r.ok()
		),
		page.getByRole('button', { name: '生成新卡' }).click()
	]);
	await expect(page.getByRole('status')).toContainText('新卡已生成');
	await expect(page.getByRole('article', { name: '农户二维码卡' }).locator('svg')).toBeVisible();
	// The printed QR code holds this address; the page never shows it as text.
	const body = (await answer.json()) as { type: string; data: string };
	expect(body.type).toBe('success');
	const cardUrl = (parse(body.data) as { card: { url: string } }).card.url;
	expect(cardUrl).toMatch(
		new RegExp(`^http://localhost:${process.env.E2E_PORT ?? 4317}/card/[a-z0-9]+$`)
	);

	// The household scans the card with its own phone.
	const phone = await newPhone(browser);
	await phone.goto(cardUrl);
	await expect(phone.getByRole('heading', { name: '扫码登录' })).toBeVisible();
	await phone.getByRole('button', { name: '进入我家的账户' }).click();
	await expect(phone).toHaveURL(/\/my$/);
	await expect(phone.getByRole('heading', { name: household.title, level: 1 })).toBeVisible();
	await expectNav(phone, ['我家', '明细', '家里', '求助', '我的']);

	// Staff revoke the card: the phone it signed in is signed out, and the card stops working.
	await page.goto(household.path);
	await expect(page.getByText('二维码卡：有效。')).toBeVisible();
	await page.getByRole('button', { name: '作废二维码卡' }).click();
	await expect(page.getByRole('status')).toHaveText('二维码卡已作废，用它登录的手机已退出');
	await expect(page.getByText('还没有打印二维码卡。')).toBeVisible();
	await expect(page.getByRole('button', { name: '作废二维码卡' })).toHaveCount(0);

	await phone.reload();
	// Signed out, the family's page sends it to the household sign-in.
	await expect(phone.getByRole('heading', { name: '农户登录', level: 1 })).toBeVisible();
	await expect(phone.getByRole('heading', { name: household.title })).toHaveCount(0);
	await expect(phone.getByRole('navigation', { name: '主导航' })).toHaveCount(0);

	await phone.goto(cardUrl);
	await expect(phone.getByRole('heading', { name: '二维码不能用了' })).toBeVisible();
	await expect(phone.getByRole('button', { name: '进入我家的账户' })).toHaveCount(0);
	await phone.context().close();
});

test('signing out is a POST from 我的; a GET to /logout signs nobody out', async ({ page }) => {
	await signIn(page, ADMIN.username, ADMIN.password);
	await page
		.getByRole('navigation', { name: '主导航' })
		.getByRole('link', { name: '我的' })
		.click();
	await expect(page.getByRole('heading', { name: '我的', level: 1 })).toBeVisible();
	await expect(page.getByText(ADMIN.name)).toBeVisible();

	await page.getByRole('button', { name: '退出登录' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await expect(page.getByRole('heading', { name: '登录', level: 1 })).toBeVisible();
	await expect(page.getByRole('navigation', { name: '主导航' })).toHaveCount(0);

	await page.goto('/account');
	await expect(page).toHaveURL(/\/login\?next=%2Faccount$/);
	await expect(page.getByRole('heading', { name: '登录', level: 1 })).toBeVisible();

	// A link, a preload or a typed address never signs anyone out.
	await signIn(page, ADMIN.username, ADMIN.password);
	await page.goto('/logout');
	await expect(page).toHaveURL(/\/$/);
	await expect(page.getByRole('heading', { name: '全县防返贫看板' })).toBeVisible();
	await page.goto('/account');
	await expect(page).toHaveURL(/\/account$/);
	await expect(page.getByRole('heading', { name: '我的', level: 1 })).toBeVisible();
	await expect(page.getByRole('button', { name: '退出登录' })).toBeVisible();
});

/** As the county admin, create a factory-owner account from 用户 → 新建账号. */
async function createOwner(
	page: Page,
	account: { name: string; username: string; password: string }
) {
	await open(page, '/admin/users');
	const form = page.getByRole('region', { name: '新建账号' });
	await form.getByLabel('角色').selectOption({ label: '微工厂负责人' });
	await form.getByLabel('姓名').fill(account.name);
	await form.getByLabel('用户名').fill(account.username);
	await form.getByLabel('初始密码').fill(account.password);
	await form.getByRole('button', { name: '创建账号' }).click();
	await expect(form.getByRole('status')).toHaveText(`已创建“${account.name}”的账号`);
}

test('the sixth rapid sign-in is throttled, even with the right password', async ({
	page,
	browser
}) => {
	const account = {
		name: '赵小工（限速测试）',
		username: `owner.throttle.${RUN}`,
		password: 'Levee-lock-2468'
	};
	await signIn(page, ADMIN.username, ADMIN.password);
	await createOwner(page, account);

	// Another phone, on an address of its own, so no other test's sign-ins count against it.
	const phone = await newPhone(browser, { extraHTTPHeaders: { 'x-forwarded-for': '192.0.2.77' } });
	await open(phone, '/login');
	const alert = phone.getByRole('main').getByRole('alert');
	const attempt = async (password: string) => {
		await phone.getByLabel('用户名或手机号').fill(account.username);
		await phone.getByLabel('密码', { exact: true }).fill(password);
		await Promise.all([
			phone.waitForResponse(
				(r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'
			),
			phone.getByRole('button', { name: '登录', exact: true }).click()
		]);
	};
	for (let i = 1; i <= 5; i++) {
		await attempt(`wrong-password-${i}`);
		await expect(alert).toHaveText('账号或密码不对，请重新输入');
	}
	await attempt(account.password);
	await expect(alert).toHaveText(/^尝试次数太多，请 \d+ 分钟后再试$/);
	await expect(phone).toHaveURL(/\/login$/);
	await expect(phone.getByRole('navigation', { name: '主导航' })).toHaveCount(0);
	await phone.context().close();
});

test('out-of-scope pages answer 404 for staff, factory owners and households', async ({
	page,
	browser
}) => {
	// Four people sign in on a shared two-core machine.
	test.slow();
	// The admin sees every township: take a household the staff member does not work with.
	await signIn(page, ADMIN.username, ADMIN.password);
	await open(page, `/households?q=${OTHER_TOWNSHIP}`);
	await householdLinks(page).first().click();
	await expect(page).toHaveURL(/\/households\/[^/?]+$/);
	const href = new URL(page.url()).pathname;
	await expect(page.getByRole('heading', { name: /家$/, level: 1 })).toBeVisible();

	const staff = await newPhone(browser);
	await signIn(staff, STAFF.username, STAFF.password);
	let response = await staff.goto(href);
	expect(response?.status()).toBe(404);
	await expect(notFoundHeading(staff)).toBeVisible();
	response = await staff.goto(`${href}/card`);
	expect(response?.status()).toBe(404);
	await expect(notFoundHeading(staff)).toBeVisible();

	const owner = await newPhone(browser);
	await signIn(owner, OWNER.username, OWNER.password);
	response = await owner.goto('/admin/users');
	expect(response?.status()).toBe(404);
	await expect(notFoundHeading(owner)).toBeVisible();
	await expect(owner.getByRole('heading', { name: '用户' })).toHaveCount(0);

	const demo = await findDemoHousehold(browser);
	const household = await newPhone(browser);
	await signInHousehold(household, demo.phone, DEMO_PIN);
	response = await household.goto('/households');
	expect(response?.status()).toBe(404);
	await expect(notFoundHeading(household)).toBeVisible();
	response = await household.goto(href);
	expect(response?.status()).toBe(404);
	await expect(notFoundHeading(household)).toBeVisible();

	for (const other of [staff, owner, household]) await other.context().close();
});

test('the audit log lists a new account and a household PIN set by staff', async ({
	page,
	browser
}) => {
	const account = {
		name: '孙晓梅（日志测试）',
		username: `owner.audit.${RUN}`,
		password: 'Levee-audit-1357'
	};
	const householdPhone = '13912340001';

	await signIn(page, ADMIN.username, ADMIN.password);
	await createOwner(page, account);

	const staff = await newPhone(browser);
	await signIn(staff, STAFF.username, STAFF.password);
	await openHousehold(staff, DONGDAIGU, 0);
	const pinForm = staff.getByRole('region', { name: '农户登录方式' });
	await pinForm.getByLabel('登录手机号').fill(householdPhone);
	await pinForm.getByLabel('6位数字密码').fill('802468');
	await pinForm.getByRole('button', { name: '保存登录密码' }).click();
	await expect(pinForm.getByRole('status')).toHaveText('已保存。农户可以用手机号和这个密码登录了');
	await expect(pinForm.getByText('已设置登录密码。')).toBeVisible();
	await staff.context().close();

	await page
		.getByRole('navigation', { name: '主导航' })
		.getByRole('link', { name: '日志' })
		.click();
	await expect(page.getByRole('heading', { name: '操作日志', level: 1 })).toBeVisible();
	const rows = page.getByRole('main').getByRole('listitem');

	const created = rows.filter({ hasText: '新建账号' }).filter({ hasText: account.username });
	await expect(created).toHaveCount(1);
	await expect(created).toContainText(`${ADMIN.name} 操作`);
	await created.getByText('看改了什么').click();
	await expect(created.locator('table')).toContainText(account.username);
	await expect(created.locator('table')).toContainText(account.name);

	const pinSet = rows.filter({ hasText: '设置农户登录密码' }).filter({ hasText: householdPhone });
	await expect(pinSet).toHaveCount(1);
	await expect(pinSet).toContainText(`${STAFF.name} 操作`);
	await pinSet.getByText('看改了什么').click();
	await expect(pinSet.locator('table')).toContainText(householdPhone);
	// A PIN is a secret: the log keeps the phone, never the PIN.
	await expect(pinSet).not.toContainText('802468');

	// The filter narrows the log to one kind of change.
	await page.getByLabel('操作', { exact: true }).selectOption({ label: '新建账号' });
	await page.getByRole('button', { name: '查询' }).click();
	await expect(page).toHaveURL(/action=users\.create/);
	await expect(created).toHaveCount(1);
	await expect(rows.filter({ hasText: '设置农户登录密码' })).toHaveCount(0);
});

// App bug: listAudit (src/lib/server/audit/index.ts) strips “_” from the action filter
// instead of escaping it, so actions such as users.set_pin never match. Enable once fixed.
test('the audit filter finds actions whose code has an underscore', async ({ page }) => {
	await signIn(page, ADMIN.username, ADMIN.password);
	await open(page, '/admin/audit');
	await page.getByLabel('操作', { exact: true }).selectOption({ label: '打印二维码卡' });
	await page.getByRole('button', { name: '查询' }).click();
	await expect(page).toHaveURL(/action=household_cards\.issue/);
	await expect(page.getByText('没有符合条件的记录。')).toHaveCount(0);
	await expect(page.getByRole('main').getByRole('listitem').first()).toContainText('打印二维码卡');
});
