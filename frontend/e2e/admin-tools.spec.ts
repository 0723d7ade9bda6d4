/**
 * An admin's tools: finding an account and changing its role with what it means said first,
 * and an integrator client created (its secret shown once, and working) then revoked.
 */
import { expect, test } from "@playwright/test";

import { checkPage, screenshot, watchPolicy } from "./support";

const DEMO_ADMIN = { email: "admin@example.org", password: "circles demo admin" };

test("an admin changes a role and manages an integrator client", async ({ page, request, baseURL, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const policy = watchPolicy(page, baseURL ?? "");
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(DEMO_ADMIN.email);
  await page.getByLabel("Password").fill(DEMO_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await page.getByRole("link", { name: "Staff tools" }).click();
  await checkPage(page, "staff-tools");

  await page.getByRole("link", { name: "People" }).click();
  await page.getByLabel("Email or pseudonym").fill("juniper");
  await page.getByRole("button", { name: "Search" }).click();
  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Juniper" }) });
  await expect(card.getByText("juniper@example.org")).toBeVisible();
  await card.getByRole("button", { name: "Make Juniper a facilitator" }).click();
  const dialog = page.getByRole("dialog", { name: "Make Juniper a facilitator?" });
  await expect(dialog.getByText(/signed out everywhere/)).toBeVisible();
  await checkPage(page, "people-confirm");
  await dialog.getByRole("button", { name: "Make Juniper a facilitator" }).click();
  await expect(page.getByRole("status")).toHaveText("Juniper is a facilitator now.");
  await card.getByRole("button", { name: "Make Juniper a member" }).click();
  await page.getByRole("dialog", { name: "Make Juniper a member?" }).getByRole("button", { name: "Make Juniper a member" }).click();
  await expect(page.getByRole("status")).toHaveText("Juniper is a member now.");
  await screenshot(page, "people");

  await page.goto("/staff/integrations");
  const name = `Intake referrals ${Date.now().toString(36)}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("checkbox", { name: /Read circles/ }).check();
  await page.getByRole("button", { name: "Create the client" }).click();
  await expect(page.getByRole("heading", { name: `Copy the secret of ${name} now` })).toBeFocused();
  const secret = (await page.locator("code.secret").textContent()) ?? "";
  const clientId = (await page.locator("dd code").first().textContent()) ?? "";
  await page.getByRole("button", { name: "Copy the secret" }).click();
  await expect(page.getByText("Copied.")).toBeVisible();
  await checkPage(page, "integrations");
  await screenshot(page, "integrations");
  const grant = await request.post("/api/v1/auth/token", {
    form: { grant_type: "client_credentials", client_id: clientId, client_secret: secret },
  });
  expect(grant.status(), await grant.text()).toBe(200);

  const listed = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name }) });
  await listed.getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByRole("dialog", { name: `Revoke ${name}?` }).getByRole("button", { name: "Revoke" }).click();
  await expect(listed.getByText(/^Revoked/)).toBeVisible();
  const refused = await request.post("/api/v1/auth/token", {
    form: { grant_type: "client_credentials", client_id: clientId, client_secret: secret },
  });
  expect(refused.status()).toBe(401); // invalid_client (RFC 6749)

  // The audit trail holds all of it: from a person's card, what was read or changed about them.
  await page.goto("/staff/people");
  await page.getByLabel("Email or pseudonym").fill("juniper");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "Who read or changed Juniper's data" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audit trail" })).toBeVisible();
  await expect(page.getByText("Showing what was read or changed about Juniper.")).toBeVisible();
  const roleChanges = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Changed someone's role" }) });
  await expect(roleChanges).toHaveCount(2); // facilitator, then member again
  await expect(roleChanges.first().getByRole("link", { name: /\(admin\)$/ })).toBeVisible();
  await checkPage(page, "audit-trail");
  await screenshot(page, "audit-trail");
  await page.getByRole("link", { name: "Show everyone's events" }).click();
  await page.getByLabel("What was done").selectOption({ label: "Revoked an integrator client" });
  await expect(page.getByRole("heading", { name: "Revoked an integrator client" }).first()).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download these events (CSV)" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("audit-trail.csv");
  const csv = await (await file.createReadStream()).toArray().then((parts) => Buffer.concat(parts).toString());
  expect(csv.split("\r\n")[0]).toContain("actor_name");
  expect(csv).toContain(clientId);
  expect(csv).not.toContain("role.changed"); // the filter holds for the file too
  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});
