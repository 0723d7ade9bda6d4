import type { NotificationSettingsRead } from "@strength-circles/client";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { NotificationSettings } from "../../components/NotificationSettings";
import { fakeApi, json, noContent, problem, renderRoutes } from "../../testing";

vi.mock("../../lib/session", () => ({
  useSession: () => ({ ready: true, signedIn: true, me: undefined, ended: undefined }),
  useTimeZone: () => "America/Chicago",
}));

const ALL_ON = { email: true, push: true, app: true };
function settings(overrides: Partial<NotificationSettingsRead> = {}): NotificationSettingsRead {
  return {
    reminders: { day_before: true, hour_before: true },
    quiet_hours: null,
    name_circles: false,
    channels: { reminders: ALL_ON, changes: ALL_ON, mentoring: ALL_ON, moderation: ALL_ON, digests: ALL_ON },
    timezone: "America/Chicago",
    always_sent:
      "Messages about your account's safety, such as a password reset link, always come by email, whatever you choose here.",
    ...overrides,
  };
}

function renderSettings() {
  return renderRoutes("/account", [{ path: "/account", element: <NotificationSettings /> }]);
}

describe("notification settings", () => {
  it("shows each kind as a fieldset of its channels, and saves only what changed", async () => {
    let saved = settings();
    const api = fakeApi({
      "GET /api/v1/me/notification-settings": () => json(saved),
      "PATCH /api/v1/me/notification-settings": (call) => {
        const body = call.body as { quiet_hours?: { start: string; end: string }; channels?: { changes?: { email?: boolean } } };
        saved = {
          ...saved,
          quiet_hours: body.quiet_hours ? { start: `${body.quiet_hours.start}:00`, end: `${body.quiet_hours.end}:00` } : saved.quiet_hours,
          channels: { ...saved.channels, changes: { ...saved.channels.changes, email: body.channels?.changes?.email ?? true } },
        };
        return json(saved);
      },
    });
    renderSettings();
    const section = await screen.findByRole("region", { name: "Notifications" });
    expect(section).toHaveAttribute("id", "notifications");
    const changes = await within(section).findByRole("group", { name: /^Changes to your meetings and circles/ });
    expect(within(changes).getByRole("checkbox", { name: "Email" })).toBeChecked();
    expect(within(changes).getByRole("checkbox", { name: "In the app" })).toBeChecked();
    expect(within(changes).getByRole("checkbox", { name: /^Push/ })).toBeChecked();
    expect(within(section).getByText(saved.always_sent)).toBeInTheDocument();
    expect(within(section).getByText(/Chicago time \(America\/Chicago\)/)).toBeInTheDocument();
    expect(within(section).getByText(/The 1-hour reminder carries the link/)).toBeInTheDocument();
    expect(within(section).getByText(/an inbox or a phone's lock screen can be seen by others/)).toBeInTheDocument();

    const user = userEvent.setup();
    await user.click(within(changes).getByRole("checkbox", { name: "Email" }));
    await user.click(within(section).getByRole("checkbox", { name: "Keep quiet hours" }));
    const from = within(section).getByLabelText("Quiet from");
    expect(from).toHaveValue("22:00");
    await user.clear(from);
    await user.type(from, "21:30");
    await user.click(within(section).getByRole("button", { name: "Save notification settings" }));
    expect(await within(section).findByText("Saved.")).toHaveAttribute("role", "status");
    expect(api.to("PATCH", "/api/v1/me/notification-settings")[0]?.body).toEqual({
      quiet_hours: { start: "21:30", end: "07:00" },
      channels: { changes: { email: false } },
    });
    expect(within(changes).getByRole("checkbox", { name: "Email" })).not.toBeChecked();
    expect(within(section).getByLabelText("Quiet from")).toHaveValue("21:30");
  });

  it("turns quiet hours off with null, and shows the API's problem", async () => {
    const api = fakeApi({
      "GET /api/v1/me/notification-settings": () => json(settings({ quiet_hours: { start: "22:00:00", end: "07:00:00" } })),
      "PATCH /api/v1/me/notification-settings": () =>
        problem(422, { title: "Some details need changing", detail: "Quiet hours need an end that differs from their start." }),
    });
    renderSettings();
    const user = userEvent.setup();
    const keep = await screen.findByRole("checkbox", { name: "Keep quiet hours" });
    expect(keep).toBeChecked();
    expect(screen.getByLabelText("Quiet until")).toHaveValue("07:00");
    await user.click(keep);
    expect(screen.queryByLabelText("Quiet until")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save notification settings" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Quiet hours need an end that differs from their start.");
    expect(api.to("PATCH", "/api/v1/me/notification-settings")[0]?.body).toEqual({ quiet_hours: null });
  });

  it("asks for both quiet-hours times before sending anything", async () => {
    const api = fakeApi({ "GET /api/v1/me/notification-settings": () => json(settings()) });
    renderSettings();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("checkbox", { name: "Keep quiet hours" }));
    await user.clear(screen.getByLabelText("Quiet until"));
    await user.click(screen.getByRole("button", { name: "Save notification settings" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Give both times, such as 22:00 and 07:00");
    expect(api.to("PATCH", "/api/v1/me/notification-settings")).toHaveLength(0);
  });
});

/** A browser with the Push API, whose push service answers as the test says. */
function fakePush({ permission, subscribe }: { permission: NotificationPermission; subscribe: () => Promise<unknown> }) {
  let current: { endpoint: string; toJSON: () => unknown; unsubscribe: () => Promise<boolean> } | null = null;
  const unsubscribe = vi.fn(() => {
    current = null;
    return Promise.resolve(true);
  });
  const pushManager = {
    getSubscription: () => Promise.resolve(current),
    subscribe: vi.fn(async (options: { applicationServerKey: Uint8Array }) => {
      const endpoint = (await subscribe()) as string;
      current = {
        endpoint,
        toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh: "device-key", auth: "device-auth" } }),
        unsubscribe,
      };
      void options;
      return current;
    }),
  };
  const registration = { pushManager };
  vi.stubGlobal("PushManager", function PushManager() {});
  vi.stubGlobal("Notification", { requestPermission: vi.fn(() => Promise.resolve(permission)) });
  Object.defineProperty(navigator, "serviceWorker", {
    configurable: true,
    value: { ready: Promise.resolve(registration), getRegistration: () => Promise.resolve(registration) },
  });
  return { pushManager, unsubscribe };
}

describe("push on this device", () => {
  const SETTINGS = { "GET /api/v1/me/notification-settings": () => json(settings()) };

  function forget() {
    Reflect.deleteProperty(navigator, "serviceWorker");
  }

  it("says kindly that this browser has no push, and that the app and email still work", async () => {
    fakeApi(SETTINGS);
    renderSettings();
    expect(await screen.findByText(/This browser can't show notifications/)).toHaveTextContent(
      "Notifications in the app and by email still work.",
    );
    expect(screen.queryByRole("button", { name: "Turn on notifications on this device" })).not.toBeInTheDocument();
  });

  it("subscribes with the server's key and sends the subscription, then turns it off again", async () => {
    const browser = fakePush({ permission: "granted", subscribe: () => Promise.resolve("https://push.example/device-1") });
    let devices: { id: string; endpoint: string; created_at: string }[] = [];
    const api = fakeApi({
      ...SETTINGS,
      "GET /api/v1/push/key": () => json({ public_key: "BAEC_w-_" }),
      "GET /api/v1/me/push-subscriptions": () => json(devices),
      "POST /api/v1/me/push-subscriptions": (call) => {
        const device = { id: "d1", endpoint: (call.body as { endpoint: string }).endpoint, created_at: "2026-12-02T10:00:00Z" };
        devices = [device];
        return json(device, 201);
      },
      "DELETE /api/v1/me/push-subscriptions/:id": () => {
        devices = [];
        return noContent();
      },
    });
    try {
      renderSettings();
      expect(await screen.findByText("Push is off for this device.")).toBeInTheDocument();
      const user = userEvent.setup();
      await user.click(screen.getByRole("button", { name: "Turn on notifications on this device" }));
      expect(await screen.findByText("Notifications are on for this device.")).toBeInTheDocument();
      expect(screen.getByText("Push is on for this device.")).toBeInTheDocument();
      const options = browser.pushManager.subscribe.mock.calls[0]?.[0] as { userVisibleOnly: boolean; applicationServerKey: Uint8Array };
      expect(options.userVisibleOnly).toBe(true);
      expect(Array.from(options.applicationServerKey)).toEqual([4, 1, 2, 255, 15, 191]);
      expect(api.to("POST", "/api/v1/me/push-subscriptions")[0]?.body).toEqual({
        endpoint: "https://push.example/device-1",
        keys: { p256dh: "device-key", auth: "device-auth" },
        expirationTime: null,
      });

      await user.click(screen.getByRole("button", { name: "Turn off on this device" }));
      expect(await screen.findByText("Notifications are off for this device.")).toBeInTheDocument();
      expect(api.to("DELETE", "/api/v1/me/push-subscriptions/d1")).toHaveLength(1);
      expect(browser.unsubscribe).toHaveBeenCalledTimes(1);
      await waitFor(() => expect(screen.getByText("Push is off for this device.")).toBeInTheDocument());
    } finally {
      forget();
    }
  });

  it("shows the server's words when it will not keep the subscription, and leaves none behind", async () => {
    const browser = fakePush({ permission: "granted", subscribe: () => Promise.resolve("https://unknown.example/device") });
    const detail = "This browser's push subscription cannot be used. Notifications in the app and by email still work.";
    fakeApi({
      ...SETTINGS,
      "GET /api/v1/push/key": () => json({ public_key: "BAEC_w-_" }),
      "GET /api/v1/me/push-subscriptions": () => json([]),
      "POST /api/v1/me/push-subscriptions": () => problem(422, { title: "Push can't be turned on here", detail }),
    });
    try {
      renderSettings();
      const user = userEvent.setup();
      await user.click(await screen.findByRole("button", { name: "Turn on notifications on this device" }));
      expect(await screen.findByRole("alert")).toHaveTextContent(detail);
      expect(browser.unsubscribe).toHaveBeenCalledTimes(1);
      expect(screen.getByText("Push is off for this device.")).toBeInTheDocument();
    } finally {
      forget();
    }
  });

  it("says so when permission is denied, and asks nothing of the push service", async () => {
    const browser = fakePush({ permission: "denied", subscribe: () => Promise.resolve("https://push.example/x") });
    const api = fakeApi({ ...SETTINGS, "GET /api/v1/me/push-subscriptions": () => json([]) });
    try {
      renderSettings();
      const user = userEvent.setup();
      await user.click(await screen.findByRole("button", { name: "Turn on notifications on this device" }));
      expect(await screen.findByText(/blocked in this browser's settings/)).toBeInTheDocument();
      expect(browser.pushManager.subscribe).not.toHaveBeenCalled();
      expect(api.to("POST", "/api/v1/me/push-subscriptions")).toHaveLength(0);
    } finally {
      forget();
    }
  });

  it("says so when subscribing fails (no push service), and that the app and email still work", async () => {
    fakePush({ permission: "granted", subscribe: () => Promise.reject(new DOMException("Registration failed", "AbortError")) });
    const api = fakeApi({
      ...SETTINGS,
      "GET /api/v1/push/key": () => json({ public_key: "BAEC_w-_" }),
      "GET /api/v1/me/push-subscriptions": () => json([]),
    });
    try {
      renderSettings();
      const user = userEvent.setup();
      await user.click(await screen.findByRole("button", { name: "Turn on notifications on this device" }));
      expect(await screen.findByText(/We couldn't turn on notifications on this device/)).toHaveTextContent(
        "Notifications in the app and by email still work.",
      );
      expect(api.to("POST", "/api/v1/me/push-subscriptions")).toHaveLength(0);
    } finally {
      forget();
    }
  });
});
