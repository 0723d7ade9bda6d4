/**
 * A facilitator reads a circle's attendance over a period, in the circle's time, as a chart
 * with the figures in tables, and downloads it as a spreadsheet.
 */
import { expect, test } from "@playwright/test";

import { checkPage, screenshot, tokenFor, watchPolicy } from "./support";

const FACILITATOR = { email: "facilitator@example.org", password: "circles demo facilitator" };

test("a facilitator reads and downloads a circle's attendance", async ({ page, request, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const asFacilitator = { Authorization: `Bearer ${await tokenFor(request, FACILITATOR.email, FACILITATOR.password)}` };
  type Mine = { items: { group: { id: string; name: string }; role: string }[] };
  const runs = ((await (await request.get("/api/v1/me/groups", { headers: asFacilitator })).json()) as Mine).items;
  const circle = runs.find((g) => g.role === "facilitator")?.group;
  expect(circle).toBeDefined();

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(FACILITATOR.email);
  await page.getByLabel("Password").fill(FACILITATOR.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await page.goto(`/groups/${circle?.id ?? ""}`);
  await page.getByRole("link", { name: "Attendance report" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Attendance: ${circle?.name ?? ""}` })).toBeVisible();
  await expect(page.getByText(/^\d+ meetings?, \d+ visits?/)).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Per meeting" })).toBeVisible();
  await checkPage(page, "attendance-report");
  await screenshot(page, "attendance-report");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download as a spreadsheet (CSV)" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("attendance.csv");
  const path = await download.path();
  const { readFile } = await import("node:fs/promises");
  const text = await readFile(path, "utf8");
  expect(text.split("\n")[0]).toContain("session_id");
  expect(text).not.toContain(circle?.name ?? "never");
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
