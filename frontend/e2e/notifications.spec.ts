/**
 * Notifications, as a demo member lives them: choosing what is sent and how on the account page
 * (kept across a reload), the bell and the notification centre after a facilitator cancels a
 * meeting she is going to, and the unsubscribe link of that email, which asks before it stops
 * anything. Maple's settings go back to the defaults after each test (the demo server is
 * shared); the meeting made for the notice is a one-off of her circle, cancelled.
 */
import { expect, type APIRequestContext, type Page, test } from "@playwright/test";

import { checkPage, latestEmail, linkIn, SCREENSHOTS, screenshot, tokenFor, watchPolicy } from "./support";

const FACILITATOR = { email: "facilitator@example.org", password: "circles demo facilitator" };
const MAPLE = { email: "maple@example.org", password: "circles demo member" };
const CIRCLE = "After the Loss: Grief Circle";
const ALL_ON = { email: true, push: true, app: true };
const DEFAULTS = {
  reminders: { day_before: true, hour_before: true },
  quiet_hours: null,
  name_circles: false,
  channels: { reminders: ALL_ON, changes: ALL_ON, mentoring: ALL_ON, moderation: ALL_ON, digests: ALL_ON },
};

type Settings = typeof DEFAULTS & { quiet_hours: { start: string; end: string } | null; timezone: string };

async function bearer(request: APIRequestContext, who: { email: string; password: string }) {
  return { Authorization: `Bearer ${await tokenFor(request, who.email, who.password)}` };
}

async function settingsOf(request: APIRequestContext, headers: Record<string, string>): Promise<Settings> {
  const response = await request.get("/api/v1/me/notification-settings", { headers });
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()) as Settings;
}

/** A facilitator cancels a meeting Maple said she is going to: a real notice, through notify. */
async function cancelAMeetingMapleIsGoingTo(request: APIRequestContext): Promise<void> {
  const asFacilitator = await bearer(request, FACILITATOR);
  type Mine = { items: { group: { id: string; name: string }; role: string }[] };
  const runs = ((await (await request.get("/api/v1/me/groups?limit=100", { headers: asFacilitator })).json()) as Mine).items;
  const circle = runs.find((item) => item.group.name === CIRCLE)?.group;
  expect(circle, `the facilitator runs ${CIRCLE}`).toBeDefined();
  // Weeks ahead, at a minute no series uses, so no other spec meets it.
  const startsAt = new Date(Date.now() + 45 * 86_400_000);
  startsAt.setUTCHours(14, 7, 0, 0);
  const created = await request.post(`/api/v1/groups/${circle?.id ?? ""}/sessions`, {
    headers: asFacilitator,
    data: { starts_at: startsAt.toISOString(), duration_minutes: 60, timezone: "America/Chicago" },
  });
  expect(created.status(), await created.text()).toBe(201);
  const meeting = (await created.json()) as { id: string };
  const going = await request.put(`/api/v1/sessions/${meeting.id}/rsvp`, {
    headers: await bearer(request, MAPLE),
    data: { status: "going" },
  });
  expect(going.ok(), await going.text()).toBe(true);
  const cancelled = await request.patch(`/api/v1/sessions/${meeting.id}`, {
    headers: asFacilitator,
    data: { status: "cancelled", cancel_reason: "The facilitator is unwell." },
  });
  expect(cancelled.ok(), await cancelled.text()).toBe(true);
}

async function signIn(page: Page, next = "/"): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(MAPLE.email);
  await page.getByLabel("Password").fill(MAPLE.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test.afterEach(async ({ request }) => {
  const restored = await request.patch("/api/v1/me/notification-settings", {
    headers: await bearer(request, MAPLE),
    data: DEFAULTS,
  });
  expect(restored.ok(), await restored.text()).toBe(true);
});

test("a member chooses what is sent and how, and finds it kept after a reload", async ({ page, context, request, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  await context.grantPermissions(["notifications"]);
  await signIn(page, "/account#notifications");
  const section = page.getByRole("region", { name: "Notifications" });
  await expect(section.getByRole("checkbox", { name: "24 hours before" })).toBeChecked();
  await expect(section.getByText(/The 1-hour reminder carries the link/)).toBeVisible();

  await section.getByRole("checkbox", { name: "1 hour before" }).uncheck();
  await section.getByRole("checkbox", { name: "Keep quiet hours" }).check();
  await section.getByLabel("Quiet from").fill("21:30");
  await section.getByLabel("Quiet until").fill("06:45");
  await section.getByRole("checkbox", { name: "Name my circles in messages" }).check();
  const mentoring = section.getByRole("group", { name: /^Peer mentoring/ });
  await mentoring.getByRole("checkbox", { name: "Email" }).uncheck();
  await section.getByRole("button", { name: "Save notification settings" }).click();
  await expect(section.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  await page.reload();
  await expect(section.getByRole("checkbox", { name: "1 hour before" })).not.toBeChecked();
  await expect(section.getByRole("checkbox", { name: "24 hours before" })).toBeChecked();
  await expect(section.getByRole("checkbox", { name: "Keep quiet hours" })).toBeChecked();
  await expect(section.getByLabel("Quiet from")).toHaveValue("21:30");
  await expect(section.getByLabel("Quiet until")).toHaveValue("06:45");
  await expect(section.getByRole("checkbox", { name: "Name my circles in messages" })).toBeChecked();
  await expect(mentoring.getByRole("checkbox", { name: "Email" })).not.toBeChecked();
  await expect(mentoring.getByRole("checkbox", { name: "In the app" })).toBeChecked();
  const kept = await settingsOf(request, await bearer(request, MAPLE));
  expect(kept.quiet_hours).toEqual({ start: "21:30:00", end: "06:45:00" });
  expect(kept.channels.mentoring).toEqual({ email: false, push: true, app: true });
  await expect(section.getByText(/Times are in your time zone/)).toContainText(kept.timezone);

  // Push on this device: this headless browser has no push service, and says so kindly.
  await section.getByRole("button", { name: "Turn on notifications on this device" }).click();
  await expect(section.getByRole("status").filter({ hasText: "We couldn't turn on notifications on this device" })).toContainText(
    "Notifications in the app and by email still work.",
  );
  await checkPage(page, "notification settings");
  await section.screenshot({ path: `${SCREENSHOTS}notification-settings.png` });
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});

test("a cancelled meeting shows on the bell and in the notification centre, until marked read", async ({ page, request, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const asMaple = await bearer(request, MAPLE);
  expect((await request.post("/api/v1/me/notifications/read-all", { headers: asMaple })).ok()).toBe(true);
  await cancelAMeetingMapleIsGoingTo(request);

  await signIn(page);
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  const bell = page.getByRole("link", { name: "Notifications, 1 unread" });
  await expect(bell).toBeVisible();
  await bell.click();
  await expect(page.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
  const newest = page.getByRole("list", { name: "Your notifications" }).getByRole("listitem").first();
  await expect(newest.getByRole("heading", { name: "A circle meeting has been cancelled" })).toBeVisible();
  await expect(newest.getByText("New", { exact: true })).toBeVisible();
  await expect(newest).toContainText("The facilitators say: The facilitator is unwell.");
  // Neutral words: the circle is not named (Maple did not choose so).
  await expect(newest).not.toContainText(CIRCLE);
  await checkPage(page, "notification centre");
  await screenshot(page, "notification-centre");

  await page.getByRole("button", { name: "Mark all as read" }).click();
  await expect(page.getByRole("status").filter({ hasText: "All your notifications are marked as read." })).toBeVisible();
  await expect(newest.getByText("New", { exact: true })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Notifications", exact: true })).toBeVisible();
  const count = (await (await request.get("/api/v1/me/notifications/unread-count", { headers: asMaple })).json()) as {
    unread_count: number;
  };
  expect(count.unread_count).toBe(0);
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});

test("the unsubscribe link in the email asks first, then stops that kind of email", async ({ page, request, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const asMaple = await bearer(request, MAPLE);
  await cancelAMeetingMapleIsGoingTo(request);
  const mail = await latestEmail(request, MAPLE.email, /cancelled/);
  const link = linkIn(mail.body_text, "/unsubscribe/");

  await page.goto(link);
  await expect(
    page.getByRole("heading", { level: 1, name: "Stop emails with news about your waitlist places, meetings and join requests?" }),
  ).toBeVisible();
  await checkPage(page, "unsubscribe");
  // Opening the page, as a link scanner does, stops nothing.
  expect((await settingsOf(request, asMaple)).channels.changes.email).toBe(true);

  await page.getByRole("button", { name: "Stop these emails" }).click();
  await expect(page.getByRole("status")).toContainText(
    "We won't email you news about your waitlist places, meetings and join requests any more.",
  );
  await expect(page.getByText(/The notification centre in the app still shows them/)).toBeVisible();
  await checkPage(page, "unsubscribed");
  expect((await settingsOf(request, asMaple)).channels.changes).toEqual({ email: false, push: true, app: true });

  // The settings link signs in first and comes back to the section, which shows it off.
  await page.getByRole("link", { name: "notification settings" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await page.getByLabel("Email").fill(MAPLE.email);
  await page.getByLabel("Password").fill(MAPLE.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account#notifications$/);
  const changes = page.getByRole("region", { name: "Notifications" }).getByRole("group", { name: /^Changes to your meetings/ });
  await expect(changes.getByRole("checkbox", { name: "Email" })).not.toBeChecked();
  await expect(changes.getByRole("checkbox", { name: "In the app" })).toBeChecked();

  // And back on, from the account page.
  await changes.getByRole("checkbox", { name: "Email" }).check();
  await page.getByRole("button", { name: "Save notification settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  expect((await settingsOf(request, asMaple)).channels.changes.email).toBe(true);
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
