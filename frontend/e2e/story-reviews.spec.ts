/**
 * A facilitator reads a member's story waiting for review and publishes it; a return needs a
 * note, which the author then reads.
 */
import { expect, test } from "@playwright/test";

import { checkPage, screenshot, tokenFor, watchPolicy } from "./support";

const FACILITATOR = { email: "facilitator@example.org", password: "circles demo facilitator" };
const WREN = { email: "wren@example.org", password: "circles demo member" };

test("a facilitator returns one story with a note and publishes another", async ({ page, request, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const asWren = { Authorization: `Bearer ${await tokenFor(request, WREN.email, WREN.password)}` };
  const tag = Date.now().toString(36);
  const returnedTitle = `Small steps in the morning ${tag}`;
  const publishedTitle = `What the garden taught me ${tag}`;
  for (const title of [returnedTitle, publishedTitle]) {
    const sent = await request.post("/api/v1/stories", {
      headers: asWren,
      data: { title, body_markdown: "Some mornings were heavy. I started with one small thing, and then another.", topics: ["depression"] },
    });
    expect(sent.status(), await sent.text()).toBe(201);
  }

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(FACILITATOR.email);
  await page.getByLabel("Password").fill(FACILITATOR.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await page.getByRole("link", { name: "Staff tools" }).click();
  await page.getByRole("link", { name: "Stories to review" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Stories to review" })).toBeVisible();
  await checkPage(page, "story-reviews");
  await screenshot(page, "story-reviews");

  const first = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: returnedTitle }) });
  await expect(first.getByRole("button", { name: "Return with my note" })).toBeDisabled();
  await first.getByLabel("A note for the author").fill("Thank you. Could you leave out the name of your town?");
  await first.getByRole("button", { name: "Return with my note" }).click();
  await expect(page.getByRole("status")).toContainText("went back to its author with your note");

  const second = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: publishedTitle }) });
  await second.getByRole("button", { name: "Approve and publish" }).click();
  await expect(page.getByRole("status")).toContainText("is published");
  await expect(page.getByRole("heading", { name: publishedTitle })).toBeHidden();

  const mine = await request.get("/api/v1/me/stories", { headers: asWren });
  const stories = ((await mine.json()) as { items: { title: string; status: string; review_note: string | null }[] }).items;
  const returned = stories.find((story) => story.title === returnedTitle);
  expect(returned?.status).toBe("returned");
  expect(returned?.review_note).toContain("name of your town");
  expect(stories.find((story) => story.title === publishedTitle)?.status).toBe("published");
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
