import { afterEach, describe, expect, test } from "vitest";

import { WEB_CLIENT_HEADER } from "../src/index";
import {
  deferred,
  form,
  GROUP_PAGE,
  invalidGrant,
  json,
  networkFailure,
  settle,
  setup,
  token,
  unauthorized,
  type FakeServer,
} from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

describe("cookie mode (the web app)", () => {
  test("sign-in is a form post with the web client header, sent with same-origin credentials", async () => {
    const { server, client } = setup("cookie");
    current = server;
    server.on("POST /api/v1/auth/token", () => token("access-1"));

    await client.auth.signIn("ana@example.org", "correct horse battery");

    const [seen] = server.calls("POST /api/v1/auth/token");
    expect(seen?.headers.get(WEB_CLIENT_HEADER)).toBe("web");
    expect(WEB_CLIENT_HEADER).toBe("X-Circles-Client");
    expect(seen?.credentials).toBe("same-origin");
    expect(seen?.headers.get("Content-Type")).toBe("application/x-www-form-urlencoded");
    expect(seen?.headers.has("Authorization")).toBe(false);
    expect(form(seen)).toEqual({
      grant_type: "password",
      username: "ana@example.org",
      password: "correct horse battery",
    });
    expect(client.auth.signedIn).toBe(true);
  });

  test("refresh sends no refresh_token field (the cookie carries it) and keeps none from the body", async () => {
    const { server, client } = setup("cookie");
    current = server;
    // A server that (wrongly) also puts the refresh token in the body must not have it kept.
    server.on("POST /api/v1/auth/token", () => token("access-1", { refreshToken: "leaked-1" }));
    await client.auth.signIn("ana@example.org", "correct horse battery");
    server.on("POST /api/v1/auth/token", () => token("access-2", { refreshToken: "leaked-2" }));
    server.on("GET /api/v1/groups", (seen) => (seen.token === "access-2" ? json(GROUP_PAGE) : unauthorized()));

    await client.groups.list();
    await client.transport.refresh();

    const refreshes = server.calls("POST /api/v1/auth/token").slice(1);
    expect(refreshes).toHaveLength(2);
    for (const seen of refreshes) {
      expect(form(seen)).toEqual({ grant_type: "refresh_token" });
      expect(seen.headers.get(WEB_CLIENT_HEADER)).toBe("web");
      expect(seen.credentials).toBe("same-origin");
      expect(seen.headers.get("Content-Type")).toBe("application/x-www-form-urlencoded");
    }
    expect(JSON.stringify(client.transport)).not.toContain("leaked");
  });

  test("restore() is true when the cookie still works, and signs in", async () => {
    const { server, client } = setup("cookie");
    current = server;
    const told: boolean[] = [];
    client.auth.subscribe((signedIn) => told.push(signedIn));
    server.on("POST /api/v1/auth/token", () => token("access-1"));
    server.on("GET /api/v1/me", (seen) => json({ token: seen.token }));

    await expect(client.auth.restore()).resolves.toBe(true);

    expect(form(server.calls("POST /api/v1/auth/token")[0])).toEqual({ grant_type: "refresh_token" });
    expect(client.auth.signedIn).toBe(true);
    expect(told).toEqual([true]);
    await expect(client.me.read()).resolves.toEqual({ token: "access-1" });
  });

  test("a call made while the session is being restored waits for it and carries the token", async () => {
    const { server, client } = setup("cookie");
    current = server;
    const slow = deferred();
    server.on("POST /api/v1/auth/token", async () => {
      await slow.promise;
      return token("access-1");
    });
    server.on("GET /api/v1/groups", (seen) => json({ items: [], next_cursor: null, token: seen.token }));

    // The page loads: it restores the session and asks for a public page at the same moment.
    const restored = client.auth.restore();
    const page = client.groups.list();
    await settle();
    expect(server.calls("GET /api/v1/groups")).toHaveLength(0); // held until the restore is over
    slow.resolve();

    await expect(restored).resolves.toBe(true);
    await expect(page).resolves.toMatchObject({ token: "access-1" });
  });

  test("a call made while a restore fails goes out as a visitor's", async () => {
    const { server, client } = setup("cookie");
    current = server;
    server.on("POST /api/v1/auth/token", invalidGrant);
    server.on("GET /api/v1/groups", (seen) => json({ items: [], next_cursor: null, token: seen.token }));

    const restored = client.auth.restore();
    await expect(client.groups.list()).resolves.toMatchObject({ token: null });
    await expect(restored).resolves.toBe(false);
  });

  test("restore() asked twice at once (two components mounting) sends one request", async () => {
    const { server, client } = setup("cookie");
    current = server;
    server.on("POST /api/v1/auth/token", () => token("access-1"));

    await expect(Promise.all([client.auth.restore(), client.auth.restore()])).resolves.toEqual([true, true]);
    expect(server.calls("POST /api/v1/auth/token")).toHaveLength(1);
  });

  test("restore() is false when the cookie is refused, and false (not thrown) when offline", async () => {
    const { server, client } = setup("cookie");
    current = server;
    const told: boolean[] = [];
    client.auth.subscribe((signedIn) => told.push(signedIn));
    server.on("POST /api/v1/auth/token", invalidGrant, networkFailure);

    await expect(client.auth.restore()).resolves.toBe(false);
    await expect(client.auth.restore()).resolves.toBe(false);

    expect(server.calls("POST /api/v1/auth/token")).toHaveLength(2);
    expect(client.auth.signedIn).toBe(false);
    expect(told).toEqual([]);
  });
});

describe("body mode (scripts and integrations)", () => {
  test("token requests carry no web client header, and the refresh token is sent and rotated", async () => {
    const { server, client } = setup("body");
    current = server;
    server.on(
      "POST /api/v1/auth/token",
      () => token("access-1", { refreshToken: "refresh-1" }),
      () => token("access-2", { refreshToken: "refresh-2" }),
      () => token("access-3", { refreshToken: "refresh-3" }),
    );
    server.on("GET /api/v1/me", (seen) => json({ token: seen.token }));

    await client.auth.signIn("bot@example.org", "a long secret");
    await client.transport.refresh();
    await client.transport.refresh();

    const calls = server.calls("POST /api/v1/auth/token");
    expect(calls.map((seen) => seen.headers.has(WEB_CLIENT_HEADER))).toEqual([false, false, false]);
    expect(calls.map((seen) => form(seen).refresh_token)).toEqual([undefined, "refresh-1", "refresh-2"]);
    expect(calls.slice(1).map((seen) => form(seen).grant_type)).toEqual(["refresh_token", "refresh_token"]);
    await expect(client.me.read()).resolves.toEqual({ token: "access-3" });
  });

  test("an answer without a new refresh token keeps the one it had", async () => {
    const { server, client } = setup("body");
    current = server;
    server.on(
      "POST /api/v1/auth/token",
      () => token("access-1", { refreshToken: "refresh-1" }),
      () => token("access-2"),
      () => token("access-3"),
    );

    await client.auth.signIn("bot@example.org", "a long secret");
    await client.transport.refresh();
    await client.transport.refresh();

    const sent = server.calls("POST /api/v1/auth/token").map((seen) => form(seen).refresh_token);
    expect(sent).toEqual([undefined, "refresh-1", "refresh-1"]);
  });

  test("restore() without a refresh token is false and asks nobody", async () => {
    const { server, client } = setup("body");
    current = server;

    await expect(client.auth.restore()).resolves.toBe(false);
    expect(server.seen).toEqual([]);
  });
});
