// The console speaking GA, as the README's run command starts it (no key, no setting):
// the GA columns and filters, the detail page's external user details, programs and
// enforcement, the GA create and edit forms (details that cannot be cleared once set are
// refused before anything is sent), delete, and the enrollment link from an action URL. Every
// flow with and without JavaScript, with the same accessible names.
import { expect, test, type Page } from "@playwright/test";
import { GA_CONSOLE_URL } from "../playwright.config";
import { hydrated, seriousViolations, watchForErrors } from "./helpers";

test.use({ baseURL: GA_CONSOLE_URL });

const resultRows = (page: Page) => page.locator("table.search-results tbody tr");
const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

/** Opens a search by address, again until the index (walked at start-up) answers it. */
async function searchFor(page: Page, query: string) {
  await expect(async () => {
    await page.goto(`/profiles/search?${query}`);
    await expect(resultRows(page).first()).toBeVisible({ timeout: 1_000 });
  }).toPass();
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(javaScriptEnabled ? "GA, with JavaScript" : "GA, without JavaScript", () => {
    test.use({ javaScriptEnabled });

    test("the list and search show GA columns and filter by enforcement and access type", async ({ page }) => {
      const errors = watchForErrors(page);
      await page.goto("/profiles");
      if (javaScriptEnabled) await hydrated(page);
      await expect(page.locator("table.profiles thead th")).toHaveText([
        "ID", "Name", "External ID", "Access type", "Programs", "Enforcement", "Created",
      ]);
      await expect(page.locator("table.profiles tbody tr td:nth-child(4)").first()).toHaveText(
        /^(application|passthrough)$/,
      );

      await page.goto("/profiles/search");
      await field(page, "Enforcement status").selectOption("banned");
      await field(page, "Access type").selectOption("passthrough");
      await page.getByRole("button", { name: "Search" }).click();
      await expect(page).toHaveURL(/access_type=passthrough/);
      await expect(page).toHaveURL(/enforcement=banned/);
      await searchFor(page, "enforcement=restricted");
      for (const cell of await resultRows(page).locator("td:nth-child(6)").allInnerTexts()) {
        expect(cell.trim()).toBe("restricted");
      }
      await searchFor(page, "access_type=passthrough");
      for (const cell of await resultRows(page).locator("td:nth-child(4)").allInnerTexts()) {
        expect(cell.trim()).toBe("passthrough");
      }
      expect(errors).toEqual([]);
      // A refused filter is named next to its field (the page answers 400).
      await page.goto("/profiles/search?enforcement=frozen");
      await expect(page.locator("#search-enforcement-error")).toContainText("must be unrestricted");
    });

    test("the list's enforcement filter pages through short pages to the end", async ({ page }) => {
      await page.goto("/profiles?limit=20");
      if (javaScriptEnabled) await hydrated(page);
      await field(page, "Enforcement").selectOption("banned");
      if (!javaScriptEnabled) {
        await page.locator("form.list-controls").getByRole("button", { name: "Apply" }).click();
      }
      await expect(page).toHaveURL(/enforcement=banned/);
      const seen: string[] = [];
      let withRows = "";
      // The API examines one page's worth of profiles per page: follow Next to the end.
      for (let n = 1; n <= 20; n++) {
        await expect(page.locator(".pager")).toContainText(`Page ${n}`);
        for (const cell of await page.locator("table.profiles tbody tr td:nth-child(6)").allInnerTexts()) {
          expect(cell.trim()).toBe("banned");
        }
        const ids = await page.locator("table.profiles tbody tr td:first-child a").allInnerTexts();
        if (ids.length > 0 && !withRows) withRows = page.url();
        seen.push(...ids);
        const next = page.locator(".pager").getByRole("link", { name: "Next" });
        if ((await next.count()) === 0) break;
        await next.click();
      }
      await expect(page.locator(".pager").getByRole("link", { name: "Next" })).toHaveCount(0);
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen).size).toBe(seen.length);
      // A banned profile opened from a filtered page comes back to that page.
      await page.goto(withRows);
      const rowsThere = await page.locator("table.profiles tbody tr td:first-child a").allInnerTexts();
      await page.locator("table.profiles tbody tr td:first-child a").first().click();
      await expect(page.locator("section", { has: page.getByRole("heading", { name: "Enforcement" }) }).locator(".badge").first()).toHaveText("banned");
      await page.getByRole("link", { name: "← Back to list" }).click();
      await expect(page).toHaveURL(/enforcement=banned/);
      expect(await page.locator("table.profiles tbody tr td:first-child a").allInnerTexts()).toEqual(rowsThere);
    });

    test("a restricted profile's page shows its details, programs and enforcement actions", async ({ page }) => {
      await searchFor(page, "enforcement=restricted");
      await resultRows(page).first().locator("td:first-child a").click();
      await expect(page.getByRole("heading", { name: "External user details" })).toBeVisible();
      for (const label of ["Account status", "Country", "Entity type", "Onboarded at", "Email hash", "Name hash"]) {
        await expect(page.locator("dl.facts dt", { hasText: new RegExp(`^${label}$`) })).toHaveCount(1);
      }
      await expect(page.locator("dl.facts dt", { hasText: /^Access type$/ })).toHaveCount(1);
      await expect(page.getByRole("heading", { name: "Programs" })).toBeVisible();
      const enforcement = page.locator("section", { has: page.getByRole("heading", { name: "Enforcement" }) });
      await expect(enforcement.locator(".badge").first()).toHaveText("restricted");
      const actions = page.getByRole("table", { name: "Open enforcement actions" });
      await expect(actions.locator("thead th")).toHaveText(["Action", "Reason", "Opened", "Expires", "Verify", "Action ID"]);
      await expect(actions.locator("tbody tr td:first-child").first()).toHaveText(/restriction|ban/);
      await expect(actions.locator("tbody tr td:last-child").first()).toHaveText(/^enac_/);
    });

    test("an active cyber program shows its tiers, and the enrollment link comes from an action URL", async ({ page }) => {
      await searchFor(page, "grant=active");
      const links = await resultRows(page).locator("td:first-child a").evaluateAll((as) =>
        as.map((a) => (a as HTMLAnchorElement).href),
      );
      // A retrieve reports all three tiers of every cyber program, access to earlier
      // models only included (every tier inactive).
      const tiers = page.getByRole("list", { name: "Cyber tiers" });
      for (const href of links.slice(1, 6)) {
        await page.goto(href);
        await expect(tiers.locator("li")).toHaveCount(3);
      }
      await page.goto(links[0]);
      await expect(page.getByRole("heading", { name: "Cyber Verification Program" })).toBeVisible();
      await expect(tiers.locator("li")).toHaveCount(3);
      await expect(page.getByRole("list", { name: "Cyber tiers" })).toContainText("Specialized Access (a)");
      if (javaScriptEnabled) await hydrated(page);
      await page.getByRole("button", { name: "Generate enrollment link" }).click();
      const link = page.locator(".enrollment-url a");
      await expect(link).toHaveAttribute("href", /^https:\/\//);
      await expect(page.locator(".enrollment-url")).toContainText("Expires");
      if (javaScriptEnabled) await expect(page.locator(".countdown")).toContainText("left");
      // A credential: never in the address.
      expect(page.url()).not.toContain(await link.getAttribute("href"));
    });

    test("the overview's figures link to the search and queue views that list them", async ({ page }) => {
      const errors = watchForErrors(page);
      await searchFor(page, "enforcement=banned");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" }).click();
      await expect(page).toHaveURL(/\/overview$/);
      if (javaScriptEnabled) await hydrated(page);
      const row = (section: string, label: RegExp) =>
        page.getByRole("region", { name: section }).locator("tbody tr", { has: page.locator("th", { hasText: label }) });
      const banned = row("By enforcement status", /^banned$/).getByRole("link");
      const count = Number(await banned.innerText());
      expect(count).toBeGreaterThan(0);
      await banned.click();
      await expect(page).toHaveURL(/\/profiles\/search\?enforcement=banned$/);
      const statuses = await resultRows(page).locator("td:nth-child(6)").allInnerTexts();
      expect(statuses.length).toBe(Math.min(count, 50));
      for (const cell of statuses) expect(cell.trim()).toBe("banned");

      await page.goto("/overview");
      const reason = page.getByRole("region", { name: "Open enforcement actions by reason" }).locator("tbody tr a").first();
      await reason.click();
      await expect(page).toHaveURL(/\/profiles\/search\?reason=[a-z_]+$/);
      await expect(resultRows(page).first()).toBeVisible();

      await page.goto("/overview");
      const thisWeek = page.getByRole("region", { name: "Status changes per week" }).locator("tbody tr a").last();
      await thisWeek.click();
      await expect(page).toHaveURL(/\/review\?tab=changed&until=\d{4}-\d{2}-\d{2}$/);
      await expect(page.getByText(/Every status change observed in the 7 days to \d{4}-\d{2}-\d{2} \(UTC\)/)).toBeVisible();

      await page.goto("/overview");
      await page.getByLabel("Weeks shown").fill("4");
      await page.getByRole("button", { name: "Show" }).click();
      await expect(page).toHaveURL(/\/overview\?weeks=4$/);
      await expect(page.getByRole("region", { name: "Profiles created per week" }).locator("tbody tr")).toHaveCount(4);
      expect(errors).toEqual([]);
    });

    test("the review queue takes the search page's filters and keeps them in its links", async ({ page }) => {
      await searchFor(page, "enforcement=restricted");
      await page.goto("/review?tab=restricted");
      if (javaScriptEnabled) await hydrated(page);
      await page.getByText("Filter the queue", { exact: true }).click();
      await field(page, "Access type").selectOption("passthrough");
      await page.getByRole("button", { name: "Apply filters" }).click();
      await expect(page).toHaveURL(/\/review\?tab=restricted&access_type=passthrough(&|$)/);
      const tabs = page.getByRole("navigation", { name: "Review queue" });
      await expect(tabs.getByRole("link", { name: /^Banned \d+$/ })).toHaveAttribute("href", "/review?tab=banned&access_type=passthrough");
      await page.getByRole("link", { name: "Clear filters" }).click();
      await expect(page).toHaveURL(/\/review\?tab=restricted$/);
    });

    test("an external id another profile holds is warned about, then saved when pressed again", async ({ page }) => {
      const shared = `dup-${javaScriptEnabled ? "js" : "nojs"}-${Date.now()}`;
      for (const name of ["First holder", "Second holder"]) {
        await page.goto("/profiles/new");
        if (javaScriptEnabled) await hydrated(page);
        await field(page, "External ID").fill(shared);
        await field(page, "Name").fill(`${name} ${shared}`);
        await page.getByRole("button", { name: "Create profile" }).click();
        if (name === "Second holder") {
          const warning = page.locator("#keep_external_id-error");
          await expect(warning).toContainText(`1 other profile already has this external ID: First holder ${shared}`);
          await expect(page.getByRole("alert")).toContainText("Not saved yet");
          await expect(field(page, "Name")).toHaveValue(`${name} ${shared}`);
          await page.getByRole("button", { name: "Create profile" }).click();
        }
        await expect(page.getByRole("status").filter({ hasText: "Profile created." })).toBeVisible();
      }
      const same = page.getByRole("region", { name: "Same external ID" });
      await expect(same).toContainText(`First holder ${shared}`);
    });

    test("create with external user details, then edit: what is set can change but not be cleared", async ({ page }) => {
      const suffix = javaScriptEnabled ? "js" : "nojs";
      await page.goto("/profiles/new");
      if (javaScriptEnabled) await hydrated(page);
      await field(page, "External ID").fill(`ga-${suffix}`);
      await field(page, "Name").fill(`GA flow ${suffix}`);
      await field(page, "Access type").selectOption("passthrough");
      await field(page, "Country").fill("de");
      await field(page, "Entity type").selectOption("business");
      await expect(field(page, "Country")).toHaveAttribute("aria-describedby", /field-country-hint/);
      await expect(page.locator("#field-country-hint")).toContainText("once set");

      if (javaScriptEnabled) {
        // Checked as typed: the error is there before any submit.
        await expect(page.locator("#field-country-error")).toContainText("two upper-case letters");
      } else {
        const refused = page.waitForResponse((r) => r.request().method() === "POST");
        await page.getByRole("button", { name: "Create profile" }).click();
        expect((await refused).status()).toBe(400);
        await expect(page.locator("#field-country-error")).toContainText("two upper-case letters");
        await expect(field(page, "External ID")).toHaveValue(`ga-${suffix}`);
        await expect(field(page, "Entity type")).toHaveValue("business");
      }
      await field(page, "Country").fill("DE");
      await page.getByRole("button", { name: "Create profile" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Profile created." })).toBeVisible();
      const facts = page.locator("dl.facts");
      await expect(facts.first()).toContainText(`ga-${suffix}`);
      await expect(facts.first()).toContainText("passthrough");
      const details = page.locator("section", { has: page.getByRole("heading", { name: "External user details" }) });
      await expect(details).toContainText("DE");
      await expect(details).toContainText("business");

      await page.getByRole("link", { name: "Edit" }).click();
      if (javaScriptEnabled) await hydrated(page);
      await expect(page.locator("#field-country-hint")).toContainText("can be changed, not cleared");
      // A choice that is set offers no "Not set".
      await expect(field(page, "Entity type").locator("option", { hasText: "Not set" })).toHaveCount(0);
      await expect(field(page, "Account status").locator("option", { hasText: "Not set" })).toHaveCount(1);
      await field(page, "Country").fill("");
      if (javaScriptEnabled) {
        await expect(page.locator("#field-country-error")).toContainText("cannot be cleared once set");
        await page.getByRole("button", { name: "Save" }).click();
        await expect(page).toHaveURL(/\/edit/);
      } else {
        const refused = page.waitForResponse((r) => r.request().method() === "POST");
        await page.getByRole("button", { name: "Save" }).click();
        expect((await refused).status()).toBe(400);
        await expect(page.locator("#field-country-error")).toContainText("cannot be cleared once set");
      }
      await field(page, "Country").fill("FR");
      await field(page, "Account status").selectOption("suspended");
      if (javaScriptEnabled) {
        const summary = page.locator(".change-summary");
        await expect(summary).toContainText("Country");
        await expect(summary).toContainText("Account status");
      }
      await page.getByRole("button", { name: "Save" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Changes saved." })).toBeVisible();
      await expect(details).toContainText("FR");
      await expect(details).toContainText("suspended");

      // Deleting it: the page names it and wants its name or ID typed.
      await page.getByRole("link", { name: "Delete", exact: true }).click();
      await expect(page.getByRole("heading", { level: 1, name: `Delete GA flow ${suffix}` })).toBeVisible();
      await page.getByLabel("Type the profile's ID or its name to confirm").fill(`GA flow ${suffix}`);
      await page.getByRole("button", { name: "Delete profile" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Profile deleted." })).toBeVisible();
    });
  });
}

for (const scheme of ["light", "dark"] as const) {
  test(`GA pages: axe finds no serious or critical violation, and they hydrate under the CSP (${scheme})`, async ({ page }) => {
    const csp: string[] = [];
    page.on("console", (m) => {
      if (m.text().includes("Content Security Policy")) csp.push(m.text());
    });
    await page.emulateMedia({ colorScheme: scheme });
    await searchFor(page, "enforcement=restricted");
    const restricted = (await resultRows(page).first().locator("td:first-child a").innerText()).trim();
    for (const path of [
      "/profiles",
      "/profiles?enforcement=banned",
      "/profiles/search?enforcement=restricted&access_type=application",
      `/profiles/${restricted}`,
      "/profiles/new",
      `/profiles/${restricted}/edit`,
      "/review",
      "/review?tab=waiting",
      "/review?tab=changed",
      "/overview",
      "/overview?weeks=52",
    ]) {
      await page.goto(path);
      await hydrated(page);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    expect(csp).toEqual([]);
  });
}
