/**
 * A fake Strength Circles API for the client's tests: a fetch function that routes by method and
 * path, answers with real Response objects and records every request it was given.
 */
import { createCirclesClient } from "../src/index";
import type { RefreshMode } from "../src/transport";

export const BASE_URL = "https://circles.test";

/** What the fake server saw of one request (the body read as text, so it can be asserted). */
export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  credentials: RequestCredentials;
  body: string;
  /** The bearer token sent, or null. */
  token: string | null;
}

/** Answers one request; throw a TypeError to play a network failure, as fetch does. */
export type Handler = (seen: Seen) => Response | Promise<Response>;

export class FakeServer {
  readonly seen: Seen[] = [];
  /** Requests no route matched (answered 404): a test's afterEach expects none. */
  readonly unrouted: string[] = [];
  private readonly routes = new Map<string, Handler[]>();

  /**
   * Answers `METHOD /path` with these handlers in turn; the last one keeps answering.
   * Replaces the route's earlier handlers.
   */
  on(route: string, ...handlers: Handler[]): this {
    if (handlers.length === 0) throw new Error("a route needs a handler");
    this.routes.set(route, handlers);
    return this;
  }

  /** The requests seen on one route, e.g. `server.calls("GET /api/v1/groups")`. */
  calls(route: string): Seen[] {
    return this.seen.filter((item) => `${item.method} ${item.path}` === route);
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const authorization = request.headers.get("Authorization");
    const seen: Seen = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: new Headers(request.headers),
      credentials: request.credentials,
      body: await request.text(),
      token: authorization?.startsWith("Bearer ") ? authorization.slice("Bearer ".length) : null,
    };
    this.seen.push(seen);
    const route = `${seen.method} ${seen.path}`;
    const handlers = this.routes.get(route);
    if (!handlers) {
      this.unrouted.push(route);
      return problem(404, { title: "Not found (no such route in the fake server)" });
    }
    const handler = handlers.length > 1 ? handlers.shift() : handlers[0];
    if (!handler) throw new Error("unreachable");
    return handler(seen);
  };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export function problem(
  status: number,
  fields: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return new Response(
    JSON.stringify({ type: "about:blank", title: "Problem", status, detail: null, instance: "/", ...fields }),
    { status, headers: { "Content-Type": "application/problem+json", ...headers } },
  );
}

/** A token endpoint answer. */
export function token(accessToken: string, options: { expiresIn?: number; refreshToken?: string } = {}): Response {
  return json({
    access_token: accessToken,
    token_type: "bearer",
    expires_in: options.expiresIn ?? 900,
    ...(options.refreshToken !== undefined ? { refresh_token: options.refreshToken } : {}),
  });
}

/** The token endpoint's answer to a spent, unknown or missing refresh token. */
export function invalidGrant(): Response {
  return problem(400, {
    title: "Invalid grant",
    detail: "The sign-in has ended; please sign in again.",
    error: "invalid_grant",
    error_description: "The refresh token is not valid.",
  });
}

/** 401 for a bearer token the server no longer accepts. */
export function unauthorized(): Response {
  return problem(401, { title: "Not signed in", detail: "Please sign in again." }, { "WWW-Authenticate": "Bearer" });
}

export function networkFailure(): never {
  throw new TypeError("fetch failed");
}

/** A promise the test settles when it likes, to hold a response back. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Lets every pending promise callback run (the fake server answers within microtasks). */
export async function settle(rounds = 20): Promise<void> {
  for (let round = 0; round < rounds; round += 1) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** A client against a fresh fake server, with a clock the test moves and a sleep that only records. */
export function setup(mode: RefreshMode = "body") {
  const server = new FakeServer();
  const clock = { time: Date.UTC(2026, 2, 2, 18, 0, 0) };
  const waits: number[] = [];
  const client = createCirclesClient({
    baseUrl: BASE_URL,
    mode,
    fetch: () => server.fetch,
    now: () => clock.time,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { server, client, clock, waits };
}

/** Signs the client in as the demo member: access token `access-1`, refresh token `refresh-1`. */
export async function signIn(
  server: FakeServer,
  client: ReturnType<typeof createCirclesClient>,
  expiresIn = 900,
): Promise<void> {
  server.on("POST /api/v1/auth/token", () => token("access-1", { expiresIn, refreshToken: "refresh-1" }));
  await client.auth.signIn("ana@example.org", "correct horse battery");
  server.seen.length = 0;
}

export function form(seen: Seen | undefined): Record<string, string> {
  if (!seen) throw new Error("no such request");
  return Object.fromEntries(new URLSearchParams(seen.body));
}

export const GROUP_PAGE = {
  items: [
    {
      id: "6f1c2d4e-0000-4000-8000-000000000001",
      slug: "grief-circle",
      name: "Grief circle",
      description: "Meeting others after a loss.",
      topics: ["grief"],
      format: "online",
      language: "en",
      city: null,
      region: null,
      country: null,
      visibility: "listed",
      join_policy: "open",
      status: "active",
      capacity: 12,
      seats_left: 4,
    },
  ],
  next_cursor: null,
};
