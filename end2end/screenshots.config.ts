// The screenshot run: the same servers as the tests, another directory of specs.
import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

export default defineConfig({
  ...base,
  testDir: "./screenshots",
  testMatch: "*.shot.ts",
  reporter: "list",
});
