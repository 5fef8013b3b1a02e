// Not a test: renders every page in light and dark into docs/screenshots/ for the docs.
// Run with `bash scripts/screenshots.sh`.
import { expect, test, type Page } from "@playwright/test";
import * as path from "node:path";
import { E2E_PASSWORD, GA_CONSOLE_URL, HOOKED_CONSOLE_URL } from "../playwright.config";
import { hydrated, listedIds } from "../tests/helpers";

const out = path.resolve(__dirname, "../../docs/screenshots");

async function shoot(page: Page, name: string, scheme: "light" | "dark") {
  await page.screenshot({ path: path.join(out, `${name}-${scheme}.png`), fullPage: true });
}

for (const scheme of ["light", "dark"] as const) {
  test(`every page (${scheme})`, async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto("/profiles");
    await hydrated(page);
    await shoot(page, "list", scheme);

    const id = (await listedIds(page))[0];
    await page.goto("/profiles/search?q=an&grant=active");
    await hydrated(page);
    await shoot(page, "search", scheme);

    await page.goto(`/profiles/${id}`);
    await hydrated(page);
    await page.getByRole("button", { name: "Generate enrollment URL" }).click();
    await expect(page.locator(".countdown")).toBeVisible();
    await shoot(page, "detail", scheme);

    await page.goto(`/profiles/${id}/edit`);
    await hydrated(page);
    await page.getByLabel("Name").fill("Renamed in the screenshot");
    await page.getByRole("group", { name: "Entry 1", exact: true }).getByRole("button", { name: "Remove" }).click();
    await page.getByRole("button", { name: "Add entry" }).click();
    await page.getByRole("group", { name: /^Entry \d+$/ }).last().getByLabel("Key").fill("k".repeat(70));
    await shoot(page, "edit", scheme);

    await page.goto("/profiles/new");
    await hydrated(page);
    await page.getByLabel("Relationship").selectOption("resold");
    await shoot(page, "new", scheme);

    await page.goto("/profiles/uprof_01doesnotexist");
    await hydrated(page);
    await shoot(page, "not-found", scheme);

    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto("/profiles");
    await hydrated(page);
    await page.screenshot({ path: path.join(out, `list-360-${scheme}.png`) });
  });
}

for (const scheme of ["light", "dark"] as const) {
  test(`sign-in, and the list as a signed-in editor (${scheme})`, async ({ browser }) => {
    const context = await browser.newContext({
      baseURL: HOOKED_CONSOLE_URL,
      storageState: { cookies: [], origins: [] },
      colorScheme: scheme,
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await page.getByLabel("User name").fill("e2e-editor");
    await shoot(page, "sign-in", scheme);
    await page.getByLabel("Password").fill(E2E_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await hydrated(page);
    await shoot(page, "list-signed-in", scheme);
    await context.close();
  });
}

for (const scheme of ["light", "dark"] as const) {
  test(`a profile's History and the Audit log (${scheme})`, async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto("/profiles");
    await hydrated(page);
    const id = (await listedIds(page))[1];
    await page.goto(`/profiles/${id}/edit`);
    await hydrated(page);
    await page.getByLabel("Name").fill(`Renamed (${scheme})`);
    await page.getByRole("button", { name: "Add entry" }).click();
    const entry = page.getByRole("group", { name: /^Entry \d+$/ }).last();
    await entry.getByLabel("Key").fill(`shown-in-${scheme}`);
    await entry.getByLabel("Value").fill(scheme);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.locator(".notice")).toHaveText("Changes saved.");
    await page.getByRole("heading", { level: 2, name: "History" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(out, `history-${scheme}.png`) });

    await page.goto("/audit");
    await hydrated(page);
    await shoot(page, "audit-log", scheme);
  });
}

for (const scheme of ["light", "dark"] as const) {
  test(`the review queue and the overview, under GA (${scheme})`, async ({ browser }) => {
    const context = await browser.newContext({
      baseURL: GA_CONSOLE_URL,
      colorScheme: scheme,
      viewport: { width: 1280, height: 1000 },
    });
    const page = await context.newPage();
    await page.goto("/review");
    await hydrated(page);
    await page.screenshot({ path: path.join(out, `review-${scheme}.png`) });
    await page.goto("/overview");
    await hydrated(page);
    await page.screenshot({ path: path.join(out, `overview-${scheme}.png`) });
    await context.close();
  });
}
