/**
 * A new member's first week, on a phone: sign up, confirm the address through the emailed link,
 * find a circle by its filters, join it, RSVP and land on the waitlist of a full meeting, check
 * in with the facilitator's code, and see it all in My meetings.
 */
import { expect, test } from "@playwright/test";

import { checkPage, latestEmail, linkIn, screenshot, tokenFor, watchPolicy } from "./support";

const FACILITATOR = { email: "facilitator@example.org", password: "circles demo facilitator" };
const WREN = { email: "wren@example.org", password: "circles demo member" };

test("a new member signs up, joins a circle, waits for a seat and checks in", async ({ page, request, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const stamp = Date.now().toString(36);
  const email = `sky-${stamp}@example.org`;
  const password = "quiet harbour lanterns";

  // Set the scene the way the facilitator's tools would: a meeting in ten minutes with one
  // seat, already taken by Wren.
  const facilitatorToken = await tokenFor(request, FACILITATOR.email, FACILITATOR.password);
  const asFacilitator = { Authorization: `Bearer ${facilitatorToken}` };
  const group = await (await request.get("/api/v1/groups/by-slug/rainbow-circle")).json();
  const startsAt = new Date(Date.now() + 10 * 60_000);
  startsAt.setSeconds(0, 0);
  const created = await request.post(`/api/v1/groups/${group.id}/sessions`, {
    headers: asFacilitator,
    data: { starts_at: startsAt.toISOString(), duration_minutes: 60, timezone: "America/Chicago", capacity: 1 },
  });
  expect(created.status(), await created.text()).toBe(201);
  const meeting = await created.json();
  const wrenToken = await tokenFor(request, WREN.email, WREN.password);
  const wrenGoing = await request.put(`/api/v1/sessions/${meeting.id}/rsvp`, {
    headers: { Authorization: `Bearer ${wrenToken}` },
    data: { status: "going" },
  });
  expect((await wrenGoing.json()).status).toBe("going");

  await test.step("sign up", async () => {
    await page.goto("/");
    await page.getByRole("link", { name: "Join", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Create your account" })).toBeFocused();
    await checkPage(page, "sign up");
    await page.getByLabel("Display name").fill("Sky");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await expect(page.getByLabel("Your time zone")).not.toHaveValue("");
    await screenshot(page, "sign-up");
    await page.getByRole("button", { name: "Create my account" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();
    await checkPage(page, "check your email");
  });

  await test.step("confirm the address through the emailed link", async () => {
    const mail = await latestEmail(request, email, /confirm/i);
    await page.goto(linkIn(mail.body_text, "/confirm-email?token="));
    await expect(page.getByRole("heading", { level: 1, name: "Confirm your email" })).toBeVisible();
    await checkPage(page, "confirm email");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Confirm and sign in" }).click();
    await expect(page.getByRole("link", { name: /Account \(Sky\)/ })).toBeVisible();
  });

  await test.step("find a circle by its filters", async () => {
    await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
    await page.getByLabel("Topic").selectOption({ label: "LGBTQ+" });
    await page.getByLabel("Format").selectOption("online");
    await expect(page).toHaveURL(/topic=lgbtq/);
    await expect(page).toHaveURL(/format=online/);
    await expect(page.getByRole("list", { name: "Filters in use" }).getByRole("button")).toHaveCount(3);
    const results = page.getByRole("heading", { level: 2, name: /^\d+ circles?/ });
    await expect(results).toBeVisible();
    await expect(page.getByRole("link", { name: "Rainbow Circle" })).toBeVisible();
    await checkPage(page, "finder with filters");
    await screenshot(page, "finder");
    // A removed chip widens the search again, and the URL says so.
    await page.getByRole("button", { name: "Remove filter: Online" }).click();
    await expect(page).not.toHaveURL(/format=online/);
    await page.getByRole("link", { name: "Rainbow Circle" }).click();
  });

  await test.step("join, accepting the guidelines", async () => {
    await expect(page.getByRole("heading", { level: 1, name: "Rainbow Circle" })).toBeVisible();
    await expect(page.getByText("It's okay to just listen.")).toBeVisible();
    await checkPage(page, "group page");
    await screenshot(page, "group");
    await page.getByRole("button", { name: "Join this circle" }).click();
    const dialog = page.getByRole("dialog", { name: "The circle's guidelines" });
    await expect(dialog.getByRole("button", { name: "Join" })).toBeDisabled();
    await dialog.getByLabel("I have read the guidelines and will follow them").check();
    await checkPage(page, "join dialog");
    await dialog.getByRole("button", { name: "Join" }).click();
    await expect(page.getByText("You're a member of this circle.")).toBeVisible();
  });

  await test.step("RSVP to a full meeting: the waitlist", async () => {
    await page.goto(`/meetings/${meeting.id}`);
    await expect(page.getByRole("heading", { level: 1, name: "Rainbow Circle meeting" })).toBeVisible();
    await expect(page.getByText("This meeting is full.")).toBeVisible();
    await checkPage(page, "meeting page");
    await page.getByRole("button", { name: "Join the waitlist" }).click();
    await expect(page.getByRole("status").filter({ hasText: "you're #1" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Leave the waitlist" })).toBeVisible();
    await screenshot(page, "meeting-waitlist");
  });

  await test.step("check in with the code the facilitator shows", async () => {
    const code = await request.get(`/api/v1/sessions/${meeting.id}/check-in-code`, { headers: asFacilitator });
    expect(code.status(), await code.text()).toBe(200);
    const digits: string = (await code.json()).code;
    await page.getByRole("link", { name: "Check in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Check in" })).toBeVisible();
    const field = page.getByLabel("Check-in code");
    await expect(field).toHaveAttribute("inputmode", "numeric");
    await checkPage(page, "check in");
    // A wrong code first: the answer says what to do.
    const wrong = digits === "000000" ? "111111" : "000000";
    await field.fill(wrong);
    await page.getByRole("button", { name: "Check in" }).click();
    await expect(page.getByRole("alert")).toBeVisible();
    await checkPage(page, "check in, wrong code");
    await field.fill(digits);
    await screenshot(page, "check-in");
    await page.getByRole("button", { name: "Check in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "You're checked in" })).toBeVisible();
  });

  await test.step("see it in My meetings", async () => {
    await page.getByRole("link", { name: "My meetings" }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: "My meetings" })).toBeVisible();
    const history = page.getByRole("region", { name: "Meetings you attended" });
    await expect(history.getByText("Rainbow Circle")).toBeVisible();
    await expect(history.getByText(/Attended/)).toBeVisible();
    const upcoming = page.getByRole("region", { name: "Coming up" });
    await expect(upcoming.getByText(/on the waitlist/).first()).toBeVisible();
    await page.getByRole("button", { name: "Show my calendar link" }).click();
    await expect(page.getByLabel("Your calendar link (keep it private)")).toHaveValue(/\/calendar\/.+\.ics$/);
    await checkPage(page, "my meetings");
    await screenshot(page, "my-meetings");
  });

  expect(policy.violations, "Content-Security-Policy violations").toEqual([]);
  expect(policy.foreign, "requests that left the origin").toEqual([]);
});
