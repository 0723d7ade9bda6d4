/**
 * Reporting a concern, as a member: from a circle's page, about one of its members; an urgent
 * report answers with crisis lines at once; the member follows it under "Your reports".
 */
import { expect, test } from "@playwright/test";

import { checkPage, screenshot, watchPolicy } from "./support";

const RIVER = { email: "river@example.org", password: "circles demo member" };

test("a member reports a concern about another member and follows it in their reports", async ({ page, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(RIVER.email);
  await page.getByLabel("Password", { exact: true }).fill(RIVER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();

  await page.goto("/groups/tuesday-evening-anxiety-circle");
  await page.getByText("Report a concern about this circle").click();
  await expect(page.getByText(/The person you report is not told who reported them/)).toBeVisible();
  const who = page.getByLabel("Who or what is it about?");
  await expect(who.locator("option")).not.toHaveCount(1); // the circle's members have come
  const options = await who.locator("option").allTextContents();
  expect(options[0]).toBe("The circle itself");
  expect(options).not.toContain("River");
  await who.selectOption({ index: 1 });
  await page.getByRole("radio", { name: "Someone may be at risk of harming themselves" }).check();
  await page.getByLabel("What happened? (optional)").fill("They said they do not feel safe tonight.");
  await checkPage(page, "report-form");
  await page.getByRole("button", { name: "Send to the team" }).click();

  await expect(page.getByText("We have marked this as urgent", { exact: true })).toBeFocused();
  const answer = page.locator(".report-concern [role=status]");
  await expect(answer).toContainText("call your local emergency number now");
  await expect(answer).toContainText("not a crisis service");
  const help = page.getByRole("list", { name: "Where to get help now" });
  await expect(help.getByRole("link", { name: /Call 911/ })).toHaveAttribute("href", "tel:911");
  await checkPage(page, "report-sent");
  await screenshot(page, "report-urgent");

  await page.getByRole("link", { name: "See your reports" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your reports" })).toBeVisible();
  const mine = page.getByRole("listitem").filter({ hasText: "A member: Someone may be at risk of harming themselves" });
  await expect(mine.first()).toContainText("Marked urgent");
  await expect(mine.first()).toContainText("Received");
  await checkPage(page, "my-reports");
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
