import { afterEach, describe, expect, test } from "vitest";

import { ApiError, isApiError } from "../src/index";
import { networkFailure, problem, setup, signIn, type FakeServer } from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

async function failure(call: Promise<unknown>): Promise<ApiError> {
  const caught = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isApiError(caught)) throw new Error(`expected an ApiError, got ${String(caught)}`);
  return caught;
}

const SESSION = "3b1f0a9e-0000-4000-8000-000000000007";
const GROUP = "6f1c2d4e-0000-4000-8000-000000000001";

describe("error mapping", () => {
  test("422 with field errors: refused, one message per field named by the last named part of loc", async () => {
    const { server, client } = setup();
    current = server;
    server.on("POST /api/v1/auth/register", () =>
      problem(422, {
        title: "Invalid request",
        detail: "Some fields need another look.",
        request_id: "req-422",
        errors: [
          { loc: ["body", "email"], msg: "Not a valid email address.", type: "value_error" },
          { loc: ["body", "display_name"], msg: "2 to 40 characters.", type: "string_too_short" },
          { loc: ["body", "location", "city", 0], msg: "Unknown city.", type: "value_error" },
          { loc: ["query", "limit"], msg: "At most 100.", type: "less_than_equal" },
        ],
      }),
    );

    const error = await failure(
      client.auth.register({ email: "ana@", password: "long enough", display_name: "A" }),
    );

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      kind: "refused",
      status: 422,
      title: "Invalid request",
      detail: "Some fields need another look.",
      requestId: "req-422",
      type: "about:blank",
    });
    expect(error.fields).toEqual([
      { field: "email", path: ["body", "email"], message: "Not a valid email address." },
      { field: "display_name", path: ["body", "display_name"], message: "2 to 40 characters." },
      { field: "city", path: ["body", "location", "city", 0], message: "Unknown city." },
      { field: "limit", path: ["query", "limit"], message: "At most 100." },
    ]);
    expect(error.fieldMessage("email")).toBe("Not a valid email address.");
    expect(error.fieldMessage("password")).toBeUndefined();
    expect(error.message).toBe("Some fields need another look.");
  });

  test("a 422 with one field error and no detail uses the field's message as the detail", async () => {
    const { server, client } = setup();
    current = server;
    server.on("POST /api/v1/auth/password-reset", () =>
      problem(422, { title: "Invalid request", errors: [{ loc: ["body", "email"], msg: "Required.", type: "missing" }] }),
    );

    const error = await failure(client.auth.requestPasswordReset(""));

    expect(error.detail).toBe("Required.");
    expect(error.fieldMessage("email")).toBe("Required.");
  });

  test("409: the server's detail is what the person reads", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on(`POST /api/v1/groups/${GROUP}/members`, () =>
      problem(409, { title: "Already a member", detail: "You are already in this group." }),
    );

    const error = await failure(client.groups.join(GROUP));

    expect(error).toMatchObject({ kind: "refused", status: 409, title: "Already a member" });
    expect(error.detail).toBe("You are already in this group.");
    expect(error.fields).toEqual([]);
    expect(server.calls(`POST /api/v1/groups/${GROUP}/members`)).toHaveLength(1);
  });

  test("429 with Retry-After: refused, retryAfter in seconds, OAuth error code kept", async () => {
    const { server, client } = setup();
    current = server;
    server.on("POST /api/v1/auth/token", () =>
      problem(
        429,
        { title: "Too many attempts", detail: "Please wait before trying again.", error: "slow_down" },
        { "Retry-After": "120" },
      ),
    );

    const error = await failure(client.auth.signIn("ana@example.org", "guess"));

    expect(error).toMatchObject({ kind: "refused", status: 429, retryAfter: 120, oauthError: "slow_down" });
  });

  test("429 on a call through the API (a check-in code) is not retried and carries retryAfter", async () => {
    const { server, client, waits } = setup();
    current = server;
    await signIn(server, client);
    server.on(`POST /api/v1/sessions/${SESSION}/check-in`, () =>
      problem(429, { title: "Too many wrong codes" }, { "Retry-After": "900" }),
    );

    const error = await failure(client.sessions.checkIn(SESSION, "000000"));

    expect(error).toMatchObject({ kind: "refused", status: 429, retryAfter: 900 });
    expect(server.calls(`POST /api/v1/sessions/${SESSION}/check-in`)).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  test("503: unavailable, with the server's words when it gave some", async () => {
    const { server, client } = setup();
    current = server;
    server.on("GET /api/v1/topics", () =>
      problem(503, { title: "Down for maintenance", detail: "Back at 19:00." }, { "Retry-After": "1" }),
    );

    const error = await failure(client.groups.topics());

    expect(error).toMatchObject({
      kind: "unavailable",
      status: 503,
      title: "Down for maintenance",
      detail: "Back at 19:00.",
      retryAfter: 1,
    });
  });

  test("500: server, with the request id from the body", async () => {
    const { server, client } = setup();
    current = server;
    server.on("GET /api/v1/topics", () =>
      problem(500, { title: "Internal error", request_id: "req-body" }, { "X-Request-ID": "req-header" }),
    );

    const error = await failure(client.groups.topics());

    expect(error).toMatchObject({ kind: "server", status: 500, requestId: "req-body" });
    expect(server.calls("GET /api/v1/topics")).toHaveLength(1); // a 500 is not retried
  });

  test("500 whose body has no request id: the X-Request-ID header's", async () => {
    const { server, client } = setup();
    current = server;
    server.on("GET /api/v1/topics", () => new Response("", { status: 500, headers: { "X-Request-ID": "req-header" } }));

    const error = await failure(client.groups.topics());

    expect(error).toMatchObject({
      kind: "server",
      status: 500,
      requestId: "req-header",
      title: "Something went wrong on our side",
    });
  });

  test("a proxy's HTML 502: unavailable, in words chosen by the kind", async () => {
    const { server, client } = setup();
    current = server;
    server.on(
      "GET /api/v1/topics",
      () => new Response("<html><body><h1>502 Bad Gateway</h1></body></html>", {
        status: 502,
        headers: { "Content-Type": "text/html", "X-Request-ID": "req-proxy" },
      }),
    );

    const error = await failure(client.groups.topics());

    expect(error).toMatchObject({
      kind: "unavailable",
      status: 502,
      title: "The service is taking a short break",
      detail: "Strength Circles can't answer right now. Please try again in a minute.",
      requestId: "req-proxy",
      fields: [],
    });
    expect(error.message).not.toContain("<html>");
  });

  test("the same HTML 502 from a file download is read the same way", async () => {
    const { server, client } = setup();
    current = server;
    server.on(`GET /api/v1/groups/${GROUP}/calendar.ics`, () => new Response("<html>bad gateway</html>", { status: 502 }));

    const error = await failure(client.groups.calendar(GROUP));

    expect(error).toMatchObject({ kind: "unavailable", status: 502, title: "The service is taking a short break" });
  });

  test("fetch throwing a TypeError: network, status 0, the cause kept", async () => {
    const { server, client } = setup();
    current = server;
    server.on("GET /api/v1/topics", networkFailure);

    const error = await failure(client.groups.topics());

    expect(error).toMatchObject({ kind: "network", status: 0, title: "No connection", requestId: null });
    expect((error as { cause?: unknown }).cause).toBeInstanceOf(TypeError);
  });
});
