/**
 * One error type for everything that can go wrong with a call, ready for a UI to show.
 *
 * - `refused`: the server understood and said no (a 4xx problem+json): show `detail`, and the
 *   field messages next to their fields.
 * - `unavailable`: the service is down for a moment (503, 502, 504): say so, offer a retry.
 * - `network`: the request never got an answer (offline, DNS, connection reset).
 * - `server`: a 500; quote `requestId` when asking for help.
 */
export type ApiErrorKind = "refused" | "unavailable" | "network" | "server";

export interface FieldMessage {
  /** The field's name as the form knows it: the last part of the server's `loc`. */
  field: string;
  /** The whole location, e.g. ["body", "location", "city"]. */
  path: (string | number)[];
  message: string;
}

interface ProblemBody {
  type?: unknown;
  title?: unknown;
  status?: unknown;
  detail?: unknown;
  request_id?: unknown;
  errors?: unknown;
  error?: unknown;
}

const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

const FALLBACK_TITLES: Record<ApiErrorKind, string> = {
  refused: "That didn't work",
  unavailable: "The service is taking a short break",
  network: "No connection",
  server: "Something went wrong on our side",
};

const FALLBACK_DETAILS: Record<ApiErrorKind, string> = {
  refused: "Please check what you entered and try again.",
  unavailable: "Strength Circles can't answer right now. Please try again in a minute.",
  network: "We couldn't reach Strength Circles. Check your connection and try again.",
  server: "It has been logged. Please try again, and quote the reference if it keeps happening.",
};

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  /** The HTTP status; 0 when no answer came back. */
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly fields: FieldMessage[];
  /** The server's id for this request: matches its logs. */
  readonly requestId: string | null;
  /** The problem's `type` URI, stable for programs to branch on. */
  readonly type: string | null;
  /** OAuth's `error` code on the token endpoint (`invalid_grant`, ...). */
  readonly oauthError: string | null;
  /** Seconds to wait before trying again, from `Retry-After`. */
  readonly retryAfter: number | null;

  constructor(init: {
    kind: ApiErrorKind;
    status: number;
    title?: string | null;
    detail?: string | null;
    fields?: FieldMessage[];
    requestId?: string | null;
    type?: string | null;
    oauthError?: string | null;
    retryAfter?: number | null;
  }) {
    const title = init.title || FALLBACK_TITLES[init.kind];
    super(init.detail || title);
    this.name = "ApiError";
    this.kind = init.kind;
    this.status = init.status;
    this.title = title;
    this.detail = init.detail || FALLBACK_DETAILS[init.kind];
    this.fields = init.fields ?? [];
    this.requestId = init.requestId ?? null;
    this.type = init.type ?? null;
    this.oauthError = init.oauthError ?? null;
    this.retryAfter = init.retryAfter ?? null;
  }

  /** The message for one form field, if the server gave one. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((item) => item.field === field)?.message;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

function kindOf(status: number): ApiErrorKind {
  if (UNAVAILABLE_STATUSES.has(status)) return "unavailable";
  if (status >= 500) return "server";
  return "refused";
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value : null;
}

function retryAfterSeconds(response: Response): number | null {
  const header = response.headers.get("Retry-After");
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000));
}

function fieldMessages(errors: unknown): FieldMessage[] {
  if (!Array.isArray(errors)) return [];
  const fields: FieldMessage[] = [];
  for (const issue of errors.slice(0, 100)) {
    if (typeof issue !== "object" || issue === null) continue;
    const { loc, msg } = issue as { loc?: unknown; msg?: unknown };
    const path = Array.isArray(loc)
      ? loc.filter((part): part is string | number => ["string", "number"].includes(typeof part))
      : [];
    // "body" and "query" say where the field was sent, not which field it is.
    const named = path.filter((part) => typeof part === "string" && !["body", "query", "path"].includes(part));
    const field = String(named[named.length - 1] ?? path[path.length - 1] ?? "");
    const message = text(msg);
    if (message) fields.push({ field, path, message });
  }
  return fields;
}

/** Reads a failed response into an ApiError, whatever its body (problem+json or not). */
export async function errorFromResponse(response: Response, body?: unknown): Promise<ApiError> {
  let problem: ProblemBody = {};
  if (body !== undefined && typeof body === "object" && body !== null) {
    problem = body as ProblemBody;
  } else {
    try {
      const parsed: unknown = JSON.parse(await response.clone().text());
      if (typeof parsed === "object" && parsed !== null) problem = parsed as ProblemBody;
    } catch {
      // Not JSON (a proxy's HTML page, an empty body): the status decides the words.
    }
  }
  const kind = kindOf(response.status);
  const fields = fieldMessages(problem.errors);
  let detail = text(problem.detail);
  if (!detail && fields.length === 1) detail = fields[0]?.message ?? null;
  return new ApiError({
    kind,
    status: response.status,
    title: text(problem.title),
    detail,
    fields,
    requestId: text(problem.request_id) ?? response.headers.get("X-Request-ID"),
    type: text(problem.type),
    oauthError: text(problem.error),
    retryAfter: retryAfterSeconds(response),
  });
}

export function networkError(cause: unknown): ApiError {
  const error = new ApiError({ kind: "network", status: 0 });
  (error as { cause?: unknown }).cause = cause;
  return error;
}
