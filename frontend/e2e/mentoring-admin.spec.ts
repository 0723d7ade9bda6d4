/**
 * An admin's peer mentoring tools: offers waiting for review, and a matching run previewed,
 * with pairs named by pseudonym and the reasons for each, before anything is saved.
 */
import { expect, test } from "@playwright/test";

import { checkPage, screenshot, watchPolicy } from "./support";

const DEMO_ADMIN = { email: "admin@example.org", password: "circles demo admin" };

test("an admin previews the matching run and sees who waits for review", async ({ page, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(DEMO_ADMIN.email);
  await page.getByLabel("Password").fill(DEMO_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await page.getByRole("link", { name: "Staff tools" }).click();
  await page.getByRole("link", { name: "Peer mentoring" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Peer mentoring" })).toBeVisible();
  // The demo's Wren offered to mentor and waits for review.
  await expect(page.getByRole("button", { name: "Approve Wren" })).toBeVisible();

  await page.getByRole("button", { name: "Preview the pairs" }).click();
  await expect(page.getByText(/Nothing is saved yet\./)).toBeVisible();
  const pair = page.getByRole("heading", { level: 3, name: / with / }).first();
  await expect(pair).toBeVisible();
  await expect(page.getByRole("button", { name: "Save these pairs and ask the mentors" })).toBeVisible();
  await checkPage(page, "mentoring-admin");
  await screenshot(page, "mentoring-admin");
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
