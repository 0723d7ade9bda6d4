/**
 * The reports queue, as staff: a member reports a circle; the demo admin finds the case in the
 * queue, starts the review, writes a note, dismisses it with what will happen said first; the
 * member then reads the outcome in general words, without the note.
 */
import { expect, test } from "@playwright/test";

import { checkPage, screenshot, tokenFor, watchPolicy } from "./support";

const RIVER = { email: "river@example.org", password: "circles demo member" };
const DEMO_ADMIN = { email: "admin@example.org", password: "circles demo admin" };

test("an admin reviews, notes and decides a report in the queue", async ({ page, request, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const river = { Authorization: `Bearer ${await tokenFor(request, RIVER.email, RIVER.password)}` };
  const mine = await request.get("/api/v1/me/groups", { headers: river });
  const circle = ((await mine.json()) as { items: { group: { id: string; name: string } }[] }).items[0]?.group;
  expect(circle).toBeDefined();
  const details = `Someone keeps posting adverts (${Date.now().toString(36)}).`;
  const filed = await request.post("/api/v1/reports", {
    headers: river,
    data: { target_type: "circle", target_id: circle?.id, reason: "spam", details },
  });
  expect(filed.status(), await filed.text()).toBe(201);

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(DEMO_ADMIN.email);
  await page.getByLabel("Password").fill(DEMO_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await page.getByRole("link", { name: "Staff tools" }).click();
  await page.getByRole("link", { name: "Reports", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Reports" })).toBeVisible();
  await checkPage(page, "reports-queue");
  await screenshot(page, "reports-queue");

  await page.getByRole("link", { name: `Circle: ${circle?.name ?? ""}` }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: `Circle: ${circle?.name ?? ""}` })).toBeVisible();
  await expect(page.getByText(details)).toBeVisible();
  await expect(page.getByText("By River").first()).toBeVisible();
  await page.getByRole("button", { name: "Start the review" }).click();
  await expect(page.getByRole("list", { name: "Where it stands" })).toContainText("In review");
  await page.getByLabel("Add a note (never shown to members)").fill("Asked the facilitator to look at the chat.");
  await page.getByRole("button", { name: "Save the note" }).click();
  await expect(page.getByText("Asked the facilitator to look at the chat.")).toBeVisible();
  await page.getByRole("radio", { name: "Dismiss" }).check();
  await expect(page.getByText(/the people who reported it are told so in general words/)).toBeVisible();
  await checkPage(page, "report-case");
  await screenshot(page, "report-case");
  await page.getByRole("button", { name: "Dismiss" }).click();
  await expect(page.getByRole("status")).toContainText("The decision is saved and carried out.");
  await expect(page.getByRole("list", { name: "Where it stands" })).toContainText("Dismissed");

  const reports = await request.get("/api/v1/me/reports", { headers: river });
  const items = ((await reports.json()) as { items: { outcome: string | null; message: string }[] }).items;
  expect(items[0]?.outcome).toBe("no_action");
  expect(JSON.stringify(items)).not.toContain("Asked the facilitator");
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
