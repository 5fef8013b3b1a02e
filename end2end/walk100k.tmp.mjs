// One-off walkthrough (not committed): an admin's three questions, one page each.
import { chromium } from "playwright";
const base = process.argv[2];
const out = process.argv[3];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
for (const theme of ["light", "dark"]) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, colorScheme: theme });
  for (const [name, path] of [
    ["review-can-clear", "/review"],
    ["review-waiting", "/review?tab=waiting"],
    ["review-changed", "/review?tab=changed"],
    ["overview", "/overview"],
  ]) {
    const started = Date.now();
    await page.goto(base + path);
    const ms = Date.now() - started;
    await page.screenshot({ path: `${out}/${name}-${theme}.png`, fullPage: false });
    const h1 = await page.locator("h1").first().textContent();
    const tabs = await page.locator("nav[aria-label] a, .tabs a").allTextContents();
    const rows = await page.locator("table tbody tr").count();
    console.log(theme, name, `${ms} ms`, JSON.stringify(h1), rows, "rows", JSON.stringify(tabs.slice(0, 10)));
  }
  await page.close();
}
await browser.close();
