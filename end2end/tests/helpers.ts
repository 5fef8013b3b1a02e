import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** Fails the test on any uncaught error or console error in the page. */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** Waits until the WASM has taken over the server-rendered page: no timers, no guessing. */
export async function hydrated(page: Page) {
  await expect(page.locator(".app")).toHaveAttribute("data-hydrated", "true");
}

/** The profile ids in the list table, in order. */
export async function listedIds(page: Page): Promise<string[]> {
  return page.locator("table.profiles tbody tr td:first-child a").allTextContents();
}

/**
 * Holds back the WASM file that carries an island until the returned function is called,
 * so a test can act on the server-rendered page before that island is live: `main` for
 * the islands in the main module (theme, Copy, the list's controls and Go to profile),
 * or a lazy island's name (its split file's, e.g. `live_editor`).
 */
export async function holdIsland(page: Page, island: string): Promise<() => void> {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const file = island === "main" ? "/profiles-admin" : `/split_${island}[^/]*`;
  await page.route(new RegExp(`${file}\\.wasm$`), async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

/** axe-core's serious and critical violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
