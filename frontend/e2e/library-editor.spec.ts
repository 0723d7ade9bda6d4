/**
 * The demo admin writes a library resource in the web app: the live preview is the server's
 * sanitised HTML (a heading and a list shown, a <script> never), saved as a draft, reviewed,
 * published, found in the public library, edited, seen on the review-due list and archived.
 */
import { expect, test } from "@playwright/test";

import { checkPage, screenshot, watchPolicy } from "./support";

const DEMO_ADMIN = { email: "admin@example.org", password: "circles demo admin" };

/** A day as the date input takes it, `days` from today (negative: in the past). */
function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test("an admin writes, previews, publishes, edits and archives a resource", async ({ page, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const tag = Date.now().toString(36);
  const title = `Steadying your breath ${tag}`;

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(DEMO_ADMIN.email);
  await page.getByLabel("Password").fill(DEMO_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await page.getByRole("link", { name: "Staff tools" }).click();
  await page.getByRole("main").getByRole("link", { name: "Library", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Library" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Clinical review due" })).toBeVisible();
  await checkPage(page, "staff-library");
  await screenshot(page, "staff-library");

  // Write it: a heading, a list, and a script that must never reach the page.
  await page.getByRole("link", { name: "Write a resource" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Write a resource" })).toBeVisible();
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Summary").fill("Three slow breaths for when panic rises, step by step.");
  await page.getByRole("checkbox", { name: "Anxiety" }).check();
  await page
    .getByLabel("Text")
    .fill(`# Three slow breaths ${tag}\n\n- Breathe in for four\n- Breathe out for six\n\n<script>window.owned = true</script>`);
  const preview = page.getByRole("region", { name: "Preview" });
  await expect(preview.getByRole("heading", { level: 2, name: `Three slow breaths ${tag}` })).toBeVisible();
  await expect(preview.getByRole("listitem")).toHaveText(["Breathe in for four", "Breathe out for six"]);
  await expect(preview.getByText("1 min read", { exact: false })).toBeVisible();
  await expect(preview.locator("script")).toHaveCount(0);
  expect(await page.evaluate(() => (window as { owned?: boolean }).owned)).toBeUndefined();
  await checkPage(page, "library-editor");
  await screenshot(page, "library-editor");

  await page.getByRole("button", { name: "Save as draft" }).click();
  await expect(page.getByRole("status").filter({ hasText: "is saved as a draft" })).toBeVisible();
  await expect(page).toHaveURL(/\/staff\/library\/[0-9a-f-]+\/edit$/);
  const editUrl = page.url();

  // The clinical review, due a month ago so it shows on the review list; then publish.
  await page.getByLabel("Reviewed by").fill("Dr. Ana Ruiz, psychologist");
  await page.getByLabel("Reviewed on").fill(dayFromToday(-400));
  await page.getByLabel("Review due on").fill(dayFromToday(-35));
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "is published: it is in the library now" })).toBeVisible();

  await page.goto(`/library?q=${tag}`);
  await page.getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: `Three slow breaths ${tag}` })).toBeVisible();
  await expect(page.locator("main script")).toHaveCount(0);

  // Edit it, once on a desktop's width: the preview sits beside the text.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(editUrl);
  await expect(page.getByRole("heading", { level: 1, name: "Edit a resource" })).toBeVisible();
  await page.getByLabel("Summary").fill("Three slow breaths for when panic rises.");
  await page.getByLabel("Text").press("Control+End");
  await page.getByLabel("Text").pressSequentially("\n\nYou can do this anywhere.");
  await expect(preview.getByText("You can do this anywhere.")).toBeVisible();
  const [text, shown] = await Promise.all([page.getByLabel("Text").boundingBox(), preview.boundingBox()]);
  expect(shown && text ? shown.x > text.x + text.width : false, "the preview beside the text").toBe(true);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "are saved" })).toBeVisible();
  await checkPage(page, "library-editor at 1280 px");
  await screenshot(page, "library-editor-desktop");
  await page.setViewportSize({ width: 375, height: 812 });

  // The review-due list says when it was due.
  await page.getByRole("link", { name: "Back to the library's resources" }).click();
  const due = page.getByRole("region", { name: "Clinical review due" });
  await expect(due.getByRole("listitem").filter({ hasText: title })).toContainText("35 days overdue");

  // Archive it: it leaves the library and is kept.
  await due.getByRole("link", { name: `${title} (edit)` }).click();
  await page.getByRole("button", { name: "Archive" }).click();
  const confirm = page.getByRole("group", { name: `Archive “${title}”?` });
  await expect(confirm).toContainText("It is kept, under Archived");
  await confirm.getByRole("button", { name: "Yes, archive it" }).click();
  await expect(page.getByRole("status").filter({ hasText: "is archived: it left the library and is kept here" })).toBeVisible();
  await expect(page.getByRole("link", { name: `${title} (edit)` })).toBeVisible();

  await page.goto(`/library?q=${tag}`);
  await expect(page.getByRole("heading", { level: 1, name: "Library" })).toBeVisible();
  await expect(page.getByText("No resources found")).toBeVisible();
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
