// The audit trail in Chromium, on the console with sign-in (as e2e-admin unless stated):
// an edit appears in the profile's History with its old and new values; the Audit log
// filters, pages and downloads its filtered view as CSV; a viewer has no way in.
import { expect, test, type Page } from "@playwright/test";
import * as fs from "node:fs";
import { E2E_PASSWORD, HOOKED_CONSOLE_URL } from "../playwright.config";
import { hydrated, watchForErrors } from "./helpers";

test.use({ baseURL: HOOKED_CONSOLE_URL });

/** Creates a profile through the API the console's own pages use; returns its id. */
async function createProfile(page: Page, name: string): Promise<string> {
  const reply = await page.request.post("/api/profiles/create", {
    data: { profile: { name, metadata: { plan: "free" } } },
  });
  expect(reply.status()).toBe(200);
  return (await reply.json()).id;
}

test("an edit shows in the profile's History: who, when, and each field old → new", async ({ page }) => {
  const errors = watchForErrors(page);
  const id = await createProfile(page, "History Test");
  await page.goto(`/profiles/${id}`);
  await hydrated(page);
  const history = page.getByRole("region", { name: "History" });
  await expect(history.locator("tbody tr")).toHaveCount(1);
  await expect(history.locator("tbody tr").first()).toContainText("Created profile");

  await page.getByRole("link", { name: "Edit" }).click();
  await hydrated(page);
  await page.getByLabel("Name").fill("History Test, renamed");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator(".notice")).toHaveText("Changes saved.");

  // Newest first, rendered in the browser after a client-side navigation.
  const rows = history.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  const newest = rows.first();
  await expect(newest).toContainText("Updated profile");
  await expect(newest).toContainText("e2e-admin");
  await expect(newest.locator(".badge.ok")).toHaveText("Succeeded");
  await expect(newest.locator("ul.changes li")).toHaveText(["name: History Test → History Test, renamed"]);
  await expect(newest.locator("del")).toHaveText("History Test");
  await expect(newest.locator("ins")).toHaveText("History Test, renamed");
  await expect(rows.nth(1)).toContainText("Created profile");
  expect(errors).toEqual([]);
});

test("the Audit log filters, pages and downloads exactly the filtered view", async ({ page }) => {
  const errors = watchForErrors(page);
  const id = await createProfile(page, "Audit Log Test");
  // 26 enrollment URLs: more than one page of the log.
  for (let i = 0; i < 26; i++) {
    const reply = await page.request.post("/api/profiles/enrollment_url", { form: { id } });
    expect(reply.status()).toBe(200);
  }
  await page.goto("/profiles");
  await hydrated(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Audit log");

  await page.getByLabel("Who").fill("e2e-admin");
  await page.getByLabel("Action").selectOption("enrollment_url.create");
  await page.getByLabel("Profile ID").fill(id);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`actor=e2e-admin&action=enrollment_url.create&profile=${id}`));
  await hydrated(page);
  const rows = page.locator("table.audit tbody tr");
  await expect(rows).toHaveCount(25);
  for (const text of await rows.allTextContents()) {
    expect(text).toContain("Generated enrollment URL");
    expect(text).toContain(id);
  }
  // The filters stay in the form and in the address, which can be shared.
  await expect(page.getByLabel("Who")).toHaveValue("e2e-admin");
  const shared = page.url();

  await page.getByRole("link", { name: "Older entries →" }).click();
  await expect(page).toHaveURL(/page=/);
  await expect(rows).toHaveCount(1);
  await page.getByRole("link", { name: "Newest entries" }).click();
  await expect(rows).toHaveCount(25);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const csv = fs.readFileSync(await (await download).path(), "utf8");
  const records = csv.split("\r\n").filter((r) => r.length > 0);
  expect(records[0]).toBe(
    "time_utc,actor,role,action,profile_id,outcome,changes,detail,request_id,upstream_request_id",
  );
  expect(records).toHaveLength(1 + 26);
  for (const record of records.slice(1)) {
    expect(record).toContain(`,e2e-admin,admin,enrollment_url.create,${id},succeeded,`);
    expect(record).not.toContain("https://");
  }

  // The shared address opens the same view in a fresh page.
  const other = await page.context().newPage();
  await other.goto(shared);
  await expect(other.locator("table.audit tbody tr")).toHaveCount(25);
  await other.close();
  expect(errors).toEqual([]);
});

test("a malformed filter gets its message next to its field and keeps what was typed", async ({ page }) => {
  await page.goto("/audit?profile=not-a-profile&actor=someone");
  await hydrated(page);
  const profile = page.getByLabel("Profile ID");
  await expect(profile).toHaveValue("not-a-profile");
  await expect(profile).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#filter-profile-error")).toHaveText("is not a profile ID");
  await expect(page.getByLabel("Who")).toHaveValue("someone");
});

test.describe("as a viewer", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("there is no Audit log link and the page and download refuse", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("User name").fill("e2e-viewer");
    await page.getByLabel("Password").fill(E2E_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await hydrated(page);
    await expect(page.getByRole("link", { name: "Audit log" })).toHaveCount(0);
    await page.goto("/audit");
    await hydrated(page);
    await expect(page.getByRole("alert")).toHaveText(/Your role does not allow this/);
    expect((await page.request.get("/audit.csv")).status()).toBe(403);
    // The History section is there for every reader.
    await page.goto("/profiles");
    await page.locator("table.profiles tbody tr td:first-child a").first().click();
    await expect(page.getByRole("heading", { level: 2, name: "History" })).toBeVisible();
  });
});
