import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking'] });
const base = 'http://localhost:4400';
async function as(user, pass, pages) {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  if (user) {
    await page.fill('#field-identifier', user); await page.fill('#field-password', pass);
    await page.click('button[type=submit].wide'); await page.waitForURL(base + '/');
  }
  for (const [name, path] of pages) { await page.goto(base + path); await page.screenshot({ path: `/tmp/shot-${name}.png`, fullPage: true }); }
  await ctx.close();
}
await as(null, null, [['login', '/login'], ['visitor', '/']]);
await as('admin', 'weixian-admin', [['admin-home', '/'], ['users', '/admin/users'], ['audit', '/admin/audit']]);
await as('staff', 'weixian-staff', [['staff-home', '/'], ['households', '/households']]);
await browser.close();
