/**
 * A facilitator runs a circle's meetings and schedule: builds "every other Monday at 18:30"
 * and sees it in words with the next dates before saving, then moves one of its meetings,
 * cancels one and restores it, adds a one-off meeting, and ends the series. Only the spec's
 * own series is ended, and its one-off meeting is cancelled at the end, so other specs find
 * the demo's meetings as they were.
 */
import { expect, test } from "@playwright/test";

import { checkPage, SCREENSHOTS, screenshot, tokenFor, watchPolicy } from "./support";

const FACILITATOR = { email: "facilitator@example.org", password: "circles demo facilitator" };
// 18:30 for 75 minutes: a time none of the demo's series uses, so its meetings are this spec's.
const OURS = /Monday, .*6:30–7:45 pm/;

test("a facilitator builds a series, changes its meetings and ends it", async ({ page, request, baseURL }) => {
  // A whole afternoon of a facilitator's work, with axe four times over long pages: more than
  // the default minute on a busy two-core machine.
  test.setTimeout(150_000);
  const policy = watchPolicy(page, baseURL ?? "");
  // What the page says after each change (the previews' "Loading…" is a status too).
  const said = page.locator("[role=status] > p.notice.success");
  const asFacilitator = { Authorization: `Bearer ${await tokenFor(request, FACILITATOR.email, FACILITATOR.password)}` };
  type Mine = { items: { group: { id: string; name: string }; role: string }[] };
  const runs = ((await (await request.get("/api/v1/me/groups", { headers: asFacilitator })).json()) as Mine).items;
  const circle = runs.find((g) => g.role === "facilitator")?.group;
  expect(circle).toBeDefined();
  const groupId = circle?.id ?? "";

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(FACILITATOR.email);
  await page.getByLabel("Password").fill(FACILITATOR.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await page.goto(`/groups/${groupId}/meetings`);
  await expect(page.getByRole("heading", { level: 1, name: `Meetings and schedule: ${circle?.name ?? ""}` })).toBeVisible();

  // Build the series from plain choices; the words and dates come from the server's preview.
  const builder = page.locator("section").filter({ has: page.getByRole("heading", { name: "Start a new series" }) });
  await builder.getByRole("radio", { name: "Every other week" }).check();
  for (const day of await builder.getByRole("checkbox").all()) await day.uncheck();
  await expect(builder.getByText("Choose at least one day of the week.")).toBeVisible();
  await builder.getByRole("checkbox", { name: "Monday" }).check();
  await builder.getByLabel("Starts at").fill("18:30");
  await builder.getByLabel("Lasts (minutes)").fill("75");
  const preview = builder.locator(".schedule-preview");
  await expect(preview.getByText("Every other Monday, 6:30–7:45 pm")).toBeVisible();
  await expect(preview.getByRole("listitem")).toHaveCount(6);
  await expect(preview.getByRole("listitem").first()).toHaveText(OURS);
  await checkPage(page, "schedule-builder");
  await screenshot(page, "schedule-builder");
  await builder.screenshot({ path: `${SCREENSHOTS}schedule-builder-form.png` });

  await builder.getByRole("button", { name: "Save the series" }).click();
  await expect(said).toContainText("The new series is saved: Every other Monday, 6:30–7:45 pm");
  const series = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Every other Monday, 6:30–7:45 pm" }) });
  await expect(series).toHaveCount(1);

  // Its meetings are listed among the upcoming ones.
  const upcoming = page.locator("section").filter({ has: page.getByRole("heading", { name: "Upcoming meetings" }) });
  const ours = upcoming.locator(".cards > li").filter({ has: page.getByRole("heading", { name: OURS }) });
  await expect(ours.first()).toBeVisible();
  expect(await ours.count()).toBeGreaterThanOrEqual(3);
  await checkPage(page, "circle-meetings");
  await screenshot(page, "circle-meetings");

  // Move the first to 7 pm.
  const first = ours.first();
  await first.getByText("Move this meeting").click();
  await first.getByLabel(/Starts at/).fill("19:00");
  await first.getByRole("button", { name: "Move the meeting" }).click();
  await expect(said).toContainText("7:00–8:15 pm");
  await expect(upcoming.getByRole("heading", { name: /Monday, .*7:00–8:15 pm/ })).toBeVisible();

  // Cancel the next, saying why, then restore it.
  const next = ours.first();
  const when = (await next.getByRole("heading").textContent()) ?? "";
  await next.getByRole("button", { name: /^Cancel the meeting on/ }).click();
  const dialog = page.getByRole("dialog", { name: `Cancel the meeting on ${when}?` });
  await expect(dialog.getByText(/Nobody has said they're going yet|will be told/)).toBeVisible();
  await dialog.getByLabel("Reason shown to members (optional)").fill("The room is closed for a holiday.");
  await checkPage(page, "cancel-meeting-dialog");
  await dialog.getByRole("button", { name: "Cancel the meeting" }).click();
  await expect(said).toHaveText(`The meeting on ${when} is cancelled.`);
  const cancelled = upcoming.locator(".cards > li").filter({ has: page.getByRole("heading", { name: when, exact: true }) });
  await expect(cancelled.getByText("Reason given to members: The room is closed for a holiday.")).toBeVisible();
  await cancelled.getByRole("button", { name: /^Restore the meeting/ }).click();
  await expect(said).toContainText(`The meeting on ${when} is back on.`);

  // A one-off meeting, well ahead, at a time of its own.
  const oneOff = page.locator("section").filter({ has: page.getByRole("heading", { name: "Add a one-off meeting" }) });
  const day = new Date(Date.now() + 80 * 86_400_000).toISOString().slice(0, 10);
  await oneOff.getByLabel("Date").fill(day);
  await oneOff.getByLabel("Starts at").fill("10:15");
  await oneOff.getByLabel("Lasts (minutes)").fill("45");
  await oneOff.getByRole("button", { name: "Add the meeting" }).click();
  await expect(said).toContainText("A meeting is added on");
  const added = upcoming.locator(".cards > li").filter({ has: page.getByRole("heading", { name: /10:15–11:00 am/ }) });
  // Twelve meetings are listed at a time; one 80 days ahead is a few "Show later" presses away.
  const later = upcoming.getByRole("button", { name: "Show later meetings" });
  for (let press = 0; press < 10 && (await added.count()) === 0 && (await later.count()) > 0; press += 1) await later.click();
  await expect(added.getByText("One-off meeting")).toBeVisible();

  // End the series: asked first, and told what it means.
  await series.getByRole("button", { name: /^End this series/ }).click();
  const ending = page.getByRole("dialog", { name: "End this series?" });
  await expect(ending.getByText(/Its future meetings are cancelled, and people who said they're going/)).toBeVisible();
  await ending.getByRole("button", { name: "End the series" }).click();
  await expect(said).toContainText("has ended");
  await expect(upcoming.getByRole("heading", { name: /Monday, .*7:00–8:15 pm/ })).toHaveCount(0);

  // And once on a desktop screen.
  await page.setViewportSize({ width: 1280, height: 900 });
  await checkPage(page, "circle-meetings-desktop");

  // The one-off meeting goes too (cancelled), so other specs see the demo's meetings only.
  const sessions = await request.get(
    `/api/v1/groups/${groupId}/sessions?from=${encodeURIComponent(new Date().toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 90 * 86_400_000).toISOString())}&limit=100`,
    { headers: asFacilitator },
  );
  type Listed = { items: { id: string; schedule_id: string | null; status: string; local_start: string }[] };
  const mine = ((await sessions.json()) as Listed).items.filter(
    (item) => item.schedule_id === null && item.status === "scheduled" && item.local_start.includes("T10:15:00"),
  );
  for (const item of mine) {
    const undone = await request.patch(`/api/v1/sessions/${item.id}`, { headers: asFacilitator, data: { status: "cancelled" } });
    expect(undone.ok(), await undone.text()).toBe(true);
  }
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
