import type { GroupSummary } from "@strength-circles/client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { type FormEvent, useId } from "react";
import { Link, useSearchParams } from "react-router";

import { circles } from "../api";
import { FilterChips } from "../components/FilterChips";
import { PageHeading } from "../components/Page";
import { SearchBox } from "../components/SearchBox";
import { Loading, Problem } from "../components/Problem";
import { FORMAT_WORDS, LANGUAGE_NAMES, languageName } from "../lib/words";
import { useTimeZone } from "../lib/session";
import { meetingPhase, meetingTime, scheduleInWords } from "../lib/time";

const WEEKDAY_OPTIONS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
type Weekday = (typeof WEEKDAY_OPTIONS)[number];
const TIME_OPTIONS = {
  morning: "Morning (5 am–noon)",
  midday: "Midday (noon–5 pm)",
  evening: "Evening (5–9 pm)",
  night: "Night (9 pm–5 am)",
} as const;
type TimeOfDay = keyof typeof TIME_OPTIONS;
const FORMATS = ["online", "in_person", "hybrid"] as const;
type Format = (typeof FORMATS)[number];
const PAGE_SIZE = 20;
/** "In progress" in the finder: started within the last ten minutes, so there is still time. */
const JUST_STARTED_MS = 10 * 60_000;

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

interface Filters {
  q: string;
  topic: string;
  format: Format | "";
  language: string;
  day: Weekday | "";
  time: TimeOfDay | "";
  open: boolean;
}

function readFilters(params: URLSearchParams): Filters {
  const pick = <T extends string>(value: string | null, allowed: readonly T[]): T | "" =>
    value && (allowed as readonly string[]).includes(value) ? (value as T) : "";
  return {
    q: (params.get("q") ?? "").slice(0, 100),
    topic: (params.get("topic") ?? "").slice(0, 40),
    format: pick(params.get("format"), FORMATS),
    language: (params.get("language") ?? "").slice(0, 20),
    day: pick(params.get("day"), WEEKDAY_OPTIONS),
    time: pick(params.get("time"), Object.keys(TIME_OPTIONS) as TimeOfDay[]),
    open: params.get("open") === "1",
  };
}

function GroupCard({ group, zone }: { group: GroupSummary; zone: string }) {
  const next = group.next_session;
  const phase = next ? meetingPhase(next.starts_at, next.ends_at) : null;
  const full = group.seats_left <= 0;
  return (
    <li className="card">
      <h2>
        <Link to={`/groups/${group.id}`}>{group.name}</Link>
      </h2>
      <ul className="badges" aria-label="About this circle">
        <li className="badge">{FORMAT_WORDS[group.format]}</li>
        <li className="badge">{languageName(group.language)}</li>
        {group.join_policy === "approval" ? <li className="badge">Join by request</li> : null}
        {full ? <li className="badge off">Full for now</li> : <li className="badge">{group.seats_left} places left</li>}
        {phase === "in_progress" ? <li className="badge live">Meeting now</li> : null}
        {phase === "starts_soon" ? <li className="badge soon">Starts soon</li> : null}
      </ul>
      <p>{group.description.length > 220 ? `${group.description.slice(0, 217)}…` : group.description}</p>
      {group.schedules.map((schedule) => {
        const words = scheduleInWords(schedule, zone);
        return (
          <p key={schedule.rrule + schedule.start_time}>
            <strong>{words.yours}</strong>
            {words.groups ? <span className="muted small"> ({words.groups})</span> : null}
          </p>
        );
      })}
      {next ? (
        <p className="small">
          Next meeting: {meetingTime(new Date(next.starts_at), new Date(next.ends_at), zone)}
          {next.status === "cancelled" ? " (cancelled)" : ""}
        </p>
      ) : (
        <p className="small muted">No meetings planned yet.</p>
      )}
      {group.city ? <p className="small muted">Meets in {group.city}</p> : null}
    </li>
  );
}

export function FinderPage() {
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const zone = useTimeZone();
  const ids = { topic: useId(), format: useId(), language: useId(), day: useId(), time: useId() };

  const topics = useQuery({ queryKey: ["topics"], queryFn: circles.groups.topics, staleTime: 10 * 60_000 });
  const topicName = (slug: string) => topics.data?.items.find((topic) => topic.slug === slug)?.name ?? slug;

  const query = {
    ...(filters.q ? { q: filters.q } : {}),
    ...(filters.topic ? { topic: filters.topic } : {}),
    ...(filters.format ? { format: filters.format } : {}),
    ...(filters.language ? { language: filters.language } : {}),
    ...(filters.day ? { day: filters.day } : {}),
    ...(filters.time ? { time_of_day: filters.time } : {}),
    ...(filters.open ? { open: true } : {}),
  };
  const groups = useInfiniteQuery({
    queryKey: ["groups", query],
    queryFn: ({ pageParam }) =>
      circles.groups.list({ ...query, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

  function update(name: keyof Filters, value: string) {
    const next = new URLSearchParams(params);
    next.delete("welcome");
    next.delete("closed");
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: false });
  }

  function onSearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = new FormData(event.currentTarget).get("q");
    update("q", typeof text === "string" ? text.trim() : "");
  }

  const chips: { key: keyof Filters; label: string }[] = [];
  if (filters.q) chips.push({ key: "q", label: `“${filters.q}”` });
  if (filters.topic) chips.push({ key: "topic", label: topicName(filters.topic) });
  if (filters.format) chips.push({ key: "format", label: FORMAT_WORDS[filters.format] });
  if (filters.language) chips.push({ key: "language", label: languageName(filters.language) });
  if (filters.day) chips.push({ key: "day", label: `${capital(filters.day)}s` });
  if (filters.time) chips.push({ key: "time", label: capital(filters.time) });
  if (filters.open) chips.push({ key: "open", label: "Has room" });

  const items = groups.data?.pages.flatMap((page) => page.items) ?? [];
  const total = groups.data?.pages[0]?.total;
  const inProgress = items.filter((group) => {
    const next = group.next_session;
    if (!next || next.status === "cancelled") return false;
    const started = Date.parse(next.starts_at);
    return started <= Date.now() && Date.now() - started <= JUST_STARTED_MS;
  }).length;
  const countWords =
    total === undefined ? "" : total === 1 ? "1 circle" : `${total} circles`;

  return (
    <>
      <PageHeading title="Find a circle" />
      {params.get("welcome") ? (
        <p className="notice success" role="status">
          Welcome to Strength Circles. Your address is confirmed and you're signed in. Find a circle below; you
          can join as many as you like.
        </p>
      ) : null}
      {params.get("closed") ? (
        <p className="notice" role="status">
          Your account is closed and your personal details are removed. Thank you for being part of the circles.
          Take good care of yourself.
        </p>
      ) : null}
      <p className="narrow">
        Peer support groups led by people who have been there. Meet online or in person, listen or
        share as much as feels right.
      </p>
      <form className="finder-form" role="search" onSubmit={onSearch}>
        <SearchBox label="Search by name or words" value={filters.q} maxLength={100} />
        <div className="filters">
          <div className="field">
            <label htmlFor={ids.topic}>Topic</label>
            <select id={ids.topic} value={filters.topic} onChange={(e) => update("topic", e.target.value)}>
              <option value="">Any topic</option>
              {topics.data?.items.map((topic) => (
                <option key={topic.slug} value={topic.slug}>
                  {topic.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.format}>Format</label>
            <select id={ids.format} value={filters.format} onChange={(e) => update("format", e.target.value)}>
              <option value="">Online or in person</option>
              {FORMATS.map((format) => (
                <option key={format} value={format}>
                  {FORMAT_WORDS[format]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.language}>Language</label>
            <select id={ids.language} value={filters.language} onChange={(e) => update("language", e.target.value)}>
              <option value="">Any language</option>
              {Object.entries(LANGUAGE_NAMES).map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.day}>Day</label>
            <select id={ids.day} value={filters.day} onChange={(e) => update("day", e.target.value)}>
              <option value="">Any day</option>
              {WEEKDAY_OPTIONS.map((day) => (
                <option key={day} value={day}>
                  {capital(day)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.time}>Time of day</label>
            <select id={ids.time} value={filters.time} onChange={(e) => update("time", e.target.value)}>
              <option value="">Any time</option>
              {Object.entries(TIME_OPTIONS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <label className="choice">
            <input type="checkbox" checked={filters.open} onChange={(e) => update("open", e.target.checked ? "1" : "")} />
            Has room for new members
          </label>
        </div>
      </form>

      <section aria-labelledby="results-heading">
        <h2 id="results-heading" aria-live="polite">
          {groups.isPending ? "Looking for circles…" : groups.isError ? "Circles" : countWords || "Circles"}
          {inProgress > 0 ? <span className="muted small"> · {inProgress} meeting now</span> : null}
        </h2>
        <FilterChips chips={chips} onRemove={(key) => update(key, "")} onClear={() => setParams(new URLSearchParams())} />
        {groups.isPending ? <Loading what="circles" /> : null}
        <Problem error={groups.error} retry={() => void groups.refetch()} />
        {groups.isSuccess && items.length === 0 ? (
          <div className="notice">
            <span className="title">No circles match all of these filters.</span>
            <p>
              {chips.length > 0
                ? "Try removing a filter above: a different day or time, or any format, often helps."
                : "There are no circles in the directory yet. Please check back soon."}
            </p>
          </div>
        ) : null}
        <ul className="cards two">
          {items.map((group) => (
            <GroupCard key={group.id} group={group} zone={zone} />
          ))}
        </ul>
        {groups.hasNextPage ? (
          <p>
            <button
              type="button"
              className="button secondary"
              disabled={groups.isFetchingNextPage}
              onClick={() => void groups.fetchNextPage()}
            >
              {groups.isFetchingNextPage ? "Loading more…" : "Show more circles"}
            </button>
          </p>
        ) : null}
      </section>
    </>
  );
}
