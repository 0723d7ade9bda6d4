import { isApiError, type PushSubscriptionCreate } from "@strength-circles/client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";

import { circles } from "../api";
import { base64UrlToBytes } from "../lib/notifications";
import { Problem } from "./Problem";

const DEVICES_KEY = ["push-devices"] as const;
/** How long to wait for the service worker before saying push is not available here (it never
 * becomes ready where none is registered, as in development). */
const READY_WAIT_MS = 10_000;

type Trouble = "unsupported" | "denied" | "failed" | null;

const STILL_WORKS = "Notifications in the app and by email still work.";
const TROUBLE_WORDS: Record<Exclude<Trouble, null>, string> = {
  unsupported: `This browser can't show notifications from Strength Circles. ${STILL_WORKS}`,
  denied:
    `Notifications for Strength Circles are blocked in this browser's settings. If you want them, allow them there ` +
    `and try again. ${STILL_WORKS}`,
  failed:
    `We couldn't turn on notifications on this device: this browser may not have a push service, or it didn't ` +
    `answer. You can try again later. ${STILL_WORKS}`,
};

export function pushSupported(): boolean {
  return (
    typeof navigator !== "undefined" &&
    "serviceWorker" in navigator &&
    typeof window !== "undefined" &&
    "PushManager" in window &&
    "Notification" in window
  );
}

/** This device's push subscription, if the browser has one for the app. */
async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration();
  return (await registration?.pushManager.getSubscription()) ?? null;
}

async function readyWorker(): Promise<ServiceWorkerRegistration> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error("no service worker")), READY_WAIT_MS);
  });
  try {
    return await Promise.race([navigator.serviceWorker.ready, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The subscription as the API takes it, or null when the browser left out its keys. */
function asCreate(subscription: PushSubscription): PushSubscriptionCreate | null {
  const data = subscription.toJSON();
  const p256dh = data.keys?.p256dh;
  const auth = data.keys?.auth;
  if (!data.endpoint || !p256dh || !auth) return null;
  return { endpoint: data.endpoint, keys: { p256dh, auth }, expirationTime: data.expirationTime ?? null };
}

/** Turns push on or off for the device the person is using now. */
export function PushOnThisDevice() {
  const queryClient = useQueryClient();
  const supported = pushSupported();
  const devices = useQuery({ queryKey: DEVICES_KEY, queryFn: () => circles.notifications.devices(), enabled: supported });
  const [endpoint, setEndpoint] = useState<string | null | undefined>(undefined);
  const [trouble, setTrouble] = useState<Trouble>(supported ? null : "unsupported");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState("");

  const look = useCallback(async () => {
    try {
      setEndpoint((await currentSubscription())?.endpoint ?? null);
    } catch {
      setEndpoint(null);
    }
  }, []);
  useEffect(() => {
    if (supported) void look();
  }, [supported, look]);

  const device = endpoint ? devices.data?.find((item) => item.endpoint === endpoint) : undefined;
  const on = device !== undefined;

  async function turnOn() {
    setBusy(true);
    setTrouble(null);
    setError(null);
    setSaid("");
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        setTrouble("denied");
        return;
      }
      let subscription: PushSubscription;
      try {
        const registration = await readyWorker();
        const { public_key } = await circles.notifications.pushKey();
        subscription =
          (await registration.pushManager.getSubscription()) ??
          (await registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: base64UrlToBytes(public_key),
          }));
      } catch {
        setTrouble("failed");
        return;
      }
      const body = asCreate(subscription);
      if (!body) {
        await subscription.unsubscribe().catch(() => false);
        setTrouble("failed");
        return;
      }
      try {
        await circles.notifications.addDevice(body);
      } catch (caught) {
        // The server would not keep it (say, a push service it does not know): leave nothing behind.
        await subscription.unsubscribe().catch(() => false);
        throw caught;
      }
      await queryClient.invalidateQueries({ queryKey: DEVICES_KEY });
      setEndpoint(body.endpoint);
      setSaid("Notifications are on for this device.");
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  async function turnOff() {
    if (!device) return;
    setBusy(true);
    setTrouble(null);
    setError(null);
    setSaid("");
    try {
      await circles.notifications.removeDevice(device.id).catch((caught: unknown) => {
        // Gone already (the push service ended it): there is nothing left to turn off.
        if (!isApiError(caught) || caught.status !== 404) throw caught;
      });
      await (await currentSubscription())?.unsubscribe().catch(() => false);
      await queryClient.invalidateQueries({ queryKey: DEVICES_KEY });
      setEndpoint(null);
      setSaid("Notifications are off for this device.");
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const others = (devices.data?.length ?? 0) - (on ? 1 : 0);
  return (
    <div className="push-device">
      <h3>Push on this device</h3>
      <p>
        Push shows a short message on this phone or computer, even when Strength Circles isn't open. It says only what
        the settings above allow.
      </p>
      {supported ? (
        <p>
          {endpoint === undefined || devices.isPending
            ? "Checking this device…"
            : on
              ? "Push is on for this device."
              : "Push is off for this device."}
          {others > 0 ? ` It is on for ${others === 1 ? "1 other device" : `${others} other devices`} of yours.` : ""}
        </p>
      ) : null}
      <div role="status">
        {said ? <p className="notice success">{said}</p> : null}
        {trouble ? <p className="notice warning">{TROUBLE_WORDS[trouble]}</p> : null}
      </div>
      <Problem error={error ?? devices.error} />
      {supported ? (
        <p className="actions">
          {on ? (
            <button type="button" className="button secondary" disabled={busy} onClick={() => void turnOff()}>
              Turn off on this device
            </button>
          ) : (
            <button type="button" className="button secondary" disabled={busy} onClick={() => void turnOn()}>
              Turn on notifications on this device
            </button>
          )}
        </p>
      ) : null}
    </div>
  );
}
