import { afterEach, describe, expect, test } from "vitest";

import { isApiError, WEB_CLIENT_HEADER } from "../src/index";
import { form, problem, setup, token, type FakeServer } from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

const SECOND_STEP = "POST /api/v1/auth/token/second-factor";

function secondFactorRequired(challenge: string): Response {
  return problem(401, {
    type: "urn:strength-circles:problem:second-factor-required",
    title: "Second step needed",
    detail: "Enter the 6-digit code from your authenticator app.",
    challenge,
    expires_in: 300,
  });
}

describe("two-step sign-in", () => {
  test("a password that needs a second step answers with the challenge, not an error", async () => {
    const { server, client } = setup("cookie");
    current = server;
    server.on("POST /api/v1/auth/token", () => secondFactorRequired("challenge-1"));

    const result = await client.auth.signIn("ana@example.org", "correct horse battery");

    expect(result).toEqual({ status: "second-factor", challenge: "challenge-1", expiresIn: 300 });
    expect(client.auth.signedIn).toBe(false);
  });

  test("the second step sends the challenge and code as JSON with the web header, and signs in", async () => {
    const { server, client } = setup("cookie");
    current = server;
    server.on("POST /api/v1/auth/token", () => secondFactorRequired("challenge-1"));
    server.on(SECOND_STEP, () => token("access-1"));

    await client.auth.signIn("ana@example.org", "correct horse battery");
    await client.auth.finishSignIn("challenge-1", "123456");

    const [seen] = server.calls(SECOND_STEP);
    expect(seen?.headers.get(WEB_CLIENT_HEADER)).toBe("web");
    expect(seen?.headers.has("Idempotency-Key")).toBe(false);
    expect(JSON.parse(seen?.body ?? "{}")).toEqual({ challenge: "challenge-1", code: "123456" });
    expect(client.auth.signedIn).toBe(true);
  });

  test("a refused second step is an ApiError with the server's words, and no sign-in", async () => {
    const { server, client } = setup("body");
    current = server;
    server.on(SECOND_STEP, () =>
      problem(400, {
        type: "urn:strength-circles:problem:second-factor-failed",
        title: "Sign-in not finished",
        detail: "That code didn't work, or the email or password wasn't right.",
      }),
    );

    const error: unknown = await client.auth.finishSignIn("challenge-1", "000000").catch((caught: unknown) => caught);

    expect(isApiError(error) && error.type).toBe("urn:strength-circles:problem:second-factor-failed");
    expect(client.auth.signedIn).toBe(false);
  });

  test("an ordinary sign-in still says it signed in", async () => {
    const { server, client } = setup("body");
    current = server;
    server.on("POST /api/v1/auth/token", () => token("access-1", { refreshToken: "refresh-1" }));
    expect(await client.auth.signIn("ana@example.org", "correct horse battery")).toEqual({ status: "signed-in" });
    expect(form(server.calls("POST /api/v1/auth/token")[0])).toMatchObject({ grant_type: "password" });
  });
});
