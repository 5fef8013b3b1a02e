import { defineConfig } from "@playwright/test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// Debian's Chromium: Playwright's own browser download is not reachable here.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// The release build by default: only a browser catches a broken wasm-opt (toolchain.md §2).
const bin = process.env.PROFILES_ADMIN_BIN ?? "target/release/profiles-admin";
const root = path.resolve(__dirname, "..");
// Fresh data directories, so every run starts from the same seeded profiles.
const fresh = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `profiles-admin-${name}-`));

export const CONSOLE_URL = "http://127.0.0.1:3100";
export const EMULATOR_URL = "http://127.0.0.1:3110";
/** A console whose upstream is the emulator above: tests that change data or inject faults use it. */
export const HOOKED_CONSOLE_URL = "http://127.0.0.1:3120";
/**
 * A console speaking GA (the default) on its own built-in emulator, as a newcomer runs it
 * today. The two above speak the 2026-03-24 beta, which every older flow was written for.
 */
export const GA_CONSOLE_URL = "http://127.0.0.1:3130";
/** A console speaking GA on the emulator above, with sign-in (its own accounts) and webhooks. */
export const GA_HOOKED_CONSOLE_URL = "http://127.0.0.1:3140";
/** The release binary copied alone into an empty directory: nothing beside it. */
export const LONE_CONSOLE_URL = "http://127.0.0.1:3150";
// Made once, by the runner: its workers load this file again and must find the same one.
process.env.PROFILES_E2E_LONE_DIR ??= fresh("lone");
export const LONE_DIR = process.env.PROFILES_E2E_LONE_DIR;
/** Its API key: a canary that must never come back from the console. */
export const CANARY_KEY = "sk-ant-e2e-canary-not-a-real-key";
/** With a key, sign-in is required: accounts `e2e-viewer`, `e2e-editor` and `e2e-admin`. */
export const E2E_PASSWORD = "e2e password, not a secret";
/** The hooked console's webhook signing secret: a test value, signing test events only. */
export const WEBHOOK_SECRET = "whsec_ZTJlLXdlYmhvb2stc2VjcmV0LW5vdC1hLXJlYWwtb25l";
/** The admin's session on the hooked console, saved by `global-setup.ts`. */
export const ADMIN_STATE = path.join(os.tmpdir(), "profiles-admin-e2e-admin-state.json");
const hookedData = fresh("hooked");
// With a test PostgreSQL (scripts/test.sh starts one), the signed-in console keeps its
// accounts, sessions and audit trail there, in a database of its own for this run.
const postgres = process.env.PROFILES_TEST_DATABASE_URL;
const hookedDatabase = postgres?.replace(/\/[^/]*$/, `/e2e_${process.pid}_${Date.now()}`);
const createDatabase = postgres
  ? `psql "${postgres}" -q -c "CREATE DATABASE ${hookedDatabase!.split("/").pop()}" && `
  : "";
const accounts = ["viewer", "editor", "admin"]
  .map((role) => `printf '%s\\n' "$E2E_PASSWORD" | ${bin} user add e2e-${role} --role ${role}`)
  .join(" && ");

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [["list"], ["json", { outputFile: "playwright-report/results.json" }]],
  use: {
    baseURL: CONSOLE_URL,
    // Signed in as e2e-admin on the hooked console (the demo console ignores the cookie).
    storageState: ADMIN_STATE,
    browserName: "chromium",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ],
    },
  },
  webServer: [
    {
      // The console on its built-in emulator, as a newcomer runs it.
      command: `${bin} --listen 127.0.0.1:3100`,
      cwd: root,
      env: {
        PROFILES_DATA_DIR: fresh("console"),
        RUST_LOG: "warn",
        ANTHROPIC_API_KEY: "",
        PROFILES_API_VERSION: "2026-03-24",
      },
      url: `${CONSOLE_URL}/profiles`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // The emulator alone, for the official SDK.
      command: `${bin} emulator --listen 127.0.0.1:3110 --test-hooks`,
      cwd: root,
      env: { PROFILES_DATA_DIR: fresh("emulator"), RUST_LOG: "warn", ANTHROPIC_API_KEY: "" },
      url: `${EMULATOR_URL}/_emulator/requests`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // A console on that emulator, as against the real API: sign-in required (its
      // accounts are made first), faults and grants can be set.
      command: `${createDatabase}${accounts} && exec ${bin} --listen 127.0.0.1:3120 --max-retries 0`,
      cwd: root,
      env: {
        PROFILES_DATA_DIR: hookedData,
        RUST_LOG: "warn",
        ANTHROPIC_BASE_URL: EMULATOR_URL,
        ANTHROPIC_API_KEY: CANARY_KEY,
        E2E_PASSWORD,
        // Its emulator's faults are meant for the test that injects them: the index sync
        // walks at start-up (fast) and then only when asked, never polling in between.
        PROFILES_INDEX_RATE: "1000",
        PROFILES_INDEX_POLL: "604800",
        PROFILES_WEBHOOK_SECRET: WEBHOOK_SECRET,
        PROFILES_API_VERSION: "2026-03-24",
        ...(hookedDatabase ? { DATABASE_URL: hookedDatabase } : {}),
      },
      url: `${HOOKED_CONSOLE_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // The hooked console again, speaking GA: the webhook test drives enforcement on it.
      command: `${accounts} && exec ${bin} --listen 127.0.0.1:3140 --max-retries 0`,
      cwd: root,
      env: {
        PROFILES_DATA_DIR: fresh("hooked-ga"),
        RUST_LOG: "warn",
        ANTHROPIC_BASE_URL: EMULATOR_URL,
        ANTHROPIC_API_KEY: CANARY_KEY,
        E2E_PASSWORD,
        PROFILES_INDEX_RATE: "1000",
        PROFILES_INDEX_POLL: "604800",
        PROFILES_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
      url: `${GA_HOOKED_CONSOLE_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // The console as the README's run command starts it: GA, no key, no setting.
      command: `${bin} --listen 127.0.0.1:3130`,
      cwd: root,
      env: { PROFILES_DATA_DIR: fresh("ga"), RUST_LOG: "warn", ANTHROPIC_API_KEY: "" },
      url: `${GA_CONSOLE_URL}/profiles`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // The one binary, alone in an empty directory: no Leptos.toml, no target/, no
      // setting; it serves the site it carries (docs/operations.md, "One binary").
      command: `cp ${path.resolve(root, bin)} ./profiles-admin && exec ./profiles-admin --listen 127.0.0.1:3150`,
      cwd: LONE_DIR,
      env: { RUST_LOG: "warn", ANTHROPIC_API_KEY: "" },
      url: `${LONE_CONSOLE_URL}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
