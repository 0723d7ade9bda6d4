/**
 * Running a meeting, as its facilitator: the check-in code on screen, a member checking in from
 * a second browser, their name appearing in the live list, then the sheet saved at once.
 */
import { expect, type Page, test } from "@playwright/test";

import { checkPage, screenshot, tokenFor, watchPolicy } from "./support";

const FACILITATOR = { email: "facilitator@example.org", password: "circles demo facilitator" };
const RIVER = { email: "river@example.org", password: "circles demo member" };

interface MyGroup {
  group: { id: string; name: string };
  role: string;
  status: string;
}

async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
}

test("a facilitator shows the code, a member checks in, and the sheet is saved", async ({ page, browser, request, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const asFacilitator = { Authorization: `Bearer ${await tokenFor(request, FACILITATOR.email, FACILITATOR.password)}` };
  const asRiver = { Authorization: `Bearer ${await tokenFor(request, RIVER.email, RIVER.password)}` };
  const groupsOf = async (headers: Record<string, string>) =>
    ((await (await request.get("/api/v1/me/groups?limit=100", { headers })).json()) as { items: MyGroup[] }).items;
  const riversCircles = new Set((await groupsOf(asRiver)).filter((g) => g.status === "active").map((g) => g.group.id));
  const circle = (await groupsOf(asFacilitator)).find((g) => g.role === "facilitator" && riversCircles.has(g.group.id));
  expect(circle, "a circle the demo facilitator runs and River is in").toBeDefined();
  const startsAt = new Date(Date.now() + 10 * 60_000).toISOString().replace(/\.\d+Z$/, "Z");
  const made = await request.post(`/api/v1/groups/${circle?.group.id ?? ""}/sessions`, {
    headers: asFacilitator,
    data: { starts_at: startsAt, duration_minutes: 60, timezone: "UTC" },
  });
  expect(made.status(), await made.text()).toBe(201);
  const meeting = (await made.json()) as { id: string };

  await signIn(page, FACILITATOR);
  await page.goto(`/meetings/${meeting.id}`);
  await page.getByRole("link", { name: "Run this meeting" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Run the meeting: ${circle?.group.name ?? ""}` })).toBeVisible();
  const shown = page.locator(".check-in-code");
  await expect(shown).toHaveText(/^\d{6}$/);
  const code = (await shown.textContent()) ?? "";
  await expect(page.getByText("Nobody yet.")).toBeVisible();
  await checkPage(page, "run-meeting");
  await screenshot(page, "run-meeting");

  const member = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const river = await member.newPage();
  await signIn(river, RIVER);
  await river.goto(`/meetings/${meeting.id}/check-in`);
  await river.getByLabel("Check-in code").fill(code);
  await river.getByRole("button", { name: "Check in" }).click();
  await expect(river.getByRole("heading", { level: 1, name: "You're checked in" })).toBeVisible();
  await member.close();

  const live = page.getByRole("region", { name: "Checked in so far" });
  await expect(live.getByText(/^River: (Present|Late)$/)).toBeVisible({ timeout: 15_000 });
  const riversMark = page.getByLabel("Attendance of River");
  await expect(riversMark).toHaveValue(/present|late/);
  const others = page.locator("select[aria-label^='Attendance of ']:not([aria-label='Attendance of River'])");
  if ((await others.count()) > 0) await others.first().selectOption("excused");
  await page.getByRole("button", { name: "Save the sheet" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The attendance sheet is saved." })).toBeVisible();
  await checkPage(page, "run-meeting-saved");
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
