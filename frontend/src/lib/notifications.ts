/** What the notification centre, the bell and the notification settings share: the words for
 * each kind and channel, the unread count, and the key a browser subscribes to push with. */
import type { KindChannels, NotificationSettingsRead } from "@strength-circles/client";
import { useQuery } from "@tanstack/react-query";

import { circles } from "../api";
import { useSession } from "./session";

export type SwitchableKind = keyof KindChannels;
export type ChannelName = keyof NotificationSettingsRead["channels"]["reminders"];

/** In the order the settings show them (the API's own order). */
export const KINDS: { kind: SwitchableKind; name: string; description: string }[] = [
  { kind: "reminders", name: "Reminders", description: "Before meetings you said you are going to." },
  {
    kind: "changes",
    name: "Changes to your meetings and circles",
    description: "Waitlist places, meetings moved or cancelled, and answers to requests to join.",
  },
  { kind: "mentoring", name: "Peer mentoring", description: "Requests, answers and news about your mentoring." },
  {
    kind: "moderation",
    name: "Notes from the team",
    description: "What happened with concerns you told us about, and notes from staff.",
  },
  {
    kind: "digests",
    name: "Morning summary",
    description: "For facilitators: each morning, the day's meetings of your circles.",
  },
];

export const CHANNELS: { channel: ChannelName; name: string }[] = [
  { channel: "email", name: "Email" },
  { channel: "push", name: "Push, on devices where you turned it on" },
  { channel: "app", name: "In the app" },
];

/** Where the bell's count lives in the query cache; the centre's pages live beside it. */
export const UNREAD_KEY = ["notifications", "unread"] as const;
export const LIST_KEY = ["notifications", "list"] as const;
/** How often the bell asks again while the app is open. */
export const UNREAD_REFRESH_MS = 60_000;

/** The unread count for the bell: asked again every minute and when the window gets focus,
 * and only while someone is signed in. */
export function useUnreadCount(): number | undefined {
  const { signedIn } = useSession();
  const unread = useQuery({
    queryKey: UNREAD_KEY,
    queryFn: () => circles.notifications.unreadCount(),
    enabled: signedIn,
    refetchInterval: UNREAD_REFRESH_MS,
    refetchOnWindowFocus: true,
    staleTime: 0,
  });
  return signedIn ? unread.data?.unread_count : undefined;
}

/** "Notifications, 3 unread": the bell's name for assistive technology. */
export function bellLabel(unread: number | undefined): string {
  return unread ? `Notifications, ${unread} unread` : "Notifications";
}

/** A base64url string (the VAPID key) as the bytes `applicationServerKey` takes. */
export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** A link of a notification, when it is a path inside the app (never another site). */
export function appPath(link: string): string | null {
  return link.startsWith("/") && !link.startsWith("//") && !link.startsWith("/\\") ? link : null;
}
