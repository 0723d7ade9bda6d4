/**
 * The referral loop in a browser: a counseling service (a client-credentials integrator) refers
 * the demo member Wren to a circle; she opens the link signed out, sees who referred her and each
 * thing they ask, signs in, chooses to share both, joins; the service then sees "joined" and her
 * consent. On her account page she stops sharing, and the service sees only "not shared".
 * Wren leaves the circle at the end and the client is revoked, so the demo data stays as it was.
 */
import { expect, test } from "@playwright/test";

import { checkPage, latestEmail, linkIn, screenshot, tokenFor, watchPolicy } from "./support";

const ADMIN = { email: "admin@example.org", password: "circles demo admin" };
const FACILITATOR = { email: "facilitator@example.org", password: "circles demo facilitator" };
const WREN = { email: "wren@example.org", password: "circles demo member" };

type Mine = { items: { group: { id: string; name: string; status: string; seats_left: number }; role: string; status: string }[] };

test("a counseling service refers Wren, she joins sharing what she chose, then stops sharing", async ({
  page,
  browser,
  request,
  baseURL,
}) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const asAdmin = { Authorization: `Bearer ${await tokenFor(request, ADMIN.email, ADMIN.password)}` };
  const asFacilitator = { Authorization: `Bearer ${await tokenFor(request, FACILITATOR.email, FACILITATOR.password)}` };
  const asWren = { Authorization: `Bearer ${await tokenFor(request, WREN.email, WREN.password)}` };
  const wrens = ((await (await request.get("/api/v1/me/groups?limit=100", { headers: asWren })).json()) as Mine).items;
  const runs = ((await (await request.get("/api/v1/me/groups?limit=100", { headers: asFacilitator })).json()) as Mine).items;
  const circle = runs.find(
    (g) =>
      g.role === "facilitator" &&
      g.group.status === "active" &&
      g.group.seats_left > 0 &&
      !wrens.some((w) => w.group.id === g.group.id),
  )?.group;
  expect(circle, "a circle with room that Wren is not in").toBeDefined();
  const circleId = circle?.id ?? "";

  // The counseling service, with its client credentials.
  const made = await request.post("/api/v1/service-clients", {
    headers: asAdmin,
    data: { name: "Riverside Counseling (e2e)", scopes: ["referrals:write"] },
  });
  expect(made.status(), await made.text()).toBe(201);
  const client = (await made.json()) as { client_id: string; client_secret: string };
  const tokenAnswer = await request.post("/api/v1/auth/token", {
    form: { grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret },
  });
  const asService = { Authorization: `Bearer ${((await tokenAnswer.json()) as { access_token: string }).access_token}` };
  const referred = await request.post("/api/v1/referrals", {
    headers: asService,
    data: { group_id: circleId, email: WREN.email, ask_attendance: true, external_id: "E2E-1", note: "Wren is new to groups." },
  });
  expect(referred.status(), await referred.text()).toBe(201);
  const referralId = ((await referred.json()) as { id: string }).id;

  // The email names no circle; its link opens the referral, signed out.
  const email = await latestEmail(request, WREN.email, /An invitation is waiting for you/);
  expect(email.body_text).not.toContain(circle?.name ?? "?");
  const link = new URL(linkIn(email.body_text, "/referral/"));
  await page.goto(link.pathname);
  await expect(page.getByRole("heading", { level: 1, name: circle?.name ?? "" })).toBeVisible();
  await expect(page.getByText("Riverside Counseling (e2e) thought this circle might help you")).toBeVisible();
  await expect(page.getByText(/can see that you opened this invitation/)).toBeVisible();
  await checkPage(page, "referral-signed-out");
  await page.getByRole("link", { name: "Sign in to join" }).click();
  await page.getByLabel("Email").fill(WREN.email);
  await page.getByLabel("Password").fill(WREN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`${link.pathname}$`));

  // Each part is its own choice, unticked; attendance shows that one joined, so ticking it
  // ticks "whether you joined" too, and unticking that unticks attendance.
  const outcome = page.getByRole("checkbox", { name: "Whether you joined" });
  const attendance = page.getByRole("checkbox", { name: "Which meetings you go to" });
  await expect(outcome).not.toBeChecked();
  await expect(attendance).not.toBeChecked();
  await expect(page.getByText("Wren is new to groups.")).toBeVisible(); // the note, shown to her too
  await attendance.check();
  await expect(outcome).toBeChecked();
  await outcome.uncheck();
  await expect(attendance).not.toBeChecked();
  await attendance.check();
  await expect(page.getByRole("button", { name: "Join and share what I ticked" })).toBeDisabled();
  await page.getByRole("checkbox", { name: "I have read the guidelines and will follow them" }).check();
  await checkPage(page, "referral");
  await screenshot(page, "referral");
  await page.getByRole("button", { name: "Join and share what I ticked" }).click();
  await expect(page.getByText("Welcome! You're now a member.")).toBeVisible();
  await checkPage(page, "referral-joined");

  const seen = (await (await request.get(`/api/v1/referrals/${referralId}`, { headers: asService })).json()) as {
    state: string;
    attendance_shared_since: string | null;
  };
  expect(seen.state).toBe("joined");
  expect(seen.attendance_shared_since).not.toBeNull();
  const bundle = (await (await request.get(`/api/v1/referrals/${referralId}/fhir`, { headers: asService })).json()) as {
    entry: { resource: { resourceType: string } }[];
  };
  expect(bundle.entry.map((e) => e.resource.resourceType)).toEqual(["ServiceRequest", "Consent", "Consent"]);

  // The circle's facilitator sees the referral with its note, and refers someone by hand.
  const staff = await browser.newContext(baseURL ? { baseURL } : {});
  const facilitatorPage = await staff.newPage();
  await facilitatorPage.goto("/sign-in");
  await facilitatorPage.getByLabel("Email").fill(FACILITATOR.email);
  await facilitatorPage.getByLabel("Password").fill(FACILITATOR.password);
  await facilitatorPage.getByRole("button", { name: "Sign in" }).click();
  await expect(facilitatorPage.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await facilitatorPage.goto(`/groups/${circleId}/members`);
  const referralsRegion = facilitatorPage.getByRole("region", { name: "Referrals" });
  const card = referralsRegion.getByRole("listitem").filter({ hasText: "Riverside Counseling (e2e)" });
  await expect(card).toContainText("Wren, referred by");
  await expect(card).toContainText("Joined");
  await expect(card).toContainText("Wren is new to groups.");
  await referralsRegion.getByLabel("Their email address").fill("someone-new@example.net");
  await referralsRegion.getByRole("button", { name: "Send the invitation" }).click();
  await expect(referralsRegion.getByText("Invitation sent to someone-new@example.net.")).toBeVisible();
  await expect(referralsRegion.getByText("No answer shared yet").first()).toBeVisible();
  await checkPage(facilitatorPage, "circle-referrals");
  const sentBy = await latestEmail(request, "someone-new@example.net", /An invitation is waiting for you/);
  expect(sentBy.body_text).toContain("/referral/");
  await staff.close();

  // On her account page she stops sharing "whether you joined", which ends attendance too.
  await page.getByRole("link", { name: "your account page" }).click();
  const sharing = page.getByRole("region", { name: "Sharing with people who referred you" });
  await expect(sharing.getByText("Whether you joined", { exact: false }).first()).toBeVisible();
  await checkPage(page, "account-sharing");
  const cards = sharing.getByRole("listitem");
  await expect(cards).toHaveCount(2);
  await expect(cards.first()).toContainText("Whether you joined");
  await cards.first().getByRole("button", { name: "Stop sharing" }).click();
  const dialog = page.getByRole("dialog", { name: /Stop sharing this with Riverside Counseling/ });
  await expect(dialog.getByText(/they see only that it is no longer shared/)).toBeVisible();
  await dialog.getByRole("button", { name: "Stop sharing" }).click();
  await expect(sharing.getByText("You share nothing with anyone who referred you.")).toBeVisible();
  await expect(sharing.getByRole("status")).toContainText('You no longer share "Whether you joined"');
  const after = (await (await request.get(`/api/v1/referrals/${referralId}`, { headers: asService })).json()) as {
    state: string;
  };
  expect(after.state).toBe("not_shared");

  // Back as the demo had it.
  const wrenId = ((await (await request.get("/api/v1/me", { headers: asWren })).json()) as { id: string }).id;
  expect((await request.delete(`/api/v1/groups/${circleId}/members/${wrenId}`, { headers: asWren })).status()).toBe(204);
  expect((await request.delete(`/api/v1/service-clients/${client.client_id}`, { headers: asAdmin })).status()).toBe(204);
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});

test("someone without an account creates one from the referral and comes back to it", async ({ page, request, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const asFacilitator = { Authorization: `Bearer ${await tokenFor(request, FACILITATOR.email, FACILITATOR.password)}` };
  const runs = ((await (await request.get("/api/v1/me/groups?limit=100", { headers: asFacilitator })).json()) as Mine).items;
  const circle = runs.find((g) => g.role === "facilitator" && g.group.status === "active" && g.group.seats_left > 0)?.group;
  expect(circle, "a circle with room").toBeDefined();
  const email = `newcomer-${Date.now()}@example.net`;
  const password = "a quiet and steady river";
  const referred = await request.post("/api/v1/referrals", {
    headers: asFacilitator,
    data: { group_id: circle?.id, email },
  });
  expect(referred.status(), await referred.text()).toBe(201);

  const link = new URL(linkIn((await latestEmail(request, email, /An invitation is waiting for you/)).body_text, "/referral/"));
  await page.goto(link.pathname);
  await expect(page.getByRole("heading", { level: 1, name: circle?.name ?? "" })).toBeVisible();
  await page.getByRole("link", { name: "New here? Create an account" }).click();
  await page.getByLabel("Display name").fill("River Stone");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page.getByText("we'll bring you back to where you were")).toBeVisible();

  const confirmation = await latestEmail(request, email, /confirm/i);
  await page.goto(linkIn(confirmation.body_text, "/confirm-email?token="));
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Confirm and sign in" }).click();
  // Back at the referral, signed in, to choose.
  await expect(page).toHaveURL(new RegExp(`${link.pathname}$`));
  await page.getByRole("checkbox", { name: "I have read the guidelines and will follow them" }).check();
  await page.getByRole("button", { name: "Join without sharing anything" }).click();
  await expect(page.getByText("Welcome! You're now a member.")).toBeVisible();
  await expect(page.getByText("You shared nothing.")).toBeVisible();

  // The newcomer leaves again and closes the account, so the demo stays as it was.
  const token = await tokenFor(request, email, password);
  const closed = await request.delete("/api/v1/me", { headers: { Authorization: `Bearer ${token}` }, data: { password } });
  expect(closed.status()).toBe(204);
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
