import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The web app's component tests: jsdom for the DOM; fetch, Request and Response stay Node's, and
// each test stubs globalThis.fetch with a fake API.
export default defineConfig({
  plugins: [react()],
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test-setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    unstubGlobals: true,
    testTimeout: 10_000,
  },
});
