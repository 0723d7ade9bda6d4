import "../styles/library.css";

import type { ResourceSummary, ResourceType } from "@strength-circles/client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useEffect, useId, useRef } from "react";
import { Link, useSearchParams } from "react-router";

import { circles } from "../api";
import { FilterChips } from "../components/FilterChips";
import { PageHeading } from "../components/Page";
import { SearchBox } from "../components/SearchBox";
import { Problem } from "../components/Problem";
import { useSession } from "../lib/session";
import { LANGUAGE_NAMES, RESOURCE_TYPE_WORDS, languageName } from "../lib/words";

const RESOURCE_TYPES = ["article", "worksheet", "video", "hotline", "service", "story"] as const;
const PAGE_SIZE = 20;

/** "6 min read"; a video is watched, a helpline's page is a glance. */
export function readingTime(resource: Pick<ResourceSummary, "type" | "reading_minutes">): string {
  const minutes = Math.max(1, Math.round(resource.reading_minutes));
  return resource.type === "video" ? `${minutes} min to watch` : `${minutes} min read`;
}

/** "Mentions: self-harm, grief and loss". */
export function mentions(notes: string[]): string {
  return `Mentions: ${notes.join(", ")}`;
}

/** "March 3, 2025" in the viewer's zone (dates alone, "2025-03-03", are read as that day). */
export function dateInWords(value: string, timeZone: string): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const instant = new Date(dateOnly ? `${value}T12:00:00Z` : value);
  if (Number.isNaN(instant.getTime())) return value;
  return new Intl.DateTimeFormat("en-US", {
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: dateOnly ? "UTC" : timeZone,
  }).format(instant);
}

/** The topics' names by slug, from the same list the finder uses. */
export function useTopicNames(): (slug: string) => string {
  const topics = useQuery({ queryKey: ["topics"], queryFn: circles.groups.topics, staleTime: 10 * 60_000 });
  return (slug) => topics.data?.items.find((topic) => topic.slug === slug)?.name ?? slug;
}

/** One resource as a card: the same in the library and in Saved for later. */
export function ResourceCard({
  resource,
  index,
  extra,
}: {
  resource: ResourceSummary;
  index?: number;
  extra?: ReactNode;
}) {
  return (
    <li className="card resource-card">
      <h3>
        <Link to={`/library/${resource.id}`} data-result-index={index}>
          {resource.title}
        </Link>
      </h3>
      <ul className="badges" aria-label="Kind of resource">
        <li className="badge">{RESOURCE_TYPE_WORDS[resource.type] ?? resource.type}</li>
      </ul>
      <ul className="meta" aria-label="Details">
        <li>{readingTime(resource)}</li>
        {resource.type === "story" && resource.byline ? <li>By {resource.byline}</li> : null}
        <li>{languageName(resource.language)}</li>
      </ul>
      {resource.content_notes.length > 0 ? (
        <p className="content-note-label small">{mentions(resource.content_notes)}</p>
      ) : null}
      <p>{resource.summary}</p>
      {extra}
    </li>
  );
}

interface Filters {
  q: string;
  type: ResourceType | "";
  topic: string;
  language: string;
}
type FilterName = keyof Filters;

function readFilters(params: URLSearchParams): Filters {
  const type = params.get("type") ?? "";
  return {
    q: (params.get("q") ?? "").trim().slice(0, 200),
    type: (RESOURCE_TYPES as readonly string[]).includes(type) ? (type as ResourceType) : "",
    topic: (params.get("topic") ?? "").slice(0, 40),
    language: (params.get("language") ?? "").slice(0, 20),
  };
}

function resultWords(count: number, more: boolean): string {
  if (count === 0) return "No resources found";
  const noun = count === 1 ? "resource" : "resources";
  return more ? `Showing the first ${count} ${noun}` : `${count} ${noun}`;
}

export default function LibraryPage() {
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const { signedIn } = useSession();
  const topicName = useTopicNames();
  const topics = useQuery({ queryKey: ["topics"], queryFn: circles.groups.topics, staleTime: 10 * 60_000 });
  const ids = { type: useId(), topic: useId(), language: useId(), results: useId() };
  const focusFrom = useRef<number | null>(null);

  const query = {
    ...(filters.q ? { q: filters.q } : {}),
    ...(filters.type ? { type: filters.type } : {}),
    ...(filters.topic ? { topic: filters.topic } : {}),
    ...(filters.language ? { language: filters.language } : {}),
  };
  const results = useInfiniteQuery({
    queryKey: ["library", query],
    queryFn: ({ pageParam }) =>
      circles.library.search({ ...query, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = results.data?.pages.flatMap((page) => page.items) ?? [];

  function update(name: FilterName, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  }

  /** A GET form: without JavaScript the browser sends the same query string. */
  function onSearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const name of ["q", "type", "topic", "language"] as const) {
      const value = form.get(name);
      if (typeof value === "string" && value.trim()) next.set(name, value.trim());
    }
    setParams(next);
  }

  function showMore() {
    focusFrom.current = items.length;
    void results.fetchNextPage();
  }

  // The button may be gone once the last page is in: continue from the first new result.
  useEffect(() => {
    const from = focusFrom.current;
    if (from !== null && items.length > from) {
      focusFrom.current = null;
      document.querySelector<HTMLElement>(`[data-result-index="${from}"]`)?.focus();
    }
  }, [items.length]);

  const chips: { key: FilterName; label: string }[] = [];
  if (filters.q) chips.push({ key: "q", label: `“${filters.q}”` });
  if (filters.type) chips.push({ key: "type", label: RESOURCE_TYPE_WORDS[filters.type] ?? filters.type });
  if (filters.topic) chips.push({ key: "topic", label: topicName(filters.topic) });
  if (filters.language) chips.push({ key: "language", label: languageName(filters.language) });

  return (
    <>
      <PageHeading title="Library" />
      <p className="narrow">
        Articles, worksheets, videos and services chosen by the counseling service, and recovery
        stories written by members. They offer ideas and company along the way; they are not a
        replacement for care from a professional.
      </p>
      {signedIn ? (
        <nav aria-label="Your library" className="library-links">
          <ul>
            <li>
              <Link to="/library/saved">Saved for later</Link>
            </li>
            <li>
              <Link to="/stories/new">Share your story</Link>
            </li>
            <li>
              <Link to="/stories/mine">My stories</Link>
            </li>
          </ul>
        </nav>
      ) : (
        <p className="small">
          <Link to={`/sign-in?next=${encodeURIComponent("/library")}`}>Sign in</Link> to save resources
          for later or to share your own story.
        </p>
      )}

      <form className="finder-form" role="search" aria-label="Search the library" method="get" action="/library" onSubmit={onSearch}>
        <SearchBox label="Search the library" value={filters.q} maxLength={200} />
        <div className="filters">
          <div className="field">
            <label htmlFor={ids.type}>Kind</label>
            <select id={ids.type} name="type" value={filters.type} onChange={(e) => update("type", e.target.value)}>
              <option value="">Any kind</option>
              {RESOURCE_TYPES.map((type) => (
                <option key={type} value={type}>
                  {RESOURCE_TYPE_WORDS[type] ?? type}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.topic}>Topic</label>
            <select id={ids.topic} name="topic" value={filters.topic} onChange={(e) => update("topic", e.target.value)}>
              <option value="">Any topic</option>
              {topics.data?.items.map((topic) => (
                <option key={topic.slug} value={topic.slug}>
                  {topic.name}
                </option>
              ))}
              {filters.topic && topics.data && !topics.data.items.some((t) => t.slug === filters.topic) ? (
                <option value={filters.topic}>{filters.topic}</option>
              ) : null}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.language}>Language</label>
            <select
              id={ids.language}
              name="language"
              value={filters.language}
              onChange={(e) => update("language", e.target.value)}
            >
              <option value="">Any language</option>
              {Object.entries(LANGUAGE_NAMES).map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
              {filters.language && !(filters.language in LANGUAGE_NAMES) ? (
                <option value={filters.language}>{languageName(filters.language)}</option>
              ) : null}
            </select>
          </div>
        </div>
      </form>

      <section aria-labelledby={ids.results}>
        <h2 id={ids.results}>Results</h2>
        <FilterChips chips={chips} onRemove={(key) => update(key, "")} onClear={() => setParams(new URLSearchParams())} />
        <p className="result-count" role="status">
          {results.isPending ? "Searching the library…" : results.isSuccess ? resultWords(items.length, results.hasNextPage) : ""}
        </p>
        <Problem error={results.error} retry={() => void results.refetch()} />
        {results.isSuccess && items.length === 0 ? (
          <div className="notice">
            <span className="title">
              {chips.length > 0 ? "Nothing in the library matches all of these filters." : "The library is empty for now."}
            </span>
            {chips.length > 0 ? (
              <>
                <p>
                  Try fewer filters or other words: removing the kind or the language often helps. You can
                  remove a filter with its button above.
                </p>
                <p>
                  <button type="button" className="button secondary" onClick={() => setParams(new URLSearchParams())}>
                    Show everything in the library
                  </button>
                </p>
              </>
            ) : (
              <p>New articles and stories are added often. Please check back soon.</p>
            )}
          </div>
        ) : null}
        {items.length > 0 ? (
          <ul className="cards two">
            {items.map((resource, index) => (
              <ResourceCard key={resource.id} resource={resource} index={index} />
            ))}
          </ul>
        ) : null}
        {results.hasNextPage ? (
          <p>
            <button
              type="button"
              className="button secondary"
              disabled={results.isFetchingNextPage}
              onClick={showMore}
            >
              {results.isFetchingNextPage ? "Loading more…" : "Show more"}
            </button>
          </p>
        ) : null}
      </section>
    </>
  );
}
