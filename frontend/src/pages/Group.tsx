import { type GroupRead, isApiError } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { Link, useLocation, useParams } from "react-router";

import { circles } from "../api";
import { saveFile } from "../lib/files";
import { MeetingTimes } from "../components/MeetingTimes";
import { PageHeading } from "../components/Page";
import { Loading, Problem } from "../components/Problem";
import { ReportConcern } from "../components/ReportConcern";
import { useSession, useTimeZone } from "../lib/session";
import { meetingPhase, meetingTime } from "../lib/time";
import { FORMAT_WORDS, languageName } from "../lib/words";
import type { CircleStarted } from "./staff/StartCircle";

const UPCOMING_DAYS = 60;
const UPCOMING_SHOWN = 6;

function JoinDialog({ group, onDone }: { group: GroupRead; onDone: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [accepted, setAccepted] = useState(false);
  const headingId = useId();
  const queryClient = useQueryClient();
  const join = useMutation({
    mutationFn: () => circles.groups.join(group.id),
    onSuccess: async () => {
      dialog.current?.close();
      await queryClient.invalidateQueries({ queryKey: ["group"] });
      await queryClient.invalidateQueries({ queryKey: ["my-groups"] });
      onDone();
    },
  });
  const approval = group.join_policy === "approval";
  return (
    <>
      <button type="button" className="button" onClick={() => dialog.current?.showModal()}>
        {approval ? "Ask to join" : "Join this circle"}
      </button>
      <dialog ref={dialog} aria-labelledby={headingId}>
        <h2 id={headingId}>The circle's guidelines</h2>
        <p>Everyone who joins agrees to these, so the circle stays a safe place to share.</p>
        <div className="prose guidelines">
          {group.guidelines.split(/\n{2,}/).map((paragraph, index) => (
            <p key={index}>{paragraph}</p>
          ))}
        </div>
        <label className="choice">
          <input type="checkbox" checked={accepted} onChange={(event) => setAccepted(event.target.checked)} />
          I have read the guidelines and will follow them
        </label>
        <Problem error={join.error} />
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={!accepted || join.isPending}
            onClick={() => join.mutate()}
          >
            {approval ? "Send my request" : "Join"}
          </button>
          <button type="button" className="button secondary" onClick={() => dialog.current?.close()}>
            Not now
          </button>
        </div>
      </dialog>
    </>
  );
}

function Membership({ group }: { group: GroupRead }) {
  const { signedIn, me } = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const [confirmingLeave, setConfirmingLeave] = useState(false);
  // The button that was pressed goes away: focus moves to what replaced it, not to the page.
  const question = useRef<HTMLSpanElement>(null);
  const said = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (confirmingLeave) question.current?.focus();
  }, [confirmingLeave]);
  useEffect(() => {
    if (message) said.current?.focus();
  }, [message]);
  const leave = useMutation({
    mutationFn: () => circles.groups.leave(group.id, me?.id ?? ""),
    onSuccess: async () => {
      setConfirmingLeave(false);
      setMessage("You have left the circle. You are welcome back any time.");
      await queryClient.invalidateQueries({ queryKey: ["group"] });
      await queryClient.invalidateQueries({ queryKey: ["my-groups"] });
    },
  });

  if (!signedIn) {
    return (
      <p className="actions">
        <Link className="button" to={`/sign-in?next=${encodeURIComponent(location.pathname)}`}>
          Sign in to join
        </Link>
        <Link to="/sign-up">New here? Create an account</Link>
      </p>
    );
  }
  const status = group.my_membership?.status;
  return (
    <div>
      {message ? (
        <p className="notice success" role="status" tabIndex={-1} ref={said}>
          {message}
        </p>
      ) : null}
      {status === "active" ? (
        <p className="notice success">
          {group.my_membership?.role === "facilitator" ? "You facilitate this circle." : "You're a member of this circle."}
        </p>
      ) : null}
      {status === "pending" ? (
        <p className="notice">Your request to join is waiting for a facilitator's approval. We'll email you when it's answered.</p>
      ) : null}
      {status === "removed" ? (
        <p className="notice warning">
          A facilitator has ended your membership of this circle. You can ask to join again, and a facilitator will
          decide.
        </p>
      ) : null}
      <div className="actions">
        {!status || status === "left" || status === "removed" ? (
          group.status === "active" ? (
            <JoinDialog
              group={group}
              onDone={() =>
                setMessage(
                  group.join_policy === "approval" || status === "removed"
                    ? "Your request has been sent. A facilitator will look at it soon."
                    : "Welcome! You're now a member. Pick a meeting below and let the circle know you're coming.",
                )
              }
            />
          ) : (
            <p className="muted">This circle isn't taking new members right now.</p>
          )
        ) : null}
        {status === "active" || status === "pending" ? (
          confirmingLeave ? (
            <>
              <span tabIndex={-1} ref={question}>
                {status === "pending" ? "Withdraw your request?" : "Leave this circle? Your seats at its meetings go to others."}
              </span>
              <button type="button" className="button danger" disabled={leave.isPending} onClick={() => leave.mutate()}>
                {status === "pending" ? "Withdraw request" : "Leave the circle"}
              </button>
              <button type="button" className="button secondary" onClick={() => setConfirmingLeave(false)}>
                Stay
              </button>
            </>
          ) : (
            <button type="button" className="button secondary" onClick={() => setConfirmingLeave(true)}>
              {status === "pending" ? "Withdraw my request" : "Leave this circle"}
            </button>
          )
        ) : null}
      </div>
      <Problem error={leave.error} />
    </div>
  );
}

function Upcoming({ group, zone }: { group: GroupRead; zone: string }) {
  const [from] = useState(() => new Date());
  const to = new Date(from.getTime() + UPCOMING_DAYS * 86_400_000);
  const sessions = useQuery({
    queryKey: ["group-sessions", group.id],
    queryFn: () =>
      circles.groups.sessions(group.id, { from: from.toISOString(), to: to.toISOString(), limit: UPCOMING_SHOWN }),
  });
  if (sessions.isPending) return <Loading what="meetings" />;
  if (sessions.error) return <Problem error={sessions.error} retry={() => void sessions.refetch()} />;
  const upcoming = sessions.data.items.filter((item) => meetingPhase(item.starts_at, item.ends_at) !== "ended");
  if (upcoming.length === 0) {
    return <p className="muted">No meetings are planned in the next two months. Check back soon.</p>;
  }
  return (
    <ul className="cards">
      {upcoming.map((session) => {
        const phase = meetingPhase(session.starts_at, session.ends_at);
        return (
          <li key={session.id} className="card">
            <h3>
              <Link to={`/meetings/${session.id}`}>
                {meetingTime(new Date(session.starts_at), new Date(session.ends_at), zone)}
              </Link>
            </h3>
            <ul className="badges">
              {session.status === "cancelled" ? <li className="badge off">Cancelled</li> : null}
              {phase === "in_progress" && session.status !== "cancelled" ? <li className="badge live">In progress</li> : null}
              {phase === "starts_soon" && session.status !== "cancelled" ? <li className="badge soon">Starts soon</li> : null}
              {session.status !== "cancelled" ? (
                <li className="badge">{session.seats_left > 0 ? `${session.seats_left} seats left` : "Full: waitlist open"}</li>
              ) : null}
              {session.my_rsvp ? (
                <li className="badge">
                  {session.my_rsvp.status === "going"
                    ? "You're going"
                    : session.my_rsvp.status === "waitlisted"
                      ? `You're #${session.my_rsvp.waitlist_position ?? "?"} on the waitlist`
                      : "Not going"}
                </li>
              ) : null}
            </ul>
          </li>
        );
      })}
    </ul>
  );
}

/** A circle's id: the app's links name circles by id, since a name made into an address
 * often says what the circle is about (SECURITY.md: URLs never name a topic). */
const CIRCLE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default function GroupPage() {
  // An id, or the readable name of older links, which keep working.
  const { key = "" } = useParams();
  const zone = useTimeZone();
  const group = useQuery({
    queryKey: ["group", key],
    queryFn: () => (CIRCLE_ID.test(key) ? circles.groups.read(key) : circles.groups.bySlug(key)),
  });
  const topics = useQuery({ queryKey: ["topics"], queryFn: circles.groups.topics, staleTime: 10 * 60_000 });
  const topicNames = new Map(topics.data?.items.map((topic) => [topic.slug, topic.name]) ?? []);
  const [calendarError, setCalendarError] = useState<unknown>(null);
  const { me } = useSession();
  const pageLocation = useLocation();
  // Set when the circle was just started (StartCircle): said once, where reading starts.
  const started = (pageLocation.state as Partial<CircleStarted> | null)?.started;
  const startedNotice = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (started && group.data) startedNotice.current?.focus();
  }, [started, group.data]);

  if (group.isPending) return <Loading what="the circle" />;
  if (group.error) {
    if (isApiError(group.error) && group.error.status === 404) {
      return (
        <div className="narrow">
          <PageHeading title="We couldn't find this circle" />
          <p>It may have a new name, or it is no longer meeting.</p>
          <p>
            <Link to="/">Find another circle</Link>
          </p>
        </div>
      );
    }
    return <Problem error={group.error} retry={() => void group.refetch()} />;
  }
  const data = group.data;
  const manages =
    (data.my_membership?.role === "facilitator" && data.my_membership.status === "active") || me?.role === "admin";
  const location = data.location;
  const address = [location?.address, location?.city, location?.region, location?.postal_code]
    .filter(Boolean)
    .join(", ");

  async function addCircleToCalendar() {
    setCalendarError(null);
    try {
      // A neutral file name: a phone's downloads should not say which circle this is.
      saveFile(await circles.groups.calendar(data.id), "circle-meetings.ics");
    } catch (error) {
      setCalendarError(error);
    }
  }

  return (
    <article className="narrow">
      <PageHeading title={data.name} />
      <ul className="badges" aria-label="About this circle">
        <li className="badge">{FORMAT_WORDS[data.format]}</li>
        <li className="badge">{languageName(data.language)}</li>
        <li className="badge">{data.join_policy === "approval" ? "Join by request" : "Open to join"}</li>
        <li className="badge">{data.seats_left > 0 ? `${data.seats_left} places left` : "Full for now"}</li>
        {data.status === "paused" ? <li className="badge off">Taking a break</li> : null}
      </ul>
      {started ? (
        <div className="notice success" role="status" tabIndex={-1} ref={startedNotice}>
          <span className="title">{started} is started</span>
          <p>
            Next, add when it meets, so members can find a meeting and come along:{" "}
            <Link to={`/groups/${data.id}/meetings`}>add meeting times</Link>.
          </p>
        </div>
      ) : null}
      {data.status === "archived" ? (
        <p className="notice">This circle has ended and is archived. Its page is kept to look back on.</p>
      ) : null}
      <Membership group={data} />
      {manages ? (
        <p className="actions">
          {data.status !== "archived" ? (
            <Link className="button secondary" to={`/groups/${data.id}/edit`}>
              Edit circle
            </Link>
          ) : null}
          <Link className="button secondary" to={`/groups/${data.id}/meetings`}>
            Meetings and schedule
          </Link>
          <Link className="button secondary" to={`/groups/${data.id}/members`}>
            Manage members
          </Link>
          <Link className="button secondary" to={`/groups/${data.id}/attendance`}>
            Attendance report
          </Link>
        </p>
      ) : null}

      <h2>About</h2>
      {data.description.split(/\n{2,}/).map((paragraph, index) => (
        <p key={index}>{paragraph}</p>
      ))}
      {data.topics.length > 0 ? (
        <p className="muted">Topics: {data.topics.map((slug) => topicNames.get(slug) ?? slug).join(", ")}</p>
      ) : null}

      <h2>When it meets</h2>
      <MeetingTimes schedules={data.schedules} zone={zone} />

      <h2>Where</h2>
      {data.format !== "in_person" ? (
        <p>
          Online. Members see the link to join on each meeting's page, from 10 minutes before it starts.
        </p>
      ) : null}
      {data.format !== "online" ? <p>{address ? `In person: ${address}` : "In person."}</p> : null}
      {data.accessibility_notes ? (
        <>
          <h3>Accessibility</h3>
          <p>{data.accessibility_notes}</p>
        </>
      ) : null}

      <h2>Upcoming meetings</h2>
      <Upcoming group={data} zone={zone} />
      {data.visibility === "listed" ? (
        <p>
          <button type="button" className="button secondary" onClick={() => void addCircleToCalendar()}>
            Add all meetings to my calendar
          </button>
        </p>
      ) : null}
      <Problem error={calendarError} />

      <h2>What to expect at your first meeting</h2>
      <ul>
        <li>It's okay to just listen. Nobody has to share, and you can say "pass" at any time.</li>
        <li>People use first names or nicknames only, and what is said in the circle stays there.</li>
        <li>A trained peer facilitator keeps time and makes sure everyone who wants to speak can.</li>
        <li>This is peer support, not therapy or a crisis service. If you are in danger, <Link to="/crisis">get help now</Link>.</li>
      </ul>

      <h2>Guidelines</h2>
      <div className="prose">
        {data.guidelines.split(/\n{2,}/).map((paragraph, index) => (
          <p key={index}>{paragraph}</p>
        ))}
      </div>

      <ReportConcern
        targetType="circle"
        targetId={data.id}
        about="this circle"
        membersOf={data.my_membership?.status === "active" ? data.id : undefined}
      />
    </article>
  );
}
