import type { components } from "@strength-circles/client";
import { useInfiniteQuery, useMutation } from "@tanstack/react-query";
import { useId } from "react";
import { Link, useLocation, useSearchParams } from "react-router";

import { circles } from "../../api";
import { PageHeading } from "../../components/Page";
import { Loading, Problem } from "../../components/Problem";
import { saveFile } from "../../lib/files";
import { useTimeZone } from "../../lib/session";
import { clock, dayName, wallTime, zonedInstant, zoneLabel } from "../../lib/time";

type AuditEvent = components["schemas"]["AuditEventRead"];
type Action = components["schemas"]["AuditAction"];

/** Each action in words, as a heading: what was done (never what was in it). */
export const ACTION_WORDS: Record<Action, string> = {
  "attendance_sheet.read": "Read a meeting's attendance sheet",
  "attendance_report.read": "Read a circle's attendance report",
  "member_list.read": "Read a circle's member list",
  "mentoring_notes.read": "Read a mentoring pair's check-ins",
  "person.read": "Looked at an account",
  "people.searched": "Searched the accounts",
  "export.read": "Downloaded their own data",
  "audit.read": "Looked at the audit trail",
  "role.changed": "Changed someone's role",
  "account.deactivated": "Deactivated an account",
  "account.reactivated": "Reactivated an account",
  "account.suspended": "Paused an account",
  "membership.joined": "Joined a circle, or asked to",
  "membership.approved": "Approved a request to join",
  "membership.role_changed": "Changed someone's role in a circle",
  "membership.removed": "Removed someone from a circle",
  "membership.left": "Left a circle",
  "match.proposed": "Proposed a mentoring match",
  "match.accepted": "Accepted a mentoring match",
  "match.declined": "Declined a mentoring match",
  "match.withdrawn": "Withdrew a mentoring proposal",
  "match.ended": "Ended a mentoring match",
  "report_queue.read": "Looked at the reports queue",
  "report.read": "Opened a report",
  "report.updated": "Updated a report's case",
  "report.note_added": "Added a staff note to a case",
  "report.action_taken": "Decided a case",
  "service_client.created": "Created an integrator client",
  "service_client.revoked": "Revoked an integrator client",
  "two_factor.enabled": "Turned on two-step sign-in",
  "two_factor.disabled": "Turned off two-step sign-in",
  "recovery_codes.renewed": "Made new recovery codes",
  "recovery_code.used": "Signed in with a recovery code",
  "webhook_endpoint.created": "Registered a webhook endpoint",
  "webhook_endpoint.changed": "Changed a webhook endpoint",
  "webhook_endpoint.removed": "Removed a webhook endpoint",
  "webhook_secret.rotated": "Rotated a webhook secret",
  "referral.created": "Referred someone to a circle",
  "referral.accepted": "Joined a circle from a referral",
  "referral.declined": "Said no thanks to a referral",
  "referral_attendance.read": "Read a referred member's shared attendance",
  "consent.withdrawn": "Stopped sharing with a referrer",
};

const ACTIONS = Object.keys(ACTION_WORDS) as Action[];
const READS = ACTIONS.filter((action) => action.endsWith(".read") || action === "people.searched");
const CHANGES = ACTIONS.filter((action) => !READS.includes(action));

const ROLE_WORDS: Record<string, string> = {
  member: "member",
  facilitator: "facilitator",
  admin: "admin",
  integrator: "integrator client",
};

/** Where an event's record is in the app, when it has a page staff can open. */
function recordLink(event: AuditEvent): { to: string; label: string } | null {
  const id = event.target_id;
  if (!id) return null;
  switch (event.target_type) {
    case "support_group":
      return { to: `/groups/${id}`, label: "The circle" };
    case "group_session":
      return { to: `/meetings/${id}`, label: "The meeting" };
    case "moderation_case":
      return { to: `/staff/reports/${id}`, label: "The case" };
    case "service_client":
      return { to: "/staff/integrations", label: "Integrations" };
    case "user_account":
      return { to: `/staff/audit?subject=${id}`, label: "Everything about this person" };
    default:
      return null;
  }
}

function EventCard({ event, zone }: { event: AuditEvent; zone: string }) {
  const at = new Date(event.occurred_at);
  const who =
    event.actor_kind === "system"
      ? "Strength Circles itself"
      : `${event.actor_name ?? "Someone"} (${ROLE_WORDS[event.actor_role] ?? event.actor_role})`;
  const record = recordLink(event);
  const circle = event.group_id && event.target_type !== "support_group" ? event.group_id : null;
  return (
    <li className="card">
      <h2>{ACTION_WORDS[event.action as Action] ?? event.action}</h2>
      <ul className="meta">
        <li>
          <time dateTime={event.occurred_at}>
            {dayName(at, zone)}, {clock(at, zone)}
          </time>
        </li>
        <li>
          By {event.actor_id && event.actor_kind === "person" ? <Link to={`/staff/audit?actor=${event.actor_id}`}>{who}</Link> : who}
        </li>
      </ul>
      {record || circle ? (
        <div className="actions">
          {record ? <Link to={record.to}>{record.label}</Link> : null}
          {circle ? <Link to={`/groups/${circle}`}>The circle</Link> : null}
        </div>
      ) : null}
    </li>
  );
}

/** A local date ("2026-11-30") as the instant its day starts in `zone`, in RFC 3339. */
function startOfDay(date: string, zone: string, addDays = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3]) + addDays];
  const normalised = new Date(Date.UTC(year, month - 1, day));
  return zonedInstant(
    { year: normalised.getUTCFullYear(), month: normalised.getUTCMonth() + 1, day: normalised.getUTCDate(), hour: 0, minute: 0 },
    zone,
  ).toISOString();
}

/** The same filters without the person. */
function everyone(params: URLSearchParams): string {
  const next = new URLSearchParams(params);
  next.delete("subject");
  next.delete("actor");
  return next.toString();
}

/** The audit trail, for admins: who read or changed what and when, filtered, in pages, and
 * as a CSV file. It never holds the content, and looking at it is recorded too. */
export default function AuditTrailPage() {
  const zone = useTimeZone();
  const ids = { action: useId(), from: useId(), to: useId() };
  const [params, setParams] = useSearchParams();
  const chosen = (useLocation().state as { name?: string } | null)?.name;
  const action = (params.get("action") ?? "") as "" | Action;
  const subject = params.get("subject") ?? "";
  const actor = params.get("actor") ?? "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const start = startOfDay(from, zone);
  // The "until" day is included: the range ends when the next day starts.
  const end = startOfDay(to, zone, 1);
  const filters = {
    ...(action ? { action } : {}),
    ...(subject ? { subject_id: subject } : {}),
    ...(actor ? { actor_id: actor } : {}),
    ...(start ? { from: start } : {}),
    ...(end ? { to: end } : {}),
  };
  const events = useInfiniteQuery({
    queryKey: ["audit", filters],
    queryFn: ({ pageParam }) => circles.admin.auditEvents({ ...filters, limit: 25, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const download = useMutation({
    mutationFn: async () => saveFile(await circles.admin.auditEventsCsv(filters), "audit-trail.csv"),
  });

  function set(name: string, value: string | null) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }

  const items = events.data?.pages.flatMap((page) => page.items) ?? [];
  const today = wallTime(new Date(), zone);
  const todayText = `${today.year}-${String(today.month).padStart(2, "0")}-${String(today.day).padStart(2, "0")}`;
  const someone = chosen ?? "one person";
  return (
    <article>
      <PageHeading title="Audit trail" />
      <p>
        Who read or changed what, and when. It never holds what anyone wrote. Your looking at it is recorded here
        too. Times are in {zoneLabel(zone)}.
      </p>
      {subject || actor ? (
        <p className="notice">
          {subject ? `Showing what was read or changed about ${someone}.` : `Showing what ${someone} did.`}{" "}
          <Link to={{ search: everyone(params) }} replace>
            Show everyone's events
          </Link>
        </p>
      ) : null}
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={ids.action}>What was done</label>
          <select id={ids.action} value={action} onChange={(event) => set("action", event.target.value || null)}>
            <option value="">Anything</option>
            <optgroup label="Sensitive reads">
              {READS.map((value) => (
                <option key={value} value={value}>
                  {ACTION_WORDS[value]}
                </option>
              ))}
            </optgroup>
            <optgroup label="Changes">
              {CHANGES.map((value) => (
                <option key={value} value={value}>
                  {ACTION_WORDS[value]}
                </option>
              ))}
            </optgroup>
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.from}>From</label>
          <input id={ids.from} type="date" value={from} max={to || todayText} onChange={(event) => set("from", event.target.value || null)} />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>Until (included)</label>
          <input id={ids.to} type="date" value={to} min={from || undefined} max={todayText} onChange={(event) => set("to", event.target.value || null)} />
        </div>
      </form>
      <p>
        <button type="button" className="button secondary" disabled={download.isPending} onClick={() => download.mutate()}>
          {download.isPending ? "Preparing the file…" : "Download these events (CSV)"}
        </button>
      </p>
      <Problem error={download.error} />
      {events.isPending ? <Loading what="the audit trail" /> : null}
      <Problem error={events.error} retry={() => void events.refetch()} />
      {events.data && items.length === 0 ? <p className="muted">No events match. Try a wider date range or another kind.</p> : null}
      <ul className="cards">
        {items.map((event) => (
          <EventCard key={event.id} event={event} zone={zone} />
        ))}
      </ul>
      {events.hasNextPage ? (
        <p>
          <button type="button" className="button secondary" disabled={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
            Show older events
          </button>
        </p>
      ) : null}
    </article>
  );
}
