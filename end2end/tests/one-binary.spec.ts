// The release binary alone in an empty directory serves the whole console: pages hydrate,
// lazy islands load their split WASM, files come precompressed (docs/operations.md,
// "One binary").
import { expect, test } from "@playwright/test";
import * as fs from "node:fs";
import { LONE_CONSOLE_URL, LONE_DIR } from "../playwright.config";
import { hydrated, listedIds, watchForErrors } from "./helpers";

test.use({ baseURL: LONE_CONSOLE_URL, storageState: { cookies: [], origins: [] } });

test("the binary alone in an empty directory serves the console, hydrated, islands and all", async ({ page, request }) => {
  // Nothing beside it but the data it made.
  expect(fs.readdirSync(LONE_DIR).sort()).toEqual(["data", "profiles-admin"]);
  const errors = watchForErrors(page);
  const wasm: string[] = [];
  page.on("response", (r) => {
    if (r.url().endsWith(".wasm")) wasm.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  await page.goto("/profiles");
  await hydrated(page);
  const id = (await listedIds(page))[0];
  // The edit form is a lazy island: its own split file, from the binary too.
  await page.goto(`/profiles/${id}/edit`);
  await hydrated(page);
  await page.getByLabel("Name", { exact: true }).fill("Typed in the one binary");
  await expect(page.locator(".change-summary")).toContainText("Typed in the one binary");
  expect(wasm.some((w) => /^200 \/pkg\/split_live_editor[^/]*\.wasm$/.test(w)), wasm.join("\n")).toBe(true);
  expect(wasm.every((w) => w.startsWith("200 ")), wasm.join("\n")).toBe(true);
  expect(errors).toEqual([]);

  // Each file as the browser asks: brotli, gzip, or as it is, and 304 when unchanged.
  const plain = await request.get("/pkg/profiles-admin.wasm", { headers: { "accept-encoding": "identity" } });
  expect(plain.headers()["content-type"]).toBe("application/wasm");
  expect(plain.headers()["content-encoding"]).toBeUndefined();
  const length = (await plain.body()).length;
  for (const encoding of ["br", "gzip"]) {
    const packed = await request.get("/pkg/profiles-admin.wasm", { headers: { "accept-encoding": encoding } });
    expect(packed.headers()["content-encoding"]).toBe(encoding);
    expect(packed.headers()["vary"]).toContain("accept-encoding");
    expect(Number(packed.headers()["content-length"])).toBeLessThan(length / 2);
    expect((await packed.body()).length, "decompresses to the same file").toBe(length);
    const again = await request.get("/pkg/profiles-admin.wasm", {
      headers: { "accept-encoding": encoding, "if-none-match": packed.headers()["etag"] },
    });
    expect(again.status()).toBe(304);
  }
  const icon = await request.get("/favicon.svg");
  expect(icon.headers()["content-type"]).toBe("image/svg+xml");
  expect((await request.get("/pkg/no-such-file.js")).status()).toBe(404);
});
