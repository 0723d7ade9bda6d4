/**
 * The fetch every call goes through: the access token, one silent refresh at a time, and
 * bounded retries of calls that are safe to repeat.
 *
 * Tokens: the access token lives in this object's memory only. In the web app ("cookie" mode)
 * the refresh token is an HttpOnly cookie the server sets on the token endpoint's path, which
 * JavaScript can never read; other programs ("body" mode) keep it in memory here.
 */
import { ApiError, errorFromResponse, networkError } from "./errors";

export const API_PREFIX = "/api/v1";
const TOKEN_PATH = `${API_PREFIX}/auth/token`;
/** Marks the web app's calls to the token endpoint: the server then uses the cookie. A cross-site
 * form cannot send a header, which is half of the CSRF protection (SameSite=Strict is the other). */
export const WEB_CLIENT_HEADER = "X-Circles-Client";
/** Refresh this long before the access token expires, so a call never carries a stale one. */
const REFRESH_MARGIN_MS = 60_000;
const MAX_RETRIES = 2;
const MAX_RETRY_WAIT_MS = 8_000;
/** Calls the server may safely receive twice (RFC 9110), and POSTs that carry an Idempotency-Key. */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
/** The server takes Idempotency-Key on POSTs under /api/v1 except these (and previews, which
 * write nothing, and new invitations, whose answer holds a secret shown once). Accepting an
 * invitation, opening or answering a referral, and an unsubscribe link have the secret in their
 * path. */
const NO_IDEMPOTENCY_KEY = [
  `${API_PREFIX}/auth/`,
  `${API_PREFIX}/me/password`,
  `${API_PREFIX}/invitations/`,
  `${API_PREFIX}/referral-links/`,
  // An email's unsubscribe link: its path holds the person's token, which a kept key would store.
  `${API_PREFIX}/unsubscribe/`,
];
const NO_IDEMPOTENCY_KEY_SUFFIXES = ["/preview", "/invitations"];

export type RefreshMode = "cookie" | "body";

/** The token endpoint's answer to a password that needs a second step (two-step sign-in):
 * the same whether or not the password was right. */
export interface SecondFactorChallenge {
  challenge: string;
  /** Seconds the challenge lasts. */
  expiresIn: number;
}

const SECOND_FACTOR_REQUIRED = "urn:strength-circles:problem:second-factor-required";

async function challengeIn(response: Response): Promise<SecondFactorChallenge | null> {
  try {
    const body = (await response.clone().json()) as { type?: unknown; challenge?: unknown; expires_in?: unknown };
    if (body.type !== SECOND_FACTOR_REQUIRED || typeof body.challenge !== "string") return null;
    return { challenge: body.challenge, expiresIn: typeof body.expires_in === "number" ? body.expires_in : 300 };
  } catch {
    return null;
  }
}

export interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token?: string | null;
}

export interface TransportOptions {
  /** Absolute origin of the API, e.g. `location.origin`. */
  baseUrl: string;
  mode: RefreshMode;
  /** Looked up on every call, so tests can stub `globalThis.fetch`. */
  fetch?: () => typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  newKey?: () => string;
}

/** Why a sign-in ended: the person signed out (or closed the account), or the server ended it
 * (a refused refresh: expired, signed out elsewhere, password changed). */
export type SignOutReason = "signed-out" | "ended";

export type SessionListener = (signedIn: boolean, reason?: SignOutReason) => void;

export class Transport {
  private accessToken: string | null = null;
  private expiresAt = 0;
  private refreshToken: string | null = null;
  private refreshing: Promise<boolean> | null = null;
  private readonly listeners = new Set<SessionListener>();
  readonly baseUrl: string;
  readonly mode: RefreshMode;
  private readonly getFetch: () => typeof fetch;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly newKey: () => string;

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/$/, "");
    this.mode = options.mode;
    this.getFetch = options.fetch ?? (() => globalThis.fetch.bind(globalThis));
    this.now = options.now ?? (() => Date.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.newKey = options.newKey ?? (() => globalThis.crypto.randomUUID());
  }

  get signedIn(): boolean {
    return this.accessToken !== null;
  }

  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keeps the tokens of a successful token answer and tells listeners. */
  accept(answer: TokenAnswer): void {
    const wasSignedIn = this.signedIn;
    this.accessToken = answer.access_token;
    this.expiresAt = this.now() + answer.expires_in * 1000;
    if (this.mode === "body" && answer.refresh_token) this.refreshToken = answer.refresh_token;
    if (!wasSignedIn) this.notify(true);
  }

  /** Forgets the tokens (the cookie is the server's to clear) and tells listeners. */
  forget(reason: SignOutReason = "signed-out"): void {
    const wasSignedIn = this.signedIn;
    this.accessToken = null;
    this.expiresAt = 0;
    this.refreshToken = null;
    if (wasSignedIn) this.notify(false, reason);
  }

  private notify(signedIn: boolean, reason?: SignOutReason): void {
    for (const listener of [...this.listeners]) listener(signedIn, reason);
  }

  /** Posts a form to the token endpoint; the answer's tokens are kept. A password grant of an
   * account with two-step sign-in is answered with a challenge instead, which is returned. */
  async requestToken(form: Record<string, string>): Promise<SecondFactorChallenge | null> {
    const response = await this.send(
      new Request(this.baseUrl + TOKEN_PATH, {
        method: "POST",
        headers: this.tokenHeaders(),
        body: new URLSearchParams(form),
        credentials: "same-origin",
      }),
    );
    if (response.status === 401 && form.grant_type === "password") {
      const challenge = await challengeIn(response);
      if (challenge) return challenge;
    }
    if (!response.ok) throw await errorFromResponse(response);
    this.accept((await response.json()) as TokenAnswer);
    return null;
  }

  private tokenHeaders(): Headers {
    const headers = new Headers({
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "application/json",
    });
    if (this.mode === "cookie") headers.set(WEB_CLIENT_HEADER, "web");
    return headers;
  }

  /**
   * Gets a new access token with the refresh token. However many calls ask at once, one
   * request goes out and they all wait for it. A refusal signs out; a network failure does
   * not (the session may still be fine once the connection is back), and is thrown.
   */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.refreshOnce().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async refreshOnce(): Promise<boolean> {
    if (this.mode === "body" && !this.refreshToken) return false;
    const form: Record<string, string> = { grant_type: "refresh_token" };
    if (this.mode === "body" && this.refreshToken) form.refresh_token = this.refreshToken;
    try {
      await this.requestToken(form);
      return true;
    } catch (error) {
      if (error instanceof ApiError && (error.kind === "refused" || error.status === 401)) {
        this.forget("ended");
        return false;
      }
      throw error;
    }
  }

  private async send(request: Request): Promise<Response> {
    try {
      return await this.getFetch()(request);
    } catch (cause) {
      throw networkError(cause);
    }
  }

  private withToken(request: Request): Request {
    const headers = new Headers(request.headers);
    if (this.accessToken) headers.set("Authorization", `Bearer ${this.accessToken}`);
    return new Request(request, { headers });
  }

  private async freshToken(): Promise<void> {
    // A refresh under way (the page restoring its session as it loads, or another call's)
    // brings the token this call should carry: sent without it, a signed-in person would be
    // answered as a visitor (a circle's page without their membership) and it would stick.
    if (this.refreshing) {
      await this.refreshing.catch(() => false);
      return;
    }
    if (this.accessToken && this.now() >= this.expiresAt - REFRESH_MARGIN_MS) {
      await this.refresh();
    }
  }

  /**
   * The fetch handed to openapi-fetch. Adds the token (refreshing it first when it is about to
   * expire), refreshes once and repeats the call on a 401, and retries a call that is safe to
   * repeat when the network fails or the service is briefly unavailable.
   */
  readonly fetch = async (input: Request): Promise<Response> => {
    let request = input;
    const path = new URL(request.url).pathname;
    if (
      request.method === "POST" &&
      path.startsWith(API_PREFIX) &&
      !NO_IDEMPOTENCY_KEY.some((prefix) => path.startsWith(prefix)) &&
      !NO_IDEMPOTENCY_KEY_SUFFIXES.some((suffix) => path.endsWith(suffix)) &&
      !request.headers.has("Idempotency-Key")
    ) {
      // The same key on every attempt: a repeat the server already carried out is answered
      // from its record and creates nothing new.
      const headers = new Headers(request.headers);
      headers.set("Idempotency-Key", this.newKey());
      request = new Request(request, { headers });
    }
    const retryable = IDEMPOTENT_METHODS.has(request.method) || request.headers.has("Idempotency-Key");
    for (let attempt = 0; ; attempt += 1) {
      const copy = request.clone();
      try {
        const response = await this.attempt(copy);
        if (retryable && attempt < MAX_RETRIES && [502, 503, 504].includes(response.status)) {
          await this.sleep(this.retryWait(attempt, response.headers.get("Retry-After")));
          continue;
        }
        return response;
      } catch (error) {
        if (retryable && attempt < MAX_RETRIES && error instanceof ApiError && error.kind === "network") {
          await this.sleep(this.retryWait(attempt, null));
          continue;
        }
        throw error;
      }
    }
  };

  private retryWait(attempt: number, retryAfter: string | null): number {
    // Retry-After is seconds or an HTTP date (RFC 9110); a date is measured on this clock.
    const seconds = retryAfter !== null && retryAfter.trim() !== "" ? Number(retryAfter) : Number.NaN;
    const asked = Number.isFinite(seconds)
      ? seconds * 1000
      : retryAfter !== null
        ? Date.parse(retryAfter) - this.now()
        : Number.NaN;
    const backoff = 500 * 2 ** attempt;
    return Math.min(MAX_RETRY_WAIT_MS, Number.isFinite(asked) ? Math.max(asked, backoff) : backoff);
  }

  private async attempt(request: Request): Promise<Response> {
    const again = request.clone();
    await this.freshToken();
    const used = this.accessToken;
    const response = await this.send(this.withToken(request));
    if (response.status !== 401 || used === null) return response;
    // The token was refused (expired early, or every session was ended): one refresh, one repeat.
    // If another call is refreshing, wait for it; if it already has, repeat with its new token.
    // Either way no second refresh goes out for calls that failed together.
    const renewed = this.refreshing
      ? await this.refreshing
      : this.accessToken !== used || (await this.refresh());
    if (!renewed || this.accessToken === null) return response;
    return this.send(this.withToken(again));
  }
}
