import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const SCREENSHOTS = fileURLToPath(new URL("../e2e-results/screenshots/", import.meta.url));
mkdirSync(SCREENSHOTS, { recursive: true });

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"];

/** axe finds no WCAG 2.2 AA violation on the page as it is now, seen from its top: the sticky
 * safety bar covers whatever has scrolled under it, which axe would count against those
 * targets' size (the CSS's scroll-padding keeps anything focused out from under it). */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const violations = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((n) => `${n.target.join(" ")} ${n.html}`).join(", ")}`,
  );
  expect(violations, `axe on ${what}`).toEqual([]);
}

/** Nothing is wider than the phone's screen. */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  // Against the screen's own width: on a phone (isMobile) the browser widens its layout
  // viewport to fit content that is too wide, so window.innerWidth would grow with it.
  const screenWidth = page.viewportSize()?.width ?? (await page.evaluate(() => window.innerWidth));
  const widest = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(widest - screenWidth, "page is wider than the screen").toBeLessThanOrEqual(0);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  // From the top, so the sticky safety bar is drawn where it belongs in the full-page image.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** Every page checked the same way: accessible, no sideways scroll, nothing blocked by the CSP. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await expect(page.locator("h1")).toBeVisible();
  // Every page shows the way to crisis help (SECURITY.md), first after "Skip to content".
  const help = page.getByRole("link", { name: "Get help now" }).first();
  await expect(help, `the crisis link on ${name}`).toBeVisible();
  await expect(help).toHaveAttribute("href", "/crisis");
  await expectAccessible(page, name);
  await expectNoSidewaysScroll(page);
}

/** Collects Content-Security-Policy violations and requests to other origins. */
export function watchPolicy(page: Page, origin: string): { violations: string[]; foreign: string[] } {
  const seen = { violations: [] as string[], foreign: [] as string[] };
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) seen.violations.push(message.text());
  });
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("blob:")) seen.foreign.push(url);
  });
  return seen;
}

/** The newest email to an address, from the development mail page's JSON. */
export async function latestEmail(
  request: APIRequestContext,
  to: string,
  subjectIncludes?: RegExp,
): Promise<{ subject: string; body_text: string }> {
  let last: { subject: string; body_text: string } | null = null;
  await expect
    .poll(
      async () => {
        const response = await request.get(`/dev/mail/latest?to=${encodeURIComponent(to)}`);
        if (!response.ok()) return false;
        last = (await response.json()) as { subject: string; body_text: string };
        return subjectIncludes ? subjectIncludes.test(last.subject) : true;
      },
      { timeout: 10_000 },
    )
    .toBe(true);
  if (!last) throw new Error(`no email to ${to}`);
  return last;
}

export function linkIn(body: string, path: string): string {
  const match = body.match(new RegExp(`https?://[^\\s]+${path.replace(/[/?]/g, "\\$&")}[^\\s]*`));
  if (!match) throw new Error(`no ${path} link in: ${body}`);
  return match[0];
}

/** An access token for an API call made the way an integrator or a facilitator's tool would. */
export async function tokenFor(request: APIRequestContext, email: string, password: string): Promise<string> {
  const response = await request.post("/api/v1/auth/token", {
    form: { grant_type: "password", username: email, password },
  });
  expect(response.ok(), await response.text()).toBe(true);
  return ((await response.json()) as { access_token: string }).access_token;
}
