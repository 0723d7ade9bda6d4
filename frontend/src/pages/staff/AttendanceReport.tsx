import type { components } from "@strength-circles/client";
import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Link, useParams } from "react-router";

import { circles } from "../../api";
import { PageHeading } from "../../components/Page";
import { Loading, Problem } from "../../components/Problem";
import { saveFile } from "../../lib/files";
import { useTimeZone } from "../../lib/session";
import { dayName, shortDayName, wallTime, zonedInstant, zoneLabel } from "../../lib/time";

type Report = components["schemas"]["AttendanceReport"];
const DAY = 86_400_000;

/** "2026-09-01" for an instant, as a clock in `zone` shows the date. */
/** Meetings that were held, and one about to start whose sheet is already saved (the check-in
 * opens before the start): its visits are real, so a facilitator who just saved it sees them. */
function counted(session: { status: string; headcount: number }): boolean {
  return session.status === "held" || (session.status === "upcoming" && session.headcount > 0);
}

function isoDate(instant: Date, zone: string): string {
  const wall = wallTime(instant, zone);
  return `${wall.year}-${String(wall.month).padStart(2, "0")}-${String(wall.day).padStart(2, "0")}`;
}

/** The instant a day starts in `zone`. */
function startOf(day: string, zone: string): string {
  const [year = 1970, month = 1, date = 1] = day.split("-").map(Number);
  return zonedInstant({ year, month, day: date, hour: 0, minute: 0 }, zone).toISOString();
}

/** Attendance per meeting as bars, with the same figures in the table below for everyone. */
function Chart({ report, zone }: { report: Report; zone: string }) {
  const held = report.sessions.filter(counted);
  if (held.length === 0) return null;
  const top = Math.max(1, ...held.map((session) => Math.max(session.headcount, session.rsvps)));
  const width = 320;
  const bar = width / held.length;
  return (
    <figure className="attendance-chart">
      <svg viewBox={`0 0 ${width} 120`} role="img" aria-label={`Attendance at ${held.length} ${held.length === 1 ? "meeting" : "meetings"}; the figures are in the table below.`}>
        {held.map((session, index) => {
          const height = (session.headcount / top) * 100;
          const missed = ((session.no_shows ?? 0) / top) * 100;
          return (
            <g key={session.session_id}>
              <rect className="came" x={index * bar + 1} y={110 - height} width={Math.max(bar - 2, 1)} height={height} />
              <rect className="missed" x={index * bar + 1} y={110 - height - missed} width={Math.max(bar - 2, 1)} height={missed} />
            </g>
          );
        })}
        <line x1="0" y1="110" x2={width} y2="110" className="axis" />
      </svg>
      <figcaption>
        Who came to each meeting (dark), and who said they were going and did not (light), from{" "}
        {dayName(new Date(held[0]?.starts_at ?? report.from), zone)} on.
      </figcaption>
    </figure>
  );
}

/** A circle's attendance over a period (its facilitators and admins), in the circle's time. */
export default function AttendanceReportPage() {
  const { groupId = "" } = useParams();
  const viewerZone = useTimeZone();
  const ids = { from: useId(), to: useId() };
  const group = useQuery({ queryKey: ["group", groupId], queryFn: () => circles.groups.read(groupId) });
  const zone = group.data?.schedules[0]?.timezone ?? viewerZone;
  const now = new Date();
  const [from, setFrom] = useState(() => isoDate(new Date(now.getTime() - 90 * DAY), viewerZone));
  const [to, setTo] = useState(() => isoDate(now, viewerZone));
  const [downloadError, setDownloadError] = useState<unknown>(null);
  // The last day is included: the report runs to the start of the day after it.
  const range = { from: startOf(from, zone), to: new Date(new Date(startOf(to, zone)).getTime() + DAY).toISOString() };
  const report = useQuery({
    queryKey: ["attendance-report", groupId, range.from, range.to],
    queryFn: () => circles.groups.attendanceReport(groupId, range),
    enabled: Boolean(group.data) && from <= to,
  });

  async function download() {
    setDownloadError(null);
    try {
      // A neutral name: a phone's downloads should not say which circle this is.
      saveFile(await circles.groups.attendanceReportCsv(groupId, range.from, range.to), "attendance.csv");
    } catch (error) {
      setDownloadError(error);
    }
  }

  if (group.isPending) return <Loading what="the circle" />;
  if (group.isError) return <Problem error={group.error} retry={() => void group.refetch()} />;
  const data = report.data;
  const held = data?.sessions.filter(counted) ?? [];
  const attended = held.reduce((sum, session) => sum + session.headcount, 0);
  return (
    <article>
      <p className="small">
        <Link className="inline-link" to={`/groups/${groupId}`}>
          Back to the circle
        </Link>
      </p>
      <PageHeading title={`Attendance: ${group.data.name}`} />
      <p className="muted">Dates and times in the circle's time ({zoneLabel(zone)}).</p>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={ids.from}>From</label>
          <input id={ids.from} type="date" value={from} max={to} onChange={(event) => setFrom(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>To (included)</label>
          <input id={ids.to} type="date" value={to} min={from} onChange={(event) => setTo(event.target.value)} />
        </div>
      </form>
      {from > to ? <p className="error">The first day must come before the last.</p> : null}
      {report.isPending && from <= to ? <Loading what="the report" /> : null}
      <Problem error={report.error} />
      {data ? (
        <>
          <p>
            {held.length} {held.length === 1 ? "meeting" : "meetings"}, {attended} {attended === 1 ? "visit" : "visits"} in
            all
            {data.anonymous_attendees ? `, ${data.anonymous_attendees} of them by members who chose anonymous attendance` : ""}.
          </p>
          <Chart report={data} zone={zone} />
          <h2>Per meeting</h2>
          {data.sessions.length === 0 ? <p className="muted">No meetings in this period.</p> : null}
          {data.sessions.length > 0 ? (
            <table className="report-table">
              <thead>
                <tr>
                  <th scope="col">Meeting</th>
                  <th scope="col">Came</th>
                  <th scope="col">Going</th>
                  <th scope="col">Did not come</th>
                </tr>
              </thead>
              <tbody>
                {data.sessions.map((session) => (
                  <tr key={session.session_id}>
                    <th scope="row">
                      {shortDayName(new Date(session.starts_at), zone)}
                      {session.status === "cancelled" ? " (cancelled)" : ""}
                      {session.status === "upcoming" ? " (coming up)" : ""}
                    </th>
                    <td>{session.headcount}</td>
                    <td>{session.rsvps}</td>
                    <td>{session.no_shows ?? "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <h2>Per member</h2>
          {data.members.length === 0 ? <p className="muted">No attendance recorded for named members.</p> : null}
          {data.members.length > 0 ? (
            <table className="report-table">
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">Meetings attended</th>
                  <th scope="col">Rate</th>
                </tr>
              </thead>
              <tbody>
                {data.members.map((member) => (
                  <tr key={member.user_id}>
                    <th scope="row">{member.display_name}</th>
                    <td>{member.attended}</td>
                    <td>{Math.round(member.rate * 100)}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <p>
            <button type="button" className="button secondary" onClick={() => void download()}>
              Download as a spreadsheet (CSV)
            </button>
          </p>
          <Problem error={downloadError} />
        </>
      ) : null}
    </article>
  );
}
