// Every flow of the console in Chromium, with JavaScript: list tools, detail, enrollment
// URL, create, edit with the metadata editor, conflicts, unsaved changes, errors.
// Flows that change data or inject faults run against the console whose upstream is the
// test-hooked emulator, so the plain console keeps exactly the seeded profiles.
import { expect, test, type Page } from "@playwright/test";
import { EMULATOR_URL, HOOKED_CONSOLE_URL } from "../playwright.config";
import { holdIsland, hydrated, listedIds, watchForErrors } from "./helpers";

async function open(page: Page, path: string) {
  await page.goto(path);
  await hydrated(page);
}

/** The row group "Entry N" of the metadata editor. */
const entry = (page: Page, n: number) => page.getByRole("group", { name: `Entry ${n}`, exact: true });

test.describe("list tools", () => {
  test("page size and order change the list and the address", async ({ page }) => {
    const errors = watchForErrors(page);
    await open(page, "/profiles");
    const newest = await listedIds(page);
    await page.getByLabel("Page size").selectOption("50");
    await expect(page).toHaveURL(/\/profiles\?limit=50$/);
    await expect.poll(async () => (await listedIds(page)).length).toBe(50);
    await hydrated(page);
    await page.getByLabel("Order").selectOption("asc");
    await expect(page).toHaveURL(/limit=50&order=asc/);
    await expect.poll(async () => (await listedIds(page))[0]).not.toBe(newest[0]);
    await page.reload();
    await hydrated(page);
    await expect(page.getByLabel("Page size")).toHaveValue("50");
    await expect(page.getByLabel("Order")).toHaveValue("asc");
    expect(errors).toEqual([]);
  });

  test("a page size chosen before the list's island is live is applied once it is", async ({ page }) => {
    const release = await holdIsland(page, "main");
    await page.goto("/profiles");
    await page.getByLabel("Page size").selectOption("100");
    await expect(page).toHaveURL(/\/profiles$/);
    release();
    await expect(page).toHaveURL(/\/profiles\?limit=100$/);
    await expect.poll(async () => (await listedIds(page)).length).toBe(100);
  });

  test("an id typed before Go to profile is live is the one it checks and opens", async ({ page }) => {
    const release = await holdIsland(page, "main");
    await page.goto("/profiles");
    const id = (await listedIds(page))[3];
    await page.getByLabel("Go to profile").fill(id);
    release();
    await hydrated(page);
    await page.getByRole("button", { name: "Open" }).click();
    await expect(page).toHaveURL(new RegExp(`/profiles/${id}$`));
  });

  test("created times are relative, with the absolute time on hover", async ({ page }) => {
    await open(page, "/profiles");
    const created = page.locator("table.profiles tbody tr td:last-child time").first();
    await expect(created).toHaveText(/ago$|^just now$/);
    await expect(created).toHaveAttribute("title", /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
  });

  test("go to profile validates the id and opens it", async ({ page }) => {
    await open(page, "/profiles");
    const ids = await listedIds(page);
    const field = page.getByLabel("Go to profile");
    await field.fill("../../v1/messages");
    await page.getByRole("button", { name: "Open" }).click();
    await expect(page.locator("#goto-error")).toContainText("Not a profile ID");
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await page.getByLabel("Go to profile").fill(` ${ids[5]} `);
    await page.getByRole("button", { name: "Open" }).click();
    await expect(page).toHaveURL(new RegExp(`/profiles/${ids[5]}$`));
    await expect(page.locator("dl.facts")).toContainText(ids[5]);
  });

  test("focus moves to the page heading after navigation", async ({ page }) => {
    await open(page, "/profiles");
    const id = (await listedIds(page))[0];
    await page.getByRole("link", { name: id }).click();
    await expect(page.locator("dl.facts")).toContainText(id);
    await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
  });
});

test.describe("list states", () => {
  test.use({ baseURL: HOOKED_CONSOLE_URL });

  test("a failed list call shows the error with its request id, and Try again recovers", async ({ page, request }) => {
    await request.put(`${EMULATOR_URL}/_emulator/faults`, {
      data: { latency_ms: 0, sequence: [{ kind: "status", status: 529, headers: {} }] },
    });
    try {
      const response = await page.goto("/profiles?order=asc");
      expect(response?.status()).toBe(503);
      await expect(page.getByRole("alert")).toContainText("unavailable right now");
      await expect(page.getByRole("alert").locator("code")).toHaveText(/^req_/);
    } finally {
      await request.delete(`${EMULATOR_URL}/_emulator/faults`);
    }
    // A plain link to the same address: the server renders the page again.
    await page.getByRole("link", { name: "Try again" }).click();
    await expect.poll(async () => (await listedIds(page)).length).toBe(20);
    await expect(page).toHaveURL(/\/profiles\?order=asc$/);
  });
});

test.describe("detail", () => {
  test("Back to list returns to the exact list page the user came from", async ({ page }) => {
    await open(page, "/profiles?limit=50&order=asc");
    await page.getByRole("link", { name: "Next" }).click();
    await expect(page.getByText("Page 2")).toBeVisible();
    const listUrl = page.url();
    const ids = await listedIds(page);
    await page.getByRole("link", { name: ids[7] }).click();
    await expect(page.locator("dl.facts")).toContainText(ids[7]);
    await page.getByRole("link", { name: "← Back to list" }).click();
    await expect(page).toHaveURL(listUrl);
    await expect.poll(() => listedIds(page)).toEqual(ids);
  });

  test("copy buttons, raw JSON and the facts of a profile", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await open(page, "/profiles");
    const id = (await listedIds(page))[0];
    await open(page, `/profiles/${id}`);
    const idRow = page.locator("dl.facts dd").first();
    await idRow.getByRole("button", { name: "Copy" }).click();
    await expect(idRow.getByRole("status")).toHaveText("ID copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(id);
    await expect(page.getByText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/).first()).toBeVisible();
    await page.getByText("Raw JSON").click();
    const raw = JSON.parse(await page.locator("details.raw pre").innerText());
    expect(raw.id).toBe(id);
    await expect(page.getByRole("link", { name: "Edit" })).toBeVisible();
  });

  test("trust grants show their status and meaning, unknown ones as they are", async ({ page, request }) => {
    const created = await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/create`, {
      data: { profile: { name: "Grant Holder" } },
    });
    const id = (await created.json()).id;
    for (const [grant, status] of [["cyber", "pending"], ["efs", "active"]]) {
      const r = await request.put(`${EMULATOR_URL}/_emulator/profiles/${id}/trust_grants/${grant}`, {
        data: { status },
      });
      expect(r.ok()).toBeTruthy();
    }
    await open(page, `${HOOKED_CONSOLE_URL}/profiles/${id}`);
    await expect(page.locator("dl.facts .badge.warn")).toHaveText("cyber: pending");
    await expect(page.getByText("Cyber Verification Program: under review")).toBeVisible();
    await expect(page.locator("dl.facts .badge.ok")).toHaveText("efs: active");
  });
});

test.describe("enrollment URL", () => {
  test("shows a safe link, copies it, counts down, expires and renews", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.clock.install({ time: Date.now() });
    const errors = watchForErrors(page);
    await open(page, "/profiles");
    const id = (await listedIds(page))[2];
    await open(page, `/profiles/${id}`);
    // A plain form post, with JavaScript too: the page comes back with the link.
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === `/profiles/${id}`),
      page.getByRole("button", { name: "Generate enrollment URL" }).click(),
    ]);
    await hydrated(page);
    // A credential: never stored, never compressed (BREACH), though Chromium asks for br.
    expect(response.headers()["cache-control"]).toBe("no-store, no-transform");
    expect(response.headers()["content-encoding"]).toBeUndefined();
    const link = page.locator(".enrollment-url a");
    await expect(link).toHaveAttribute("href", /^https:\/\/platform\.claude\.com\/user-profiles\/enrollment\//);
    await expect(link).toHaveAttribute("rel", "noopener noreferrer");
    const url = (await link.getAttribute("href"))!;
    expect(page.url()).not.toContain(url.split("/").pop()!);
    await page.locator(".enrollment-url").getByRole("button", { name: "Copy" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    await expect(page.locator(".countdown")).toHaveText(/^1[45]:\d\d left$/);
    const before = await page.locator(".countdown").innerText();
    await page.clock.runFor(61_000);
    await expect(page.locator(".countdown")).not.toHaveText(before);
    await page.clock.runFor(15 * 60_000);
    await expect(page.getByText("Expired. Generate a new one.")).toBeVisible();
    await expect(page.locator(".enrollment-url a")).toHaveCount(0);
    // Back to the real time, so that the new URL's expiry lies ahead.
    await page.clock.setSystemTime(Date.now());
    await page.getByRole("button", { name: "Generate new" }).click();
    await expect(page.locator(".enrollment-url a")).not.toHaveAttribute("href", url);
    await hydrated(page);
    await expect(page.locator(".countdown")).toBeVisible();
    expect(errors).toEqual([]);
  });
});

for (const javaScriptEnabled of [true, false]) {
  test.describe(`a profile's page (JavaScript ${javaScriptEnabled ? "on" : "off"})`, () => {
    test.use({ baseURL: HOOKED_CONSOLE_URL, javaScriptEnabled });

    test("a profile's page lists the others with its external ID, each opening its page", async ({ page, request }) => {
      const externalId = `twin-${Date.now()}`;
      const ids: string[] = [];
      for (const name of ["Twin Older", "Twin Newer"]) {
        const created = await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/create`, {
          data: { profile: { name, external_id: externalId } },
        });
        ids.push((await created.json()).id);
      }
      await page.goto(`/profiles/${ids[0]}`);
      if (javaScriptEnabled) await hydrated(page);
      const same = page.getByRole("region", { name: "Same external ID" });
      await expect(same).toContainText("1 other profile has the external ID");
      await same.getByRole("link", { name: "Twin Newer" }).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Twin Newer");
      await expect(page.getByRole("region", { name: "Same external ID" }).getByRole("link", { name: "Twin Older" })).toBeVisible();
    });

    test("a link minted while the profile cannot be read again is still shown", async ({ page, request }) => {
      const created = await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/create`, {
        data: { profile: { name: "Read Fails After Mint" } },
      });
      const id = (await created.json()).id;
      await page.goto(`/profiles/${id}`);
      if (javaScriptEnabled) await hydrated(page);
      // The mint goes through; every read of the page after it fails.
      await request.put(`${EMULATOR_URL}/_emulator/faults`, {
        data: {
          latency_ms: 0,
          sequence: [{ kind: "delay", ms: 0 }, ...Array(3).fill({ kind: "status", status: 500, headers: {} })],
        },
      });
      try {
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === `/profiles/${id}`),
          page.getByRole("button", { name: "Generate enrollment URL" }).click(),
        ]);
        expect(response.status()).toBe(200);
        await expect(page.locator(".enrollment-url a")).toHaveAttribute("href", /^https:\/\/platform\.claude\.com\//);
        await expect(page.getByTestId("read-failed")).toContainText("could not be read again");
        await expect(page.getByTestId("read-failed")).toContainText("unavailable right now");
      } finally {
        await request.delete(`${EMULATOR_URL}/_emulator/faults`);
      }
    });
  });
}

test.describe("create and edit", () => {
  test.use({ baseURL: HOOKED_CONSOLE_URL });

  test("create: resold needs a name; markup and non-ASCII are kept as text", async ({ page }) => {
    const errors = watchForErrors(page);
    await open(page, "/profiles");
    await page.getByRole("link", { name: "New profile" }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: "New profile" })).toBeFocused();
    await expect(page.getByLabel("Relationship")).toHaveValue("external");
    await page.getByLabel("Relationship").selectOption("resold");
    await expect(page.locator("#field-name-error")).toHaveText('is required when relationship is "resold"');
    await page.getByRole("button", { name: "Create profile" }).click();
    await expect(page.getByLabel("Name")).toBeFocused();
    const name = `<img src=x onerror=alert(1)> Zoë 李 ${Date.now()}`;
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("External ID").fill("org_</script>");
    await page.getByRole("button", { name: "Add entry" }).click();
    await entry(page, 1).getByLabel("Key").fill("note");
    const long = "é".repeat(511) + "値";
    await entry(page, 1).getByLabel("Value").fill(long);
    await expect(entry(page, 1).getByText("512/512")).toBeVisible();
    await page.getByRole("button", { name: "Add entry" }).click();
    await entry(page, 2).getByLabel("Key").fill("<b>key</b>");
    await entry(page, 2).getByLabel("Value").fill("\"><script>window.pwned=1</script>");
    await page.getByRole("button", { name: "Create profile" }).click();
    await expect(page).toHaveURL(/\/profiles\/uprof_\w+\?done=created$/);
    await expect(page.getByRole("status").filter({ hasText: "Profile created." })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
    await expect(page.locator("dl.facts")).toContainText("org_</script>");
    await expect(page.locator("dl.facts")).toContainText("resold");
    await expect(page.locator("table.metadata tbody tr")).toHaveText([
      "<b>key</b>\"><script>window.pwned=1</script>",
      `note${long}`,
    ]);
    expect(await page.locator("img[src=x]").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  test("Enter in a field saves the form, not a row's Remove", async ({ page }) => {
    await open(page, "/profiles/new");
    await page.getByRole("button", { name: "Add entry" }).click();
    await entry(page, 1).getByLabel("Key").fill("k");
    await entry(page, 1).getByLabel("Value").fill("v");
    await page.getByLabel("Name").fill("Submitted with Enter");
    await page.getByLabel("Name").press("Enter");
    await expect(page).toHaveURL(/done=created$/);
    await expect(page.locator("table.metadata tbody tr")).toHaveText(["kv"]);
  });

  test("edit: the metadata editor shows the changes before saving, and the form post saves them", async ({ page, request }) => {
    const created = await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/create`, {
      data: { profile: { name: "Ada", external_id: "user_ada", metadata: { plan: "pro", region: "eu", seats: "3" } } },
    });
    const id = (await created.json()).id;
    await open(page, `/profiles/${id}`);
    await page.getByRole("link", { name: "Edit" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Edit Ada" })).toBeFocused();
    await expect(page.getByLabel("External ID")).toHaveValue("user_ada");
    await expect(page.getByText("3/16 entries")).toBeVisible();
    await expect(page.getByText("No changes yet.")).toBeVisible();

    await page.getByLabel("External ID").fill("");
    await entry(page, 1).getByLabel("Value").fill("team");
    await entry(page, 2).getByRole("button", { name: "Remove" }).click();
    await expect(entry(page, 2).getByText("Marked for removal")).toBeVisible();
    // Focus goes to the button that takes the pressed one's place.
    await expect(entry(page, 2).getByRole("button", { name: "Undo" })).toBeFocused();
    await expect(entry(page, 2).getByLabel("Key")).toHaveAttribute("readonly", "");
    await expect(page.getByText("2/16 entries")).toBeVisible();
    await entry(page, 3).getByRole("button", { name: "Remove" }).click();
    await entry(page, 3).getByRole("button", { name: "Undo" }).click();
    await expect(entry(page, 3).getByRole("button", { name: "Remove" })).toBeFocused();
    await expect(entry(page, 3).getByText("Marked for removal")).toBeHidden();
    await page.getByRole("button", { name: "Add entry" }).click();
    await expect(entry(page, 4).getByLabel("Key")).toBeFocused();
    await entry(page, 4).getByLabel("Key").fill("tier");
    await entry(page, 4).getByLabel("Value").fill("gold");
    const summary = page.locator(".change-summary li");
    await expect(summary).toHaveText([
      "External ID: removed (was “user_ada”)",
      "Metadata \"plan\": “pro” → “team”",
      "Metadata \"region\": removed (was “eu”)",
      "Metadata \"tier\": added “gold”",
    ]);
    // The island posts the form to its own address, as without JavaScript (the patch
    // is made on the server from what was loaded and what is posted), answered in JSON.
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === `/profiles/${id}/edit`),
      page.getByRole("button", { name: "Save", exact: true }).click(),
    ]);
    expect(response.request().headers()["accept"]).toBe("application/json");
    const posted = new URLSearchParams(response.request().postData() ?? "");
    expect([posted.get("intent"), posted.get("external_id"), posted.get("loaded_external_id")]).toEqual(["save", "", "user_ada"]);
    expect([posted.get("row-0-value"), posted.get("row-1-removed"), posted.get("row-2-removed")]).toEqual(["team", "1", "0"]);
    expect([posted.get("row-3-key"), posted.get("row-3-value")]).toEqual(["tier", "gold"]);
    expect([response.status(), response.headers()["content-type"]]).toEqual([200, "application/json"]);
    await expect(page).toHaveURL(new RegExp(`/profiles/${id}\\?done=saved$`));
    await expect(page.getByRole("status").filter({ hasText: "Changes saved." })).toBeVisible();
    await expect(page.locator("table.metadata tbody tr")).toHaveText(["planteam", "seats3", "tiergold"]);
    await expect(page.locator("dl.facts dd").nth(1)).toHaveText("—");
  });

  test("edit: the change summary shows what is typed as text, never as markup", async ({ page, request }) => {
    const created = await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/create`, { data: { profile: { name: "Plain" } } });
    const id = (await created.json()).id;
    await open(page, `/profiles/${id}/edit`);
    const typed = "<img src=x onerror=window.pwned=1>";
    await page.getByLabel("Name").fill(typed);
    await expect(page.locator(".change-summary li")).toHaveText([`Name: “Plain” → “${typed}”`]);
    await expect(page.locator(".change-summary strong")).toHaveText(["Name"]);
    expect(await page.locator(".live-editor img").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  });

  test("edit: the editor flags bad keys and values and stops at 16 entries", async ({ page, request }) => {
    const created = await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/create`, { data: { profile: {} } });
    const id = (await created.json()).id;
    await open(page, `/profiles/${id}/edit`);
    const add = page.getByRole("button", { name: "Add entry" });
    for (let i = 1; i <= 16; i++) {
      await add.click();
      await entry(page, i).getByLabel("Key").fill(`k${i}`);
      await entry(page, i).getByLabel("Value").fill(`v${i}`);
    }
    await expect(page.getByText("16/16 entries")).toBeVisible();
    await expect(add).toBeDisabled();
    await entry(page, 2).getByLabel("Key").fill("k1");
    await expect(entry(page, 2).locator(".field-error").first()).toHaveText('Duplicate key: "k1" is already used above');
    await entry(page, 3).getByLabel("Key").fill("k".repeat(65));
    await expect(entry(page, 3).getByText("65/64")).toBeVisible();
    await expect(entry(page, 3).locator(".field-error").first()).toHaveText("key must be at most 64 characters (got 65)");
    await entry(page, 4).getByLabel("Value").fill("");
    await expect(entry(page, 4).locator(".field-error").last()).toHaveText("Enter a value; to delete an entry, use Remove");
    await entry(page, 5).getByLabel("Key").fill("");
    await expect(entry(page, 5).locator(".field-error").first()).toHaveText("Enter a key, or remove this entry");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(entry(page, 2).getByLabel("Key")).toBeFocused();
    await expect(page).toHaveURL(new RegExp(`/profiles/${id}/edit$`));
    await entry(page, 2).getByRole("button", { name: "Remove" }).click();
    await expect(add).toBeEnabled();
  });

  test("edit: a profile changed elsewhere is not overwritten without a warning", async ({ page, request }) => {
    const created = await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/create`, { data: { profile: { name: "Before" } } });
    const id = (await created.json()).id;
    await open(page, `/profiles/${id}/edit`);
    const elsewhere = await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/update`, {
      data: { id, update: { name: "Changed elsewhere" } },
    });
    expect(elsewhere.ok()).toBeTruthy();
    await page.getByLabel("Name").fill("Mine");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("alert")).toContainText("This profile was changed elsewhere");
    await expect(page.getByLabel("Name")).toHaveValue("Mine");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "Changes saved." })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mine");
  });

  test("edit: leaving with unsaved changes asks first", async ({ page, request }) => {
    const created = await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/create`, { data: { profile: { name: "Stay" } } });
    const id = (await created.json()).id;
    await open(page, `/profiles/${id}/edit`);
    await page.getByLabel("Name").fill("Unsaved");
    const dialogs: string[] = [];
    page.once("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.getByRole("link", { name: "← Back to profile" }).click();
    await expect(page).toHaveURL(new RegExp(`/profiles/${id}/edit$`));
    await expect(page.getByLabel("Name")).toHaveValue("Unsaved");
    page.once("dialog", (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await page.getByRole("link", { name: "← Back to profile" }).click();
    await expect(page).toHaveURL(new RegExp(`/profiles/${id}$`));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Stay");
    expect(dialogs).toEqual([
      "Leave this page? Your changes are not saved.",
      "Leave this page? Your changes are not saved.",
    ]);

    // Reloading or closing the tab asks too (the browser's own "leave site?" dialog).
    await page.getByRole("link", { name: "Edit" }).click();
    await page.getByLabel("Name").fill("Unsaved again");
    await hydrated(page);
    const kinds: string[] = [];
    page.once("dialog", (d) => {
      kinds.push(d.type());
      void d.accept();
    });
    await page.reload();
    await hydrated(page);
    expect(kinds).toEqual(["beforeunload"]);
    await expect(page.getByLabel("Name")).toHaveValue("Stay");
  });

  test("what is typed before the form is live is kept, and saved", async ({ page, request }) => {
    const created = await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/create`, { data: { profile: { name: "Early" } } });
    const id = (await created.json()).id;
    const release = await holdIsland(page, "live_editor");
    await page.goto(`/profiles/${id}/edit`);
    await page.getByLabel("Name").fill("Typed early");
    await expect(page.locator(".app")).toHaveAttribute("data-hydrated", "false");
    release();
    await hydrated(page);
    await expect(page.getByLabel("Name")).toHaveValue("Typed early");
    await expect(page.locator(".change-summary")).toContainText("“Early” → “Typed early”");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "Changes saved." })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Typed early");
  });

  test("upstream errors keep what was typed and show the request id with Copy", async ({ page, request, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await open(page, "/profiles/new");
    await page.getByLabel("Name").fill("Typed before the outage");
    await page.getByRole("button", { name: "Add entry" }).click();
    await entry(page, 1).getByLabel("Key").fill("plan");
    await entry(page, 1).getByLabel("Value").fill("pro");
    await request.put(`${EMULATOR_URL}/_emulator/faults`, {
      data: { latency_ms: 0, sequence: [{ kind: "status", status: 503, headers: {} }] },
    });
    try {
      await page.getByRole("button", { name: "Create profile" }).click();
      const alert = page.getByRole("alert");
      await expect(alert).toContainText("The User Profiles API is unavailable right now");
      const requestId = (await alert.locator("code").innerText()).trim();
      expect(requestId).toMatch(/^req_/);
      await alert.getByRole("button", { name: "Copy" }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(requestId);
      await expect(page.getByLabel("Name")).toHaveValue("Typed before the outage");
      await expect(entry(page, 1).getByLabel("Value")).toHaveValue("pro");
    } finally {
      await request.delete(`${EMULATOR_URL}/_emulator/faults`);
    }
    await page.getByRole("button", { name: "Create profile" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Profile created." })).toBeVisible();
  });

  test("API validation errors land next to their field", async ({ page, request }) => {
    // 15 keys loaded; someone else adds a 16th; this form adds another. The form counts
    // 16, the API counts 17 and refuses: its message appears at the metadata editor.
    const metadata = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, "v"]));
    const created = await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/create`, {
      data: { profile: { name: "Nearly full", metadata } },
    });
    const id = (await created.json()).id;
    await open(page, `/profiles/${id}/edit`);
    await request.post(`${HOOKED_CONSOLE_URL}/api/profiles/update`, {
      data: { id, update: { metadata: { elsewhere: "x" } } },
    });
    await page.getByRole("button", { name: "Add entry" }).click();
    await entry(page, 16).getByLabel("Key").fill("mine");
    await entry(page, 16).getByLabel("Value").fill("y");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("alert")).toContainText("changed elsewhere");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.locator("#metadata-error")).toContainText("the profile would have 17 keys");
    await expect(page.getByRole("alert")).toContainText("The profile was not saved");
    await expect(page.getByRole("alert").locator("code")).toHaveText(/^req_/);
    await expect(entry(page, 16).getByLabel("Key")).toHaveValue("mine");
  });
});
