import { afterEach, describe, expect, test } from "vitest";

import { ApiError } from "../src/errors";
import {
  deferred,
  form,
  GROUP_PAGE,
  invalidGrant,
  json,
  networkFailure,
  setup,
  settle,
  signIn,
  token,
  unauthorized,
  type FakeServer,
  type Seen,
} from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

/** Groups answers for a valid token, 401 for any other. */
function groupsFor(validToken: string) {
  return (seen: Seen) => (seen.token === validToken ? json(GROUP_PAGE) : unauthorized());
}

describe("silent refresh", () => {
  test("five calls failing together with an expired token make one refresh, then all repeat and succeed", async () => {
    const { server, client } = setup("body");
    current = server;
    await signIn(server, client);
    server.on("GET /api/v1/groups", groupsFor("access-2"));
    server.on("POST /api/v1/auth/token", () => token("access-2", { refreshToken: "refresh-2" }));

    const pages = await Promise.all([1, 2, 3, 4, 5].map((n) => client.groups.list({ q: `q${n}` })));

    expect(pages).toEqual(Array(5).fill(GROUP_PAGE));
    expect(server.calls("POST /api/v1/auth/token")).toHaveLength(1);
    const groupCalls = server.calls("GET /api/v1/groups");
    expect(groupCalls).toHaveLength(10);
    expect(groupCalls.filter((seen) => seen.token === "access-1")).toHaveLength(5);
    // Each call was repeated once, with the new token.
    const repeated = groupCalls.filter((seen) => seen.token === "access-2").map((seen) => seen.query.get("q"));
    expect(repeated.sort()).toEqual(["q1", "q2", "q3", "q4", "q5"]);
  });

  test("a 401 that arrives after another call's refresh finished repeats with the new token, no second refresh", async () => {
    const { server, client } = setup("body");
    current = server;
    await signIn(server, client);
    const late = deferred();
    server.on("GET /api/v1/groups", groupsFor("access-2"));
    // /me with the old token is slow: its 401 comes back only after the refresh is over.
    server.on(
      "GET /api/v1/me",
      async (seen) => {
        await late.promise;
        return seen.token === "access-2" ? json({ id: "me" }) : unauthorized();
      },
      (seen) => (seen.token === "access-2" ? json({ id: "me" }) : unauthorized()),
    );
    server.on(
      "POST /api/v1/auth/token",
      () => token("access-2", { refreshToken: "refresh-2" }),
      () => token("access-3", { refreshToken: "refresh-3" }),
    );

    const me = client.me.read();
    await settle();
    await client.groups.list();
    late.resolve();

    await expect(me).resolves.toEqual({ id: "me" });
    expect(server.calls("POST /api/v1/auth/token")).toHaveLength(1);
    expect(server.calls("GET /api/v1/me").map((seen) => seen.token)).toEqual(["access-1", "access-2"]);
  });

  test("refreshes shortly before the access token expires, so the call carries a fresh one", async () => {
    const { server, client, clock } = setup("body");
    current = server;
    await signIn(server, client, 900);
    server.on("GET /api/v1/groups", (seen) => json({ ...GROUP_PAGE, seenToken: seen.token }));
    server.on("POST /api/v1/auth/token", () => token("access-2", { refreshToken: "refresh-2" }));

    clock.time += 839_000; // 61 s left: no refresh yet
    await client.groups.list();
    expect(server.calls("POST /api/v1/auth/token")).toHaveLength(0);

    clock.time += 2_000; // 59 s left: inside the 60 s margin
    await client.groups.list();
    const seen = server.seen.map((item) => `${item.method} ${item.path} ${item.token ?? ""}`.trim());
    expect(seen).toEqual([
      "GET /api/v1/groups access-1",
      "POST /api/v1/auth/token",
      "GET /api/v1/groups access-2",
    ]);
    expect(form(server.calls("POST /api/v1/auth/token")[0])).toEqual({
      grant_type: "refresh_token",
      refresh_token: "refresh-1",
    });
  });

  test("five calls just before expiry share one proactive refresh", async () => {
    const { server, client, clock } = setup("body");
    current = server;
    await signIn(server, client, 900);
    server.on("GET /api/v1/groups", groupsFor("access-2"));
    server.on("POST /api/v1/auth/token", () => token("access-2", { refreshToken: "refresh-2" }));
    clock.time += 850_000;

    await Promise.all([1, 2, 3, 4, 5].map(() => client.groups.list()));

    expect(server.calls("POST /api/v1/auth/token")).toHaveLength(1);
    expect(server.calls("GET /api/v1/groups").map((seen) => seen.token)).toEqual(Array(5).fill("access-2"));
  });

  test("a refused refresh signs out, tells listeners, and the original 401 surfaces as an ApiError", async () => {
    const { server, client } = setup("body");
    current = server;
    await signIn(server, client);
    const told: [boolean, string | undefined][] = [];
    client.auth.subscribe((signedIn, reason) => told.push([signedIn, reason]));
    server.on("GET /api/v1/me", unauthorized);
    server.on("GET /api/v1/groups", groupsFor("nobody"));
    server.on("POST /api/v1/auth/token", invalidGrant);

    const error = await client.me.read().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ kind: "refused", status: 401, title: "Not signed in" });
    expect(told).toEqual([[false, "ended"]]);
    expect(client.auth.signedIn).toBe(false);
    expect(server.calls("GET /api/v1/me")).toHaveLength(1);

    // Later calls go out without a token, and do not try to refresh again.
    await client.groups.list().catch(() => undefined);
    expect(server.calls("GET /api/v1/groups").map((seen) => seen.headers.has("Authorization"))).toEqual([false]);
    expect(server.calls("POST /api/v1/auth/token")).toHaveLength(1);
  });

  test("five calls whose refresh is refused: one refresh, five ApiErrors, one sign-out notice", async () => {
    const { server, client } = setup("body");
    current = server;
    await signIn(server, client);
    const told: boolean[] = [];
    client.auth.subscribe((signedIn) => told.push(signedIn));
    server.on("GET /api/v1/groups", unauthorized);
    server.on("POST /api/v1/auth/token", invalidGrant);

    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => client.groups.list()));

    expect(results.map((result) => result.status)).toEqual(Array(5).fill("rejected"));
    for (const result of results) {
      if (result.status === "rejected") expect(result.reason).toMatchObject({ kind: "refused", status: 401 });
    }
    expect(server.calls("POST /api/v1/auth/token")).toHaveLength(1);
    expect(told).toEqual([false]);
  });

  test("a network failure during refresh does not sign out; the next call refreshes and succeeds", async () => {
    const { server, client } = setup("body");
    current = server;
    await signIn(server, client);
    const told: boolean[] = [];
    client.auth.subscribe((signedIn) => told.push(signedIn));
    server.on("POST /api/v1/me/password", unauthorized); // not retried: a network failure surfaces
    server.on("POST /api/v1/auth/token", networkFailure, () => token("access-2", { refreshToken: "refresh-2" }));
    server.on("GET /api/v1/me", (seen) => (seen.token === "access-2" ? json({ id: "me" }) : unauthorized()));

    const error = await client.me
      .changePassword({ current_password: "old password", new_password: "new password!" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ kind: "network", status: 0 });
    expect(told).toEqual([]);
    expect(client.auth.signedIn).toBe(true);

    await expect(client.me.read()).resolves.toEqual({ id: "me" });
    const refreshes = server.calls("POST /api/v1/auth/token").map((seen) => form(seen).refresh_token);
    expect(refreshes).toEqual(["refresh-1", "refresh-1"]);
  });
});
