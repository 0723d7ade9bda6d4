import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";

import { useSession } from "../lib/session";
import { Loading } from "./Problem";

/** Pages that are about the member: sign in first, then come back here. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const { ready, signedIn, ended } = useSession();
  const location = useLocation();
  if (!ready) return <Loading what="your account" />;
  // Signing out or closing the account leaves the page where the person asked to go; only a
  // visit without a sign-in, or one the server ended, is sent to sign in.
  if (!signedIn && ended === "signed-out") return null;
  if (!signedIn) {
    // With the hash: an email's link to /account#notifications comes back to that section.
    const back = location.pathname + location.search + location.hash;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(back)}`} replace />;
  }
  return <>{children}</>;
}

/** Only paths inside the app may be a `next` target, never another site (nor something a
 * browser would read as one, like "/\\evil.example"). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/")) return "/";
  try {
    const target = new URL(next, window.location.origin);
    if (target.origin !== window.location.origin) return "/";
    return target.pathname + target.search + target.hash;
  } catch {
    return "/";
  }
}
