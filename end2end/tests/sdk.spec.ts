// Anthropic's official TypeScript SDK, the last release pinning user-profiles-2026-03-24,
// driving the emulator: if the SDK accepts it, so will real clients.
import Anthropic from "@anthropic-ai/sdk";
import { expect, test } from "@playwright/test";
import { EMULATOR_URL } from "../playwright.config";

const client = new Anthropic({ apiKey: "sk-ant-emulator-test", baseURL: EMULATOR_URL, maxRetries: 0 });
const profiles = client.beta.userProfiles;

test("create, retrieve, update and mint an enrollment URL", async () => {
  const created = await profiles.create({
    external_id: "user_12345",
    name: "Zoë Example",
    relationship: "resold",
    metadata: { plan: "pro", region: "eu" },
  });
  expect(created.id).toMatch(/^uprof_01[1-9A-HJ-NP-Za-km-z]{22}$/);
  expect(created.type).toBe("user_profile");
  expect(created.trust_grants).toEqual({});
  expect(created.created_at).toBe(created.updated_at);

  expect(await profiles.retrieve(created.id)).toEqual(created);

  const updated = await profiles.update(created.id, { metadata: { plan: "", tier: "gold" }, external_id: null });
  expect(updated.metadata).toEqual({ region: "eu", tier: "gold" });
  expect(updated.external_id).toBeNull();
  expect(updated.name).toBe("Zoë Example");

  const enrollment = await profiles.createEnrollmentURL(created.id);
  expect(enrollment.type).toBe("enrollment_url");
  expect(enrollment.url).toMatch(/^https:\/\/platform\.claude\.com\/user-profiles\/enrollment\//);
  const minutes = (Date.parse(enrollment.expires_at) - Date.now()) / 60_000;
  expect(minutes).toBeGreaterThan(14);
  expect(minutes).toBeLessThanOrEqual(15.1);
});

test("auto-pagination walks every profile exactly once", async () => {
  const ids: string[] = [];
  for await (const profile of profiles.list({ limit: 7, order: "asc" })) ids.push(profile.id);
  expect(ids.length).toBeGreaterThanOrEqual(150);
  expect(new Set(ids).size).toBe(ids.length);
  const firstPage = await profiles.list({ limit: 100 });
  expect(firstPage.data).toHaveLength(100);
  expect(firstPage.hasNextPage()).toBe(true);
});

test("errors map to the SDK's classes with the request id", async () => {
  const missing = await profiles.retrieve("uprof_01doesnotexist").catch((e) => e);
  expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
  expect(missing.status).toBe(404);
  expect(missing.requestID).toMatch(/^req_/);

  const invalid = await profiles.create({ metadata: { note: "x".repeat(513) } }).catch((e) => e);
  expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
  expect(invalid.error.error.type).toBe("invalid_request_error");
  expect(invalid.error.error.message).toContain("512");
});

test("the SDK retries an overloaded emulator as the contract says", async ({ request }) => {
  await request.delete(`${EMULATOR_URL}/_emulator/requests`);
  await request.put(`${EMULATOR_URL}/_emulator/faults`, {
    data: { sequence: [{ kind: "status", status: 529, headers: { "retry-after-ms": "50" } }] },
  });
  const retrying = new Anthropic({ apiKey: "sk-ant-emulator-test", baseURL: EMULATOR_URL, maxRetries: 2 });
  const page = await retrying.beta.userProfiles.list({ limit: 1 });
  expect(page.data).toHaveLength(1);
  const seen = await (await request.get(`${EMULATOR_URL}/_emulator/requests`)).json();
  expect(seen).toHaveLength(2);
  expect(seen[0].anthropic_beta).toContain("user-profiles-2026-03-24");
  expect(seen[0].has_x_api_key).toBe(true);
});
