import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";

import { useSession } from "../lib/session";
import { Loading } from "./Problem";

/** Pages that are about the member: sign in first, then come back here. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const { ready, signedIn } = useSession();
  const location = useLocation();
  if (!ready) return <Loading what="your account" />;
  if (!signedIn) {
    const back = location.pathname + location.search;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(back)}`} replace />;
  }
  return <>{children}</>;
}

/** Only paths inside the app may be a `next` target, never another site. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}
