/**
 * The library as a member meets it: search, read a piece whose content notes come first and
 * whose body is one tap away, save it for later, and share a recovery story for review.
 */
import { expect, test } from "@playwright/test";

import { checkPage, screenshot, watchPolicy } from "./support";

test("search, read with content notes first, save for later, share a story", async ({ page, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  await page.goto("/sign-in?next=/library");
  await page.getByLabel("Email").fill("maple@example.org");
  await page.getByLabel("Password").fill("circles demo member");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Library" })).toBeVisible();

  await test.step("search", async () => {
    await page.getByRole("searchbox", { name: "Search the library" }).fill("grief");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/q=grief/);
    await expect(page.getByRole("link", { name: "Grief: there is no right way to grieve" })).toBeVisible();
    await checkPage(page, "library search");
    await screenshot(page, "library");
  });

  await test.step("read: the content notes first, the body one tap away", async () => {
    await page.getByRole("link", { name: "Grief: there is no right way to grieve" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Grief: there is no right way to grieve" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Before you read" })).toBeVisible();
    await expect(page.getByText(/suicidal thoughts/).first()).toBeVisible();
    // The button says "Show the article", then "Hide the article": one control, two states.
    const reveal = page.getByRole("button", { name: /^(Show|Hide) the/ });
    await expect(reveal).toHaveText(/^Show the/);
    await expect(reveal).toHaveAttribute("aria-expanded", "false");
    await checkPage(page, "resource with content notes");
    await screenshot(page, "resource-notes");
    await reveal.click();
    await expect(reveal).toHaveAttribute("aria-expanded", "true");
    await expect(page.locator(".prose p").first()).toBeVisible();
    await checkPage(page, "resource body");
  });

  await test.step("save it for later", async () => {
    await page.getByRole("button", { name: "Save for later" }).click();
    await expect(page.getByRole("button", { name: "Saved — remove" })).toBeVisible();
    await page.goto("/library/saved");
    await expect(page.getByRole("link", { name: "Grief: there is no right way to grieve" })).toBeVisible();
    await checkPage(page, "saved for later");
  });

  await test.step("share a recovery story, anonymously", async () => {
    await page.goto("/stories/new");
    await checkPage(page, "share a story");
    await page.getByLabel("Title", { exact: true }).fill("The winter I started walking again");
    await page
      .getByLabel("Your story", { exact: true })
      .fill(
        "After my brother died I stopped going outside. A friend from my circle asked me to walk " +
          "with her every Sunday, just around the block at first. Some weeks I said no. Most weeks I " +
          "went. By spring we were walking by the river, and I could talk about him without my voice shaking.",
      );
    await page.getByRole("group", { name: "Topics" }).getByRole("checkbox").first().check();
    await page.getByLabel("Share anonymously").check();
    await screenshot(page, "share-story");
    await page.getByRole("button", { name: "Send for review" }).click();
    await expect(page.getByRole("heading", { level: 1, name: /stories/i })).toBeVisible();
    await expect(page.getByText("Thank you for sharing your story.", { exact: false })).toBeVisible();
    await expect(page.getByText("Waiting for review").first()).toBeVisible();
    await checkPage(page, "my stories");
    await screenshot(page, "my-stories");
  });

  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
