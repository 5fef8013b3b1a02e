// The same flows with JavaScript disabled: every form is a plain POST (or GET) that lands
// on a page showing the result or the error, with what the user typed kept.
import { expect, test, type Page } from "@playwright/test";
import { HOOKED_CONSOLE_URL } from "../playwright.config";
import { listedIds } from "./helpers";

test.use({ javaScriptEnabled: false });

const entry = (page: Page, n: number) => page.getByRole("group", { name: `Entry ${n}`, exact: true });

test("list tools: Apply page size and order, go to a profile", async ({ page }) => {
  await page.goto("/profiles");
  await expect(page.getByRole("button", { name: "Apply" }).first()).toBeVisible();
  await expect(page.getByRole("searchbox", { name: "Search all profiles" })).toBeVisible();
  await page.getByLabel("Page size").selectOption("100");
  await page.getByLabel("Order").selectOption("asc");
  await page.locator("form.list-controls").getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/limit=100&order=asc/);
  const ids = await listedIds(page);
  expect(ids).toHaveLength(100);
  await page.getByLabel("Go to profile").fill("not an id");
  await page.getByRole("button", { name: "Open" }).click();
  await expect(page.locator("#goto-error")).toContainText("Not a profile ID");
  await expect(page.getByLabel("Go to profile")).toHaveValue("not an id");
  expect(await listedIds(page)).toEqual(ids);
  await page.getByLabel("Go to profile").fill(ids[10]);
  await page.getByRole("button", { name: "Open" }).click();
  await expect(page).toHaveURL(new RegExp(`/profiles/${ids[10]}\\?from=100~asc~1~$`));
  await page.getByRole("link", { name: "← Back to list" }).click();
  await expect(page).toHaveURL(/\/profiles\?limit=100&order=asc$/);
});

test.describe("forms", () => {
  test.use({ baseURL: HOOKED_CONSOLE_URL });

  test("create: editor buttons, a refused submit that keeps everything, then success", async ({ page }) => {
    await page.goto("/profiles/new");
    await page.getByLabel("External ID").fill("ext_<b>nojs</b>");
    await page.getByLabel("Relationship").selectOption("resold");
    await page.getByRole("button", { name: "Add entry" }).click();
    await page.getByRole("button", { name: "Add entry" }).click();
    await expect(page.getByLabel("External ID")).toHaveValue("ext_<b>nojs</b>");
    await entry(page, 1).getByLabel("Key").fill("plan");
    await entry(page, 1).getByLabel("Value").fill("pro");
    await entry(page, 2).getByLabel("Key").fill("gone");
    await entry(page, 2).getByLabel("Value").fill("soon");
    await entry(page, 2).getByRole("button", { name: "Remove" }).click();
    await expect(entry(page, 2).getByText("Marked for removal")).toBeVisible();
    await expect(page.getByText("1/16 entries")).toBeVisible();

    const refused = page.waitForResponse((r) => r.request().method() === "POST");
    await page.getByRole("button", { name: "Create profile" }).click();
    expect((await refused).status()).toBe(400);
    await expect(page.locator("#field-name-error")).toHaveText('is required when relationship is "resold"');
    await expect(page.getByLabel("External ID")).toHaveValue("ext_<b>nojs</b>");
    await expect(page.getByLabel("Relationship")).toHaveValue("resold");
    await expect(entry(page, 1).getByLabel("Value")).toHaveValue("pro");

    await page.getByLabel("Name").fill("Made without JS");
    await page.getByRole("button", { name: "Create profile" }).click();
    await expect(page).toHaveURL(/\/profiles\/uprof_\w+\?done=created$/);
    await expect(page.getByText("Profile created.")).toBeVisible();
    await expect(page.locator("table.metadata tbody tr")).toHaveText(["planpro"]);
  });

  test("edit and enrollment URL", async ({ page, request }) => {
    const created = await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/create`, {
      data: { profile: { name: "Plain", external_id: "p1", metadata: { a: "1", b: "2" } } },
    });
    const id = (await created.json()).id;
    await page.goto(`/profiles/${id}`);
    await page.getByRole("button", { name: "Generate enrollment URL" }).click();
    await expect(page).toHaveURL(new RegExp(`/profiles/${id}$`));
    const link = page.locator(".enrollment-url a");
    await expect(link).toHaveAttribute("href", /^https:\/\//);
    await expect(page.getByText(/\d+:\d\d left/)).toBeVisible();
    await expect(page.getByRole("button", { name: "Generate new" })).toBeVisible();

    await page.getByRole("link", { name: "Edit" }).click();
    await page.getByLabel("External ID").fill("");
    await entry(page, 1).getByRole("button", { name: "Remove" }).click();
    await expect(page.locator(".change-summary li")).toHaveText([
      "External ID: removed (was “p1”)",
      "Metadata \"a\": removed (was “1”)",
    ]);
    await entry(page, 1).getByRole("button", { name: "Undo" }).click();
    await entry(page, 2).getByLabel("Value").fill("two");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/profiles/${id}\\?done=saved$`));
    await expect(page.getByText("Changes saved.")).toBeVisible();
    await expect(page.locator("table.metadata tbody tr")).toHaveText(["a1", "btwo"]);
    await expect(page.locator("dl.facts dd").nth(1)).toHaveText("—");
  });

  test("edit: changed elsewhere warns, then Save overwrites", async ({ page, request }) => {
    const created = await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/create`, { data: { profile: { name: "V1" } } });
    const id = (await created.json()).id;
    await page.goto(`/profiles/${id}/edit`);
    await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/update`, { data: { id, update: { name: "V2" } } });
    await page.getByLabel("Name").fill("V3");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("alert")).toContainText("changed elsewhere");
    await expect(page.getByLabel("Name")).toHaveValue("V3");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("V3");
  });
});

test("the theme can be chosen without JavaScript and is remembered", async ({ page }) => {
  await page.goto("/profiles");
  await page.getByLabel("Theme").selectOption("dark");
  await page.locator("form.theme").getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/\/profiles$/);
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.goto("/profiles/new");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.getByLabel("Theme")).toHaveValue("dark");
});
