/**
 * A facilitator manages a circle's members: makes a member a co-facilitator and back, and
 * sees what removing someone means before doing it (and can keep them).
 */
import { expect, test } from "@playwright/test";

import { checkPage, screenshot, tokenFor, watchPolicy } from "./support";

const FACILITATOR = { email: "facilitator@example.org", password: "circles demo facilitator" };
const RIVER = { email: "river@example.org", password: "circles demo member" };

test("a facilitator manages the circle's members with care", async ({ page, request, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const asFacilitator = { Authorization: `Bearer ${await tokenFor(request, FACILITATOR.email, FACILITATOR.password)}` };
  const asRiver = { Authorization: `Bearer ${await tokenFor(request, RIVER.email, RIVER.password)}` };
  type Mine = { items: { group: { id: string; name: string }; role: string; status: string }[] };
  const rivers = ((await (await request.get("/api/v1/me/groups", { headers: asRiver })).json()) as Mine).items;
  const runs = ((await (await request.get("/api/v1/me/groups", { headers: asFacilitator })).json()) as Mine).items;
  const circle = runs.find(
    (g) => g.role === "facilitator" && rivers.some((r) => r.group.id === g.group.id && r.status === "active" && r.role === "member"),
  )?.group;
  expect(circle).toBeDefined();

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(FACILITATOR.email);
  await page.getByLabel("Password").fill(FACILITATOR.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await page.goto(`/groups/${circle?.id ?? ""}`);
  await page.getByRole("link", { name: "Manage members" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Members of ${circle?.name ?? ""}` })).toBeVisible();
  await checkPage(page, "manage-members");
  await screenshot(page, "manage-members");

  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "River", exact: true }) });
  await card.getByRole("button", { name: "Make a co-facilitator" }).click();
  await expect(page.getByRole("status")).toHaveText("River facilitates the circle with you now.");
  await expect(card.getByText("Facilitator", { exact: true })).toBeVisible();
  await card.getByRole("button", { name: "Make a member" }).click();
  await expect(page.getByRole("status")).toHaveText("River is a member of the circle again.");

  await card.getByRole("button", { name: "Remove River" }).click();
  const dialog = page.getByRole("dialog", { name: "Remove River from the circle?" });
  await expect(dialog.getByText(/To come back they need a facilitator's approval/)).toBeVisible();
  await expect(dialog.getByText(/Being removed can hurt/)).toBeVisible();
  await checkPage(page, "remove-member-dialog");
  await dialog.getByRole("button", { name: "Keep them" }).click();
  await expect(dialog).toBeHidden();
  const still = await request.get(`/api/v1/groups/${circle?.id ?? ""}/members?limit=100`, { headers: asFacilitator });
  const names = ((await still.json()) as { items: { display_name: string; status: string }[] }).items;
  expect(names.some((m) => m.display_name === "River" && m.status === "active")).toBe(true);
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
