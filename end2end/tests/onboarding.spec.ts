// Onboarding in bulk (docs/onboarding.md) on the signed-in GA console, as an editor, with
// and without JavaScript: a file whose header needs mapping is checked, the job's page
// says what will happen (rows in error named by line), the report downloads, the import
// runs to its end (the bar live with JavaScript, the page reloading itself without), and
// the links download as a CSV with one link per created profile. axe (which needs
// JavaScript) finds nothing serious on either page, light or dark.
import * as fs from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { E2E_PASSWORD, GA_HOOKED_CONSOLE_URL } from "../playwright.config";
import { hydrated, seriousViolations, watchForErrors } from "./helpers";

async function signedIn(browser: Browser, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({
    baseURL: GA_HOOKED_CONSOLE_URL,
    javaScriptEnabled,
    storageState: { cookies: [], origins: [] },
    acceptDownloads: true,
  });
  const signIn = await context.request.post("/sign-in", {
    form: { name: "e2e-editor", password: E2E_PASSWORD, next: "/profiles" },
    maxRedirects: 0,
  });
  expect(signIn.status()).toBe(303);
  return context.newPage();
}

async function accessible(page: Page, where: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await seriousViolations(page), `${where} (${scheme})`).toEqual([]);
  }
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent("download"), click()]);
  return fs.readFileSync(await download.path(), "utf8");
}

for (const javaScriptEnabled of [true, false]) {
  test(`onboarding: upload, map a column, check, run, and download the links (${javaScriptEnabled ? "with" : "without"} JavaScript)`, async ({
    browser,
  }) => {
    const page = await signedIn(browser, javaScriptEnabled);
    const errors = watchForErrors(page);
    const ready = async () => {
      if (javaScriptEnabled) await hydrated(page);
    };
    const tag = `${javaScriptEnabled ? "js" : "nojs"}-${Date.now()}`;
    const good = [1, 2, 3, 4, 5].map((n) => `onb-${tag}-${n},Customer ${n},${n}`);
    const file = [
      "Customer,name,metadata.seats",
      ...good,
      `onb-${tag}-1,Again,9`,
      `onb-${tag}-6,Too long,${"x".repeat(600)}`,
    ].join("\n");

    await page.goto("/profiles");
    await ready();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Onboarding" }).click();
    await expect(page).toHaveURL(/\/onboarding$/);
    await ready();
    await expect(page.getByRole("link", { name: "Template for GA" })).toHaveAttribute("href", /template\.csv\?version=ga/);
    if (javaScriptEnabled) await accessible(page, "/onboarding");
    await page.getByLabel("CSV file").setInputFiles({
      name: `customers-${tag}.csv`,
      mimeType: "text/csv",
      buffer: Buffer.from(file),
    });
    await page.getByRole("button", { name: "Check file" }).click();

    // The mapping step: the file is kept, only the unknown header is asked about.
    const mapping = page.getByRole("group", { name: "Match these columns to fields" });
    await expect(mapping).toBeVisible();
    await ready();
    await mapping.getByLabel("Column “Customer”").selectOption("reference_id");
    await page.getByRole("button", { name: "Check file" }).click();

    await expect(page).toHaveURL(/\/onboarding\/jobs\/job_[0-9a-f]+$/);
    await ready();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Import of customers-${tag}.csv`);
    const counts = page.locator("table.import-counts tbody tr");
    await expect(counts).toHaveText(/^\s*5\s*0\s*0\s*2\s*$/);
    const inError = page.getByRole("region", { name: "Rows in error" });
    await expect(inError).toContainText("repeats the external id of line 2");
    await expect(inError).toContainText("must be at most 512 characters");
    const report = await downloaded(page, () => page.getByRole("link", { name: "Download report" }).click());
    expect(report.split("\r\n")[0]).toBe("line,external_id,outcome,profile_id,changes,errors,result");
    expect(report).toContain(`7,onb-${tag}-1,error,,,Customer: repeats the external id of line 2: one row per profile,\r\n`);
    if (javaScriptEnabled) await accessible(page, "job page");

    await page.getByRole("button", { name: "Start import" }).click();
    await expect(page).toHaveURL(/\/onboarding\/jobs\/job_[0-9a-f]+$/);
    // Live with JavaScript, the page loading itself again without, until the job is done.
    await expect(page.locator("#import-progress-text")).toContainText("5 of 5 rows sent: 5 created, 0 updated, 0 failed", {
      timeout: 30_000,
    });
    await expect(page.getByText("· finished")).toBeVisible();
    await ready();

    const links = await downloaded(page, () => page.getByRole("button", { name: "Download links" }).click());
    const lines = links.trim().split("\r\n");
    expect(lines[0]).toBe("id,external_id,name,link,expires_at");
    expect(lines.slice(1).map((l) => l.split(",")[1]).sort()).toEqual(good.map((g) => g.split(",")[0]).sort());
    for (const line of lines.slice(1)) expect(line).toMatch(/,https:\/\/[^,]+,\d{4}-\d\d-\d\dT/);
    // Only those not sent yet, now none: the file holds its header alone.
    const again = await downloaded(page, () => page.getByRole("button", { name: "Download links" }).click());
    expect(again.trim()).toBe("id,external_id,name,link,expires_at");
    expect(errors).toEqual([]);
  });
}
