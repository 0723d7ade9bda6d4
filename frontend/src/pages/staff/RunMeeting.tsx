import type { components } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { Link, useParams } from "react-router";

import { circles } from "../../api";
import { PageHeading } from "../../components/Page";
import { Loading, Problem } from "../../components/Problem";
import { useTimeZone } from "../../lib/session";
import { clock, meetingTime } from "../../lib/time";

type Status = components["schemas"]["AttendanceStatus"];
type Sheet = components["schemas"]["AttendanceSheet"];

const STATUS_WORDS: Record<Status, string> = { present: "Present", late: "Late", excused: "Excused", absent: "Absent" };
const STATUSES = Object.keys(STATUS_WORDS) as Status[];
// Who has checked in, asked again while the meeting runs.
const LIVE_EVERY_MS = 5_000;

/** The code for the room: large enough to read across it, and the time it changes. */
function CheckInCode({ sessionId, zone }: { sessionId: string; zone: string }) {
  const panel = useRef<HTMLElement>(null);
  const code = useQuery({
    queryKey: ["check-in-code", sessionId],
    queryFn: () => circles.sessions.checkInCode(sessionId),
    // Asked again once the code has changed (and at least every half minute).
    refetchInterval: (query) => {
      const until = query.state.data ? new Date(query.state.data.valid_until).getTime() - Date.now() : 30_000;
      return Math.min(Math.max(until + 500, 1_000), 30_000);
    },
    retry: false,
  });
  return (
    <section className="check-in-panel" aria-labelledby="code-heading" ref={panel}>
      <h2 id="code-heading">Check-in code</h2>
      {code.isPending ? <Loading what="the code" /> : null}
      <Problem error={code.error} />
      {code.data ? (
        <>
          <p className="check-in-code" aria-label={`Check-in code ${code.data.code.split("").join(" ")}`}>
            {code.data.code}
          </p>
          <p>
            Members enter it on the meeting's page, under Check in. It changes at{" "}
            {clock(new Date(code.data.valid_until), zone)}.
          </p>
          <p>
            <button type="button" className="button secondary" onClick={() => void panel.current?.requestFullscreen?.()}>
              Show full screen
            </button>
          </p>
        </>
      ) : null}
    </section>
  );
}

function AttendanceForm({ sessionId, groupId, sheet }: { sessionId: string; groupId: string; sheet: Sheet }) {
  const queryClient = useQueryClient();
  const legend = useId();
  const members = useQuery({ queryKey: ["members", groupId], queryFn: () => circles.groups.members(groupId) });
  const recorded = new Map(sheet.records.map((row) => [row.user_id, row.status]));
  const [chosen, setChosen] = useState<Record<string, Status | "">>({});
  const save = useMutation({
    mutationFn: (records: components["schemas"]["AttendanceEntry"][]) => circles.sessions.recordAttendance(sessionId, records),
    onSuccess: (next) => {
      queryClient.setQueryData(["attendance", sessionId], next);
      setChosen({});
    },
  });
  if (members.isPending) return <Loading what="the members" />;
  if (members.error) return <Problem error={members.error} retry={() => void members.refetch()} />;
  const roster = members.data.items.filter((member) => member.role === "member" && member.status === "active");
  const value = (userId: string): Status | "" => chosen[userId] ?? recorded.get(userId) ?? "";

  function submit(event: FormEvent) {
    event.preventDefault();
    const records = roster
      .map((member) => ({ user_id: member.user_id, status: value(member.user_id) }))
      .filter((entry): entry is { user_id: string; status: Status } => entry.status !== "");
    if (records.length > 0) save.mutate(records);
  }

  return (
    <form onSubmit={submit} aria-labelledby={legend}>
      <h2 id={legend}>Attendance</h2>
      <p>
        Check-ins fill this in. Change anyone's mark, then save the whole sheet at once. Nobody is marked absent
        unless you choose it.
      </p>
      {roster.length === 0 ? <p className="muted">The circle has no members yet.</p> : null}
      <table className="attendance-sheet">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Attendance</th>
          </tr>
        </thead>
        <tbody>
          {roster.map((member) => (
            <tr key={member.user_id}>
              <th scope="row">{member.display_name}</th>
              <td>
                <select
                  aria-label={`Attendance of ${member.display_name}`}
                  value={value(member.user_id)}
                  onChange={(event) => setChosen({ ...chosen, [member.user_id]: event.target.value as Status | "" })}
                >
                  <option value="">Not marked</option>
                  {STATUSES.map((status) => (
                    <option key={status} value={status}>
                      {STATUS_WORDS[status]}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Problem error={save.error} />
      {save.isSuccess ? (
        <p className="notice success" role="status">
          The attendance sheet is saved.
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="button" disabled={save.isPending || roster.length === 0}>
          {save.isPending ? "Saving…" : "Save the sheet"}
        </button>
      </div>
    </form>
  );
}

/** Run a meeting (its circle's facilitators): the check-in code for the room, who has checked
 * in so far, then the attendance sheet saved all at once. */
export default function RunMeetingPage() {
  const { sessionId = "" } = useParams();
  const zone = useTimeZone();
  const session = useQuery({ queryKey: ["session", sessionId], queryFn: () => circles.sessions.read(sessionId) });
  const sheet = useQuery({
    queryKey: ["attendance", sessionId],
    queryFn: () => circles.sessions.attendance(sessionId),
    refetchInterval: LIVE_EVERY_MS,
  });
  if (session.isPending) return <Loading what="the meeting" />;
  if (session.error) return <Problem error={session.error} retry={() => void session.refetch()} />;
  const data = session.data;
  const anonymous = sheet.data ? Object.values(sheet.data.anonymous).reduce((sum, count) => sum + count, 0) : 0;
  return (
    <article className="narrow">
      <p className="small">
        <Link className="inline-link" to={`/meetings/${data.id}`}>
          Back to the meeting
        </Link>
      </p>
      <PageHeading title={`Run the meeting: ${data.group_name}`} />
      <p>{meetingTime(new Date(data.starts_at), new Date(data.ends_at), zone)}</p>
      <CheckInCode sessionId={data.id} zone={zone} />

      <section aria-labelledby="checked-in-heading">
        <h2 id="checked-in-heading">Checked in so far</h2>
        {sheet.isPending ? <Loading what="who has checked in" /> : null}
        <Problem error={sheet.error} />
        {sheet.data ? (
          <>
            {sheet.data.records.length === 0 && anonymous === 0 ? <p className="muted">Nobody yet.</p> : null}
            <ul aria-live="polite">
              {sheet.data.records.map((row) => (
                <li key={row.user_id}>
                  {row.display_name ?? "A member"}: {STATUS_WORDS[row.status]}
                </li>
              ))}
            </ul>
            {anonymous > 0 ? (
              <p>
                And {anonymous} {anonymous === 1 ? "member" : "members"} who chose anonymous attendance, counted
                but not named.
              </p>
            ) : null}
            {sheet.data.anonymous_left_out ? (
              <p className="small muted">
                One or two members with anonymous attendance are not counted here, so that no one can tell who they
                are.
              </p>
            ) : null}
          </>
        ) : null}
      </section>

      {sheet.data ? <AttendanceForm sessionId={data.id} groupId={data.group_id} sheet={sheet.data} /> : null}
    </article>
  );
}
