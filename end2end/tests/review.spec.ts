// The review queue (docs/review.md) on the signed-in GA console whose emulator has test
// hooks, as an admin, with and without JavaScript: a restriction the end user can clear
// puts a profile on "Can clear now"; its link is generated in place and the row then says
// when and by whom; a follow-up is noted and the row hidden, and it comes back when the
// profile's status changes; the profile's page shows its status timeline and follow-up.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { E2E_PASSWORD, EMULATOR_URL, GA_HOOKED_CONSOLE_URL } from "../playwright.config";
import { hydrated, watchForErrors } from "./helpers";

async function signedIn(browser: Browser, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({
    baseURL: GA_HOOKED_CONSOLE_URL,
    javaScriptEnabled,
    storageState: { cookies: [], origins: [] },
  });
  const signIn = await context.request.post("/sign-in", {
    form: { name: "e2e-admin", password: E2E_PASSWORD, next: "/profiles" },
    maxRedirects: 0,
  });
  expect(signIn.status()).toBe(303);
  return context.newPage();
}

for (const javaScriptEnabled of [true, false]) {
  test(`the review queue: generate a link in place, follow up, hide, and see the row again after a status change (${javaScriptEnabled ? "with" : "without"} JavaScript)`, async ({
    browser,
  }) => {
    const page = await signedIn(browser, javaScriptEnabled);
    const errors = watchForErrors(page);
    const ready = async () => {
      if (javaScriptEnabled) await hydrated(page);
    };
    const name = `Review flow ${javaScriptEnabled ? "js" : "nojs"} ${Date.now()}`;
    const created = await page.request.post("/api/profiles/create", { data: { profile: { name } } });
    expect(created.status()).toBe(200);
    const id: string = (await created.json()).id;
    const opened = await page.request.post(`${EMULATOR_URL}/_emulator/profiles/${id}/enforcement_actions`, {
      data: { kind: "restriction", reason: "unsupported_region", verify: true },
    });
    expect(opened.status()).toBe(200);
    // Opening the profile reads it again: the console learns the restriction.
    await page.goto(`/profiles/${id}`);
    await ready();
    const timeline = page.getByRole("region", { name: "Status timeline" });
    await expect(timeline.locator("tbody tr")).toHaveCount(2);
    await expect(timeline).toContainText("unrestricted → restricted");
    await expect(timeline).toContainText("can be cleared now with an identity check");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Review" }).click();
    await expect(page).toHaveURL(/\/review$/);
    await ready();
    const tabs = page.getByRole("navigation", { name: "Review queue" });
    await expect(tabs.getByRole("link", { name: /^Can clear now \d+$/ })).toHaveAttribute("aria-current", "page");
    const row = page.locator("table.review tbody tr", { has: page.getByRole("link", { name }) });
    await expect(row).toContainText("No link generated from this console yet");
    await row.getByRole("button", { name: "Generate enrollment link" }).click();
    const link = row.locator(".enrollment-url a");
    await expect(link).toHaveAttribute("href", /^https:\/\//);
    expect(page.url()).not.toContain(await link.getAttribute("href"));
    await page.goto("/review?tab=can-clear");
    await ready();
    await expect(row).toContainText("Link last generated");
    await expect(row).toContainText("by e2e-admin");
    await expect(row.locator(".enrollment-url")).toHaveCount(0);

    // A follow-up without a note is refused next to its field, the date kept.
    await row.getByLabel("Follow up by").fill("2099-01-01");
    await row.getByRole("button", { name: "Mark followed up" }).click();
    await expect(row.locator(".follow-up-form .field-error").first()).toContainText("is required");
    await expect(row.getByLabel("Follow up by")).toHaveValue("2099-01-01");
    await row.getByLabel("Note").fill("Emailed them the link");
    await row.getByRole("button", { name: "Mark followed up" }).click();
    await expect(row.locator(".follow-up")).toContainText("by e2e-admin: Emailed them the link; look again by 2099-01-01");

    await ready();
    await page.getByRole("link", { name: "Hide followed up" }).click();
    await expect(page).toHaveURL(/hide=1/);
    await expect(page.getByRole("link", { name })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Show followed up" })).toBeVisible();

    // Anthropic bans the profile: its status changed, so the row is back, on Banned.
    const banned = await page.request.post(`${EMULATOR_URL}/_emulator/profiles/${id}/enforcement_actions`, {
      data: { kind: "ban", reason: "fraud_or_abuse" },
    });
    expect(banned.status()).toBe(200);
    await page.goto(`/profiles/${id}`);
    await ready();
    await expect(timeline).toContainText("restricted → banned");
    await expect(timeline.locator(".follow-up")).toContainText("Emailed them the link");
    await page.goto("/review?tab=banned&hide=1");
    await ready();
    await expect(page.getByRole("link", { name })).toBeVisible();
    await tabs.getByRole("link", { name: /^Changed recently \d+$/ }).click();
    await expect(page).toHaveURL(/tab=changed/);
    const changes = page.locator("table.review tbody tr", { has: page.getByRole("link", { name }) });
    await expect(changes.filter({ hasText: "restricted → banned" })).toHaveCount(1);
    await expect(changes.filter({ hasText: "Ban, Fraud or abuse" })).toHaveCount(1);
    expect(errors).toEqual([]);
  });
}

for (const javaScriptEnabled of [true, false]) {
  test(`a queue tab and a search download as CSV and JSON Lines (${javaScriptEnabled ? "with" : "without"} JavaScript)`, async ({
    browser,
  }) => {
    const page = await signedIn(browser, javaScriptEnabled);
    await page.goto("/review?tab=restricted");
    if (javaScriptEnabled) await hydrated(page);
    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    expect(csv.suggestedFilename()).toBe("review-restricted.csv");
    const text = await (await csv.createReadStream()).toArray();
    const body = Buffer.concat(text).toString("utf8");
    expect(body.startsWith("id,reference_id,name,access_type,")).toBe(true);
    const rows = body.trim().split("\r\n").slice(1);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toContain(",restricted,");

    await page.goto("/profiles/search?enforcement=banned");
    if (javaScriptEnabled) await hydrated(page);
    const [lines] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export JSON Lines" }).click(),
    ]);
    expect(lines.suggestedFilename()).toBe("profiles.jsonl");
    const objects = Buffer.concat(await (await lines.createReadStream()).toArray())
      .toString("utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) expect(o.enforcement_status).toBe("banned");
  });
}
