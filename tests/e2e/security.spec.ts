import { expect, test, type Page } from '@playwright/test';

// What the browser is told about caching, framing and allowed sources, and that the
// pages with charts and the QR card still work under the Content-Security-Policy.

async function signIn(page: Page, username: string, password: string): Promise<void> {
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill(username);
	await page.getByLabel('密码', { exact: true }).fill(password);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
}

/** Every CSP violation the page reports, from the console and from the DOM event. */
async function watchPolicy(page: Page): Promise<() => Promise<string[]>> {
	const seen: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
	});
	page.on('pageerror', (error) => seen.push(`page error: ${error.message}`));
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (event) => {
			const w = window as unknown as { cspViolations?: string[] };
			w.cspViolations = [
				...(w.cspViolations ?? []),
				`${event.violatedDirective} ${event.blockedURI}`
			];
		});
	});
	return async () => [
		...seen,
		...(await page.evaluate(
			() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []
		))
	];
}

/** A chart Chart.js has drawn: it sizes the canvas itself. */
async function expectDrawnChart(page: Page): Promise<void> {
	const canvas = page.locator('canvas').first();
	await expect(canvas).toBeVisible();
	await expect
		.poll(() => canvas.evaluate((c: HTMLCanvasElement) => c.style.height !== '' && c.width > 0))
		.toBe(true);
}

test('a signed-in page and its data are never stored, and carry the security headers', async ({
	page
}) => {
	await signIn(page, 'staff', 'weixian-staff');
	// The sign-in left a device cookie, so strangers' failures will not lock this phone out.
	const device = (await page.context().cookies()).find((c) => c.name === 'levee_device');
	expect(device).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
	expect(device!.expires * 1000).toBeGreaterThan(Date.now() + 300 * 86_400_000);
	for (const path of ['/households', '/households/__data.json', '/']) {
		const response = await page.request.get(path, { maxRedirects: 0 });
		expect(response.status(), path).toBe(200);
		const headers = response.headers();
		expect(headers['cache-control'], path).toBe('no-store');
		expect(headers['x-content-type-options'], path).toBe('nosniff');
		expect(headers['referrer-policy'], path).toBe('same-origin');
		expect(headers['permissions-policy'], path).toContain('camera=()');
		// Plain http here: no Strict-Transport-Security.
		expect(headers['strict-transport-security'], path).toBeUndefined();
	}
	const data = await page.request.get('/households/__data.json');
	expect(data.headers()['content-type']).toContain('application/json');

	const html = await page.request.get('/households');
	const csp = html.headers()['content-security-policy'];
	expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
	expect(csp).toContain("frame-ancestors 'none'");
	expect(csp).toContain("object-src 'none'");
	expect(csp).toContain("base-uri 'self'");
	expect(csp).toContain("form-action 'self'");
	// The nonce in the header is the one on the page's start-up script.
	const nonce = /'nonce-([^']+)'/.exec(csp)![1];
	expect(await html.text()).toContain(`nonce="${nonce}"`);
});

test('a JSON endpoint answers no-store; hashed assets stay cacheable', async ({ page }) => {
	await signIn(page, 'staff', 'weixian-staff');
	const pickers = await page.request.get('/planting/weigh/pickers?q=王');
	expect(pickers.headers()['content-type']).toContain('application/json');
	expect(pickers.headers()['cache-control']).toBe('no-store');
	expect(pickers.headers()['x-content-type-options']).toBe('nosniff');

	const asset = await page
		.locator('link[rel="modulepreload"][href*="/_app/immutable/"]')
		.first()
		.getAttribute('href');
	const cached = await page.request.get(asset!);
	expect(cached.headers()['cache-control']).toContain('immutable');
});

test('a visitor’s sign-in page is not stored either', async ({ request }) => {
	const response = await request.get('/login');
	expect(response.headers()['cache-control']).toBe('no-store');
	expect(response.headers()['content-security-policy']).toContain("default-src 'self'");
});

test('sign-in and the language switch never send anyone to another site', async ({ page }) => {
	await signIn(page, 'staff', 'weixian-staff');
	for (const next of ['/%09/evil.example', '/%0A/evil.example', '//evil.example', '/\\evil']) {
		const response = await page.request.get(`/login?next=${next}`, { maxRedirects: 0 });
		expect(response.status(), next).toBe(303);
		expect(response.headers()['location'], next).toBe('/');
	}
	const kept = await page.request.get('/login?next=%2Fhouseholds%3Fq%3D130434', {
		maxRedirects: 0
	});
	expect(kept.headers()['location']).toBe('/households?q=130434');

	const origin = new URL(page.url()).origin;
	for (const redirectTo of ['/\t/evil.example', '//evil.example', 'https://evil.example']) {
		const response = await page.request.post('/language', {
			form: { locale: 'zh-CN', redirectTo },
			headers: { origin, accept: 'text/html' },
			maxRedirects: 0
		});
		expect(response.status(), redirectTo).toBe(303);
		expect(response.headers()['location'], redirectTo).toBe('/');
	}
});

test('a visitor sent to sign in comes back to the page, and only there', async ({ page }) => {
	await page.goto('/login?next=/%09/evil.example', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill('staff');
	await page.getByLabel('密码', { exact: true }).fill('weixian-staff');
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/^http:\/\/localhost:\d+\/$/);
});

test('the household page’s income chart and the QR card work under the policy', async ({
	page
}) => {
	const violations = await watchPolicy(page);
	await signIn(page, 'staff', 'weixian-staff');
	await page.goto('/households?q=130434108', { waitUntil: 'networkidle' });
	await page
		.getByRole('main')
		.getByRole('link', { name: /户编号 130434108/ })
		.first()
		.click();
	await expect(page.getByRole('heading', { level: 1, name: /家$/ })).toBeVisible();
	await page.waitForLoadState('networkidle');
	await expectDrawnChart(page);

	await page.goto(`${new URL(page.url()).pathname}/card`, { waitUntil: 'networkidle' });
	await page.getByRole('button', { name: '生成新卡' }).click();
	const qr = page.locator('.qr svg');
	await expect(qr).toBeVisible();
	expect((await qr.boundingBox())!.width).toBeGreaterThan(100);
	expect(await violations()).toEqual([]);
});

test('the factory owner’s wage chart and the planting dashboard work under the policy', async ({
	page,
	browser
}) => {
	const violations = await watchPolicy(page);
	await signIn(page, 'factory', 'weixian-factory');
	await page.waitForLoadState('networkidle');
	await expectDrawnChart(page);
	expect(await violations()).toEqual([]);

	const context = await browser.newContext();
	const admin = await context.newPage();
	const adminViolations = await watchPolicy(admin);
	await signIn(admin, 'admin', 'weixian-admin');
	await admin.goto('/planting/dashboard', { waitUntil: 'networkidle' });
	await expectDrawnChart(admin);
	expect(await adminViolations()).toEqual([]);
	await context.close();
});
