import { afterEach, describe, expect, test } from "vitest";

import { GROUP_PAGE, json, networkFailure, problem, setup, signIn, token, type FakeServer } from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

const SESSION = "3b1f0a9e-0000-4000-8000-000000000007";
const GROUP = "6f1c2d4e-0000-4000-8000-000000000001";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const unavailable = (retryAfter?: string) => () =>
  problem(503, { title: "Unavailable" }, retryAfter === undefined ? {} : { "Retry-After": retryAfter });

describe("retries", () => {
  test("a GET that fails twice on the network, then answers: three attempts, bounded waits", async () => {
    const { server, client, waits } = setup();
    current = server;
    server.on("GET /api/v1/groups", networkFailure, networkFailure, () => json(GROUP_PAGE));

    await expect(client.groups.list({ topic: "grief", open: true })).resolves.toEqual(GROUP_PAGE);

    const calls = server.calls("GET /api/v1/groups");
    expect(calls).toHaveLength(3);
    // Every attempt is the same request.
    expect(calls.map((seen) => seen.query.toString())).toEqual(Array(3).fill("topic=grief&open=true"));
    expect(waits).toEqual([500, 1000]);
  });

  test("never more than three attempts, on the network or on 502/503/504", async () => {
    const { server, client, waits } = setup();
    current = server;
    server.on("GET /api/v1/groups", networkFailure);
    server.on("GET /api/v1/topics", () => new Response("bad gateway", { status: 502 }));
    server.on("GET /api/v1/crisis-resources", () => new Response(null, { status: 504 }));

    await expect(client.groups.list()).rejects.toMatchObject({ kind: "network" });
    await expect(client.groups.topics()).rejects.toMatchObject({ kind: "unavailable", status: 502 });
    await expect(client.library.crisisResources("US-CA")).rejects.toMatchObject({ kind: "unavailable", status: 504 });

    expect(server.calls("GET /api/v1/groups")).toHaveLength(3);
    expect(server.calls("GET /api/v1/topics")).toHaveLength(3);
    expect(server.calls("GET /api/v1/crisis-resources")).toHaveLength(3);
    expect(waits).toHaveLength(6);
    for (const wait of waits) expect(wait).toBeLessThanOrEqual(8_000);
  });

  test("a POST that creates gets an Idempotency-Key, and the same key and body on every retry", async () => {
    const { server, client, waits } = setup();
    current = server;
    await signIn(server, client);
    const route = `POST /api/v1/groups/${GROUP}/members`;
    server.on(route, unavailable(), unavailable(), () => json({ status: "active" }, 201));

    await expect(client.groups.join(GROUP)).resolves.toEqual({ status: "active" });

    const calls = server.calls(route);
    expect(calls).toHaveLength(3);
    const keys = calls.map((seen) => seen.headers.get("Idempotency-Key"));
    expect(keys[0]).toMatch(UUID);
    expect(new Set(keys)).toEqual(new Set([keys[0]]));
    expect(calls.map((seen) => JSON.parse(seen.body) as unknown)).toEqual(Array(3).fill({ accept_guidelines: true }));
    expect(calls.map((seen) => seen.token)).toEqual(["access-1", "access-1", "access-1"]);
    expect(waits).toEqual([500, 1000]);
  });

  test("each creating call has its own key", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("POST /api/v1/stories", () => json({ id: "s" }, 201));

    const story = { title: "What helped me", body_markdown: "Walking every morning.", topics: ["grief"] };
    await client.library.shareStory(story);
    await client.library.shareStory(story);

    const keys = server.calls("POST /api/v1/stories").map((seen) => seen.headers.get("Idempotency-Key"));
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
  });

  test("POSTs to /auth/ and /me/password carry no key and are not retried", async () => {
    const { server, client, waits } = setup();
    current = server;
    server.on("POST /api/v1/auth/token", unavailable("1"));
    server.on("POST /api/v1/auth/register", networkFailure);

    await expect(client.auth.signIn("ana@example.org", "pw")).rejects.toMatchObject({ kind: "unavailable" });
    await expect(
      client.auth.register({ email: "ana@example.org", password: "long enough", display_name: "Ana" }),
    ).rejects.toMatchObject({ kind: "network" });

    server.on("POST /api/v1/auth/token", () => token("access-1", { refreshToken: "refresh-1" }));
    await client.auth.signIn("ana@example.org", "pw");
    server.on("POST /api/v1/me/password", unavailable());
    await expect(
      client.me.changePassword({ current_password: "pw", new_password: "a new long one" }),
    ).rejects.toMatchObject({ kind: "unavailable", status: 503 });

    expect(server.calls("POST /api/v1/auth/token")).toHaveLength(2);
    expect(server.calls("POST /api/v1/auth/register")).toHaveLength(1);
    expect(server.calls("POST /api/v1/me/password")).toHaveLength(1);
    for (const seen of server.seen) expect(seen.headers.has("Idempotency-Key")).toBe(false);
    expect(waits).toEqual([]);
  });

  test("a PUT (RSVP) is retried; a PATCH is not", async () => {
    const { server, client, waits } = setup();
    current = server;
    await signIn(server, client);
    const rsvp = `PUT /api/v1/sessions/${SESSION}/rsvp`;
    server.on(rsvp, () => new Response(null, { status: 504 }), () => json({ status: "going", waitlist_position: null }));
    server.on("PATCH /api/v1/me", unavailable());

    await expect(client.sessions.rsvp(SESSION, "going")).resolves.toEqual({ status: "going", waitlist_position: null });
    await expect(client.me.update({ display_name: "Ana" })).rejects.toMatchObject({ kind: "unavailable" });

    expect(server.calls(rsvp)).toHaveLength(2);
    expect(server.calls(rsvp).map((seen) => seen.body)).toEqual(['{"status":"going"}', '{"status":"going"}']);
    expect(server.calls(rsvp)[0]?.headers.has("Idempotency-Key")).toBe(false);
    expect(server.calls("PATCH /api/v1/me")).toHaveLength(1);
    expect(waits).toEqual([500]);
  });

  test("a DELETE is retried", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("DELETE /api/v1/me/calendar-url", networkFailure, () => new Response(null, { status: 204 }));

    await expect(client.me.turnOffCalendar()).resolves.toBeUndefined();
    expect(server.calls("DELETE /api/v1/me/calendar-url")).toHaveLength(2);
  });

  test("Retry-After is honoured, but never beyond the 8 s cap, and never below the backoff", async () => {
    const { server, client, waits } = setup();
    current = server;
    server.on("GET /api/v1/topics", unavailable("3"), unavailable("120"), () => json([]));
    server.on("GET /api/v1/groups", unavailable("0"), unavailable("0"), () => json(GROUP_PAGE));

    await client.groups.topics();
    expect(waits).toEqual([3_000, 8_000]);

    waits.length = 0;
    await client.groups.list();
    expect(waits).toEqual([500, 1000]);
  });

  test("Retry-After as an HTTP date is honoured, measured on the client's clock", async () => {
    const { server, client, waits, clock } = setup();
    current = server;
    const inFourSeconds = new Date(clock.time + 4_000).toUTCString();
    server.on("GET /api/v1/topics", unavailable(inFourSeconds), () => json([]));

    await client.groups.topics();
    expect(waits).toEqual([4_000]);
  });
});
