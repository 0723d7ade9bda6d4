/**
 * Peer mentoring: a member asks for a mentor, sees suggestions with their reasons and the hours
 * in common in their own time zone, asks one; the mentor accepts and logs a check-in; the notes
 * stay the pair's: an admin's token cannot read them.
 */
import { expect, type APIRequestContext, type Page, test } from "@playwright/test";

import { checkPage, latestEmail, linkIn, screenshot, tokenFor, watchPolicy } from "./support";

const ADMIN = { email: "admin@example.org", password: "circles demo admin" };
const PASSWORD = "a kind and patient password";
const NOTE = "First call: we talked about what makes evenings hard.";

async function newMember(request: APIRequestContext, name: string, timezone: string): Promise<string> {
  const email = `${name.toLowerCase()}-${Date.now().toString(36)}@example.org`;
  const registered = await request.post("/api/v1/auth/register", {
    data: { email, password: PASSWORD, display_name: name, timezone, languages: ["en"] },
  });
  expect(registered.status(), await registered.text()).toBe(202);
  const mail = await latestEmail(request, email, /confirm/i);
  const token = new URL(linkIn(mail.body_text, "/confirm-email?token=")).searchParams.get("token");
  const confirmed = await request.post("/api/v1/auth/confirm-email", { data: { token, password: PASSWORD } });
  expect(confirmed.status(), await confirmed.text()).toBe(204);
  return email;
}

/** An approved mentor in London, free Monday evenings there, with grief as lived experience. */
async function approvedMentor(request: APIRequestContext, name: string): Promise<string> {
  const email = await newMember(request, name, "Europe/London");
  const headers = { Authorization: `Bearer ${await tokenFor(request, email, PASSWORD)}` };
  const offered = await request.put("/api/v1/mentoring/mentor-profile", {
    headers,
    data: {
      experience_areas: ["grief-and-loss"],
      languages: ["en"],
      availability: [{ weekday: 0, start: "18:00", end: "21:00" }],
      capacity: 2,
      bio: "Three years on from losing my dad. Happy to listen.",
      years_in_recovery: 3,
    },
  });
  expect(offered.status(), await offered.text()).toBe(200);
  const { user_id } = (await offered.json()) as { user_id: string };
  const admin = { Authorization: `Bearer ${await tokenFor(request, ADMIN.email, ADMIN.password)}` };
  const approved = await request.post(`/api/v1/mentoring/mentors/${user_id}/approval`, {
    headers: admin,
    data: { decision: "approve" },
  });
  expect(approved.status(), await approved.text()).toBe(200);
  return email;
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
}

test("a member asks for a mentor from the suggestions; the mentor accepts and logs a private check-in", async ({
  page,
  request,
  baseURL,
}) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const mentorEmail = await approvedMentor(request, "Tamarack");
  const menteeEmail = await newMember(request, "Linnea", "America/New_York");

  await signIn(page, menteeEmail);
  await page.getByRole("link", { name: "Mentoring", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Peer mentoring" })).toBeVisible();
  await expect(page.getByText("It is peer support, not therapy.")).toBeVisible();
  await checkPage(page, "peer mentoring");
  await screenshot(page, "mentoring");

  await page.getByRole("link", { name: "Ask for a mentor" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Ask for a mentor" })).toBeVisible();
  await page.getByLabel("Grief and loss").check();
  await expect(page.getByLabel("English")).toBeChecked();
  await page.getByRole("button", { name: "Add a time" }).click();
  await expect(page.getByLabel("Day, time 1")).toBeFocused();
  await page.getByLabel("Day, time 1").selectOption("Monday");
  await page.getByLabel("From, time 1").fill("12:00");
  await page.getByLabel("Until, time 1").fill("17:00");
  await expect(page.getByText(/New York time/)).toBeVisible();
  await checkPage(page, "ask for a mentor: the form");
  await screenshot(page, "mentoring-ask");
  await page.getByRole("button", { name: "Ask for a mentor", exact: true }).click();

  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Tamarack" }) });
  await expect(card).toBeVisible();
  const reasons = card.getByRole("list", { name: "Why we suggest Tamarack" });
  await expect(reasons).toContainText("Both speak English");
  await expect(reasons).toContainText("Lived experience with grief and loss");
  await expect(reasons).toContainText("a week in common");
  // London's Monday evening, in New York's time: Monday afternoon.
  const hours = card.getByRole("list", { name: "Times you are both free (your time)" });
  await expect(hours).toContainText(/Mondays, (1|2):00 pm to (4|5):00 pm/);
  await checkPage(page, "ask for a mentor: suggestions");
  await screenshot(page, "mentoring-suggestions");

  await card.getByRole("button", { name: "Ask Tamarack to be your mentor" }).click();
  await expect(page.getByText("You asked Tamarack. They have been told")).toBeVisible();
  await expect(page.getByRole("button", { name: "Withdraw my request to Tamarack" })).toBeVisible();
  await signOut(page);

  await signIn(page, mentorEmail);
  await page.goto("/mentoring/matches");
  await expect(page.getByText("Linnea would like you as their mentor.")).toBeVisible();
  await checkPage(page, "my matches: a request");
  await screenshot(page, "mentoring-request");
  await page.getByRole("button", { name: "Accept Linnea" }).click();
  await expect(page.getByText("You are Linnea's mentor.")).toBeVisible();
  await expect(page.getByText("Only the two of you can read these notes.", { exact: true })).toBeVisible();
  await page.getByLabel("How long, in minutes").fill("40");
  await page.getByLabel("Notes (optional)").fill(NOTE);
  await page.getByRole("button", { name: "Save this meeting" }).click();
  await expect(page.getByRole("list", { name: "Meetings logged" })).toContainText(NOTE);
  await checkPage(page, "my matches: active, with a check-in");
  await screenshot(page, "mentoring-matches");

  await page.goto("/mentoring/offer");
  await expect(page.getByText("Approved", { exact: true })).toBeVisible();
  await checkPage(page, "offer to mentor");
  await screenshot(page, "mentoring-offer");

  // The notes are the pair's alone: the admin's token gets neither the list nor the words.
  const admin = { Authorization: `Bearer ${await tokenFor(request, ADMIN.email, ADMIN.password)}` };
  const all = await request.get("/api/v1/mentoring/matches?limit=100", { headers: admin });
  expect(all.status()).toBe(200);
  const matches = ((await all.json()) as { items: { id: string; mentee: { display_name: string } }[] }).items;
  const ours = matches.find((m) => m.mentee.display_name === "Linnea");
  expect(ours, "the admin sees that the match exists").toBeTruthy();
  const notes = await request.get(`/api/v1/mentoring/matches/${ours?.id}/check-ins`, { headers: admin });
  expect([403, 404]).toContain(notes.status());
  expect(await notes.text()).not.toContain(NOTE);
  expect(JSON.stringify(matches)).not.toContain(NOTE);

  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
