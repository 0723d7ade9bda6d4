/**
 * The demo facilitator starts a circle of their own, finds it in My circles and on its page,
 * changes its guidelines (told first what that means for members) and archives it (told first
 * what that does), after which it has left the directory. The circle is this spec's own, so
 * the demo's circles are as other specs expect.
 */
import { expect, test } from "@playwright/test";

import { checkPage, screenshot, tokenFor, watchPolicy } from "./support";

const FACILITATOR = { email: "facilitator@example.org", password: "circles demo facilitator" };
// Late in the alphabet: the demo facilitator's circles are listed by name, and specs that take
// the first of them keep getting a demo circle.
const NAME = "Zinnia Evening Circle";

test("a facilitator starts a circle, edits its guidelines and archives it", async ({ page, request, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const asFacilitator = { Authorization: `Bearer ${await tokenFor(request, FACILITATOR.email, FACILITATOR.password)}` };

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(FACILITATOR.email);
  await page.getByLabel("Password").fill(FACILITATOR.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await page.getByRole("link", { name: "Staff tools" }).click();
  await page.getByRole("link", { name: "My circles" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "My circles" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 3, name: "Tuesday Evening Anxiety Circle" })).toBeVisible();
  await checkPage(page, "my-circles");
  await screenshot(page, "my-circles");

  // Start a circle: the form checks itself before anything is sent.
  await page.getByRole("link", { name: "Start a circle" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Start a circle" })).toBeVisible();
  await expect(page.getByLabel("Guidelines")).toHaveValue(/What is shared here stays here/);
  await checkPage(page, "start-circle");
  await screenshot(page, "start-circle");
  await page.getByRole("button", { name: "Start the circle" }).click();
  await expect(page.locator(".error-summary")).toBeFocused();
  await expect(page.locator(".error-summary")).toContainText("Name: Please give the circle a name");
  await expect(page.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Name").fill(NAME);
  await page.getByLabel("What the circle is about").fill("An unhurried evening circle for people living with anxiety. We check in and share what helped.");
  await page.getByLabel("Anxiety", { exact: true }).check();
  await page.getByLabel("Online and in person").check();
  await page.getByLabel("Address").fill("410 Elm Street, Room 2B");
  await page.getByLabel("City or town").fill("Springfield");
  await page.getByLabel("Country (optional)").fill("US");
  await page.getByLabel("Meeting link").fill("https://meet.example.org/zinnia");
  await page.getByLabel("Accessibility (optional)").fill("Step-free entrance; captions on the call.");
  await page.getByLabel("By request").check();
  await page.getByLabel("Places").fill("12");
  await page.getByRole("button", { name: "Start the circle" }).click();

  // Its page, with what to do next.
  await expect(page.getByRole("heading", { level: 1, name: NAME })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: `${NAME} is started` })).toBeVisible();
  const id = /\/groups\/([0-9a-f-]{36})$/.exec(new URL(page.url()).pathname)?.[1] ?? "";
  expect(id).not.toBe("");
  await expect(page.getByRole("link", { name: "add meeting times" })).toHaveAttribute("href", `/groups/${id}/meetings`);
  await expect(page.getByRole("link", { name: "Meetings and schedule" })).toHaveAttribute("href", `/groups/${id}/meetings`);
  await expect(page.getByText("You facilitate this circle.")).toBeVisible();
  await checkPage(page, "circle-started");
  const created = (await (await request.get(`/api/v1/groups/${id}`, { headers: asFacilitator })).json()) as {
    format: string;
    join_policy: string;
    capacity: number;
    location: { city: string; country: string };
    online_url: string;
    guidelines_version: number;
  };
  expect(created).toMatchObject({ format: "hybrid", join_policy: "approval", capacity: 12, guidelines_version: 1 });
  expect(created.location).toMatchObject({ city: "Springfield", country: "US" });
  expect(created.online_url).toBe("https://meet.example.org/zinnia");

  // In My circles, with its tools.
  await page.getByRole("link", { name: "Staff tools" }).click();
  await page.getByRole("link", { name: "My circles" }).click();
  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: NAME }) });
  await expect(card.getByRole("link", { name: `Members of ${NAME}` })).toHaveAttribute("href", `/groups/${id}/members`);
  await expect(card.getByRole("link", { name: `Attendance at ${NAME}` })).toHaveAttribute("href", `/groups/${id}/attendance`);
  await expect(card.getByText("No meeting times yet")).toBeVisible();

  // New guidelines: what that means for members is said before saving.
  await card.getByRole("link", { name: `Edit ${NAME}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Edit ${NAME}` })).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue(NAME);
  await expect(page.getByLabel("Meeting link")).toHaveValue("https://meet.example.org/zinnia");
  const guidelines = page.getByLabel("Guidelines");
  await guidelines.fill(`${await guidelines.inputValue()}\n\n7. We start and end on time, and phones stay on silent.`);
  const warning = page.locator(".notice.warning").filter({ hasText: "You have changed the guidelines" });
  await expect(warning).toContainText("they become version 2");
  await expect(warning).toContainText("doesn't ask them to accept the new version");
  await checkPage(page, "edit-circle");
  await screenshot(page, "edit-circle");
  // The same page on a desktop screen.
  await page.setViewportSize({ width: 1280, height: 900 });
  await checkPage(page, "edit-circle at 1280 px");
  await page.setViewportSize({ width: 375, height: 812 });
  await page.getByRole("button", { name: "Save changes" }).click();
  const saved = page.getByRole("status").filter({ hasText: "Saved" });
  await expect(saved).toContainText("Guidelines (now version 2)");
  await expect(saved).toBeFocused();
  await expect(warning).toBeHidden();
  const edited = (await (await request.get(`/api/v1/groups/${id}`, { headers: asFacilitator })).json()) as {
    guidelines: string;
    guidelines_version: number;
  };
  expect(edited.guidelines_version).toBe(2);
  expect(edited.guidelines).toContain("7. We start and end on time");

  // Archive, with what it does said first; Keep it changes nothing.
  await page.getByRole("button", { name: "Archive this circle" }).click();
  const dialog = page.getByRole("dialog", { name: `Archive ${NAME}?` });
  await expect(dialog).toContainText("It leaves Find a circle straight away");
  await expect(dialog).toContainText("Its history stays");
  await checkPage(page, "archive-circle-dialog");
  await dialog.getByRole("button", { name: "Keep it" }).click();
  await expect(dialog).toBeHidden();
  const listed = async () =>
    ((await (await request.get(`/api/v1/groups?q=${encodeURIComponent(NAME)}`)).json()) as { total: number }).total;
  expect(await listed()).toBe(1);
  await page.getByRole("button", { name: "Archive this circle" }).click();
  await dialog.getByRole("button", { name: "Archive the circle" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "My circles" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText(`${NAME} is archived. It has left Find a circle, and its history is kept.`);
  await expect(page.getByRole("heading", { level: 2, name: "Archived circles" })).toBeVisible();
  await expect(card.getByText("Archived", { exact: true })).toBeVisible();
  await expect(card.getByRole("link", { name: `Edit ${NAME}` })).toHaveCount(0);
  expect(await listed()).toBe(0);
  const archived = (await (await request.get(`/api/v1/groups/${id}`, { headers: asFacilitator })).json()) as { status: string };
  expect(archived.status).toBe("archived");

  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
