import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { expect, test, type Browser, type Page } from '@playwright/test';

// The county admin opens the reports on a phone, picks the monitored households report,
// sees the A4 page and downloads the same report as an Excel file.

async function signIn(browser: Browser, username: string, password: string): Promise<Page> {
	const context = await browser.newContext({
		acceptDownloads: true,
		extraHTTPHeaders: { 'x-forwarded-for': `192.0.2.${10 + Math.floor(Math.random() * 200)}` }
	});
	const page = await context.newPage();
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByLabel('用户名或手机号').fill(username);
	await page.getByLabel('密码', { exact: true }).fill(password);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/$/);
	return page;
}

const SHOTS = 'tests/e2e/.tmp';

test('the admin prints the monitored households report and downloads it as Excel', async ({
	browser
}) => {
	// A report page of a few hundred rows takes a while to lay out on a loaded 2-core machine.
	test.setTimeout(180_000);
	const page = await signIn(browser, 'admin', 'weixian-admin');
	await page.getByRole('link', { name: /统计报表/ }).click();
	await expect(page.getByRole('heading', { name: '统计报表', level: 1 })).toBeVisible();
	await page.screenshot({ path: `${SHOTS}/reports-list.png`, fullPage: true });

	await page.getByLabel('开始日期').fill('2026-01-01');
	await page.getByLabel('截止日期').fill('2026-11-30');
	await page.getByRole('button', { name: '监测对象收入和状态明细表' }).click();
	await expect(
		page.getByRole('heading', { name: '监测对象收入和状态明细表', level: 1 })
	).toBeVisible();
	await expect(page.getByText('统计时间：2026年1月1日 至 2026年11月30日')).toBeVisible();
	await expect(page.getByRole('button', { name: '打印' })).toBeVisible();
	const summary = page.locator('table').first();
	await expect(summary.getByRole('columnheader', { name: '户数' })).toBeVisible();
	const totalRow = summary.locator('tr.totals');
	await expect(totalRow).toContainText('合计');
	const households = Number(
		((await totalRow.locator('td').nth(1).textContent()) ?? '').replace(/,/g, '')
	);
	expect(households).toBeGreaterThan(0);
	await page.screenshot({ path: `${SHOTS}/reports-a4.png` });
	// As printed: the width of an A4 sheet at 96 dpi.
	await page.setViewportSize({ width: 794, height: 1123 });
	await page.emulateMedia({ media: 'print' });
	await expect(page.locator('header.top')).toBeHidden();
	await expect(page.getByRole('button', { name: '打印' })).toBeHidden();
	await page.screenshot({ path: `${SHOTS}/reports-a4-print.png` });
	await page.emulateMedia({ media: 'screen' });
	await page.setViewportSize({ width: 360, height: 740 });

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: '下载 Excel' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
	const workbook = new ExcelJS.Workbook();
	await workbook.xlsx.load((await readFile(await download.path())).buffer as ArrayBuffer);
	const [sheet, list] = workbook.worksheets;
	expect(String(sheet.getCell('A1').value)).toContain('监测对象收入和状态明细表');
	// The summary's totals row holds the page's household count; the list has one row each.
	expect(sheet.getRow(sheet.rowCount).getCell(2).value).toBe(households);
	expect(list.rowCount - 5).toBe(households);
});
