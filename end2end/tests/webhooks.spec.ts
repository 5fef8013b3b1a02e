// Webhooks in (docs/webhooks.md), on the console with sign-in: events signed by the
// Standard Webhooks library that Anthropic's SDKs use are accepted, tampered and replayed
// ones are not, and an event about a profile shows in its History after a reload, with
// and without JavaScript.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import {
  ADMIN_STATE,
  E2E_PASSWORD,
  EMULATOR_URL,
  GA_HOOKED_CONSOLE_URL,
  HOOKED_CONSOLE_URL,
  WEBHOOK_SECRET,
} from "../playwright.config";
import { hydrated } from "./helpers";

test.use({ baseURL: HOOKED_CONSOLE_URL });

const signer = new Webhook(WEBHOOK_SECRET);
let sequence = 0;

function event(kind: string, profile: string, action?: string) {
  const id = `whe_e2e${Date.now().toString(16)}${(sequence++).toString(16).padStart(8, "0")}`;
  const data: Record<string, string> = { type: kind, id: profile, organization_id: "00000000-0000-4000-8000-000000000001" };
  if (action) data.enforcement_action_id = action;
  return { id, body: JSON.stringify({ type: "event", id, created_at: new Date().toISOString(), data }) };
}

/** Posts `body` as Anthropic would, signed by the library (or with `signature` instead). */
async function deliver(
  request: APIRequestContext,
  id: string,
  body: string,
  signature?: string,
  console = HOOKED_CONSOLE_URL,
) {
  const at = new Date();
  const headers = {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": Math.floor(at.getTime() / 1000).toString(),
    "webhook-signature": signature ?? signer.sign(id, at, body),
  };
  // No session cookie: the endpoint is for Anthropic, not for a signed-in user.
  return request.post(`${console}/webhooks/anthropic`, { headers, data: body });
}

async function newProfile(page: Page, name: string): Promise<string> {
  const reply = await page.request.post("/api/profiles/create", { data: { profile: { name } } });
  expect(reply.status()).toBe(200);
  return (await reply.json()).id;
}

test("events signed with the standardwebhooks library are taken in; tampered and replayed ones are not", async ({
  playwright,
}) => {
  const request = await playwright.request.newContext();
  const { id, body } = event("user_profile.program_status_updated", "uprof_01e2eNotThereAtAll00000");
  const tampered = await deliver(request, id, body.replace("program", "pr0gram"), signer.sign(id, new Date(), body));
  expect(tampered.status()).toBe(401);
  const accepted = await deliver(request, id, body);
  expect(accepted.status()).toBe(200);
  expect(await accepted.text()).toBe("received");
  const replayed = await deliver(request, id, body);
  expect(replayed.status()).toBe(200);
  expect(await replayed.text()).toBe("already received");
  const foreign = new Webhook("whsec_YW5vdGhlci1vcmdhbml6YXRpb25zLXNlY3JldA==");
  const other = event("user_profile.program_status_updated", "uprof_01e2eNotThereAtAll00000");
  expect((await deliver(request, other.id, other.body, foreign.sign(other.id, new Date(), other.body))).status()).toBe(401);
  await request.dispose();
});

/**
 * Waits until the console has recorded event `eventId` about profile `id`, on the Audit
 * log rather than on the profile's page: that page reads the profile from the API and
 * writes it through to the index, and a read that came before the event would leave the
 * event nothing to report as changed.
 */
async function recorded(page: Page, id: string, eventId: string) {
  await expect(async () => {
    const audit = await page.request.get(`/audit?profile=${id}`);
    expect(await audit.text()).toContain(`event ${eventId}`);
  }).toPass();
}

test("a webhook about an open profile shows in its History after a reload, with and without JavaScript", async ({
  page,
  browser,
}) => {
  const id = await newProfile(page, "Webhook Watcher");
  await page.goto(`/profiles/${id}`);
  await hydrated(page);
  const history = page.getByRole("region", { name: "History" });
  await expect(history.locator("tbody tr")).toHaveCount(1);

  // Anthropic opens a restriction and says so; the console works on an event after
  // answering it, so wait until it is recorded.
  const hooks = `${EMULATOR_URL}/_emulator/profiles/${id}`;
  const opened = await page.request.post(`${hooks}/enforcement_actions`, {
    data: { kind: "restriction", reason: "unsupported_region", verify: true },
  });
  const action = (await opened.json()).enforcement_actions.at(-1).id;
  const first = event("user_profile.enforcement_action_opened", id, action);
  expect((await deliver(page.request, first.id, first.body)).status()).toBe(200);
  await recorded(page, id, first.id);

  // Then it approves the cyber program.
  expect((await page.request.put(`${hooks}/trust_grants/cyber`, { data: { status: "active" } })).ok()).toBeTruthy();
  const second = event("user_profile.program_status_updated", id);
  expect((await deliver(page.request, second.id, second.body)).status()).toBe(200);
  await recorded(page, id, second.id);
  await page.reload();
  await expect(history.locator("tbody tr")).toHaveCount(3);
  await hydrated(page);
  const newest = history.locator("tbody tr").first();
  await expect(newest).toContainText("Anthropic reported a change");
  await expect(newest).toContainText("Anthropic (webhook)");
  await expect(newest).toContainText(`A program status changed (user_profile.program_status_updated, event ${second.id})`);
  await expect(newest.locator("ul.changes li")).toHaveText(["trust_grants.cyber: not set → active"]);
  await expect(history.locator("tbody tr").nth(1)).toContainText(`Enforcement action ${action} opened`);
  await expect(page.locator("dl.facts .badge.ok")).toHaveText("cyber: active");

  const noScript = await browser.newContext({ javaScriptEnabled: false, storageState: ADMIN_STATE });
  const plain = await noScript.newPage();
  await plain.goto(`${HOOKED_CONSOLE_URL}/profiles/${id}`);
  const plainHistory = plain.getByRole("region", { name: "History" });
  await expect(plainHistory.locator("tbody tr")).toHaveCount(3);
  await expect(plainHistory.locator("tbody tr").first()).toContainText("Anthropic reported a change");
  await noScript.close();
});

test("GA: an enforcement webhook about an open profile shows in its History and its Enforcement after a reload, with and without JavaScript", async ({
  browser,
}) => {
  const context = await browser.newContext({ baseURL: GA_HOOKED_CONSOLE_URL, storageState: { cookies: [], origins: [] } });
  const signIn = await context.request.post("/sign-in", {
    form: { name: "e2e-admin", password: E2E_PASSWORD, next: "/profiles" },
    maxRedirects: 0,
  });
  expect(signIn.status()).toBe(303);
  const page = await context.newPage();
  const id = await newProfile(page, "GA Webhook Watcher");
  await page.goto(`/profiles/${id}`);
  await hydrated(page);
  const enforcement = page.locator("section", { has: page.getByRole("heading", { name: "Enforcement" }) });
  await expect(enforcement.locator(".badge").first()).toHaveText("unrestricted");
  const history = page.getByRole("region", { name: "History" });
  await expect(history.locator("tbody tr")).toHaveCount(1);

  const opened = await page.request.post(`${EMULATOR_URL}/_emulator/profiles/${id}/enforcement_actions`, {
    data: { kind: "restriction", reason: "fraud_or_abuse", verify: true },
  });
  const action = (await opened.json()).enforcement_actions.at(-1).id;
  const delivered = event("user_profile.enforcement_action_opened", id, action);
  const answer = await deliver(page.request, delivered.id, delivered.body, undefined, GA_HOOKED_CONSOLE_URL);
  expect(answer.status()).toBe(200);
  await recorded(page, id, delivered.id);
  await page.reload();
  await expect(history.locator("tbody tr")).toHaveCount(2);
  await hydrated(page);
  const newest = history.locator("tbody tr").first();
  await expect(newest).toContainText("Anthropic (webhook)");
  await expect(newest).toContainText(`Enforcement action ${action} opened`);
  await expect(newest.locator("ul.changes li")).toContainText([
    `enforcement_actions.${action}: not set → restriction (Fraud or abuse), can be cleared by an identity check`,
    "enforcement_status: unrestricted → restricted",
  ]);
  await expect(enforcement.locator(".badge").first()).toHaveText("restricted");
  const actions = page.getByRole("table", { name: "Open enforcement actions" });
  await expect(actions.locator("tbody tr")).toHaveCount(1);
  await expect(actions.locator("tbody tr")).toContainText("Fraud or abuse");
  await expect(actions.locator("tbody tr")).toContainText(action);

  const noScript = await browser.newContext({
    baseURL: GA_HOOKED_CONSOLE_URL,
    javaScriptEnabled: false,
    storageState: await context.storageState(),
  });
  const plain = await noScript.newPage();
  await plain.goto(`/profiles/${id}`);
  await expect(plain.getByRole("region", { name: "History" }).locator("tbody tr").first()).toContainText(
    `Enforcement action ${action} opened`,
  );
  await expect(plain.getByRole("table", { name: "Open enforcement actions" }).locator("tbody tr")).toContainText(action);
  await noScript.close();
  await context.close();
});
