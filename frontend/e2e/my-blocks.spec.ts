/**
 * A member sees the people they blocked and unblocks one; neither is told.
 */
import { expect, test } from "@playwright/test";

import { checkPage, tokenFor, watchPolicy } from "./support";

const RIVER = { email: "river@example.org", password: "circles demo member" };
const DEMO_ADMIN = { email: "admin@example.org", password: "circles demo admin" };

test("a member unblocks someone from People you blocked", async ({ page, request, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const asRiver = { Authorization: `Bearer ${await tokenFor(request, RIVER.email, RIVER.password)}` };
  const asAdmin = { Authorization: `Bearer ${await tokenFor(request, DEMO_ADMIN.email, DEMO_ADMIN.password)}` };
  const found = await request.get("/api/v1/users?q=wren", { headers: asAdmin });
  const wren = ((await found.json()) as { items: { id: string }[] }).items[0];
  expect(wren).toBeDefined();
  const blocked = await request.put(`/api/v1/me/blocks/${wren?.id ?? ""}`, { headers: asRiver });
  expect(blocked.status(), await blocked.text()).toBe(200);

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(RIVER.email);
  await page.getByLabel("Password").fill(RIVER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await page.goto("/account");
  await page.getByRole("link", { name: "People you blocked" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "People you blocked" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Wren" })).toBeVisible();
  await checkPage(page, "my-blocks");
  await page.getByRole("button", { name: "Unblock Wren" }).click();
  await expect(page.getByRole("status")).toHaveText("You unblocked Wren. They are not told.");
  await expect(page.getByText("You haven't blocked anyone.")).toBeVisible();
  const left = await request.get("/api/v1/me/blocks", { headers: asRiver });
  expect(((await left.json()) as { items: unknown[] }).items).toEqual([]);
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
