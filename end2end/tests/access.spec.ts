// Sign-in and roles in Chromium, on the console that has a key (so sign-in is required):
// the sign-in form, what each role sees, the generic failure, sign-out; and the demo
// banner of the one-command console.
import { expect, test, type Page } from "@playwright/test";
import { E2E_PASSWORD, HOOKED_CONSOLE_URL } from "../playwright.config";
import { hydrated, watchForErrors } from "./helpers";

test.describe("signing in", () => {
  test.use({ baseURL: HOOKED_CONSOLE_URL, storageState: { cookies: [], origins: [] } });

  /** Opens the edit page of the list's first profile. */
  async function editFirst(page: Page) {
    await page.locator("table.profiles tbody tr td:first-child a").first().click();
    await hydrated(page);
    await page.getByRole("link", { name: "Edit" }).click();
    await hydrated(page);
  }

  async function signIn(page: Page, name: string, password = E2E_PASSWORD) {
    await page.getByLabel("User name").fill(name);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  test("a page asks for sign-in and returns to itself; sign-out ends the session", async ({ page }) => {
    const errors = watchForErrors(page);
    await page.goto("/profiles?limit=50");
    await expect(page).toHaveURL(/\/sign-in\?next=/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in to profiles-admin");
    await signIn(page, "E2E-Viewer");
    await expect(page).toHaveURL(/\/profiles\?limit=50$/);
    await hydrated(page);
    await expect(page.locator(".account")).toContainText("e2e-viewer");
    await expect(page.locator(".account .badge")).toHaveText("viewer");
    await expect(page.locator(".demo-banner")).toHaveCount(0);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.goto("/profiles");
    await expect(page).toHaveURL(/\/sign-in\?next=/);
    expect(errors).toEqual([]);
  });

  test("when the session ends under an open page, the next call says so and leads to sign-in", async ({ page }) => {
    await page.goto("/sign-in");
    await signIn(page, "e2e-editor");
    await page.locator("table.profiles tbody tr td:first-child a").first().click();
    await page.getByRole("link", { name: "Edit" }).click();
    await hydrated(page);
    // Signing out elsewhere (another tab) ends the session on the server.
    const out = await page.request.post("/sign-out", { maxRedirects: 0 });
    expect(out.status()).toBe(303);
    // A save from the open form (the island's form post) says so, and keeps what was typed.
    await page.getByLabel("Name").fill(`Renamed ${Date.now()}`);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const alert = page.getByRole("alert");
    await expect(alert).toContainText("Your session has ended. Sign in again to continue.");
    await expect(alert.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/sign-in");
    await expect(page.getByLabel("Name")).toHaveValue(/^Renamed \d+$/);
    // Following a link of such a page (past the unsaved-changes prompt) asks for sign-in,
    // and comes back after it.
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("link", { name: "← Back to profile" }).click();
    await expect(page).toHaveURL(/\/sign-in\?next=/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in to profiles-admin");
    await signIn(page, "e2e-editor");
    await expect(page).toHaveURL(/\/profiles\/uprof_\w+$/);
  });

  test("a failed sign-in says only that it failed and keeps the name", async ({ page }) => {
    await page.goto("/sign-in");
    await signIn(page, "e2e-editor", "not the password");
    await expect(page.getByRole("alert")).toHaveText("The user name or password is incorrect.");
    await expect(page.getByLabel("User name")).toHaveValue("e2e-editor");
    await expect(page.getByLabel("Password")).toHaveValue("");
    await signIn(page, "nobody-at-all");
    await expect(page.getByRole("alert")).toHaveText("The user name or password is incorrect.");
  });

  test("a viewer reads but sees no control to change anything", async ({ page }) => {
    await page.goto("/sign-in");
    await signIn(page, "e2e-viewer");
    await hydrated(page);
    await expect(page.getByRole("link", { name: "New profile" })).toHaveCount(0);
    await page.locator("table.profiles tbody tr td:first-child a").first().click();
    await hydrated(page);
    await expect(page.getByRole("heading", { level: 2, name: "Metadata" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Edit" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Delete", exact: true })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Generate enrollment URL" })).toHaveCount(0);
    await page.goto("/profiles/new");
    await hydrated(page);
    await expect(page.getByRole("alert")).toHaveText(/Your role does not allow this/);
  });

  test("an editor edits, but only an admin may change the relationship", async ({ page }) => {
    await page.goto("/sign-in");
    await signIn(page, "e2e-editor");
    await hydrated(page);
    await editFirst(page);
    const relationship = page.getByLabel("Relationship");
    await expect(relationship.locator("option")).toHaveCount(1);
    await expect(page.getByText("Only admins can change the relationship.")).toBeVisible();
    // Deleting is for admins only, too.
    await page.getByRole("link", { name: "← Back to profile" }).click();
    await expect(page.getByRole("link", { name: "Delete", exact: true })).toHaveCount(0);
    await page.getByRole("button", { name: "Sign out" }).click();

    await signIn(page, "e2e-admin");
    await hydrated(page);
    await editFirst(page);
    await expect(page.getByLabel("Relationship").locator("option")).toHaveCount(3);
  });
});

test("the one-command console says its data is a demo", async ({ page }) => {
  await page.goto("/profiles");
  await hydrated(page);
  await expect(page.getByRole("note")).toContainText("Demo data.");
  await expect(page.locator(".account")).toBeEmpty();
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
});
