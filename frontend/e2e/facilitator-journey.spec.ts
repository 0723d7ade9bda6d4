/**
 * A facilitator's whole journey through the web app alone, as issue 15 asks: start a circle,
 * give it a weekly schedule and a meeting about to begin, a member joins from their own phone,
 * the facilitator shows the check-in code, the member checks in with it, the facilitator saves
 * the sheet and downloads the attendance report with the visit in it. The circle is the spec's
 * own and archived at the end, so other specs find the demo as it was.
 */
import { expect, type Page, test } from "@playwright/test";

import { checkPage, watchPolicy } from "./support";

const FACILITATOR = { email: "facilitator@example.org", password: "circles demo facilitator" };
const WREN = { email: "wren@example.org", password: "circles demo member" };
// Late in the alphabet: specs that take the first of the demo facilitator's circles keep theirs.
const NAME = "Yarrow Morning Circle";

async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
}

/** A UTC date and clock time as the date and time fields take them. */
function fields(instant: Date): { date: string; time: string } {
  const iso = instant.toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

test("a facilitator starts a circle with a schedule, runs its first meeting and downloads the report", async ({
  page,
  browser,
  baseURL,
}) => {
  // Two people, two browsers and a dozen pages on a two-core machine: more than a minute.
  test.setTimeout(180_000);
  const policy = watchPolicy(page, baseURL ?? "");
  await signIn(page, FACILITATOR);

  // 1. Start the circle.
  await page.getByRole("link", { name: "Staff tools" }).click();
  await page.getByRole("link", { name: "My circles" }).click();
  await page.getByRole("link", { name: "Start a circle" }).click();
  await page.getByLabel("Name").fill(NAME);
  await page.getByLabel("What the circle is about").fill("A calm morning circle for people finding their feet after a hard season.");
  await page.getByLabel("Depression", { exact: true }).check();
  await page.getByLabel("Online", { exact: true }).check();
  await page.getByLabel("Meeting link").fill("https://meet.example.org/yarrow");
  await page.getByLabel("Open", { exact: true }).check();
  await page.getByRole("button", { name: "Start the circle" }).click();
  await expect(page.getByRole("heading", { level: 1, name: NAME })).toBeVisible();
  const circleUrl = new URL(page.url()).pathname;

  // 2. A weekly schedule, seen in words with its next dates before it is saved.
  await page.getByRole("link", { name: "Meetings and schedule" }).click();
  const said = page.locator("[role=status] > p.notice.success");
  const builder = page.locator("section").filter({ has: page.getByRole("heading", { name: "Start a new series" }) });
  await builder.getByRole("radio", { name: "Every week" }).check();
  for (const day of await builder.getByRole("checkbox").all()) await day.uncheck();
  await builder.getByRole("checkbox", { name: "Saturday" }).check();
  await builder.getByLabel("Starts at").fill("09:00");
  await builder.getByLabel("Lasts (minutes)").fill("60");
  await builder.getByLabel("Time zone").selectOption("UTC");
  await expect(builder.locator(".schedule-preview").getByText("Saturdays, 9:00–10:00 am")).toBeVisible();
  await builder.getByRole("button", { name: "Save the series" }).click();
  await expect(said).toContainText("The new series is saved: Saturdays, 9:00–10:00 am");

  // 3. A first meeting that starts in a few minutes, so its check-in is open now.
  const soon = fields(new Date(Date.now() + 5 * 60_000));
  const oneOff = page.locator("section").filter({ has: page.getByRole("heading", { name: "Add a one-off meeting" }) });
  await oneOff.getByLabel("Date").fill(soon.date);
  await oneOff.getByLabel("Starts at").fill(soon.time);
  await oneOff.getByLabel("Lasts (minutes)").fill("60");
  await oneOff.getByLabel("Time zone").selectOption("UTC");
  await oneOff.getByRole("button", { name: "Add the meeting" }).click();
  await expect(said).toContainText("A meeting is added on");
  await checkPage(page, "journey-circle-meetings");

  // 4. A member joins from their own phone, accepting the guidelines themselves.
  const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  const wren = await phone.newPage();
  await signIn(wren, WREN);
  await wren.goto(circleUrl);
  await wren.getByRole("button", { name: "Join this circle" }).click();
  const guidelines = wren.getByRole("dialog", { name: "The circle's guidelines" });
  await guidelines.getByLabel("I have read the guidelines and will follow them").check();
  await guidelines.getByRole("button", { name: "Join" }).click();
  await expect(wren.getByText("You're a member of this circle.")).toBeVisible();

  // 5. The facilitator runs the meeting: the code on screen.
  const upcoming = page.locator("section").filter({ has: page.getByRole("heading", { name: "Upcoming meetings" }) });
  await upcoming.getByRole("link", { name: /^Run this meeting on/ }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: `Run the meeting: ${NAME}` })).toBeVisible();
  const shown = page.locator(".check-in-code");
  await expect(shown).toHaveText(/^\d{6}$/);
  const code = (await shown.textContent()) ?? "";
  const meetingPath = new URL(page.url()).pathname.replace(/\/run$/, "");

  // 6. The member checks in with it, and appears in the live list.
  await wren.goto(`${meetingPath}/check-in`);
  await wren.getByLabel("Check-in code").fill(code);
  await wren.getByRole("button", { name: "Check in" }).click();
  await expect(wren.getByRole("heading", { level: 1, name: "You're checked in" })).toBeVisible();
  await phone.close();
  const live = page.getByRole("region", { name: "Checked in so far" });
  await expect(live.getByText(/^Wren: (Present|Late)$/)).toBeVisible({ timeout: 15_000 });

  // 7. The sheet, saved at once.
  await expect(page.getByLabel("Attendance of Wren")).toHaveValue(/present|late/);
  await page.getByRole("button", { name: "Save the sheet" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The attendance sheet is saved." })).toBeVisible();

  // 8. The report, with the visit in it, as a spreadsheet too.
  await page.goto(circleUrl);
  await page.getByRole("link", { name: "Attendance report" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Attendance: ${NAME}` })).toBeVisible();
  await expect(page.getByText(/^1 meeting, 1 visit/)).toBeVisible();
  await checkPage(page, "journey-attendance-report");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download as a spreadsheet (CSV)" }).click();
  const file = await download;
  const csv = await (await file.createReadStream()).toArray().then((parts) => Buffer.concat(parts).toString());
  expect(csv).toMatch(/Wren/);

  // 9. Archived, so the demo is as other specs expect.
  await page.goto(`${circleUrl}/edit`);
  await page.getByRole("button", { name: "Archive this circle" }).click();
  await page.getByRole("dialog", { name: `Archive ${NAME}?` }).getByRole("button", { name: "Archive the circle" }).click();
  await expect(page.getByRole("status")).toHaveText(`${NAME} is archived. It has left Find a circle, and its history is kept.`);
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
