/**
 * The Strength Circles API client. Only this package knows the API's URLs: the app calls
 * named functions (`circles.groups.list(...)`) whose types come from `openapi/openapi.json`.
 */
import createClient from "openapi-fetch";

import { errorFromResponse } from "./errors";
import type { components, paths } from "./schema";
import { API_PREFIX, type RefreshMode, type SecondFactorChallenge, Transport, WEB_CLIENT_HEADER } from "./transport";

export { ApiError, type ApiErrorKind, type FieldMessage, isApiError } from "./errors";
export type * from "./schema";
export {
  API_PREFIX,
  type RefreshMode,
  type SecondFactorChallenge,
  type SessionListener,
  type SignOutReason,
  WEB_CLIENT_HEADER,
} from "./transport";

/** How a sign-in's first step went: signed in, or a second step (a code) is needed. */
export type SignInResult = { status: "signed-in" } | ({ status: "second-factor" } & SecondFactorChallenge);

type Schemas = components["schemas"];
/** The query parameters of a GET path. */
type Query<Path extends keyof paths> = paths[Path]["get"] extends { parameters: { query?: infer Q } }
  ? NonNullable<Q>
  : never;
/** The audit trail's filters, as the CSV download takes them (no page or cursor). */
type AuditFilters = Omit<Query<"/api/v1/audit-events">, "limit" | "cursor">;

/** Set by the web app's service worker on answers it gives from its offline copy. */
export const SAVED_AT_HEADER = "X-Circles-Saved-At";

export interface ClientOptions {
  /** The API's origin, e.g. `location.origin`. Absolute, so it also works under test runners. */
  baseUrl: string;
  /** "cookie" for the web app (the refresh token stays in an HttpOnly cookie), "body" else. */
  mode?: RefreshMode;
  fetch?: () => typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Turns openapi-fetch's answer into its data, or throws one ApiError. */
async function ok<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw await errorFromResponse(response, error);
  return data as T;
}

async function done(call: Promise<Answer<unknown>>): Promise<void> {
  await ok(call);
}

/** Pages a whole list is read in, and the most pages followed (a bound, not a guess: 1,000 items). */
export const PAGE_SIZE = 100;
export const MAX_PAGES = 10;

interface PageOf<Item> {
  items: Item[];
  next_cursor?: string | null;
}

/**
 * Every item of a keyset-paginated list, following `next_cursor` page by page (at most
 * MAX_PAGES). For the caller's own lists, which a screen shows whole.
 */
async function allPages<Item>(page: (cursor?: string) => Promise<PageOf<Item>>): Promise<{ items: Item[]; next_cursor: null }> {
  const items: Item[] = [];
  let cursor: string | undefined;
  for (let read = 0; read < MAX_PAGES; read += 1) {
    const answer = await page(cursor);
    items.push(...answer.items);
    if (!answer.next_cursor) break;
    cursor = answer.next_cursor;
  }
  return { items, next_cursor: null };
}

/** The query of one page of a whole list. */
const pageQuery = (cursor?: string) => ({ limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });

export function createCirclesClient(options: ClientOptions) {
  const transport = new Transport({
    baseUrl: options.baseUrl,
    mode: options.mode ?? "body",
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const api = createClient<paths>({ baseUrl: transport.baseUrl, fetch: transport.fetch });

  /** A file the API answers (a calendar, an export), fetched with the caller's token. */
  async function file(path: string, accept: string): Promise<Blob> {
    const response = await transport.fetch(
      new Request(transport.baseUrl + API_PREFIX + path, { headers: { Accept: accept } }),
    );
    if (!response.ok) throw await errorFromResponse(response);
    return response.blob();
  }

  const auth = {
    get signedIn(): boolean {
      return transport.signedIn;
    },
    subscribe: transport.subscribe.bind(transport),
    /** Signs in with the password grant (username is the email). Someone else's sign-in on
     * this device is ended first, so nothing of theirs shows for the new person. An account
     * with two-step sign-in answers with a challenge (whether or not the password was right):
     * finish with `finishSignIn(challenge, code)`. */
    async signIn(email: string, password: string): Promise<SignInResult> {
      if (transport.signedIn) {
        await auth.signOut().catch(() => undefined);
        transport.forget();
      }
      const challenge = await transport.requestToken({ grant_type: "password", username: email, password });
      return challenge ? { status: "second-factor", ...challenge } : { status: "signed-in" };
    },
    /** The second step: the challenge of `signIn` and a code from the authenticator app, or a
     * recovery code. */
    async finishSignIn(challenge: string, code: string): Promise<void> {
      const header = transport.mode === "cookie" ? { [WEB_CLIENT_HEADER]: "web" as const } : {};
      const tokens = await ok(
        api.POST("/api/v1/auth/token/second-factor", { body: { challenge, code }, params: { header } }),
      );
      transport.accept(tokens);
    },
    /** Picks up a sign-in that outlived the page (the web app's cookie); false if there is none. */
    restore: () => transport.refresh().catch(() => false),
    /** Ends this sign-in, or every sign-in of the account. Only once the server has ended
     * it (or says it was over already) are the tokens forgotten: a sign-out lost to a bad
     * connection throws and leaves the person signed in, so they can try again, rather than
     * looking signed out while the session, and its cookie, go on working. */
    async signOut(everywhere = false): Promise<void> {
      if (!transport.signedIn) return;
      const { response, error } = await api.POST("/api/v1/auth/logout", { body: { everywhere } });
      if (!response.ok && response.status !== 401) throw await errorFromResponse(response, error);
      transport.forget();
    },
    register: (body: Schemas["UserRegister"]) => ok(api.POST("/api/v1/auth/register", { body })),
    /** Confirms the address of a new account with the emailed token and the chosen password. */
    confirmEmail: (body: Schemas["EmailConfirm"]) => done(api.POST("/api/v1/auth/confirm-email", { body })),
    requestPasswordReset: (email: string) =>
      ok(api.POST("/api/v1/auth/password-reset", { body: { email } })),
    confirmPasswordReset: (body: Schemas["PasswordResetConfirm"]) =>
      done(api.POST("/api/v1/auth/password-reset/confirm", { body })),
  };

  const me = {
    read: () => ok(api.GET("/api/v1/me")),
    update: (body: Schemas["MeUpdate"]) => ok(api.PATCH("/api/v1/me", { body })),
    async changePassword(body: Schemas["PasswordChange"]): Promise<void> {
      // In the web app the new refresh token comes back as the cookie, never in the body.
      const header = transport.mode === "cookie" ? { [WEB_CLIENT_HEADER]: "web" as const } : {};
      const tokens = await ok(api.POST("/api/v1/me/password", { body, params: { header } }));
      transport.accept(tokens);
    },
    /** Everything the service holds about the caller, as a JSON file. */
    export: () => file("/me/export", "application/json"),
    async close(password: string): Promise<void> {
      await done(api.DELETE("/api/v1/me", { body: { password } }));
      transport.forget();
    },
    groups: () => allPages((cursor) => ok(api.GET("/api/v1/me/groups", { params: { query: pageQuery(cursor) } }))),
    sessions: (query: Query<"/api/v1/me/sessions"> = {}) =>
      ok(api.GET("/api/v1/me/sessions", { params: { query } })),
    attendance: (query: Query<"/api/v1/me/attendance"> = {}) =>
      ok(api.GET("/api/v1/me/attendance", { params: { query } })),
    calendarUrl: () => ok(api.GET("/api/v1/me/calendar-url")),
    turnOffCalendar: () => done(api.DELETE("/api/v1/me/calendar-url")),
    bookmarks: () =>
      allPages((cursor) => ok(api.GET("/api/v1/me/bookmarks", { params: { query: pageQuery(cursor) } }))),
    bookmark: (resourceId: string) =>
      ok(api.PUT("/api/v1/me/bookmarks/{resource_id}", { params: { path: { resource_id: resourceId } } })),
    unbookmark: (resourceId: string) =>
      done(api.DELETE("/api/v1/me/bookmarks/{resource_id}", { params: { path: { resource_id: resourceId } } })),
    stories: () => allPages((cursor) => ok(api.GET("/api/v1/me/stories", { params: { query: pageQuery(cursor) } }))),
    /** What the caller agreed to share with whoever referred them, current and withdrawn. */
    consents: () =>
      allPages((cursor) => ok(api.GET("/api/v1/me/consents", { params: { query: pageQuery(cursor) } }))),
    /** Stops sharing one part for good ("whether you joined" stops attendance too). Safe to repeat. */
    withdrawConsent: (consentId: string) =>
      ok(api.POST("/api/v1/me/consents/{consent_id}/withdraw", { params: { path: { consent_id: consentId } } })),
    /** Two-step sign-in (an authenticator app's codes, and recovery codes). */
    twoFactor: {
      /** The secret for the app (QR code and text); on once `confirm` gets its first code. */
      start: (password: string) => ok(api.POST("/api/v1/me/two-factor", { body: { password } })),
      /** Turns it on; the recovery codes come back this once. */
      confirm: (code: string) => ok(api.POST("/api/v1/me/two-factor/confirm", { body: { code } })),
      renewRecoveryCodes: (body: Schemas["TwoFactorCheck"]) =>
        ok(api.POST("/api/v1/me/two-factor/recovery-codes", { body })),
      turnOff: (body: Schemas["TwoFactorCheck"]) => done(api.DELETE("/api/v1/me/two-factor", { body })),
    },
  };

  const groups = {
    topics: () => ok(api.GET("/api/v1/topics")),
    list: (query: Query<"/api/v1/groups"> = {}) => ok(api.GET("/api/v1/groups", { params: { query } })),
    /** A group by the readable name in its address. */
    bySlug: (slug: string) => ok(api.GET("/api/v1/groups/by-slug/{slug}", { params: { path: { slug } } })),
    read: (groupId: string) => ok(api.GET("/api/v1/groups/{group_id}", { params: { path: { group_id: groupId } } })),
    /** Starts a circle (facilitators and admins); the caller becomes its facilitator. */
    create: (body: Schemas["GroupCreate"]) => ok(api.POST("/api/v1/groups", { body })),
    /** Changes only the fields sent (its facilitators and admins). New guidelines start a new
     * `guidelines_version`. */
    update: (groupId: string, body: Schemas["GroupUpdate"]) =>
      ok(api.PATCH("/api/v1/groups/{group_id}", { params: { path: { group_id: groupId } }, body })),
    /** Archives a circle: it leaves the directory, its series end and its upcoming meetings are
     * cancelled; its history stays. Safe to repeat. */
    archive: (groupId: string) =>
      ok(api.POST("/api/v1/groups/{group_id}/archive", { params: { path: { group_id: groupId } } })),
    join: (groupId: string) =>
      ok(
        api.POST("/api/v1/groups/{group_id}/members", {
          params: { path: { group_id: groupId } },
          body: { accept_guidelines: true },
        }),
      ),
    leave: (groupId: string, userId: string) =>
      done(
        api.DELETE("/api/v1/groups/{group_id}/members/{user_id}", {
          params: { path: { group_id: groupId, user_id: userId } },
        }),
      ),
    sessions: (groupId: string, query: Query<"/api/v1/groups/{group_id}/sessions">) =>
      ok(api.GET("/api/v1/groups/{group_id}/sessions", { params: { path: { group_id: groupId }, query } })),
    schedules: (groupId: string) =>
      allPages((cursor) =>
        ok(
          api.GET("/api/v1/groups/{group_id}/schedules", {
            params: { path: { group_id: groupId }, query: pageQuery(cursor) },
          }),
        ),
      ),
    /** Attendance per meeting and per member over [from, to) (its facilitators and admins). */
    attendanceReport: (groupId: string, query: Query<"/api/v1/groups/{group_id}/attendance-report">) =>
      // JSON (the route also answers CSV to Accept: text/csv, which the types cannot tell apart).
      ok(
        api.GET("/api/v1/groups/{group_id}/attendance-report", { params: { path: { group_id: groupId }, query } }),
      ) as Promise<Schemas["AttendanceReport"]>,
    /** The same report as a spreadsheet (CSV). */
    attendanceReportCsv: (groupId: string, from: string, to: string) =>
      file(
        `/groups/${encodeURIComponent(groupId)}/attendance-report?${new URLSearchParams({ from, to }).toString()}`,
        "text/csv",
      ),
    /** The group's meeting times as an iCalendar file. */
    calendar: (groupId: string) => file(`/groups/${encodeURIComponent(groupId)}/calendar.ics`, "text/calendar"),
    /** Who is in the group, by pseudonym (its members and admins). */
    members: (groupId: string) =>
      allPages((cursor) =>
        ok(
          api.GET("/api/v1/groups/{group_id}/members", {
            params: { path: { group_id: groupId }, query: pageQuery(cursor) },
          }),
        ),
      ),
    /** Makes an invitation link (its facilitators and admins). The answer holds the link this
     * once: it is never shown again. Sent without an Idempotency-Key, so it is not retried. */
    invite: (groupId: string, body: Schemas["InvitationCreate"] = {}) =>
      ok(api.POST("/api/v1/groups/{group_id}/invitations", { params: { path: { group_id: groupId } }, body })),
    /** The circle's invitations, live and past, newest first (never their links). */
    invitations: (groupId: string) =>
      allPages((cursor) =>
        ok(
          api.GET("/api/v1/groups/{group_id}/invitations", {
            params: { path: { group_id: groupId }, query: pageQuery(cursor) },
          }),
        ),
      ),
    /** Revokes an invitation: its link stops working. Safe to repeat. */
    revokeInvitation: (invitationId: string) =>
      done(api.DELETE("/api/v1/invitations/{invitation_id}", { params: { path: { invitation_id: invitationId } } })),
  };

  /** Invitation links, as the person who was sent one opens them. */
  const invitations = {
    /** What the invitation leads to (anyone with the link). 404 unknown or revoked, 410
     * expired, used up or the circle closed. */
    read: (token: string) => ok(api.GET("/api/v1/invitations/{token}", { params: { path: { token } } })),
    /** Joins the circle as an active member, accepting its guidelines. */
    accept: (token: string) =>
      ok(
        api.POST("/api/v1/invitations/{token}/accept", {
          params: { path: { token } },
          body: { accept_guidelines: true },
        }),
      ),
  };

  /** Referral links, as the person who was referred opens and answers them. */
  const referrals = {
    /** The circle, who referred, and each thing asked, in the words one would agree to (anyone
     * with the link; the referrer sees it was opened). 404 unknown, 410 expired or answered. */
    open: (token: string) => ok(api.POST("/api/v1/referral-links/{token}/open", { params: { path: { token } } })),
    /** Joins the circle, accepting its guidelines, and shares exactly the parts in `share`. */
    accept: (token: string, body: { consent_version: string; share: Schemas["ConsentPart"][] }) =>
      ok(
        api.POST("/api/v1/referral-links/{token}/accept", {
          params: { path: { token } },
          body: { accept_guidelines: true, ...body },
        }),
      ),
    /** No thanks (no account needed); the referrer learns it only with `share_outcome`. */
    decline: (token: string, body: Schemas["ReferralDecline"]) =>
      ok(api.POST("/api/v1/referral-links/{token}/decline", { params: { path: { token } }, body })),
    /** Refers someone to a circle by email (staff; integrators with `referrals:write`). */
    create: (body: Schemas["ReferralCreate"]) => ok(api.POST("/api/v1/referrals", { body })),
    /** Referrals to a circle with the referrers' notes (its facilitators and admins). */
    ofCircle: (groupId: string) =>
      allPages((cursor) =>
        ok(
          api.GET("/api/v1/groups/{group_id}/referrals", {
            params: { path: { group_id: groupId }, query: pageQuery(cursor) },
          }),
        ),
      ),
  };

  const membership = {
    /** Approves a request to join, re-admits someone removed, or changes a member's group role
     * (the circle's facilitators). */
    update: (groupId: string, userId: string, body: Schemas["MembershipUpdate"]) =>
      ok(
        api.PATCH("/api/v1/groups/{group_id}/members/{user_id}", {
          params: { path: { group_id: groupId, user_id: userId } },
          body,
        }),
      ),
  };

  const admin = {
    /** One page of accounts, searched by email or pseudonym (admins; each search is audited). */
    people: (query: Query<"/api/v1/users"> = {}) => ok(api.GET("/api/v1/users", { params: { query } })),
    /** Changes a role or (de)activates an account: every sign-in of the person ends. */
    updatePerson: (userId: string, body: Schemas["UserAdminUpdate"]) =>
      ok(api.PATCH("/api/v1/users/{user_id}", { params: { path: { user_id: userId } }, body })),
    serviceClients: () =>
      allPages((cursor) => ok(api.GET("/api/v1/service-clients", { params: { query: pageQuery(cursor) } }))),
    /** A new integrator client; its secret is in this answer only. */
    createServiceClient: (body: Schemas["ServiceClientCreate"]) => ok(api.POST("/api/v1/service-clients", { body })),
    /** Offers to mentor in a state, oldest first (`pending` is the review queue). */
    mentors: (status: Schemas["MentorStatus"]) =>
      allPages((cursor) =>
        ok(api.GET("/api/v1/mentoring/mentors", { params: { query: { status, ...pageQuery(cursor) } } })),
      ),
    /** Approves or rejects an offer to mentor; the member is told. */
    decideMentor: (userId: string, body: Schemas["ApprovalDecision"]) =>
      ok(api.POST("/api/v1/mentoring/mentors/{user_id}/approval", { params: { path: { user_id: userId } }, body })),
    /** Proposes a mentor for a member (the mentor is asked, as when the member asks). */
    proposeMatch: (menteeId: string, mentorId: string) =>
      ok(api.POST("/api/v1/mentoring/matches", { body: { mentor_id: mentorId, mentee_id: menteeId } })),
    /** The best pairs over every open request at once: a preview (`dry_run`) or saved. */
    matchingRun: (dryRun: boolean) => ok(api.POST("/api/v1/mentoring/matching-runs", { body: { dry_run: dryRun } })),
    /** Matches an admin may want to look at (lapsed, ended by a block, moderation or a closed
     * account, or quiet), most recently changed first; never the pair's own words. */
    matchesNeedingAttention: () =>
      allPages((cursor) =>
        ok(api.GET("/api/v1/mentoring/matches/attention", { params: { query: pageQuery(cursor) } })),
      ),
    /** Ratings in aggregate: figures only from five ratings on, never a comment. */
    feedbackSummary: () => ok(api.GET("/api/v1/mentoring/feedback-summary")),
    revokeServiceClient: (clientId: string) =>
      done(api.DELETE("/api/v1/service-clients/{client_id}", { params: { path: { client_id: clientId } } })),
    /** One page of the audit trail, newest first (reading it is itself recorded). */
    auditEvents: (query: Query<"/api/v1/audit-events"> = {}) =>
      // JSON (the route also answers CSV to Accept: text/csv, which the types cannot tell apart).
      ok(api.GET("/api/v1/audit-events", { params: { query } })) as Promise<Schemas["Page_AuditEventRead_"]>,
    /** The filtered audit trail as one CSV file (at most 50,000 events). */
    auditEventsCsv: (query: AuditFilters = {}) => {
      const search = new URLSearchParams(
        Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
      );
      return file(`/audit-events?${search.toString()}`, "text/csv");
    },
  };

  const safety = {
    /** Tells the team about a member, a story, a resource or a circle. The answer says what
     * happens next, and carries crisis lines when the report speaks of immediate danger. */
    report: (body: Schemas["ReportCreate"]) => ok(api.POST("/api/v1/reports", { body })),
    /** The caller's reports and where each stands, in general words. */
    myReports: () =>
      allPages((cursor) => ok(api.GET("/api/v1/me/reports", { params: { query: pageQuery(cursor) } }))),
    /** The moderation queue: one page of the cases the caller moderates, urgent first. */
    queue: (query: Query<"/api/v1/reports"> = {}) => ok(api.GET("/api/v1/reports", { params: { query } })),
    case: (reportId: string) =>
      ok(api.GET("/api/v1/reports/{report_id}", { params: { path: { report_id: reportId } } })),
    updateCase: (reportId: string, body: Schemas["CaseUpdate"]) =>
      ok(api.PATCH("/api/v1/reports/{report_id}", { params: { path: { report_id: reportId } }, body })),
    addNote: (reportId: string, body: string) =>
      ok(api.POST("/api/v1/reports/{report_id}/notes", { params: { path: { report_id: reportId } }, body: { body } })),
    /** Decides on a case: the action is carried out at once, as its domain does it. */
    act: (reportId: string, body: Schemas["CaseActionCreate"]) =>
      ok(api.POST("/api/v1/reports/{report_id}/actions", { params: { path: { report_id: reportId } }, body })),
  };

  const sessions = {
    read: (sessionId: string) =>
      ok(api.GET("/api/v1/sessions/{session_id}", { params: { path: { session_id: sessionId } } })),
    rsvp: (sessionId: string, status: Schemas["RsvpWrite"]["status"]) =>
      ok(api.PUT("/api/v1/sessions/{session_id}/rsvp", { params: { path: { session_id: sessionId } }, body: { status } })),
    checkIn: (sessionId: string, code: string) =>
      ok(
        api.POST("/api/v1/sessions/{session_id}/check-in", {
          params: { path: { session_id: sessionId } },
          body: { code },
        }),
      ),
    /** One meeting as an iCalendar file. */
    calendar: (sessionId: string) => file(`/sessions/${encodeURIComponent(sessionId)}/calendar.ics`, "text/calendar"),
    checkInCode: (sessionId: string) =>
      ok(api.GET("/api/v1/sessions/{session_id}/check-in-code", { params: { path: { session_id: sessionId } } })),
    /** The attendance sheet (the circle's facilitators and admins). */
    attendance: (sessionId: string) =>
      ok(api.GET("/api/v1/sessions/{session_id}/attendance", { params: { path: { session_id: sessionId } } })),
    /** One page of a circle's meetings starting in [from, to), cancelled ones too. */
    forGroup: (groupId: string, query: Query<"/api/v1/groups/{group_id}/sessions">) => groups.sessions(groupId, query),
    /** Adds a meeting outside any series (the circle's facilitators). */
    createOneOff: (groupId: string, body: Schemas["SessionCreate"]) =>
      ok(api.POST("/api/v1/groups/{group_id}/sessions", { params: group(groupId), body })),
    /** Cancels, restores or moves one meeting; people who said they're going are told. */
    update: (sessionId: string, body: Schemas["SessionUpdate"]) =>
      ok(api.PATCH("/api/v1/sessions/{session_id}", { params: { path: { session_id: sessionId } }, body })),
    /** Saves many members' attendance at once, all or nothing. */
    recordAttendance: (sessionId: string, records: Schemas["AttendanceEntry"][]) =>
      ok(
        api.PUT("/api/v1/sessions/{session_id}/attendance", {
          params: { path: { session_id: sessionId } },
          body: { records },
        }),
      ),
  };

  const group = (groupId: string) => ({ path: { group_id: groupId } });
  const series = (scheduleId: string) => ({ params: { path: { schedule_id: scheduleId } } });
  /** A circle's series of meetings (its facilitators and admins write them). */
  const schedules = {
    /** The circle's series, ended ones too, oldest first, read whole; each in words. */
    list: (groupId: string) => groups.schedules(groupId),
    /** What a series would be before it is saved: the rule in words and its next meetings.
     * Nothing is written; a rule creating would refuse is refused the same way. */
    preview: (groupId: string, body: Schemas["ScheduleCreate"]) =>
      ok(api.POST("/api/v1/groups/{group_id}/schedules/preview", { params: group(groupId), body })),
    /** What a change of the series from now on would make, before it is saved (counted as
     * the change counts: every other week keeps its weeks). Nothing is written. */
    previewChange: (scheduleId: string, body: Schemas["ScheduleUpdate"]) =>
      ok(api.POST("/api/v1/schedules/{schedule_id}/preview", { ...series(scheduleId), body })),
    create: (groupId: string, body: Schemas["ScheduleCreate"]) =>
      ok(api.POST("/api/v1/groups/{group_id}/schedules", { params: group(groupId), body })),
    /** Changes the series from now on; past and individually changed meetings stay. */
    update: (scheduleId: string, body: Schemas["ScheduleUpdate"]) =>
      ok(api.PATCH("/api/v1/schedules/{schedule_id}", { ...series(scheduleId), body })),
    /** Ends the series: its future meetings are cancelled and people who said they're going are told. */
    end: (scheduleId: string) => ok(api.POST("/api/v1/schedules/{schedule_id}/end", series(scheduleId))),
  };

  const library = {
    search: (query: Query<"/api/v1/resources"> = {}) =>
      ok(api.GET("/api/v1/resources", { params: { query } })),
    read: (resourceId: string) =>
      ok(api.GET("/api/v1/resources/{resource_id}", { params: { path: { resource_id: resourceId } } })),
    /** One page of the library in a status: drafts and archived ones for editors (anyone
     * else always gets published ones). */
    byStatus: (status: Schemas["ResourceStatus"], cursor?: string) =>
      ok(api.GET("/api/v1/resources", { params: { query: { status, limit: 20, ...(cursor ? { cursor } : {}) } } })),
    /** A new resource, saved as a draft (facilitators, admins). */
    create: (body: Schemas["ResourceCreate"]) => ok(api.POST("/api/v1/resources", { body })),
    /** Edits a resource, or moves it: `{ status: "published" }` publishes it. */
    update: (resourceId: string, body: Schemas["ResourceUpdate"]) =>
      ok(api.PATCH("/api/v1/resources/{resource_id}", { params: { path: { resource_id: resourceId } }, body })),
    /** Takes a resource out of the library; it is kept, and can be published again. */
    archive: (resourceId: string) =>
      done(api.DELETE("/api/v1/resources/{resource_id}", { params: { path: { resource_id: resourceId } } })),
    /** A body as saving would render it (sanitised HTML) and its reading time; nothing is saved. */
    preview: (bodyMarkdown: string, signal?: AbortSignal) =>
      ok(api.POST("/api/v1/resources/preview", { body: { body_markdown: bodyMarkdown }, ...(signal ? { signal } : {}) })),
    /** Published resources whose clinical review is due, the longest overdue first (admins). */
    dueForReview: (cursor?: string) =>
      ok(api.GET("/api/v1/resources/due-for-review", { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } } })),
    /** Adds a topic to the vocabulary groups, mentors and resources share (admins). */
    createTopic: (body: Schemas["TopicCreate"]) => ok(api.POST("/api/v1/topics", { body })),
    shareStory: (body: Schemas["StoryCreate"]) => ok(api.POST("/api/v1/stories", { body })),
    story: (storyId: string) =>
      ok(api.GET("/api/v1/stories/{story_id}", { params: { path: { story_id: storyId } } })),
    editStory: (storyId: string, body: Schemas["StoryUpdate"]) =>
      ok(api.PATCH("/api/v1/stories/{story_id}", { params: { path: { story_id: storyId } }, body })),
    withdrawStory: (storyId: string) =>
      ok(api.POST("/api/v1/stories/{story_id}/withdraw", { params: { path: { story_id: storyId } } })),
    /** Stories waiting for review, the longest waiting first (facilitators and admins). */
    storiesToReview: (query: Query<"/api/v1/stories"> = {}) => ok(api.GET("/api/v1/stories", { params: { query } })),
    /** Approve a story (it is published) or return it to its author with a note. */
    reviewStory: (storyId: string, body: Schemas["StoryReview"]) =>
      ok(api.POST("/api/v1/stories/{story_id}/review", { params: { path: { story_id: storyId } }, body })),
    crisisResources: (region?: string) =>
      ok(api.GET("/api/v1/crisis-resources", { params: { query: region ? { region } : {} } })),
    /** Every region's crisis lines. `savedAt` is set when the answer is the copy the web app's
     * service worker saved on this device (offline, or the service is down). */
    async crisisLines(): Promise<{ data: Schemas["CrisisResources"]; savedAt: string | null }> {
      const response = await transport.fetch(
        new Request(`${transport.baseUrl}${API_PREFIX}/crisis-resources`, { headers: { Accept: "application/json" } }),
      );
      if (!response.ok) throw await errorFromResponse(response);
      const data = (await response.json()) as Schemas["CrisisResources"];
      return { data, savedAt: response.headers.get(SAVED_AT_HEADER) };
    },
  };

  /** Peer mentoring: offering to mentor, asking for a mentor, suggestions, matches, and the
   * pair's own check-ins and feedback. */
  const match = (matchId: string) => ({ params: { path: { match_id: matchId } } });
  const mentoring = {
    /** The caller's offer to mentor and where it stands (a 404 ApiError when there is none). */
    mentorProfile: () => ok(api.GET("/api/v1/mentoring/mentor-profile")),
    /** Offers to mentor, or changes the offer (also how it is paused and resumed). */
    saveMentorProfile: (body: Schemas["MentorProfileWrite"]) =>
      ok(api.PUT("/api/v1/mentoring/mentor-profile", { body })),
    /** What the caller asked for (a 404 ApiError when they have not asked). */
    menteeRequest: () => ok(api.GET("/api/v1/mentoring/mentee-request")),
    saveMenteeRequest: (body: Schemas["MenteeRequestWrite"]) =>
      ok(api.PUT("/api/v1/mentoring/mentee-request", { body })),
    /** Stops looking for a mentor; a proposal still waiting is withdrawn. */
    stopLooking: () => done(api.DELETE("/api/v1/mentoring/mentee-request")),
    /** The mentors who fit the caller's request, best first, with reasons in words and the
     * weekly hours in common in the caller's own time zone. */
    suggestions: (limit = 10) => ok(api.GET("/api/v1/mentoring/suggestions", { params: { query: { limit } } })),
    /** Asks a mentor: the match is `proposed` until they answer. */
    ask: (mentorId: string) => ok(api.POST("/api/v1/mentoring/matches", { body: { mentor_id: mentorId } })),
    /** The caller's matches, as mentor or as mentee, newest first, read whole. */
    matches: () =>
      allPages((cursor) => ok(api.GET("/api/v1/mentoring/matches", { params: { query: pageQuery(cursor) } }))),
    read: (matchId: string) => ok(api.GET("/api/v1/mentoring/matches/{match_id}", match(matchId))),
    accept: (matchId: string) => ok(api.POST("/api/v1/mentoring/matches/{match_id}/accept", match(matchId))),
    /** The mentor says no; the note, if any, is for the mentee alone. */
    decline: (matchId: string, reason?: string) =>
      ok(
        api.POST("/api/v1/mentoring/matches/{match_id}/decline", {
          ...match(matchId),
          body: reason ? { reason } : {},
        }),
      ),
    withdraw: (matchId: string) => ok(api.POST("/api/v1/mentoring/matches/{match_id}/withdraw", match(matchId))),
    /** Either of the pair ends an active match; the reason is for the other person alone. */
    end: (matchId: string, reason: string) =>
      ok(api.POST("/api/v1/mentoring/matches/{match_id}/end", { ...match(matchId), body: { reason } })),
    /** The pair's meetings, most recent first, read whole (the pair only). */
    checkIns: (matchId: string) =>
      allPages((cursor) =>
        ok(
          api.GET("/api/v1/mentoring/matches/{match_id}/check-ins", {
            params: { path: { match_id: matchId }, query: pageQuery(cursor) },
          }),
        ),
      ),
    addCheckIn: (matchId: string, body: Schemas["CheckInCreate"]) =>
      ok(api.POST("/api/v1/mentoring/matches/{match_id}/check-ins", { ...match(matchId), body })),
    /** The caller's feedback on an ended match (a 404 ApiError when they have given none). */
    feedback: (matchId: string) => ok(api.GET("/api/v1/mentoring/matches/{match_id}/feedback", match(matchId))),
    giveFeedback: (matchId: string, body: Schemas["FeedbackWrite"]) =>
      ok(api.PUT("/api/v1/mentoring/matches/{match_id}/feedback", { ...match(matchId), body })),
  };

  /** The notification centre, what the person wants to be told and how, and the devices
   * they turned push on for. */
  const notifications = {
    /** One page of the notification centre, newest first, with how many are unread in all. */
    list: (cursor?: string, limit = 20) =>
      ok(api.GET("/api/v1/me/notifications", { params: { query: { limit, ...(cursor ? { cursor } : {}) } } })),
    /** How many are unread (the bell's badge). */
    unreadCount: () => ok(api.GET("/api/v1/me/notifications/unread-count")),
    /** Marks these read (1 to 100; ids that are not the caller's are ignored). */
    markRead: (ids: string[]) => ok(api.POST("/api/v1/me/notifications/read", { body: { ids } })),
    markAllRead: () => ok(api.POST("/api/v1/me/notifications/read-all")),
    settings: () => ok(api.GET("/api/v1/me/notification-settings")),
    /** Changes only what is given (`channels.reminders.email: false` changes only that);
     * `quiet_hours: null` turns quiet hours off. */
    updateSettings: (body: Schemas["NotificationSettingsUpdate"]) =>
      ok(api.PATCH("/api/v1/me/notification-settings", { body })),
    /** The key a browser subscribes to push with (base64url; anyone may read it). */
    pushKey: () => ok(api.GET("/api/v1/push/key")),
    /** The devices the caller turned push on for (at most ten). */
    devices: () => ok(api.GET("/api/v1/me/push-subscriptions")),
    /** Turns push on for this device: the browser's `subscription.toJSON()`. Again is fine. */
    addDevice: (body: Schemas["PushSubscriptionCreate"]) => ok(api.POST("/api/v1/me/push-subscriptions", { body })),
    removeDevice: (subscriptionId: string) =>
      done(
        api.DELETE("/api/v1/me/push-subscriptions/{subscription_id}", {
          params: { path: { subscription_id: subscriptionId } },
        }),
      ),
  };

  /** The link at the foot of an email that stops that kind of email, without signing in. */
  const unsubscribeLinks = {
    /** Which emails the link stops, and whether they are still sent. 404 unknown or tampered. */
    read: (token: string) => ok(api.GET("/api/v1/unsubscribe/{token}", { params: { path: { token } } })),
    /** Stops them (safe to repeat). Sent without an Idempotency-Key: the path holds the token. */
    stop: (token: string) => ok(api.POST("/api/v1/unsubscribe/{token}", { params: { path: { token } } })),
  };

  const blocks = {
    /** The members the caller has blocked, read whole. */
    list: () => allPages((cursor) => ok(api.GET("/api/v1/me/blocks", { params: { query: pageQuery(cursor) } }))),
    /** Blocks a member: never suggested or matched together; they are not told. */
    add: (userId: string) => ok(api.PUT("/api/v1/me/blocks/{user_id}", { params: { path: { user_id: userId } } })),
    remove: (userId: string) =>
      done(api.DELETE("/api/v1/me/blocks/{user_id}", { params: { path: { user_id: userId } } })),
  };

  return {
    auth,
    me,
    groups,
    invitations,
    referrals,
    membership,
    sessions,
    schedules,
    library,
    safety,
    admin,
    mentoring,
    blocks,
    notifications,
    unsubscribeLinks,
    transport,
  };
}

export type CirclesClient = ReturnType<typeof createCirclesClient>;
