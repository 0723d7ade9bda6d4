import { isApiError, type SessionRead } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useLocation, useParams } from "react-router";

import { circles } from "../api";
import { PageHeading } from "../components/Page";
import { Loading, Problem } from "../components/Problem";
import { saveFile } from "../lib/files";
import { useSession, useTimeZone } from "../lib/session";
import { clock, dayName, meetingPhase, meetingTime, sameClock, zoneLabel } from "../lib/time";

/** The online link shows from this long before the start, as in most meeting finders. */
const JOIN_LINK_EARLY_MS = 10 * 60_000;
/** Check-in opens this long before the start (the server decides; this only shows the way). */
const CHECK_IN_EARLY_MS = 30 * 60_000;

/** A map search for the place, in the member's own map app: a link they choose to follow. */
function directionsUrl(place: string): string {
  return `https://www.openstreetmap.org/search?query=${encodeURIComponent(place)}`;
}

/** The current time, ticking every 30 seconds so buttons appear when their time comes. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

function RsvpPanel({ session, member }: { session: SessionRead; member: boolean }) {
  const queryClient = useQueryClient();
  const [announcement, setAnnouncement] = useState("");
  const rsvp = useMutation({
    mutationFn: (status: "going" | "not_going") => circles.sessions.rsvp(session.id, status),
    onSuccess: async (answer) => {
      setAnnouncement(
        answer.status === "going"
          ? "You're going. See you there."
          : answer.status === "waitlisted"
            ? `The meeting is full, so you're on the waitlist: you're #${answer.waitlist_position ?? "?"}. If a seat frees up, it's yours and we'll email you.`
            : "Thanks for letting the circle know you can't make it.",
      );
      await queryClient.invalidateQueries({ queryKey: ["session", session.id] });
      await queryClient.invalidateQueries({ queryKey: ["my-sessions"] });
      await queryClient.invalidateQueries({ queryKey: ["group-sessions"] });
    },
  });
  const started = Date.now() >= Date.parse(session.starts_at);
  if (session.status === "cancelled" || started) return null;
  if (!member) return null;
  const mine = session.my_rsvp?.status;
  const full = session.seats_left <= 0;
  return (
    <section aria-labelledby="rsvp-heading">
      <h2 id="rsvp-heading">Are you coming?</h2>
      <p role="status" aria-live="polite">
        {announcement ||
          (mine === "going"
            ? "You're going."
            : mine === "waitlisted"
              ? `You're #${session.my_rsvp?.waitlist_position ?? "?"} on the waitlist. If a seat frees up, it's yours and we'll email you.`
              : mine === "not_going"
                ? "You said you can't make it."
                : full
                  ? "This meeting is full. Join the waitlist and you'll get the next free seat."
                  : `${session.seats_left} of ${session.capacity} seats are free.`)}
      </p>
      <div className="actions">
        {mine !== "going" && mine !== "waitlisted" ? (
          <button type="button" className="button" disabled={rsvp.isPending} onClick={() => rsvp.mutate("going")}>
            {full ? "Join the waitlist" : "I'm going"}
          </button>
        ) : null}
        {mine !== "not_going" ? (
          <button
            type="button"
            className="button secondary"
            disabled={rsvp.isPending}
            onClick={() => rsvp.mutate("not_going")}
          >
            {mine === "waitlisted" ? "Leave the waitlist" : mine === "going" ? "I can't make it" : "Not this time"}
          </button>
        ) : null}
      </div>
      <Problem error={rsvp.error} />
    </section>
  );
}

export default function MeetingPage() {
  const { sessionId = "" } = useParams();
  const zone = useTimeZone();
  const now = useNow();
  const { signedIn, me } = useSession();
  const location = useLocation();
  const [calendarError, setCalendarError] = useState<unknown>(null);
  const session = useQuery({ queryKey: ["session", sessionId], queryFn: () => circles.sessions.read(sessionId) });
  const groupId = session.data?.group_id;
  const group = useQuery({
    queryKey: ["group", "id", groupId],
    queryFn: () => circles.groups.read(groupId ?? ""),
    enabled: Boolean(groupId),
  });

  if (session.isPending) return <Loading what="the meeting" />;
  if (session.error) {
    if (isApiError(session.error) && session.error.status === 404) {
      return (
        <div className="narrow">
          <PageHeading title="We couldn't find this meeting" />
          <p>It may have been removed, or the link is not complete.</p>
          <p>
            <Link to="/my-meetings">See my meetings</Link> or <Link to="/">find a circle</Link>.
          </p>
        </div>
      );
    }
    return <Problem error={session.error} retry={() => void session.refetch()} />;
  }

  const data = session.data;
  const start = new Date(data.starts_at);
  const end = new Date(data.ends_at);
  const phase = meetingPhase(data.starts_at, data.ends_at, now);
  const member = group.data?.my_membership?.status === "active";
  // The circle's facilitators (and admins) run its meetings.
  const runs = (member && group.data?.my_membership?.role === "facilitator") || me?.role === "admin";
  const cancelled = data.status === "cancelled";
  const joinLinkOpen = now >= start.getTime() - JOIN_LINK_EARLY_MS && phase !== "ended";
  const checkInOpen = now >= start.getTime() - CHECK_IN_EARLY_MS && phase !== "ended";
  const format = data.group_format;

  async function addToCalendar() {
    setCalendarError(null);
    try {
      saveFile(await circles.sessions.calendar(data.id), "meeting.ics");
    } catch (error) {
      setCalendarError(error);
    }
  }

  return (
    <article className="narrow">
      <PageHeading title={`${data.group_name} meeting`} />
      <p>
        <Link to={`/groups/${data.group_id}`}>About {data.group_name}</Link>
      </p>
      {runs && !cancelled ? (
        <p>
          <Link className="button" to={`/meetings/${data.id}/run`}>
            Run this meeting
          </Link>{" "}
          <span className="small muted">The check-in code for the room, and the attendance sheet.</span>
        </p>
      ) : null}
      {cancelled ? (
        <div className="notice error">
          <span className="title">This meeting is cancelled.</span>
          {data.cancel_reason ? <p>The facilitator wrote: “{data.cancel_reason}”</p> : null}
          <p>
            Other meetings of the circle are on its <Link to={`/groups/${data.group_id}`}>page</Link>.
          </p>
        </div>
      ) : null}
      {!cancelled && data.moved_from ? (
        <p className="notice warning">
          <span className="title">This meeting has moved.</span>
          It was planned for {dayName(new Date(data.moved_from), zone)} at {clock(new Date(data.moved_from), zone)}. The new
          time is below.
        </p>
      ) : null}

      <h2>When</h2>
      <p>
        <strong>{meetingTime(start, end, zone)}</strong> {signedIn ? "your time" : `(${zoneLabel(zone)})`}
        {!sameClock(start, zone, data.timezone) ? (
          <>
            <br />
            <span className="muted">
              {meetingTime(start, end, data.timezone)} {zoneLabel(data.timezone)}
            </span>
          </>
        ) : null}
      </p>
      <ul className="badges">
        {phase === "in_progress" && !cancelled ? <li className="badge live">In progress</li> : null}
        {phase === "starts_soon" && !cancelled ? <li className="badge soon">Starts soon</li> : null}
        {phase === "ended" ? <li className="badge">This meeting has ended</li> : null}
      </ul>

      {!cancelled && phase !== "ended" ? (
        <>
          <h2>Where</h2>
          {data.place ? (
            <p>
              {data.group_format === "online" ? data.place : `In person: ${data.place}`}
              {data.group_format !== "online" ? (
                <>
                  {" "}
                  <a href={directionsUrl(data.place)} target="_blank" rel="noopener noreferrer">
                    Directions (opens a map)
                  </a>
                </>
              ) : null}
            </p>
          ) : null}
          {format !== "in_person" ? (
            member ? (
              data.online_url && joinLinkOpen ? (
                <p>
                  <a className="button" href={data.online_url} target="_blank" rel="noopener noreferrer">
                    Join the meeting online
                  </a>
                </p>
              ) : (
                <p>The button to join online appears here 10 minutes before the start.</p>
              )
            ) : (
              <p>Online. Members of the circle see the link here shortly before the start.</p>
            )
          ) : null}
        </>
      ) : null}

      {!signedIn ? (
        <p className="actions">
          <Link className="button" to={`/sign-in?next=${encodeURIComponent(location.pathname)}`}>
            Sign in to RSVP
          </Link>
        </p>
      ) : group.data && !member ? (
        <p className="notice">
          {group.data.my_membership?.status === "pending"
            ? "Your request to join this circle is waiting for a facilitator's approval. Once you're in, you can RSVP."
            : "Join the circle to RSVP and check in. "}
          {group.data.my_membership?.status !== "pending" ? (
            <Link to={`/groups/${data.group_id}`}>Go to the circle's page</Link>
          ) : null}
        </p>
      ) : null}

      <RsvpPanel session={data} member={member} />

      {member && !cancelled && checkInOpen ? (
        <p className="actions">
          <Link className="button" to={`/meetings/${data.id}/check-in`}>
            Check in
          </Link>
        </p>
      ) : null}

      {!cancelled && phase !== "ended" ? (
        <p>
          <button type="button" className="button secondary" onClick={() => void addToCalendar()}>
            Add this meeting to my calendar
          </button>
        </p>
      ) : null}
      <Problem error={calendarError} />
    </article>
  );
}
