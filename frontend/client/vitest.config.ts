import { defineConfig } from "vitest/config";

// The client's own tests: Node's fetch, Request, Response and crypto are all they need, so no DOM.
export default defineConfig({
  test: {
    environment: "node",
    include: ["tests/**/*.test.ts"],
    // A fake server answers within microtasks; a test that waits longer than this is stuck.
    testTimeout: 5_000,
  },
});
