/** Where someone who creates an account from a link (an invitation, a referral) goes back to
 * once they have confirmed their address. The confirmation link usually opens in a new tab, so
 * the place is kept in localStorage, for a day at most, and forgotten as soon as it is used. */
const KEY = "circles.return-after-sign-up";
const KEPT_FOR_MS = 24 * 60 * 60 * 1000;

export function rememberReturnAfterSignUp(path: string): void {
  if (path === "/") return;
  try {
    localStorage.setItem(KEY, JSON.stringify({ path, until: Date.now() + KEPT_FOR_MS }));
  } catch {
    // Storage may be off (private windows): the person opens the link again instead.
  }
}

export function takeReturnAfterSignUp(): string | null {
  try {
    const raw = localStorage.getItem(KEY);
    localStorage.removeItem(KEY);
    if (!raw) return null;
    const kept = JSON.parse(raw) as { path?: unknown; until?: unknown };
    if (typeof kept.path !== "string" || typeof kept.until !== "number" || kept.until < Date.now()) return null;
    return kept.path;
  } catch {
    return null;
  }
}
