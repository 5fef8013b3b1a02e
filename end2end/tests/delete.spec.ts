// Deleting a profile (docs/console.md, "Deleting a profile"), as e2e-admin on the console
// with sign-in, with and without JavaScript: the page names the profile, a confirmation
// that does not match is refused next to its field with what was typed kept, the id or
// the name deletes it, and the list says so; the profile is gone and the Audit log has it.
import { expect, test, type Page } from "@playwright/test";
import { HOOKED_CONSOLE_URL } from "../playwright.config";
import { hydrated, watchForErrors } from "./helpers";

test.use({ baseURL: HOOKED_CONSOLE_URL });

async function createProfile(page: Page, name: string): Promise<string> {
  const reply = await page.request.post("/api/profiles/create", { data: { profile: { name } } });
  expect(reply.status()).toBe(200);
  return (await reply.json()).id;
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(javaScriptEnabled ? "delete, with JavaScript" : "delete, without JavaScript", () => {
    test.use({ javaScriptEnabled });

    test("a wrong confirmation is refused next to its field; the name deletes", async ({ page }) => {
      const errors = watchForErrors(page);
      const name = `Leaving Customer ${javaScriptEnabled ? "JS" : "plain"}`;
      const id = await createProfile(page, name);
      await page.goto(`/profiles/${id}`);
      if (javaScriptEnabled) await hydrated(page);
      await page.getByRole("link", { name: "Delete", exact: true }).click();
      await expect(page.getByRole("heading", { level: 1, name: `Delete ${name}` })).toBeVisible();
      await expect(page.getByText("This cannot be undone.")).toBeVisible();
      await expect(page.locator("dl.facts")).toContainText(id);

      const confirm = page.getByLabel("Type the profile's ID or its name to confirm");
      await confirm.fill(name.toLowerCase());
      await page.getByRole("button", { name: "Delete profile" }).click();
      await expect(page.locator("#delete-confirm-error")).toHaveText(
        "Not deleted: the confirmation does not match: type the profile's ID, or its name, exactly as shown.",
      );
      await expect(confirm).toHaveValue(name.toLowerCase());
      await expect(confirm).toHaveAttribute("aria-invalid", "true");

      await confirm.fill(name);
      await page.getByRole("button", { name: "Delete profile" }).click();
      await expect(page).toHaveURL(/\/profiles\?done=deleted$/);
      await expect(page.locator(".notice")).toHaveText("Profile deleted.");

      await page.goto(`/profiles/${id}`);
      await expect(page.getByRole("heading", { level: 1, name: "Not found" })).toBeVisible();
      await page.goto(`/audit?action=profile.delete&profile=${id}`);
      const row = page.locator("table.audit tbody tr").first();
      await expect(row).toContainText("Deleted profile");
      await expect(row).toContainText("e2e-admin");
      await expect(row.locator("ul.changes li").filter({ hasText: "name:" })).toHaveText(`name: ${name} → not set`);
      // The refused post answers 400 and the deleted profile 404, as they should; nothing else.
      expect(errors.filter((e) => !/status of (400|404) /.test(e))).toEqual([]);
    });
  });
}

test("Cancel goes back to the profile, which is still there", async ({ page }) => {
  const id = await createProfile(page, "Staying Customer");
  await page.goto(`/profiles/${id}/delete`);
  await page.getByRole("link", { name: "Cancel" }).click();
  await expect(page).toHaveURL(new RegExp(`/profiles/${id}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Staying Customer" })).toBeVisible();
});
