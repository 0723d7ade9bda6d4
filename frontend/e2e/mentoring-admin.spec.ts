/**
 * An admin's peer mentoring tools: offers waiting for review, the matches that need attention
 * (here a proposal ended by a block, said as what it means and what to do), a matching run
 * previewed with pairs named by pseudonym, the reasons for each, and why anyone is left
 * unmatched, before anything is saved; and the feedback figures.
 */
import { expect, type APIRequestContext, test } from "@playwright/test";

import { checkPage, latestEmail, linkIn, SCREENSHOTS, screenshot, tokenFor, watchPolicy } from "./support";

const DEMO_ADMIN = { email: "admin@example.org", password: "circles demo admin" };
const PASSWORD = "a kind and patient password";
const EVENINGS = [{ weekday: 1, start: "18:00", end: "21:00" }];

/** A new member (signed up and confirmed), and a bearer header for them. */
async function newMember(request: APIRequestContext, name: string): Promise<{ Authorization: string }> {
  const email = `${name.toLowerCase()}-${Date.now().toString(36)}@example.org`;
  const registered = await request.post("/api/v1/auth/register", {
    data: { email, password: PASSWORD, display_name: name, timezone: "Europe/London", languages: ["en"] },
  });
  expect(registered.status(), await registered.text()).toBe(202);
  const mail = await latestEmail(request, email, /confirm/i);
  const token = new URL(linkIn(mail.body_text, "/confirm-email?token=")).searchParams.get("token");
  const confirmed = await request.post("/api/v1/auth/confirm-email", { data: { token, password: PASSWORD } });
  expect(confirmed.status(), await confirmed.text()).toBe(204);
  return { Authorization: `Bearer ${await tokenFor(request, email, PASSWORD)}` };
}

async function ask(request: APIRequestContext, headers: { Authorization: string }, languages: string[]): Promise<string> {
  const asked = await request.put("/api/v1/mentoring/mentee-request", {
    headers,
    data: { needs: ["grief-and-loss"], languages, availability: EVENINGS },
  });
  expect(asked.status(), await asked.text()).toBe(200);
  return ((await asked.json()) as { user_id: string }).user_id;
}

/**
 * New people only, so the demo's own stay as other specs expect: Sorrel, an approved mentor,
 * blocks Alder, who had asked for them (the proposal ends, and the admin sees it ended for
 * safety); Itziar asks for a mentor who speaks Basque, which no mentor does.
 */
async function stage(request: APIRequestContext): Promise<void> {
  const admin = { Authorization: `Bearer ${await tokenFor(request, DEMO_ADMIN.email, DEMO_ADMIN.password)}` };
  const sorrel = await newMember(request, "Sorrel");
  const offered = await request.put("/api/v1/mentoring/mentor-profile", {
    headers: sorrel,
    data: { experience_areas: ["grief-and-loss"], languages: ["en"], availability: EVENINGS, capacity: 1 },
  });
  expect(offered.status(), await offered.text()).toBe(200);
  const sorrelId = ((await offered.json()) as { user_id: string }).user_id;
  const approved = await request.post(`/api/v1/mentoring/mentors/${sorrelId}/approval`, {
    headers: admin,
    data: { decision: "approve" },
  });
  expect(approved.status(), await approved.text()).toBe(200);

  const alder = await newMember(request, "Alder");
  const alderId = await ask(request, alder, ["en"]);
  const proposed = await request.post("/api/v1/mentoring/matches", { headers: alder, data: { mentor_id: sorrelId } });
  expect(proposed.status(), await proposed.text()).toBe(201);
  const blocked = await request.put(`/api/v1/me/blocks/${alderId}`, { headers: sorrel });
  expect(blocked.status(), await blocked.text()).toBe(200);
  // Alder is told only that it ended: no word of the block.
  const seen = (await (await request.get("/api/v1/mentoring/matches", { headers: alder })).json()) as {
    items: { status: string; close_reason: string | null }[];
  };
  expect(seen.items.map((m) => [m.status, m.close_reason])).toEqual([["declined", null]]);

  await ask(request, await newMember(request, "Itziar"), ["eu"]);

  // Rowan, another approved mentor with room, for the admin to propose to Alder by hand.
  const rowan = await newMember(request, "Rowan");
  const rowanOffer = await request.put("/api/v1/mentoring/mentor-profile", {
    headers: rowan,
    data: { experience_areas: ["grief-and-loss"], languages: ["en"], availability: EVENINGS, capacity: 1 },
  });
  expect(rowanOffer.status(), await rowanOffer.text()).toBe(200);
  const rowanId = ((await rowanOffer.json()) as { user_id: string }).user_id;
  const rowanApproved = await request.post(`/api/v1/mentoring/mentors/${rowanId}/approval`, {
    headers: admin,
    data: { decision: "approve" },
  });
  expect(rowanApproved.status(), await rowanApproved.text()).toBe(200);
}

test("an admin previews the matching run, sees why people wait, and the matches that need attention", async ({
  page,
  request,
  baseURL,
}) => {
  const policy = watchPolicy(page, baseURL ?? "");
  await stage(request);
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(DEMO_ADMIN.email);
  await page.getByLabel("Password").fill(DEMO_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await page.getByRole("link", { name: "Staff tools" }).click();
  await page.getByRole("link", { name: "Peer mentoring" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Peer mentoring" })).toBeVisible();
  // The demo's Wren offered to mentor and waits for review.
  await expect(page.getByRole("button", { name: "Approve Wren" })).toBeVisible();

  // The proposal the block ended, in what it means and what to do.
  const attention = page.getByRole("region", { name: "Matches that need attention" });
  const ended = attention.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Alder with Sorrel" }) });
  await expect(ended.getByText("Ended for safety: a block")).toBeVisible();
  await expect(ended.getByText(/never mention a block to either person/)).toBeVisible();
  await expect(ended.getByText(/Alder is still waiting for a mentor/)).toBeVisible();

  // The feedback figures, or why they are not shown yet.
  await expect(page.getByRole("region", { name: "How matches went" }).getByText(/From mentees:/)).toBeVisible();

  // Following the advice leads to the matching run.
  await ended.getByRole("link", { name: "the matching run" }).click();
  const run = page.getByRole("region", { name: "Matching run" });
  await run.getByRole("button", { name: "Preview the pairs" }).click();
  await expect(run.getByText(/Nothing is saved yet\./)).toBeVisible();
  await expect(run.getByRole("heading", { level: 3, name: / with / }).first()).toBeVisible();
  await expect(run.getByRole("button", { name: "Save these pairs and ask the mentors" })).toBeVisible();
  await expect(run.getByRole("heading", { level: 3, name: "Not matched this time" })).toBeVisible();
  await expect(run.getByRole("listitem").filter({ hasText: "Itziar" })).toContainText("No mentor with room speaks Basque.");

  await checkPage(page, "mentoring-admin");
  await screenshot(page, "mentoring-admin");
  await attention.screenshot({ path: `${SCREENSHOTS}mentoring-attention.png` });
  await page.setViewportSize({ width: 1280, height: 900 });
  await checkPage(page, "mentoring-admin on a desktop");

  // Or by hand: a mentor with room proposed to Alder, who is no longer listed as waiting.
  await ended.getByLabel("Propose a mentor for Alder").selectOption({ label: "Rowan (0 of 1 places taken)" });
  await ended.getByRole("button", { name: "Propose" }).click();
  await expect(attention.getByText("Rowan is asked to mentor Alder. They have 14 days to answer.")).toBeVisible();
  const admin = { Authorization: `Bearer ${await tokenFor(request, DEMO_ADMIN.email, DEMO_ADMIN.password)}` };
  type Matches = { items: { mentor: { display_name: string }; mentee: { display_name: string }; status: string }[] };
  const all = (await (await request.get("/api/v1/mentoring/matches?status=proposed&limit=100", { headers: admin })).json()) as Matches;
  expect(all.items.some((m) => m.mentor.display_name === "Rowan" && m.mentee.display_name === "Alder")).toBe(true);
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
