import { request } from "@playwright/test";
import { ADMIN_STATE, E2E_PASSWORD, HOOKED_CONSOLE_URL } from "./playwright.config";

/** Signs in once as e2e-admin on the hooked console (which has a key, so requires
 * sign-in) and saves the session for every test; the servers are up by now. */
export default async function globalSetup() {
  const context = await request.newContext({ baseURL: HOOKED_CONSOLE_URL });
  const response = await context.post("/sign-in", {
    form: { name: "e2e-admin", password: E2E_PASSWORD, next: "/profiles" },
    maxRedirects: 0,
  });
  if (response.status() !== 303) {
    throw new Error(`signing in as e2e-admin answered ${response.status()}`);
  }
  await context.storageState({ path: ADMIN_STATE });
  await context.dispose();
}
