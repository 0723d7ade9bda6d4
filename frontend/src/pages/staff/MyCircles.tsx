import type { GroupSummary } from "@strength-circles/client";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Link, useLocation } from "react-router";

import { circles } from "../../api";
import { PageHeading } from "../../components/Page";
import { Loading, Problem } from "../../components/Problem";
import { useSession, useTimeZone } from "../../lib/session";
import { scheduleInWords } from "../../lib/time";
import { FORMAT_WORDS } from "../../lib/words";
import type { CircleArchived } from "./EditCircle";

const STATUS_WORDS: Record<GroupSummary["status"], string> = {
  active: "Meeting",
  paused: "Taking a break",
  archived: "Archived",
};

/** One circle and the tools for it. */
function CircleCard({ group }: { group: GroupSummary }) {
  const zone = useTimeZone();
  const archived = group.status === "archived";
  return (
    <li className="card">
      <h3>
        <Link to={`/groups/${group.id}`}>{group.name}</Link>
      </h3>
      <ul className="badges" aria-label={`About ${group.name}`}>
        <li className={group.status === "active" ? "badge" : "badge off"}>{STATUS_WORDS[group.status]}</li>
        <li className="badge">{FORMAT_WORDS[group.format]}</li>
        <li className="badge">{group.visibility === "listed" ? "Listed" : "Unlisted"}</li>
        <li className="badge">{group.join_policy === "approval" ? "Join by request" : "Open to join"}</li>
        {archived ? null : (
          <li className="badge">
            {group.capacity - group.seats_left} of {group.capacity} places taken
          </li>
        )}
      </ul>
      {archived ? null : group.schedules.length > 0 ? (
        <p className="small">{group.schedules.map((schedule) => scheduleInWords(schedule, zone).yours).join("; ")}</p>
      ) : (
        <p className="small">No meeting times yet: add them on Meetings and schedule.</p>
      )}
      <div className="actions">
        {archived ? null : (
          <Link className="button secondary" to={`/groups/${group.id}/edit`} aria-label={`Edit ${group.name}`}>
            Edit
          </Link>
        )}
        <Link className="button secondary" to={`/groups/${group.id}/members`} aria-label={`Members of ${group.name}`}>
          Members
        </Link>
        <Link className="button secondary" to={`/groups/${group.id}/attendance`} aria-label={`Attendance at ${group.name}`}>
          Attendance
        </Link>
        <Link
          className="button secondary"
          to={`/groups/${group.id}/meetings`}
          aria-label={`Meetings and schedule of ${group.name}`}
        >
          Meetings and schedule
        </Link>
      </div>
    </li>
  );
}

/** Any circle, for admins: the directory's search (archived circles are not in it). */
function FindAnyCircle() {
  const searchId = useId();
  const [typed, setTyped] = useState("");
  const [asked, setAsked] = useState<string | null>(null);
  const found = useQuery({
    queryKey: ["staff-circle-search", asked],
    queryFn: () => circles.groups.list({ limit: 20, ...(asked ? { q: asked } : {}) }),
    enabled: asked !== null,
  });

  function search(event: FormEvent) {
    event.preventDefault();
    setAsked(typed.trim());
  }

  return (
    <section aria-labelledby={`${searchId}-heading`}>
      <h2 id={`${searchId}-heading`}>Find any circle</h2>
      <p>
        As an admin you can manage every circle, listed or unlisted. Search by words in a circle's name or description;
        archived circles are not included.
      </p>
      <form className="search-form" role="search" onSubmit={search}>
        <div className="field">
          <label htmlFor={searchId}>Words in the name or description</label>
          <input id={searchId} type="search" value={typed} maxLength={100} onChange={(event) => setTyped(event.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </form>
      {found.isFetching && !found.data ? <Loading what="the circles" /> : null}
      <Problem error={found.error} retry={() => void found.refetch()} />
      {found.data ? (
        <p className="result-count" role="status">
          {found.data.total === 1 ? "1 circle found" : `${found.data.total ?? found.data.items.length} circles found`}
          {found.data.next_cursor ? "; the first 20 are shown, so try more words" : ""}
        </p>
      ) : null}
      <ul className="cards">
        {(found.data?.items ?? []).map((group) => (
          <CircleCard key={group.id} group={group} />
        ))}
      </ul>
    </section>
  );
}

/** The circles the signed-in facilitator runs, with their tools; admins can also find any. */
export default function MyCirclesPage() {
  const { me } = useSession();
  const location = useLocation();
  const archived = (location.state as Partial<CircleArchived> | null)?.archived;
  const mine = useQuery({ queryKey: ["my-groups"], queryFn: circles.me.groups, enabled: Boolean(me) });

  if (!me || mine.isPending) return <Loading what="your circles" />;
  if (me.role === "member") {
    return (
      <article className="narrow">
        <PageHeading title="My circles" />
        <p>This page is for facilitators and admins. The circles you are in are on <Link to="/my-meetings">My meetings</Link>.</p>
      </article>
    );
  }
  if (mine.isError) return <Problem error={mine.error} retry={() => void mine.refetch()} />;
  const facilitated = mine.data.items.filter((item) => item.role === "facilitator" && item.status === "active").map((item) => item.group);
  const current = facilitated.filter((group) => group.status !== "archived");
  const closed = facilitated.filter((group) => group.status === "archived");
  return (
    <article className="narrow">
      <p className="small">
        <Link className="inline-link" to="/staff">
          Staff tools
        </Link>
      </p>
      <PageHeading title="My circles" />
      {archived ? (
        <p className="notice success" role="status">
          {archived} is archived. It has left Find a circle, and its history is kept.
        </p>
      ) : null}
      <p className="actions">
        <Link className="button" to="/circles/new">
          Start a circle
        </Link>
      </p>

      <h2>Circles you facilitate</h2>
      {current.length === 0 ? (
        <p className="muted">You don't facilitate a circle yet. When you start one, it appears here.</p>
      ) : null}
      <ul className="cards">
        {current.map((group) => (
          <CircleCard key={group.id} group={group} />
        ))}
      </ul>

      {closed.length > 0 ? (
        <>
          <h2>Archived circles</h2>
          <p>These have ended. Their members and attendance are kept to look back on.</p>
          <ul className="cards">
            {closed.map((group) => (
              <CircleCard key={group.id} group={group} />
            ))}
          </ul>
        </>
      ) : null}

      {me.role === "admin" ? <FindAnyCircle /> : null}
    </article>
  );
}
