// Anthropic's latest TypeScript SDK (1.14.0), whose `client.userProfiles` speaks the GA
// API, driving the emulator: GA shapes, delete, action URLs and the enforcement filter
// with auto-pagination. Its beta resource (pinned to user-profiles-2026-08-18) is checked
// too. docs/api-versions.md says what each version holds.
import Anthropic from "anthropic-sdk-ga";
import { expect, test } from "@playwright/test";
import { EMULATOR_URL } from "../playwright.config";

const client = new Anthropic({ apiKey: "sk-ant-emulator-test", baseURL: EMULATOR_URL, maxRetries: 0 });
const profiles = client.userProfiles;

test("GA: create, retrieve, update, an action URL, then delete", async ({ request }) => {
  const created = await profiles.create({
    name: "Zoë GA",
    access_type: "passthrough",
    external_user_details: { reference_id: "org_ga_1", country: "DE", onboarded_at: "2025-01-02T03:04:05Z" },
    metadata: { plan: "pro" },
  });
  expect(created.id).toMatch(/^uprof_01[1-9A-HJ-NP-Za-km-z]{22}$/);
  expect(created.access_type).toBe("passthrough");
  expect(created.programs).toEqual({ cyber: null, efs: null });
  expect(created.enforcement_status).toBe("unrestricted");
  expect(created.enforcement_actions).toEqual([]);
  expect(created.external_user_details).toEqual({
    account_status: null,
    country: "DE",
    email_hash: null,
    entity_type: null,
    name_hash: null,
    onboarded_at: "2025-01-02T03:04:05Z",
    reference_id: "org_ga_1",
  });

  await request.delete(`${EMULATOR_URL}/_emulator/requests`);
  expect(await profiles.retrieve(created.id)).toEqual(created);
  const seen = await (await request.get(`${EMULATOR_URL}/_emulator/requests`)).json();
  const mine = seen.find((r: { uri: string }) => r.uri === `/v1/user_profiles/${created.id}`);
  expect(mine.anthropic_beta ?? "").not.toContain("user-profiles-");

  const updated = await profiles.update(created.id, {
    metadata: { plan: "", tier: "gold" },
    external_user_details: { account_status: "suspended" },
  });
  expect(updated.metadata).toEqual({ tier: "gold" });
  expect(updated.external_user_details.account_status).toBe("suspended");
  expect(updated.external_user_details.reference_id).toBe("org_ga_1");
  const cleared = await profiles
    .update(created.id, { external_user_details: { reference_id: null } })
    .catch((e) => e);
  expect(cleared).toBeInstanceOf(Anthropic.BadRequestError);
  expect(cleared.error.error.message).toContain("cannot be cleared");

  const link = await profiles.actionURLs.create(created.id, { action: { type: "enroll_end_user" } });
  expect(link.type).toBe("user_profile_action_url");
  expect(link.url).toMatch(/^https:\/\/platform\.claude\.com\/user-profiles\/enrollment\//);
  const minutes = (Date.parse(link.expires_at) - Date.now()) / 60_000;
  expect(minutes).toBeGreaterThan(14);
  expect(minutes).toBeLessThanOrEqual(15.1);

  expect(await profiles.delete(created.id)).toEqual({ id: created.id, type: "user_profile_deleted" });
  expect(await profiles.retrieve(created.id).catch((e) => e)).toBeInstanceOf(Anthropic.NotFoundError);
  expect(await profiles.delete(created.id).catch((e) => e)).toBeInstanceOf(Anthropic.NotFoundError);
});

test("GA: the enforcement filter auto-paginates through short pages to every match", async () => {
  const flagged = new Set<string>();
  for await (const profile of profiles.list({ limit: 100, order: "asc" })) {
    if (profile.enforcement_status === "restricted" || profile.enforcement_status === "banned") flagged.add(profile.id);
  }
  expect(flagged.size).toBeGreaterThan(5);

  const found: string[] = [];
  let shortPages = 0;
  let page = await profiles.list({ limit: 10, order: "asc", enforcement_status: ["restricted", "banned"] });
  for (;;) {
    if (page.data.length < 10 && page.hasNextPage()) shortPages++;
    for (const profile of page.data) {
      expect(["restricted", "banned"]).toContain(profile.enforcement_status);
      found.push(profile.id);
    }
    if (!page.hasNextPage()) break;
    page = await page.getNextPage();
  }
  expect(shortPages).toBeGreaterThan(0);
  expect(new Set(found).size).toBe(found.length);
  for (const id of flagged) expect(found).toContain(id);

  // The same walk with the SDK's iterator.
  const iterated: string[] = [];
  for await (const profile of profiles.list({ limit: 10, order: "asc", enforcement_status: ["restricted", "banned"] })) {
    iterated.push(profile.id);
  }
  expect(iterated).toEqual(found);
});

test("GA: retrieve reports programs in full where the list reduces them", async () => {
  let listed;
  for await (const profile of profiles.list({ limit: 100 })) {
    if (profile.programs.cyber?.status === "active") {
      listed = profile;
      break;
    }
  }
  expect(listed!.programs.cyber!.tiers).toEqual({});
  expect(listed!.programs.efs).toBeNull();
  const full = await profiles.retrieve(listed!.id);
  expect(full.programs.cyber!.status).toBe("active");
  expect(typeof full.programs.cyber!.tiers).toBe("object");
});

test("the SDK's beta resource, pinned to 2026-08-18, gets that version's shape", async () => {
  const created = await client.beta.userProfiles.create({ external_id: "user_0818", access_type: "application" });
  expect(created.external_id).toBe("user_0818");
  expect(created.access_type).toBe("application");
  expect(created.trust_grants).toEqual({});
  expect((created as Record<string, unknown>).relationship).toBeUndefined();
  expect((created as Record<string, unknown>).programs).toBeUndefined();
  const ga = await profiles.retrieve(created.id);
  expect(ga.external_user_details.reference_id).toBe("user_0818");
  const refused = await profiles.create({ external_id: "x" } as never).catch((e) => e);
  expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
  expect(refused.error.error.message).toContain("user-profiles-2026-03-24");
});
