/** Who is signed in, for every page: restored from the refresh cookie when the app starts. */
import type { MeRead, SignOutReason } from "@strength-circles/client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";

import { circles } from "../api";

interface SessionState {
  /** false until the first attempt to restore a sign-in has finished. */
  ready: boolean;
  signedIn: boolean;
  me: MeRead | undefined;
  /** Why the last sign-in of this visit ended, if one did. */
  ended: SignOutReason | undefined;
}

const SessionContext = createContext<SessionState>({
  ready: false,
  signedIn: false,
  me: undefined,
  ended: undefined,
});

let restoring: Promise<boolean> | null = null;

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [ready, setReady] = useState(false);
  const [signedIn, setSignedIn] = useState(circles.auth.signedIn);
  const [ended, setEnded] = useState<SignOutReason | undefined>(undefined);

  useEffect(() => {
    const stop = circles.auth.subscribe((now, reason) => {
      setSignedIn(now);
      setEnded(now ? undefined : reason);
      // What one person saw must never show for the next one on a shared phone.
      if (!now) queryClient.clear();
    });
    restoring ??= circles.auth.restore();
    void restoring.then((restored) => {
      setSignedIn(restored || circles.auth.signedIn);
      setReady(true);
    });
    return stop;
  }, [queryClient]);

  const me = useQuery({ queryKey: ["me"], queryFn: circles.me.read, enabled: signedIn });
  return (
    <SessionContext.Provider value={{ ready, signedIn, me: signedIn ? me.data : undefined, ended }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  return useContext(SessionContext);
}

/** The viewer's time zone: their profile's when signed in, else the browser's. */
export function useTimeZone(): string {
  const { me } = useSession();
  return me?.timezone ?? browserTimeZone();
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}
