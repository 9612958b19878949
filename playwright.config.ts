import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// Playwright cannot download browsers on our machines: use Debian's Chromium.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// E2E_PORT lets two checkouts run their suites side by side.
const port = Number(process.env.E2E_PORT ?? 4317);

export default defineConfig({
	testDir: 'tests/e2e',
	forbidOnly: !!process.env.CI,
	retries: process.env.CI ? 1 : 0,
	workers: 1,
	reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
	use: {
		// A service worker needs a secure origin; localhost counts, 127.0.0.1 may not.
		baseURL: `http://localhost:${port}`,
		...devices['Pixel 5'],
		viewport: { width: 360, height: 740 },
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		extraHTTPHeaders: { 'x-forwarded-for': '192.0.2.1' },
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: existsSync(chromium) ? chromium : undefined,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run'
			]
		}
	},
	projects: [{ name: 'phone-chromium', use: { browserName: 'chromium' } }],
	webServer: {
		// A fresh embedded database each run, loaded with the demo county on first start.
		command: 'rm -rf tests/e2e/.tmp && node scripts/start.js',
		url: `http://localhost:${port}/healthz`,
		reuseExistingServer: false,
		timeout: 120_000,
		env: {
			PORT: String(port),
			ORIGIN: `http://localhost:${port}`,
			LEVEE_DATA_DIR: 'tests/e2e/.tmp/data',
			DATABASE_URL: '',
			// Each test context sends its own client address, so the sign-in throttle of one
			// test never slows another down (the proxy header a real deployment would set).
			ADDRESS_HEADER: 'x-forwarded-for',
			XFF_DEPTH: '1'
		}
	}
});
