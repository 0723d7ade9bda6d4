import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Link } from "react-router";

import { circles } from "../api";
import { PageHeading } from "../components/Page";
import { Loading, Problem } from "../components/Problem";
import { useTimeZone } from "../lib/session";
import { clock, dayName, meetingPhase, meetingTime } from "../lib/time";
import { ATTENDANCE_WORDS } from "../lib/words";

function Upcoming({ zone }: { zone: string }) {
  const sessions = useInfiniteQuery({
    queryKey: ["my-sessions"],
    queryFn: ({ pageParam }) => circles.me.sessions(pageParam ? { cursor: pageParam } : {}),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  if (sessions.isPending) return <Loading what="your meetings" />;
  if (sessions.error) return <Problem error={sessions.error} retry={() => void sessions.refetch()} />;
  const items = sessions.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <div className="notice">
        <p>
          No meetings coming up. When you join a circle, its meetings show here. <Link to="/">Find a circle</Link>
        </p>
      </div>
    );
  }
  return (
    <>
      <ul className="cards">
        {items.map((session) => {
          const phase = meetingPhase(session.starts_at, session.ends_at);
          const cancelled = session.status === "cancelled";
          const rsvp = session.my_rsvp;
          return (
            <li key={session.id} className="card">
              <h3>
                <Link to={`/meetings/${session.id}`}>{session.group_name}</Link>
              </h3>
              <p>{meetingTime(new Date(session.starts_at), new Date(session.ends_at), zone)}</p>
              <ul className="badges">
                {cancelled ? <li className="badge off">Cancelled</li> : null}
                {!cancelled && phase === "in_progress" ? <li className="badge live">In progress</li> : null}
                {!cancelled && phase === "starts_soon" ? <li className="badge soon">Starts soon</li> : null}
                {rsvp?.status === "going" ? <li className="badge">You're going</li> : null}
                {rsvp?.status === "waitlisted" ? (
                  <li className="badge">You're #{rsvp.waitlist_position ?? "?"} on the waitlist</li>
                ) : null}
                {rsvp?.status === "not_going" ? <li className="badge">Not going</li> : null}
                {!rsvp && !cancelled ? <li className="badge">No answer yet</li> : null}
              </ul>
              {!cancelled && (phase === "in_progress" || phase === "starts_soon") ? (
                <p>
                  <Link className="button" to={`/meetings/${session.id}/check-in`}>
                    Check in
                  </Link>
                </p>
              ) : null}
            </li>
          );
        })}
      </ul>
      {sessions.hasNextPage ? (
        <button
          type="button"
          className="button secondary"
          disabled={sessions.isFetchingNextPage}
          onClick={() => void sessions.fetchNextPage()}
        >
          Show later meetings
        </button>
      ) : null}
    </>
  );
}

function History({ zone }: { zone: string }) {
  const attendance = useInfiniteQuery({
    queryKey: ["my-attendance"],
    queryFn: ({ pageParam }) => circles.me.attendance(pageParam ? { cursor: pageParam } : {}),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  if (attendance.isPending) return <Loading what="your history" />;
  if (attendance.error) return <Problem error={attendance.error} retry={() => void attendance.refetch()} />;
  const items = attendance.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return <p className="muted">Meetings you attend will show here after you check in.</p>;
  }
  return (
    <>
      <ul className="cards">
        {items.map((record) => (
          <li key={record.session_id} className="card">
            <h3>
              <Link to={`/meetings/${record.session_id}`}>{record.group_name}</Link>
            </h3>
            <p>
              {dayName(new Date(record.starts_at), zone)} at {clock(new Date(record.starts_at), zone)}:{" "}
              {ATTENDANCE_WORDS[record.status] ?? record.status}
            </p>
          </li>
        ))}
      </ul>
      {attendance.hasNextPage ? (
        <button type="button" className="button secondary" onClick={() => void attendance.fetchNextPage()}>
          Show older meetings
        </button>
      ) : null}
    </>
  );
}

function CalendarFeed() {
  const inputId = useId();
  const queryClient = useQueryClient();
  const [copied, setCopied] = useState(false);
  const [shown, setShown] = useState(false);
  const feed = useQuery({ queryKey: ["calendar-url"], queryFn: circles.me.calendarUrl, enabled: shown });
  const renew = useMutation({
    mutationFn: async () => {
      await circles.me.turnOffCalendar();
      return circles.me.calendarUrl();
    },
    onSuccess: (answer) => {
      queryClient.setQueryData(["calendar-url"], answer);
      setCopied(false);
    },
  });
  const turnOff = useMutation({
    mutationFn: circles.me.turnOffCalendar,
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: ["calendar-url"] });
      setShown(false);
    },
  });
  const url = feed.data ? new URL(feed.data.url, window.location.origin).toString() : "";

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  return (
    <section aria-labelledby="feed-heading">
      <h2 id="feed-heading">See your meetings in your calendar</h2>
      <p>
        A private link your calendar app (Google, Apple, Outlook) can subscribe to. It lists the meetings of your
        circles. Titles say “Circle meeting” unless you chose to show circle names in your account's privacy choices.
      </p>
      {!shown ? (
        <button type="button" className="button secondary" onClick={() => setShown(true)}>
          Show my calendar link
        </button>
      ) : null}
      {shown && feed.isPending ? <Loading what="your calendar link" /> : null}
      <Problem error={feed.error ?? renew.error ?? turnOff.error} />
      {shown && feed.data ? (
        <>
          <div className="field">
            <label htmlFor={inputId}>Your calendar link (keep it private)</label>
            <div className="copy-row">
              <input id={inputId} type="url" readOnly value={url} onFocus={(event) => event.target.select()} />
              <button type="button" className="button" onClick={() => void copy()}>
                Copy
              </button>
            </div>
            <p className="hint" role="status">
              {copied ? "Copied. Paste it into your calendar app's “subscribe by URL”." : ""}
            </p>
          </div>
          <div className="actions">
            <button type="button" className="button secondary" disabled={renew.isPending} onClick={() => renew.mutate()}>
              Get a new link (the old one stops working)
            </button>
            <button type="button" className="button link" disabled={turnOff.isPending} onClick={() => turnOff.mutate()}>
              Turn the link off
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}

export default function MyMeetingsPage() {
  const zone = useTimeZone();
  return (
    <>
      <PageHeading title="My meetings" />
      <section aria-labelledby="upcoming-heading">
        <h2 id="upcoming-heading">Coming up</h2>
        <Upcoming zone={zone} />
      </section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">Meetings you attended</h2>
        <History zone={zone} />
      </section>
      <CalendarFeed />
    </>
  );
}
