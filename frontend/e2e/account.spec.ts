/**
 * The account pages: a forgotten password reset through the emailed link, privacy choices,
 * downloading one's data, and closing the account with what will happen said first.
 */
import { expect, type APIRequestContext, type Page, test } from "@playwright/test";

import { checkPage, latestEmail, linkIn, screenshot } from "./support";

async function newConfirmedMember(request: APIRequestContext, name: string, password: string): Promise<string> {
  const email = `${name.toLowerCase()}-${Date.now().toString(36)}@example.org`;
  const registered = await request.post("/api/v1/auth/register", {
    data: { email, password, display_name: name, timezone: "Europe/London" },
  });
  expect(registered.status(), await registered.text()).toBe(202);
  const mail = await latestEmail(request, email, /confirm/i);
  const token = new URL(linkIn(mail.body_text, "/confirm-email?token=")).searchParams.get("token");
  const confirmed = await request.post("/api/v1/auth/confirm-email", { data: { token, password } });
  expect(confirmed.status(), await confirmed.text()).toBe(204);
  return email;
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
}

test("a forgotten password is reset through the emailed link", async ({ page, request }) => {
  const email = await newConfirmedMember(request, "Robin", "first long password");
  await page.goto("/sign-in");
  await checkPage(page, "sign in");
  await screenshot(page, "sign-in");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Reset your password" })).toBeVisible();
  await checkPage(page, "forgot password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send me a link" }).click();
  await expect(page.getByRole("status")).toContainText("on its way");

  const mail = await latestEmail(request, email, /password/i);
  await page.goto(linkIn(mail.body_text, "/reset-password?token="));
  await expect(page.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
  await checkPage(page, "reset password");
  await page.getByLabel("New password").fill("second longer password");
  await page.getByRole("button", { name: "Save my new password" }).click();
  await expect(page.getByRole("status")).toContainText("Your password is changed");

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("first long password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("not right");
  await page.getByLabel("Password").fill("second longer password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
});

test("privacy choices are saved, data downloads, and closing the account says what happens", async ({
  page,
  request,
}) => {
  const password = "a calm and steady password";
  const email = await newConfirmedMember(request, "Alder", password);
  await signIn(page, email, password);
  await page.getByRole("link", { name: /Account/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await expect(page.getByLabel("Time zone")).toHaveValue("Europe/London");
  await checkPage(page, "account");
  await screenshot(page, "account");

  await page.getByLabel("Pronouns (optional)").fill("they/them");
  await page.getByLabel("Count me, but don't name me", { exact: false }).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Pronouns (optional)")).toHaveValue("they/them");
  await expect(page.getByLabel("Count me, but don't name me", { exact: false })).toBeChecked();

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download my data" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("strength-circles-my-data.json");
  const exported = JSON.parse(await (await file.createReadStream()).toArray().then((parts) => Buffer.concat(parts).toString()));
  expect(JSON.stringify(exported)).toContain(email);

  await page.getByRole("button", { name: "I want to close my account" }).click();
  await expect(page.getByText("It can't be undone")).toBeVisible();
  // The pressed button is gone; focus is on what it opened, not lost to the page.
  await expect(page.getByText("It can't be undone")).toBeFocused();
  await expect(page.getByRole("button", { name: "Close my account for good" })).toBeDisabled();
  await checkPage(page, "close account");
  await page.getByLabel("Your password", { exact: true }).fill(password);
  await page.getByLabel("I understand that closing my account is for good").check();
  await page.getByRole("button", { name: "Close my account for good" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Find a circle" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  const again = await request.post("/api/v1/auth/token", {
    form: { grant_type: "password", username: email, password },
  });
  expect(again.status()).toBe(400);
});
