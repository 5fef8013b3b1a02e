// Finding a profile from what an agent holds, in one search from the list page: an
// external id, a name fragment, a metadata value; the grant filter; the freshness line;
// an admin's refresh bringing in a profile made elsewhere; and all of it without
// JavaScript. The plain console's index is walked at start-up from its seeded emulator.
import { expect, test, type Page } from "@playwright/test";
import { EMULATOR_URL, HOOKED_CONSOLE_URL } from "../playwright.config";
import { hydrated, watchForErrors } from "./helpers";

const searchBox = (page: Page) => page.getByRole("searchbox", { name: "Search all profiles" });
const resultRows = (page: Page) => page.locator("table.search-results tbody tr");

/** The first listed row's cell `n` (1-based) that is not "—", with its row's id. */
async function listedValue(page: Page, column: number): Promise<{ id: string; value: string }> {
  const rows = page.locator("table.profiles tbody tr");
  const count = await rows.count();
  for (let i = 0; i < count; i++) {
    const value = (await rows.nth(i).locator(`td:nth-child(${column})`).innerText()).trim();
    if (value !== "—") {
      return { id: (await rows.nth(i).locator("td:first-child a").innerText()).trim(), value };
    }
  }
  throw new Error(`no row has column ${column}`);
}

test("an external id from a ticket finds its profile first, and opens the live page", async ({ page }) => {
  const errors = watchForErrors(page);
  await page.goto("/profiles?order=asc");
  await hydrated(page);
  const { id, value: external } = await listedValue(page, 3);
  await searchBox(page).fill(external);
  await searchBox(page).press("Enter");
  await expect(page).toHaveURL(new RegExp(`/profiles/search\\?q=${external}$`));
  const first = resultRows(page).first();
  await expect(first.locator("td:first-child a")).toHaveText(id);
  await expect(first.getByText("exact match")).toBeVisible();
  await expect(first.locator("mark")).toHaveText(external);
  await first.getByRole("link", { name: id }).click();
  await expect(page.locator("dl.facts")).toContainText(id);
  expect(errors).toEqual([]);
});

test("a name fragment in any case finds every profile with that name, highlighted", async ({ page }) => {
  await page.goto("/profiles");
  const { value: name } = await listedValue(page, 2);
  const fragment = name.slice(1, 5).toUpperCase();
  await page.goto(`/profiles/search?q=${encodeURIComponent(fragment)}`);
  await hydrated(page);
  await expect(resultRows(page).first()).toBeVisible();
  const names = await resultRows(page).locator("td:nth-child(2)").allInnerTexts();
  expect(names).toContain(name);
  for (const mark of await resultRows(page).locator("mark").allInnerTexts()) {
    expect(mark.toUpperCase()).toBe(fragment);
  }
});

test("the grant filter keeps only profiles with a grant in that status", async ({ page }) => {
  await page.goto("/profiles/search");
  await hydrated(page);
  await page.getByLabel("Trust grant status").selectOption("pending");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/grant=pending/);
  await expect(resultRows(page).first()).toBeVisible();
  const grants = await resultRows(page).locator("td:nth-child(5)").allInnerTexts();
  expect(grants.length).toBeGreaterThan(0);
  for (const g of grants) expect(g).toContain("pending");
  await page.getByLabel("Trust grant status").selectOption("none");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/grant=none/);
  await expect(resultRows(page).first()).toBeVisible();
  for (const g of await resultRows(page).locator("td:nth-child(5)").allInnerTexts()) expect(g.trim()).toBe("");
});

test("the freshness line says the results come from the index, and how current it is", async ({ page }) => {
  await page.goto("/profiles/search?q=a");
  const line = page.getByTestId("freshness");
  await expect(line).toContainText("as of its last sync");
  await expect(line).toContainText("150 profiles indexed");
  await expect(line.locator("time")).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}T/);
});

test.describe("on the console with an API key", () => {
  test.use({ baseURL: HOOKED_CONSOLE_URL });

  test("a metadata value finds a profile made elsewhere, after an admin's refresh", async ({ page, request }) => {
    const ticket = `TCK-${Date.now()}`;
    const made = await request.post(`${EMULATOR_URL}/v1/user_profiles`, {
      headers: { "anthropic-version": "2023-06-01", "anthropic-beta": "user-profiles-2026-03-24" },
      data: { name: "Made Elsewhere", metadata: { ticket_ref: ticket } },
    });
    expect(made.ok()).toBeTruthy();
    const id = (await made.json()).id as string;
    await page.goto(`/profiles/search?q=${ticket}`);
    await hydrated(page);
    await expect(page.getByText("No profile in the index matches this search.")).toBeVisible();
    await page.getByRole("button", { name: "Refresh now" }).click();
    // The walk runs in the background; the same address finds it once the walk is done.
    await expect(async () => {
      await page.goto(`/profiles/search?q=${ticket}`);
      await expect(resultRows(page).first().locator("td:first-child")).toHaveText(id, { timeout: 500 });
    }).toPass({ timeout: 30_000 });
    await expect(resultRows(page).first().locator("mark")).toHaveText(ticket);
    await expect(resultRows(page).first().locator(".match-field")).toContainText("metadata ticket_ref");
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("search from the list page, page through results, and keep what was typed when refused", async ({ page }) => {
    await page.goto("/profiles");
    await searchBox(page).fill("user_");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/\/profiles\/search\?q=user_$/);
    await expect(resultRows(page)).toHaveCount(25);
    const firstPage = await resultRows(page).locator("td:first-child a").allInnerTexts();
    await page.getByRole("link", { name: "Next" }).click();
    await expect(page).toHaveURL(/after=/);
    const secondPage = await resultRows(page).locator("td:first-child a").allInnerTexts();
    expect(secondPage.length).toBeGreaterThan(0);
    expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);

    await page.goto("/profiles/search");
    await searchBox(page).fill("Acme");
    await page.getByLabel("Created from").fill("2026-05-02");
    await page.getByLabel("Created to").fill("2026-05-01");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.locator("#search-to-error")).toHaveText('must not be before the "created from" date');
    await expect(searchBox(page)).toHaveValue("Acme");
    await expect(page.getByLabel("Created from")).toHaveValue("2026-05-02");
  });
});
