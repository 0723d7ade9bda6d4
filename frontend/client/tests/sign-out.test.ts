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
  ] as const)("a sign-out the server did not carry out (%s) throws and keeps the person signed in", async (_, answer, kind) => {
    const { server, client, waits } = setup("body");
    current = server;
    await signIn(server, client);
    const told: boolean[] = [];
    client.auth.subscribe((signedIn) => told.push(signedIn));
    server.on("POST /api/v1/auth/logout", answer);
    server.on("GET /api/v1/groups", () => json(GROUP_PAGE));

    await expect(client.auth.signOut(true)).rejects.toMatchObject({ kind });

    // Looking signed out while the session goes on working would be worse: they try again.
    expect(client.auth.signedIn).toBe(true);
    expect(told).toEqual([]);
    expect(server.calls("POST /api/v1/auth/logout")).toHaveLength(1);
    expect(waits).toEqual([]);
    server.on("POST /api/v1/auth/logout", noContent);
    await client.auth.signOut(true);
    expect(client.auth.signedIn).toBe(false);
    expect(told).toEqual([false]);
    await client.groups.list();
    expect(server.calls("GET /api/v1/groups")[0]?.headers.has("Authorization")).toBe(false);
  });

  test("a session the server had ended already counts as signed out", async () => {
    const { server, client } = setup("body");
    current = server;
    await signIn(server, client);
    server.on("POST /api/v1/auth/logout", () => problem(401, { title: "Not signed in" }));
    server.on("POST /api/v1/auth/token", () => problem(400, { title: "Invalid grant", error: "invalid_grant" }));

    await client.auth.signOut();

    expect(client.auth.signedIn).toBe(false);
  });

  test("signing in over another person's sign-in ends theirs first", async () => {
    const { server, client } = setup("cookie");
    current = server;
    await signIn(server, client);
    const told: boolean[] = [];
    client.auth.subscribe((signedIn) => told.push(signedIn));
    let logouts = 0;
    server.on("POST /api/v1/auth/logout", () => {
      logouts += 1;
      return noContent();
    });

    await signIn(server, client);

    expect(logouts).toBe(1);
    // Listeners hear the first person leave (the app clears what it showed them), then the next.
    expect(told).toEqual([false, true]);
  });

  test("changing the password in the web app keeps the new refresh token in the cookie", async () => {
    const { server, client } = setup("cookie");
    current = server;
    await signIn(server, client);
    server.on("POST /api/v1/me/password", () => json({ access_token: "access-after", expires_in: 900, refresh_token: null }));
    server.on("GET /api/v1/groups", () => json(GROUP_PAGE));

    await client.me.changePassword({ current_password: "old one here", new_password: "new one here" });
    await client.groups.list();

    expect(server.calls("POST /api/v1/me/password")[0]?.headers.get("X-Circles-Client")).toBe("web");
    expect(server.calls("GET /api/v1/groups")[0]?.token).toBe("access-after");
  });

  test("signed out already: nothing is sent", async () => {
    const { server, client } = setup();
    current = server;

    await client.auth.signOut(true);

    expect(server.seen).toEqual([]);
  });
});
