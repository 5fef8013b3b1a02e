// Accessibility (axe-core: no serious or critical violation on any page, light and dark),
// the remembered theme toggle, and a layout usable at 360 px.
import { expect, test, type Page } from "@playwright/test";
import { HOOKED_CONSOLE_URL } from "../playwright.config";
import { hydrated, listedIds, seriousViolations } from "./helpers";

/** One of each page: list, search with results, detail, new, edit, delete, audit log, onboarding, not found. */
async function pages(page: Page): Promise<string[]> {
  await page.goto("/profiles");
  const id = (await listedIds(page))[0];
  return [
    "/profiles",
    "/profiles/search?q=an&grant=active",
    `/profiles/${id}`,
    "/profiles/new",
    `/profiles/${id}/edit`,
    `/profiles/${id}/delete`,
    "/audit",
    "/onboarding",
    "/profiles/uprof_01doesnotexist",
  ];
}

for (const scheme of ["light", "dark"] as const) {
  test(`axe finds no serious or critical violation (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    for (const path of await pages(page)) {
      await page.goto(path);
      await hydrated(page);
      expect(await seriousViolations(page), path).toEqual([]);
    }
  });
}

test.describe("the sign-in page and the signed-in layout", () => {
  for (const scheme of ["light", "dark"] as const) {
    test(`are accessible and fit 360 px (${scheme})`, async ({ browser }) => {
      const signedOut = await browser.newContext({
        baseURL: HOOKED_CONSOLE_URL,
        storageState: { cookies: [], origins: [] },
        colorScheme: scheme,
      });
      const page = await signedOut.newPage();
      await page.goto("/sign-in");
      await page.getByLabel("User name").fill("e2e-admin");
      await page.getByLabel("Password").fill("wrong, to show the message");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("alert")).toBeVisible();
      const pageAndPath: [Page, string][] = [[page, "/sign-in"]];
      // The account bar with its Sign out button, as the default admin session shows it.
      const signedIn = await browser.newContext({ baseURL: HOOKED_CONSOLE_URL, colorScheme: scheme });
      const list = await signedIn.newPage();
      await list.goto("/profiles");
      await hydrated(list);
      pageAndPath.push([list, "/profiles"]);
      for (const [p, path] of pageAndPath) {
        expect(await seriousViolations(p), path).toEqual([]);
        await p.setViewportSize({ width: 360, height: 740 });
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, path).toBeLessThanOrEqual(0);
      }
      await signedOut.close();
      await signedIn.close();
    });
  }
});

test("the theme toggle applies at once and is remembered", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/profiles");
  await hydrated(page);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await page.getByLabel("Theme").selectOption("dark");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await background()).not.toBe(light);
  await page.reload();
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.getByLabel("Theme")).toHaveValue("dark");
  await page.getByLabel("Theme").selectOption("system");
  await expect(page.locator("html")).not.toHaveAttribute("data-theme", /.*/);
  expect(await background()).toBe(light);
});

test("every page is usable 360 px wide", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  for (const path of await pages(page)) {
    await page.goto(path);
    await hydrated(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
});

test("everything works from the keyboard: open a profile and reach Edit", async ({ page }) => {
  await page.goto("/profiles");
  await hydrated(page);
  const id = (await listedIds(page))[0];
  const link = page.getByRole("link", { name: id });
  await link.focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("dl.facts")).toContainText(id);
  await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Tab");
    if (await page.getByRole("link", { name: "Edit" }).evaluate((el) => el === document.activeElement)) break;
  }
  await expect(page.getByRole("link", { name: "Edit" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Name")).toBeVisible();
});

test("every page hydrates under the Content-Security-Policy with no violation", async ({ page }) => {
  const violations: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on("console", (m) => {
    if (m.text().includes("Content Security Policy")) violations.push(m.text());
  });
  for (const path of await pages(page)) {
    const response = await page.goto(path);
    expect(response?.headers()["content-security-policy"], path).toContain("'strict-dynamic'");
    await hydrated(page);
    if (path.split("/").length === 3 && !path.includes("doesnotexist") && path !== "/profiles/new" && !path.startsWith("/profiles/search")) {
      await page.getByRole("button", { name: "Generate enrollment URL" }).click();
      await expect(page.locator(".countdown")).toBeVisible();
    }
    violations.push(...(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])));
  }
  expect(violations).toEqual([]);
});
