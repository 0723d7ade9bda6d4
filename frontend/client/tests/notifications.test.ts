import { afterEach, describe, expect, test } from "vitest";

import { json, problem, setup, signIn, type FakeServer } from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

const TOKEN = "0123456789abcdef0123456789abcdef.reminders.fedcba9876543210fedcba9876543210";

describe("notifications", () => {
  test("the centre is read a page at a time with the cursor, and marked read by id or all at once", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("GET /api/v1/me/notifications", (seen) =>
      json({ items: [], next_cursor: seen.query.get("cursor") ? null : "next", unread_count: 2 }),
    );
    server.on("POST /api/v1/me/notifications/read", () => json({ unread_count: 1 }));
    server.on("POST /api/v1/me/notifications/read-all", () => json({ unread_count: 0 }));
    server.on("GET /api/v1/me/notifications/unread-count", () => json({ unread_count: 0 }));

    expect((await client.notifications.list()).next_cursor).toBe("next");
    expect((await client.notifications.list("next", 5)).next_cursor).toBeNull();
    const [first, second] = server.calls("GET /api/v1/me/notifications");
    expect(Object.fromEntries(first?.query ?? [])).toEqual({ limit: "20" });
    expect(Object.fromEntries(second?.query ?? [])).toEqual({ limit: "5", cursor: "next" });

    expect((await client.notifications.markRead(["n1", "n2"])).unread_count).toBe(1);
    expect(JSON.parse(server.calls("POST /api/v1/me/notifications/read")[0]?.body ?? "")).toEqual({ ids: ["n1", "n2"] });
    expect((await client.notifications.markAllRead()).unread_count).toBe(0);
    expect((await client.notifications.unreadCount()).unread_count).toBe(0);
  });

  test("settings change with a PATCH of only what changed", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("PATCH /api/v1/me/notification-settings", (seen) => json({ echoed: JSON.parse(seen.body) as unknown }));
    await client.notifications.updateSettings({ channels: { reminders: { email: false } }, quiet_hours: null });
    expect(JSON.parse(server.calls("PATCH /api/v1/me/notification-settings")[0]?.body ?? "")).toEqual({
      channels: { reminders: { email: false } },
      quiet_hours: null,
    });
  });

  test("a device is added with the browser's subscription and removed by its id", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    const subscription = { endpoint: "https://push.example/abc", keys: { p256dh: "p", auth: "a" }, expirationTime: null };
    server.on("POST /api/v1/me/push-subscriptions", () => json({ id: "d1", endpoint: subscription.endpoint, created_at: "2026-12-02T10:00:00Z" }, 201));
    server.on("DELETE /api/v1/me/push-subscriptions/d1", () => new Response(null, { status: 204 }));
    expect((await client.notifications.addDevice(subscription)).id).toBe("d1");
    expect(JSON.parse(server.calls("POST /api/v1/me/push-subscriptions")[0]?.body ?? "")).toEqual(subscription);
    await client.notifications.removeDevice("d1");
    expect(server.calls("DELETE /api/v1/me/push-subscriptions/d1")).toHaveLength(1);
  });

  test("an unsubscribe link is read and stopped without an Idempotency-Key (its path holds the token)", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    const path = `/api/v1/unsubscribe/${TOKEN}`;
    server.on(`GET ${path}`, () => json({ kind: "reminders", description: "reminders before your meetings", email_on: true }));
    server.on(`POST ${path}`, () => json({ kind: "reminders", description: "reminders before your meetings", email_on: false }));
    expect((await client.unsubscribeLinks.read(TOKEN)).email_on).toBe(true);
    expect((await client.unsubscribeLinks.stop(TOKEN)).email_on).toBe(false);
    expect(server.calls(`POST ${path}`)[0]?.headers.get("Idempotency-Key")).toBeNull();
  });

  test("a tampered unsubscribe link is the API's problem", async () => {
    const { server, client } = setup();
    current = server;
    server.on("GET /api/v1/unsubscribe/nope", () =>
      problem(404, { title: "Unsubscribe link not found", detail: "This link is not one of ours." }),
    );
    await expect(client.unsubscribeLinks.read("nope")).rejects.toMatchObject({ status: 404, detail: "This link is not one of ours." });
  });
});
