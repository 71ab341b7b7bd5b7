// Takes the README's two Aspire dashboard screenshots (Resources page, trace of a POST /checkout) from a running stack.
// Run: cd scripts && npm ci && node dashboard-screenshots.mjs 'http://localhost:15000/login?t=TOKEN' ../docs/images
// Needs Debian's Chromium (/usr/bin/chromium) and, before it, one checkout through the gateway so the trace exists.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [loginUrl, outDir] = process.argv.slice(2);
if (!loginUrl || !outDir) {
  console.error('usage: node dashboard-screenshots.mjs LOGIN_URL OUTPUT_DIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const dashboard = new URL(loginUrl).origin;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.setDefaultTimeout(60_000);

  // The login URL sets the auth cookie and lands on the Resources page.
  await page.goto(loginUrl);
  await page.getByText('api-1', { exact: true }).waitFor();
  // postgres, flashsale, redis, api-1, api-2, api, prometheus: all Running (postgres-init ends Finished).
  await page.waitForFunction(() => (document.body.innerText.match(/\bRunning\b/g) ?? []).length >= 7);
  await page.screenshot({ path: join(outDir, 'aspire-dashboard-resources.png') });

  // The gateway names its traces "POST {**path}" (its catch-all route): list those, open each, keep the checkout.
  await page.goto(`${dashboard}/traces`);
  await page.locator('input[name=traces-search]').fill('POST {**path}');
  const traceIds = await page.waitForFunction(() => {
    const names = [...document.querySelectorAll('td[title^="Name: "]')].map(cell => cell.title);
    return names.length > 0 && names.every(name => name.includes('POST {**path}'))
      && names.map(name => name.match(/Trace Id: (\w+)/)[1]);
  }).then(handle => handle.jsonValue());
  const checkoutSpan = page.getByText('POST /checkout', { exact: true });
  let found = false;
  for (const id of traceIds) {
    await page.goto(`${dashboard}/traces/detail/${id}`);
    found = await checkoutSpan.waitFor({ timeout: 10_000 }).then(() => true, () => false);
    if (found) break;
  }
  if (!found) throw new Error('no POST /checkout trace: make a checkout through the gateway first');
  await page.screenshot({ path: join(outDir, 'aspire-dashboard-checkout-trace.png') });
  console.log(`wrote 2 screenshots to ${outDir}`);
} finally {
  await browser.close();
}
