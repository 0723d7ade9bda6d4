/**
 * Every page, signed out and signed in, at 375 px: axe finds no WCAG 2.2 AA violation, nothing
 * scrolls sideways, targets are at least 44 px, the CSP blocks nothing and no request leaves
 * the origin. And a whole journey by keyboard alone.
 */
import { expect, type Locator, type Page, test } from "@playwright/test";

import { checkPage, screenshot, watchPolicy } from "./support";

const RIVER = { email: "river@example.org", password: "circles demo member" };
const ADMIN = { email: "admin@example.org", password: "circles demo admin" };

async function signInByKeyboard(page: Page, who = RIVER): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").focus();
  await page.keyboard.type(who.email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(who.password);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
}

/** Buttons and links that stand alone (not inside a sentence) are at least 44 px tall. */
async function expectLargeTargets(page: Page, what: string): Promise<void> {
  const small = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("button, .button, .site-nav a, select, input:not([type=checkbox]):not([type=radio])")]
      .filter((element) => element.offsetParent !== null && !element.closest("dialog:not([open])"))
      .map((element) => ({ text: (element.textContent || element.getAttribute("aria-label") || element.tagName).trim(), height: element.getBoundingClientRect().height }))
      .filter((target) => target.height < 43.5),
  );
  expect(small, `targets under 44 px on ${what}`).toEqual([]);
}

const SIGNED_OUT = [
  { path: "/", name: "finder", heading: "Find a circle" },
  { path: "/?topic=no-such-topic&day=sunday", name: "finder-empty", heading: "Find a circle" },
  { path: "/groups/tuesday-evening-anxiety-circle", name: "group-signed-out", heading: "Tuesday Evening Anxiety Circle" },
  { path: "/groups/no-such-circle", name: "group-missing", heading: "We couldn't find this circle" },
  { path: "/crisis", name: "crisis-default", heading: "Get help now" },
  { path: "/library", name: "library", heading: null },
  { path: "/sign-in", name: "sign-in", heading: "Sign in" },
  { path: "/sign-up", name: "sign-up-empty", heading: "Create your account" },
  { path: "/forgot-password", name: "forgot-password", heading: "Reset your password" },
  { path: "/reset-password?token=abcdefghijkl", name: "reset-password", heading: "Choose a new password" },
  { path: "/confirm-email?token=abcdefghijkl", name: "confirm-email", heading: "Confirm your email" },
  { path: "/somewhere/else", name: "not-found", heading: "This page isn't here" },
];

// Staff pages that need no record of their own (a circle's or a case's are checked in their specs).
const STAFF_PAGES = [
  "/staff",
  "/staff/reports",
  "/staff/stories",
  "/staff/people",
  "/staff/mentoring",
  "/staff/integrations",
  "/staff/audit",
  "/staff/circles",
  "/circles/new",
  "/staff/library",
  "/staff/library/new",
];

for (const { path, name, heading } of SIGNED_OUT) {
  test(`signed out: ${name} is accessible on a phone`, async ({ page, baseURL }) => {
    const policy = watchPolicy(page, baseURL ?? "");
    await page.goto(path);
    if (heading) await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await page.waitForLoadState("networkidle");
    await checkPage(page, name);
    await expectLargeTargets(page, name);
    expect(policy.violations).toEqual([]);
    expect(policy.foreign).toEqual([]);
  });
}

test("signed in: every member page is accessible on a phone", async ({ page, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  await signInByKeyboard(page);
  for (const [path, name] of [
    ["/", "finder-signed-in"],
    ["/my-meetings", "my-meetings-river"],
    ["/account", "account-river"],
    ["/groups/tuesday-evening-anxiety-circle", "group-member"],
    ["/library", "library-signed-in"],
    ["/library/saved", "bookmarks"],
    ["/stories/new", "share-story"],
    ["/stories/mine", "my-stories"],
    ["/account/reports", "my-reports"],
  ] as const) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    await checkPage(page, name);
    await expectLargeTargets(page, name);
    if (name === "group-member" || name === "finder-signed-in") await screenshot(page, name);
    if (name === "finder-signed-in") {
      // Circles are linked by id: an address made of a circle's name can say what it is about.
      const hrefs = await page.locator("a[href^='/groups/']").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs) expect(href).toMatch(/^\/groups\/[0-9a-f-]{36}$/);
    }
  }
  // A meeting of a circle River belongs to, from the circle's page.
  await page.goto("/groups/tuesday-evening-anxiety-circle");
  await page.locator("h3 a[href^='/meetings/']").first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Tuesday Evening Anxiety Circle meeting" })).toBeVisible();
  await checkPage(page, "meeting-member");
  await screenshot(page, "meeting");
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});

test("a journey by keyboard alone: sign in, open My meetings, then a meeting", async ({ page }) => {
  await signInByKeyboard(page);
  // After signing in, focus is on the new page's heading; back up into the header to My meetings.
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeFocused();
  const myMeetings = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My meetings" });
  for (let step = 0; step < 12; step += 1) {
    if (await myMeetings.evaluate((link) => link === document.activeElement)) break;
    await page.keyboard.press("Shift+Tab");
  }
  await expect(myMeetings).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "My meetings" })).toBeFocused();
  // Wait for the upcoming meetings: tabbing before they load would walk into the history below.
  await expect(page.getByRole("region", { name: "Coming up" }).getByRole("link").first()).toBeVisible();
  // The focus ring is visible: an outline, not just a colour change.
  await page.keyboard.press("Tab");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
  expect(outline).not.toBe("none");
  for (let step = 0; step < 40; step += 1) {
    // A meeting that has not started yet, so it still takes an RSVP.
    const onMeeting = await page.evaluate(() => {
      const link = document.activeElement as HTMLAnchorElement | null;
      const card = link?.closest("li");
      return Boolean(
        link?.getAttribute("href")?.match(/^\/meetings\/[^/]+$/) && card && !card.querySelector(".badge.live, .badge.off"),
      );
    });
    if (onMeeting) break;
    await page.keyboard.press("Tab");
  }
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: /meeting$/ })).toBeFocused();
  // Answer the RSVP by keyboard: Tab to its first button, press Enter, hear the new answer.
  const rsvp = page.getByRole("region", { name: "Are you coming?" });
  const answer = rsvp.getByRole("status");
  const before = await answer.textContent();
  for (let step = 0; step < 20; step += 1) {
    const inRsvp = await rsvp.evaluate((region) => region.contains(document.activeElement) && document.activeElement?.tagName === "BUTTON");
    if (inRsvp) break;
    await page.keyboard.press("Tab");
  }
  await page.keyboard.press("Enter");
  await expect(answer).not.toHaveText(before ?? "");
});

/** Presses Tab (or Shift+Tab) until `target` has the focus, at most `steps` times. */
async function tabTo(page: Page, target: Locator, { back = false, steps = 60 } = {}): Promise<void> {
  for (let step = 0; step < steps; step += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  await expect(target).toBeFocused();
}

test("signed in as staff: every staff page is accessible on a phone and on a desktop", async ({ page, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  await signInByKeyboard(page, ADMIN);
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    for (const path of STAFF_PAGES) {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      await checkPage(page, `${path} at ${width} px`);
      await expectLargeTargets(page, `${path} at ${width} px`);
    }
  }
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});

test("a staff journey by keyboard alone: find a person, ask what a change means, step back, then read the trail", async ({ page }) => {
  await signInByKeyboard(page, ADMIN);
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeFocused();
  const staffTools = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Staff tools" });
  await tabTo(page, staffTools, { back: true, steps: 12 });
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Staff tools" })).toBeFocused();
  await tabTo(page, page.getByRole("link", { name: "People", exact: true }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "People" })).toBeFocused();
  await tabTo(page, page.getByLabel("Email or pseudonym"));
  await page.keyboard.type("wren");
  await page.keyboard.press("Enter");
  const change = page.getByRole("button", { name: "Make Wren an admin" });
  await expect(change).toBeVisible();
  await tabTo(page, change);
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Make Wren an admin?" });
  await expect(dialog).toBeVisible();
  // The dialog holds the focus, and Escape steps back out of it to where it was opened.
  expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(change).toBeFocused();
  const trail = page.getByRole("link", { name: "Who read or changed Wren's data" });
  await tabTo(page, trail);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Audit trail" })).toBeFocused();
  await tabTo(page, page.getByLabel("What was done"));
  // A select by keyboard: the arrow keys choose without opening it.
  await page.keyboard.press("ArrowDown");
  await expect(page.getByLabel("What was done")).not.toHaveValue("");
  // Nothing was changed: Wren is still a member.
  await expect(page.getByRole("heading", { name: "Changed someone's role" })).toHaveCount(0);
});

test("reduced motion is respected", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto("/");
  const speed = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--speed").trim());
  expect(speed).toMatch(/^0m?s$/);
});

test("the app can be installed: a manifest with icons and a service worker", async ({ page, request }) => {
  await page.goto("/");
  const href = await page.locator("link[rel=manifest]").getAttribute("href");
  const manifest = await (await request.get(href ?? "")).json();
  expect(manifest.display).toBe("standalone");
  const sizes = manifest.icons.map((icon: { sizes: string }) => icon.sizes);
  expect(sizes).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  for (const icon of manifest.icons) expect((await request.get(icon.src)).ok()).toBe(true);
  await expect.poll(() => page.evaluate(async () => Boolean(await navigator.serviceWorker.getRegistration()))).toBe(true);
});
