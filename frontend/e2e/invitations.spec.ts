/**
 * A facilitator invites someone into a circle by link: makes an invitation on the circle's
 * members page (shown once, with what it lets people do), and the demo member Wren opens the
 * link in a browser of her own, signs in, reads the guidelines and joins. The link is revoked
 * at the end (and Wren leaves again, so the demo data is as the other specs expect it).
 */
import { expect, test } from "@playwright/test";

import { checkPage, screenshot, tokenFor, watchPolicy } from "./support";

const FACILITATOR = { email: "facilitator@example.org", password: "circles demo facilitator" };
const WREN = { email: "wren@example.org", password: "circles demo member" };

type Mine = { items: { group: { id: string; name: string; status: string; seats_left: number }; role: string; status: string }[] };

test("a facilitator invites Wren by link and she joins", async ({ page, browser, request, baseURL }) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const asFacilitator = { Authorization: `Bearer ${await tokenFor(request, FACILITATOR.email, FACILITATOR.password)}` };
  const asWren = { Authorization: `Bearer ${await tokenFor(request, WREN.email, WREN.password)}` };
  const wrens = ((await (await request.get("/api/v1/me/groups?limit=100", { headers: asWren })).json()) as Mine).items;
  const runs = ((await (await request.get("/api/v1/me/groups?limit=100", { headers: asFacilitator })).json()) as Mine).items;
  const circle = runs.find(
    (g) =>
      g.role === "facilitator" &&
      g.status === "active" &&
      g.group.status === "active" &&
      g.group.seats_left > 0 &&
      !wrens.some((w) => w.group.id === g.group.id),
  )?.group;
  expect(circle, "a circle the facilitator runs that Wren is not in").toBeDefined();
  const circleId = circle?.id ?? "";

  // The facilitator makes a link for two people.
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(FACILITATOR.email);
  await page.getByLabel("Password").fill(FACILITATOR.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await page.goto(`/groups/${circleId}/members`);
  await expect(page.getByRole("heading", { name: "Invite people" })).toBeVisible();
  const uses = page.getByLabel("How many people may use it (1 to 100)");
  await uses.fill("2");
  await page.getByRole("button", { name: "Make an invitation link" }).click();
  const shown = page.getByRole("region", { name: "Copy the invitation link now" });
  await expect(shown.getByText(/Anyone who has this link can join the circle/)).toBeVisible();
  const link = (await shown.locator("code").textContent()) ?? "";
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await expect(page.getByText("2 of 2 uses left")).toBeVisible();
  await checkPage(page, "invite-people");
  await screenshot(page, "invite-people");

  // Wren opens it in her own browser, signed out: sign in brings her back to the invitation.
  const wrenContext = await browser.newContext(baseURL ? { baseURL } : {});
  const wren = await wrenContext.newPage();
  const wrenPolicy = watchPolicy(wren, baseURL ?? "");
  await wren.goto(new URL(link).pathname);
  await expect(wren.getByRole("heading", { level: 1, name: circle?.name ?? "" })).toBeVisible();
  await checkPage(wren, "invitation-signed-out");
  await wren.getByRole("link", { name: "Sign in to join" }).click();
  await wren.getByLabel("Email").fill(WREN.email);
  await wren.getByLabel("Password").fill(WREN.password);
  await wren.getByRole("button", { name: "Sign in" }).click();
  await expect(wren).toHaveURL(new RegExp(`${new URL(link).pathname}$`));
  const join = wren.getByRole("button", { name: "Join this circle" });
  await expect(join).toBeDisabled();
  await checkPage(wren, "invitation");
  await screenshot(wren, "invitation");
  await wren.getByRole("checkbox", { name: "I have read the guidelines and will follow them" }).check();
  await join.click();
  await expect(wren.getByText("Welcome! You're now a member.")).toBeVisible();
  await checkPage(wren, "invitation-joined");
  await wren.getByRole("link", { name: "Go to the circle" }).click();
  await expect(wren.getByText("You're a member of this circle.")).toBeVisible();
  expect(wrenPolicy.violations).toEqual([]);
  expect(wrenPolicy.foreign).toEqual([]);
  await wrenContext.close();

  // The facilitator sees the use and revokes the link.
  await page.reload();
  await expect(page.getByText("1 of 2 uses left")).toBeVisible();
  await page.getByRole("button", { name: /^Revoke the link made/ }).click();
  const dialog = page.getByRole("dialog", { name: "Revoke this invitation?" });
  await expect(dialog.getByText(/People who joined with it stay in the circle/)).toBeVisible();
  await checkPage(page, "revoke-invitation-dialog");
  await dialog.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByText("No invitation links are open.")).toBeVisible();
  const opened = await request.get(`/api/v1/invitations/${new URL(link).pathname.split("/").pop() ?? ""}`);
  expect(opened.status()).toBe(404);

  const wrenId = ((await (await request.get("/api/v1/me", { headers: asWren })).json()) as { id: string }).id;
  const left = await request.delete(`/api/v1/groups/${circleId}/members/${wrenId}`, { headers: asWren });
  expect(left.status()).toBe(204);
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
