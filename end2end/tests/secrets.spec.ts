// The API key stays on the server (issue #4 item 7, the part a browser can see): the
// console on the test-hooked emulator runs with a canary key, and nothing it sends back —
// pages, assets, server-function answers, failed calls, no-JS form answers and redirects —
// contains it. (The logs are checked by tests/binary.rs.)
import { expect, test, type APIResponse } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import { CANARY_KEY, EMULATOR_URL, HOOKED_CONSOLE_URL } from "../playwright.config";

test.use({ baseURL: HOOKED_CONSOLE_URL });

async function clean(response: APIResponse, what: string) {
  const headers = JSON.stringify(response.headersArray());
  expect(headers, `${what} headers`).not.toContain(CANARY_KEY);
  expect((await response.body()).toString("latin1"), `${what} body`).not.toContain(CANARY_KEY);
}

test("no page, asset or answer carries the key, even when calls fail", async ({ request }) => {
  const form = { "content-type": "application/x-www-form-urlencoded" };
  const list = await request.post("/api/profiles/list", { headers: form, data: "limit=1&order=desc" });
  await clean(list, "list");
  const id: string = (await list.json()).data[0].id;

  for (const page of ["/profiles", `/profiles/${id}`, "/profiles/new", `/profiles/${id}/edit`, "/nope", "/healthz"]) {
    await clean(await request.get(page), page);
  }
  const pkg = path.resolve(__dirname, "../../target/site/pkg");
  for (const file of fs.readdirSync(pkg)) {
    expect(fs.readFileSync(path.join(pkg, file)).toString("latin1"), file).not.toContain(CANARY_KEY);
    await clean(await request.get(`/pkg/${file}`), file);
  }
  await clean(await request.post("/api/profiles/get", { headers: form, data: `id=${id}` }), "get");
  await clean(await request.post("/api/profiles/enrollment_url", { headers: form, data: `id=${id}` }), "enrollment");

  // Failed upstream calls: refused key, server error, dropped connection, garbage.
  const faults = [
    { kind: "status", status: 401, headers: {} },
    { kind: "status", status: 500, headers: {} },
    { kind: "drop" },
    { kind: "malformed" },
    // An upstream that repeats the key in its error body and headers.
    { kind: "echo_key", status: 400 },
    { kind: "echo_key", status: 401 },
    { kind: "echo_key", status: 500 },
  ];
  await request.put(`${EMULATOR_URL}/_emulator/faults`, { data: { latency_ms: 0, sequence: faults } });
  try {
    for (const [i] of faults.entries()) {
      const failed = await request.post("/api/profiles/get", { headers: form, data: `id=${id}` });
      expect(failed.ok(), `fault ${i}`).toBeFalsy();
      await clean(failed, `fault ${i}`);
    }
    // A no-JS form post whose save fails renders the form again; a theme post redirects.
    await request.put(`${EMULATOR_URL}/_emulator/faults`, {
      data: { latency_ms: 0, sequence: [{ kind: "status", status: 500, headers: {} }] },
    });
    const posted = await request.post("/profiles/new", {
      headers: { ...form, accept: "text/html" },
      data: "name=x&relationship=external&intent=save",
    });
    expect(posted.status()).toBe(503);
    await clean(posted, "no-JS create");
    const theme = await request.post("/theme", {
      headers: { ...form, referer: `${HOOKED_CONSOLE_URL}/profiles` },
      data: "theme=dark",
      maxRedirects: 0,
    });
    expect(theme.status()).toBe(303);
    await clean(theme, "theme redirect");
  } finally {
    await request.delete(`${EMULATOR_URL}/_emulator/faults`);
  }
});
