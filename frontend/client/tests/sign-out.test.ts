import { afterEach, describe, expect, test } from "vitest";

import { GROUP_PAGE, json, networkFailure, problem, setup, signIn, type FakeServer } from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

const noContent = () => new Response(null, { status: 204 });

describe("sign out", () => {
  test("everywhere: posts {everywhere: true} with the token, then forgets it and tells listeners", async () => {
    const { server, client } = setup("cookie");
    current = server;
    await signIn(server, client);
    const told: boolean[] = [];
    const reasons: (string | undefined)[] = [];
    client.auth.subscribe((signedIn, reason) => {
      told.push(signedIn);
      reasons.push(reason);
    });
    server.on("POST /api/v1/auth/logout", noContent);
    server.on("GET /api/v1/groups", () => json(GROUP_PAGE));

    await client.auth.signOut(true);
    await client.groups.list();

    const [logout] = server.calls("POST /api/v1/auth/logout");
    expect(logout?.token).toBe("access-1");
    expect(logout?.headers.get("Content-Type")).toBe("application/json");
    expect(JSON.parse(logout?.body ?? "null")).toEqual({ everywhere: true });
    expect(client.auth.signedIn).toBe(false);
    expect(told).toEqual([false]);
    // The app tells a sign-out the person asked for from one the server imposed.
    expect(reasons).toEqual(["signed-out"]);
    expect(server.calls("GET /api/v1/groups")[0]?.headers.has("Authorization")).toBe(false);
  });

  test("this sign-in only: {everywhere: false}", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("POST /api/v1/auth/logout", noContent);

    await client.auth.signOut();

    expect(JSON.parse(server.calls("POST /api/v1/auth/logout")[0]?.body ?? "null")).toEqual({ everywhere: false });
  });

  test.each([
    ["the network fails", networkFailure, "network"],
    ["the service is unavailable", () => problem(503, { title: "Unavailable" }), "unavailable"],
  ] as const)("forgets the token even if the call fails (%s), and is not retried", async (_, answer, kind) => {
    const { server, client, waits } = setup("body");
    current = server;
    await signIn(server, client);
    const told: boolean[] = [];
    client.auth.subscribe((signedIn) => told.push(signedIn));
    server.on("POST /api/v1/auth/logout", answer);
    server.on("GET /api/v1/groups", () => json(GROUP_PAGE));
    server.on("POST /api/v1/auth/token", () => json({ access_token: "should-not-happen", expires_in: 900 }));

    await expect(client.auth.signOut(true)).rejects.toMatchObject({ kind });

    expect(client.auth.signedIn).toBe(false);
    expect(told).toEqual([false]);
    expect(server.calls("POST /api/v1/auth/logout")).toHaveLength(1);
    expect(waits).toEqual([]);
    // The refresh token is gone too: nothing can bring the sign-in back.
    await expect(client.auth.restore()).resolves.toBe(false);
    await client.groups.list();
    expect(server.calls("GET /api/v1/groups")[0]?.headers.has("Authorization")).toBe(false);
    expect(server.calls("POST /api/v1/auth/token")).toHaveLength(0);
  });

  test("signed out already: nothing is sent", async () => {
    const { server, client } = setup();
    current = server;

    await client.auth.signOut(true);

    expect(server.seen).toEqual([]);
  });
});
