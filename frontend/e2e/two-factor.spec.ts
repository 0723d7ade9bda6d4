/**
 * Two-step sign-in: an admin turns it on in Account (QR code and key, first code, recovery codes
 * shown once), signs out, and signs in with a code from the app, then with a recovery code.
 */
import { expect, type APIRequestContext, type Page, test } from "@playwright/test";

import { checkPage, latestEmail, linkIn, screenshot, tokenFor, watchPolicy } from "./support";
import { nextTotp, totp } from "./totp";

const DEMO_ADMIN = { email: "admin@example.org", password: "circles demo admin" };

/** A new confirmed account made an admin by the demo admin (so the demo admin, which other
 * tests sign in as, keeps signing in with the password alone). */
async function newAdmin(request: APIRequestContext, password: string): Promise<string> {
  const email = `linden-${Date.now().toString(36)}@example.org`;
  const registered = await request.post("/api/v1/auth/register", {
    data: { email, password, display_name: "Linden", timezone: "Europe/London" },
  });
  expect(registered.status(), await registered.text()).toBe(202);
  const mail = await latestEmail(request, email, /confirm/i);
  const token = new URL(linkIn(mail.body_text, "/confirm-email?token=")).searchParams.get("token");
  const confirmed = await request.post("/api/v1/auth/confirm-email", { data: { token, password } });
  expect(confirmed.status(), await confirmed.text()).toBe(204);
  const admin = { Authorization: `Bearer ${await tokenFor(request, DEMO_ADMIN.email, DEMO_ADMIN.password)}` };
  const found = await request.get(`/api/v1/users?q=${encodeURIComponent(email)}`, { headers: admin });
  const id = ((await found.json()) as { items: { id: string }[] }).items[0]?.id;
  const promoted = await request.patch(`/api/v1/users/${id}`, { headers: admin, data: { role: "admin" } });
  expect(promoted.status(), await promoted.text()).toBe(200);
  return email;
}

async function passwordStep(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Enter the code from your app" })).toBeFocused();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
}

test("an admin turns on two-step sign-in and signs in with a code, then with a recovery code", async ({
  page,
  request,
  baseURL,
}) => {
  const policy = watchPolicy(page, baseURL ?? "");
  const password = "a patient and gentle password";
  const email = await newAdmin(request, password);
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();

  await page.getByRole("link", { name: /Account/ }).click();
  const section = page.getByRole("region", { name: "Two-step sign-in" });
  await section.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  await expect(section.getByRole("heading", { name: "First, your password" })).toBeFocused();
  await section.getByLabel("Your password").fill(password);
  await section.getByRole("button", { name: "Continue" }).click();

  await expect(section.getByRole("heading", { name: "Scan this with your authenticator app" })).toBeFocused();
  const qr = section.getByRole("img", { name: "QR code for your authenticator app" });
  await expect(qr).toBeVisible();
  // The image drew (the CSP allows it), at a size a phone's camera can read.
  expect(await qr.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 100)).toBe(true);
  const secret = ((await section.locator("code.secret").textContent()) ?? "").replace(/\s/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await checkPage(page, "two-step sign-in: scan");
  await screenshot(page, "two-step-scan");
  await section.getByLabel("6-digit code from the app").fill(totp(secret));
  await section.getByRole("button", { name: "Turn on two-step sign-in" }).click();

  await expect(section.getByRole("heading", { name: "Save your recovery codes now" })).toBeFocused();
  await expect(section.getByText("This is the only time they are shown")).toBeVisible();
  const codes = await section.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").allTextContents();
  expect(codes).toHaveLength(10);
  const download = page.waitForEvent("download");
  await section.getByRole("button", { name: "Download the codes" }).click();
  expect((await download).suggestedFilename()).toBe("strength-circles-recovery-codes.txt");
  await checkPage(page, "two-step sign-in: recovery codes");
  await screenshot(page, "two-step-recovery-codes");
  await section.getByRole("button", { name: "I've saved my codes" }).click();
  await expect(section.getByText("Two-step sign-in is on.")).toBeVisible();
  await signOut(page);

  // With a code from the app.
  await passwordStep(page, email, password);
  await checkPage(page, "sign in: second step");
  await screenshot(page, "sign-in-second-step");
  const input = page.getByLabel("6-digit code");
  await expect(input).toHaveAttribute("autocomplete", "one-time-code");
  await expect(input).toHaveAttribute("inputmode", "numeric");
  await input.fill("000000");
  await page.getByRole("button", { name: "Finish signing in" }).click();
  await expect(page.getByRole("alert")).toContainText("That code didn't work");
  await input.fill(nextTotp(secret));
  await page.getByRole("button", { name: "Finish signing in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  // Signed in as the admin, with the admin's tools.
  await page.getByRole("link", { name: /Account/ }).click();
  await expect(page.getByRole("region", { name: "Two-step sign-in" }).getByText("Two-step sign-in is on.")).toBeVisible();
  await signOut(page);

  // With a recovery code, which then works no more.
  await passwordStep(page, email, password);
  await page.getByRole("button", { name: "Use a recovery code instead" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Enter a recovery code" })).toBeFocused();
  await page.getByLabel("Recovery code", { exact: true }).fill(codes[0] ?? "");
  await page.getByRole("button", { name: "Finish signing in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await signOut(page);
  await passwordStep(page, email, password);
  await page.getByRole("button", { name: "Use a recovery code instead" }).click();
  await page.getByLabel("Recovery code", { exact: true }).fill(codes[0] ?? "");
  await page.getByRole("button", { name: "Finish signing in" }).click();
  await expect(page.getByRole("alert")).toContainText("That code didn't work");

  expect(policy.violations).toEqual([]);
  expect(policy.foreign).toEqual([]);
});

test("a wrong password is not told apart until a code is given", async ({ page, request }) => {
  const password = "another patient password";
  const email = await newAdmin(request, password);
  const admin = { Authorization: `Bearer ${await tokenFor(request, email, password)}` };
  const setup = await request.post("/api/v1/me/two-factor", { headers: admin, data: { password } });
  const { secret } = (await setup.json()) as { secret: string };
  const on = await request.post("/api/v1/me/two-factor/confirm", { headers: admin, data: { code: totp(secret) } });
  expect(on.status(), await on.text()).toBe(200);

  // The wrong password moves on to the code step just as the right one does.
  await passwordStep(page, email, "not the password at all");
  await page.getByLabel("6-digit code").fill(nextTotp(secret));
  await page.getByRole("button", { name: "Finish signing in" }).click();
  await expect(page.getByRole("alert")).toContainText("or the email or password wasn't right");
});
