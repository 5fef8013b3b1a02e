import { expect, test, type Page } from "@playwright/test";
import { hydrated, listedIds, watchForErrors } from "./helpers";

const SEEDED = 150;

test.describe("with JavaScript", () => {
  test("the list renders, hydrates and shows every column", async ({ page }) => {
    const errors = watchForErrors(page);
    const response = await page.goto("/");
    // Sent compressed, as Chromium asks (it accepts brotli).
    expect(response?.headers()["content-encoding"]).toBe("br");
    await expect(page).toHaveURL(/\/profiles$/);
    await hydrated(page);
    await expect(page.getByRole("heading", { level: 1, name: "Profiles" })).toBeVisible();
    for (const column of ["ID", "Name", "External ID", "Relationship", "Trust grants", "Created"]) {
      await expect(page.getByRole("columnheader", { name: column, exact: true })).toBeVisible();
    }
    expect(await listedIds(page)).toHaveLength(20);
    await expect(page.locator(".badge").first()).toBeVisible();
    await expect(page.locator("nav[aria-label=Pagination] [aria-disabled=true]", { hasText: "Previous" })).toBeVisible();
    expect(errors).toEqual([]);
  });

  test("pages forward through every profile and back, with no duplicate or missing row", async ({ page }) => {
    const errors = watchForErrors(page);
    await page.goto("/profiles?limit=50");
    await hydrated(page);
    const pages: string[][] = [];
    for (;;) {
      const ids = await listedIds(page);
      pages.push(ids);
      const next = page.getByRole("link", { name: "Next" });
      if ((await next.count()) === 0) break;
      await next.click();
      await expect(page.getByText(`Page ${pages.length + 1}`)).toBeVisible();
      await expect.poll(() => listedIds(page)).not.toEqual(ids);
    }
    const all = pages.flat();
    expect(all).toHaveLength(SEEDED);
    expect(new Set(all).size).toBe(SEEDED);
    expect(pages.map((p) => p.length)).toEqual([50, 50, 50]);

    // A reload lands on the same page: the cursors live in the address.
    await page.reload();
    await hydrated(page);
    expect(await listedIds(page)).toEqual(pages[2]);

    for (let i = pages.length - 2; i >= 0; i--) {
      await page.getByRole("link", { name: "Previous" }).click();
      await expect(page.getByText(`Page ${i + 1}`)).toBeVisible();
      await expect.poll(() => listedIds(page)).toEqual(pages[i]);
    }
    // Previous is a link, so the browser's Back returns to the page it came from.
    await page.goBack();
    await expect(page.getByText("Page 2")).toBeVisible();
    await expect.poll(() => listedIds(page)).toEqual(pages[1]);
    expect(errors).toEqual([]);
  });

  test("opens a profile from the list and goes back", async ({ page }) => {
    const errors = watchForErrors(page);
    await page.goto("/profiles");
    await hydrated(page);
    const first = page.locator("table.profiles tbody tr").first();
    const id = (await first.locator("td").first().textContent())!.trim();
    const name = (await first.locator("td").nth(1).textContent())!.trim();
    await first.getByRole("link", { name: id }).click();
    await expect(page).toHaveURL(`/profiles/${id}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(name === "—" ? id : name);
    await expect(page.locator("dl.facts")).toContainText(id);
    await expect(page.getByRole("heading", { name: "Metadata" })).toBeVisible();
    await page.getByRole("link", { name: "← Back to list" }).click();
    await expect(page).toHaveURL(/\/profiles$/);
    await expect.poll(() => listedIds(page)).toContain(id);
    expect(errors).toEqual([]);
  });

  test("a malformed or unknown profile id shows the not-found page", async ({ page }) => {
    for (const path of ["/profiles/not-an-id", "/profiles/uprof_x%3Fy%3D1", "/profiles/uprof_01doesnotexist"]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByRole("heading", { level: 1, name: "Not found" })).toBeVisible();
    }
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the list pages with plain links and profiles open", async ({ page }) => {
    await page.goto("/profiles");
    const first = await listedIds(page);
    await page.getByRole("link", { name: "Next" }).click();
    await expect(page.getByText("Page 2")).toBeVisible();
    const second = await listedIds(page);
    expect(second).toHaveLength(20);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    await page.getByRole("link", { name: "Previous" }).click();
    expect(await listedIds(page)).toEqual(first);
    await page.getByRole("link", { name: first[0] }).click();
    await expect(page.locator("dl.facts")).toContainText(first[0]);
  });
});

test("the release bundle is served precompressed, within budget", async ({ request }) => {
  // The budget for what every page loads first (docs/performance.md): the main WASM
  // module ≤ 120 KB and the JS glue ≤ 10 KB as gzip (brotli is smaller). The islands'
  // chunks come with the pages that hold them; scripts/bench.sh reports each page's total.
  const budget: Record<string, number> = { "/pkg/profiles-admin.wasm": 120_000, "/pkg/profiles-admin.js": 10_000 };
  for (const [asset, limit] of Object.entries(budget)) {
    const gzip = await request.get(asset, { headers: { "accept-encoding": "gzip" } });
    expect(gzip.headers()["content-encoding"]).toBe("gzip");
    expect(Number(gzip.headers()["content-length"]), asset).toBeLessThanOrEqual(limit);
  }
  for (const asset of ["/pkg/profiles-admin.wasm", "/pkg/profiles-admin.js", "/pkg/profiles-admin.css"]) {
    const plain = await request.get(asset, { headers: { "accept-encoding": "identity" } });
    const plainLength = Number(plain.headers()["content-length"]);
    expect(plain.headers()["content-encoding"], asset).toBeUndefined();
    for (const encoding of ["br", "gzip"]) {
      const response = await request.get(asset, { headers: { "accept-encoding": encoding } });
      expect(response.status(), asset).toBe(200);
      expect(response.headers()["content-encoding"], `${asset} ${encoding}`).toBe(encoding);
      expect(Number(response.headers()["content-length"])).toBeLessThan(plainLength / 2);
      expect((await response.body()).length, "decompresses to the same file").toBe(plainLength);
    }
  }
});

// The page budget (docs/performance.md): the WASM a page loads, as served gzip, at most
// 200 KB. Each page in a fresh context, so that nothing comes from the cache unseen.
test("every page loads at most 200 KB of WASM", async ({ browser, baseURL }) => {
  const weigh = async (path: string, act?: (page: Page) => Promise<void>) => {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    const loaded = new Set<string>();
    page.on("response", (r) => {
      if (r.url().endsWith(".wasm")) loaded.add(r.url());
    });
    await page.goto(path);
    await hydrated(page);
    if (act) await act(page);
    let total = 0;
    for (const url of loaded) {
      const r = await context.request.get(url, { headers: { "accept-encoding": "gzip" } });
      total += Number(r.headers()["content-length"]);
    }
    await context.close();
    expect(loaded.size, path).toBeGreaterThan(0);
    return total;
  };
  const context = await browser.newContext({ baseURL });
  const list = await context.newPage();
  await list.goto("/profiles");
  const id = (await listedIds(list))[0];
  await context.close();
  const pages = ["/profiles?limit=100", `/profiles/${id}`, "/profiles/search?q=a", "/audit", "/profiles/new", `/profiles/${id}/edit`];
  for (const path of pages) {
    expect(await weigh(path), path).toBeLessThanOrEqual(200_000);
  }
  // With a minted link, whose countdown is a lazy island.
  const minted = await weigh(`/profiles/${id}`, async (page) => {
    await page.getByRole("button", { name: "Generate enrollment URL" }).click();
    await hydrated(page);
    await expect(page.locator(".countdown")).toBeVisible();
  });
  expect(minted, "detail with a link").toBeLessThanOrEqual(200_000);
});

// A deep list page keeps only its last cursors: Back to list from a profile lands on the
// same rows, Previous walks back while the cursors last, then the first page is offered.
for (const javaScriptEnabled of [true, false]) {
  test.describe(javaScriptEnabled ? "deep pages, with JavaScript" : "deep pages, without JavaScript", () => {
    test.use({ javaScriptEnabled });

    test("Back to list from page 8 shows page 8; Previous, then First page", async ({ page }) => {
      const errors = watchForErrors(page);
      await page.goto("/profiles?limit=10");
      if (javaScriptEnabled) await hydrated(page);
      for (let n = 2; n <= 8; n++) {
        await page.getByRole("link", { name: "Next" }).click();
        await expect(page.getByText(`Page ${n}`)).toBeVisible();
      }
      const ids = await listedIds(page);
      await page.getByRole("link", { name: ids[3] }).click();
      await expect(page.locator("dl.facts")).toContainText(ids[3]);
      await page.getByRole("link", { name: "← Back to list" }).click();
      await expect(page.getByText("Page 8")).toBeVisible();
      await expect.poll(() => listedIds(page)).toEqual(ids);
      // Only page 8's own cursor travelled through the profile.
      await expect(page.getByRole("link", { name: "Previous" })).toHaveCount(0);
      await page.getByRole("link", { name: "First page" }).click();
      await expect(page.getByText("Page 1")).toBeVisible();
      await expect(page).toHaveURL(/\/profiles\?limit=10$/);

      // Walked forward, Previous goes back as far as the address keeps cursors.
      for (let n = 2; n <= 8; n++) {
        await page.getByRole("link", { name: "Next" }).click();
        await expect(page.getByText(`Page ${n}`)).toBeVisible();
      }
      for (let n = 7; n >= 4; n--) {
        await page.getByRole("link", { name: "Previous" }).click();
        await expect(page.getByText(`Page ${n}`)).toBeVisible();
      }
      await expect(page.getByRole("link", { name: "Previous" })).toHaveCount(0);
      await expect(page.getByRole("link", { name: "First page" })).toBeVisible();
      expect(errors).toEqual([]);
    });
  });
}
