import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 8765);

// Debian's chromium, never a downloaded one. The flags keep it from calling home, which this
// machine's closed network would refuse (and which a privacy-minded test run shouldn't do).
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  outputDir: "e2e-results/artifacts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  globalTeardown: "./e2e/teardown.ts",
  use: {
    // A phone: the size members use most, in Chromium, the only browser here.
    browserName: "chromium",
    viewport: { width: 375, height: 812 },
    isMobile: true,
    hasTouch: true,
    baseURL: `http://127.0.0.1:${port}`,
    serviceWorkers: "allow",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: "./e2e/serve.sh",
    url: `http://127.0.0.1:${port}/readyz`,
    env: { E2E_PORT: String(port) },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
