// Navigation to interactive, measured in headless Chromium on the release build
// (scripts/bench.sh runs it). For each page: the milliseconds from the start of the
// navigation until `data-hydrated="true"` (every island of the page is live; see
// src/ui/heading.rs), the median of RUNS loads: warm, one tab navigating again and again
// as a user moving through the console does (the browser's cache holds the WASM); and
// cold, a fresh browser profile each time (a first visit: new renderer process, nothing
// cached). Then the WASM the page loads, as gzip bytes, the unit of the budget in
// docs/performance.md.
//
//   node end2end/interactive.mjs BASE_URL '{"header": "value"}' PATH...
// Prints one Markdown table row per path.
import { chromium } from "@playwright/test";

const RUNS = 10;
const [base, headersJson, ...paths] = process.argv.slice(2);
const extraHTTPHeaders = JSON.parse(headersJson);

// Notes the moment the app is marked live, before anything else on the page runs.
const watch = () => {
  const done = () => {
    window.__interactive = performance.now();
  };
  new MutationObserver((_, observer) => {
    const app = document.querySelector(".app");
    if (app?.getAttribute("data-hydrated") === "true") {
      done();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"] });
};

async function load(page, path) {
  const wasm = [];
  page.on("response", (response) => {
    if (response.url().endsWith(".wasm")) wasm.push(response.url());
  });
  await page.goto(base + path);
  await page.waitForFunction(() => window.__interactive !== undefined, null, { timeout: 30_000 });
  const ms = await page.evaluate(() => window.__interactive);
  page.removeAllListeners("response");
  return { ms, wasm };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// Debian's Chromium, as the tests use (playwright.config.ts).
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
try {
  for (const path of paths) {
    const cold = [];
    let wasm = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ extraHTTPHeaders });
      await context.addInitScript(watch);
      const run = await load(await context.newPage(), path);
      cold.push(run.ms);
      wasm = run.wasm;
      await context.close();
    }
    const context = await browser.newContext({ extraHTTPHeaders });
    await context.addInitScript(watch);
    const tab = await context.newPage();
    await load(tab, path);
    const warm = [];
    for (let i = 0; i < RUNS; i++) warm.push((await load(tab, path)).ms);
    let gzip = 0;
    for (const url of new Set(wasm)) {
      const response = await context.request.get(url, { headers: { "accept-encoding": "gzip" } });
      gzip += Number(response.headers()["content-length"]);
    }
    await context.close();
    console.log(
      `| \`${path.replace(/uprof_\w+/, "{id}")}\` | ${median(warm).toFixed(0)} ms | ${median(cold).toFixed(0)} ms | ${new Set(wasm).size} | ${gzip} |`,
    );
  }
} finally {
  await browser.close();
}
