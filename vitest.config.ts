import { defineConfig } from "vitest/config";

export default defineConfig({
  // The admin UI's components (ui/) are Preact.
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "ui/src/**/*.test.{ts,tsx}"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
  },
});
