/**
 * Safety on every page: the way to crisis help comes first, the crisis page works offline from
 * what the service worker saved, and Quick exit leaves at once, by button or Shift three times.
 */
import { expect, test } from "@playwright/test";

import { checkPage, screenshot, watchPolicy } from "./support";

const EXIT = "https://www.bbc.com/weather";

test("the crisis link and Quick exit come before any other content", async ({ page }) => {
  await page.goto("/library");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Get help now" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Quick exit" })).toBeFocused();
  await expect(page.getByText("Strength Circles is peer support, not a crisis service.")).toBeVisible();
});

test("the crisis page shows the member's region, emergency number first", async ({ page, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  await page.goto("/");
  await page.getByRole("link", { name: "Get help now" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Get help now" })).toBeVisible();
  await page.getByLabel("Where are you?").selectOption("US");
  const first = page.locator(".crisis-list").first().getByRole("listitem").first();
  await expect(first.getByRole("heading", { name: "911" })).toBeVisible();
  await expect(page.getByRole("link", { name: /Call 988/ }).first()).toHaveAttribute("href", "tel:988");
  await expect(page.getByRole("link", { name: /Text 988/ }).first()).toHaveAttribute("href", "sms:988");
  await expect(page.getByText(/Checked on \d{4}-\d{2}-\d{2}/).first()).toBeVisible();
  await checkPage(page, "crisis page");
  await screenshot(page, "crisis");
  await page.getByLabel("Where are you?").selectOption("GB");
  await expect(page).toHaveURL(/region=GB/);
  await expect(page.getByRole("link", { name: /Call 116 123/ }).first()).toBeVisible();
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});

test("the crisis page works offline after a first visit", async ({ page, context }) => {
  await page.goto("/crisis?region=US");
  await expect(page.getByRole("link", { name: /Call 988/ }).first()).toBeVisible();
  // The service worker has saved the app and the crisis lines once it is active.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Get help now" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "saved on this device" })).toBeVisible();
  await expect(page.getByRole("link", { name: /Call 988/ }).first()).toHaveAttribute("href", "tel:988");
  await checkPage(page, "crisis page offline");
  await screenshot(page, "crisis-offline");

  // Another address of the app opens too (its data can't come, and it says so kindly), and the
  // crisis link still leads to help.
  await page.goto("/groups/rainbow-circle");
  await expect(page.getByRole("alert")).toContainText("No connection");
  await page.getByRole("link", { name: "Get help now" }).first().click();
  await expect(page.getByRole("link", { name: /Call 911/ }).first()).toBeVisible();
  await context.setOffline(false);
});

test.describe("Quick exit", () => {
  test.beforeEach(async ({ page }) => {
    // The neutral page is answered here, so no request leaves this machine.
    await page.route(`${EXIT}**`, (route) =>
      route.fulfill({ contentType: "text/html", body: "<title>Weather</title><h1>Weather</h1>" }),
    );
  });

  test("the button replaces the page, and Back does not return to it", async ({ page }) => {
    await page.goto("/");
    await page.goto("/library");
    await page.getByRole("button", { name: "Quick exit" }).click();
    await expect(page).toHaveURL(EXIT);
    await page.goBack();
    await expect(page).not.toHaveURL(/\/library/);
  });

  test("pressing Shift three times leaves too", async ({ page }) => {
    await page.goto("/crisis");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    for (let press = 0; press < 3; press += 1) await page.keyboard.press("Shift");
    await expect(page).toHaveURL(EXIT);
  });

  test("typing capital letters in a form does not leave", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Email").pressSequentially("A.B.C@Example.org");
    await expect(page).toHaveURL(/\/sign-in/);
  });
});
