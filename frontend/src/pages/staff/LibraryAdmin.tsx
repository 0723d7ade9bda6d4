import "../../styles/library.css";

import type { components, ResourceStatus, ResourceSummary } from "@strength-circles/client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Link, useLocation, useSearchParams } from "react-router";

import { circles } from "../../api";
import { Field } from "../../components/Field";
import { PageHeading } from "../../components/Page";
import { fieldError, Loading, Problem } from "../../components/Problem";
import { useSession, useTimeZone } from "../../lib/session";
import { languageName, RESOURCE_TYPE_WORDS } from "../../lib/words";
import { dateInWords, readingTime } from "../Library";

export const STATUS_WORDS: Record<ResourceStatus, string> = {
  draft: "Draft",
  published: "Published",
  archived: "Archived",
};

const SHOWN: { value: ResourceStatus; label: string }[] = [
  { value: "draft", label: "Drafts" },
  { value: "published", label: "Published" },
  { value: "archived", label: "Archived" },
];

/** What the editor page says when it sends someone back here. */
export interface LibraryNotice {
  said: string;
}

/** "12 days overdue", "due today", counted in whole days from `today` (both "YYYY-MM-DD"). */
export function overdueWords(dueOn: string, today: string): string {
  const days = Math.round((Date.parse(`${today}T12:00:00Z`) - Date.parse(`${dueOn}T12:00:00Z`)) / 86_400_000);
  if (Number.isNaN(days) || days <= 0) return "due today";
  return days === 1 ? "1 day overdue" : `${days} days overdue`;
}

/** Today's date ("YYYY-MM-DD") in the viewer's zone. */
function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

function ResourceItem({ resource, zone, extra }: { resource: ResourceSummary; zone: string; extra?: string }) {
  return (
    <li className="card resource-card">
      <h3>
        <Link to={`/staff/library/${resource.id}/edit`}>
          {resource.title} <span className="visually-hidden">(edit)</span>
        </Link>
      </h3>
      <ul className="badges" aria-label="Kind and status">
        <li className="badge">{RESOURCE_TYPE_WORDS[resource.type] ?? resource.type}</li>
        <li className="badge">{STATUS_WORDS[resource.status]}</li>
      </ul>
      <ul className="meta" aria-label="Details">
        <li>{readingTime(resource)}</li>
        <li>{languageName(resource.language)}</li>
        {resource.published_at ? <li>First published {dateInWords(resource.published_at, zone)}</li> : null}
      </ul>
      {extra ? <p className="content-note-label small">{extra}</p> : null}
      <p>{resource.summary}</p>
    </li>
  );
}

/** Published resources whose clinical review date has come, the longest overdue first (admins). */
function ReviewDue({ zone }: { zone: string }) {
  const today = todayIn(zone);
  const due = useInfiniteQuery({
    queryKey: ["resources", "due-for-review"],
    queryFn: ({ pageParam }) => circles.library.dueForReview(pageParam || undefined),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = due.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section aria-labelledby="review-due-heading">
      <h2 id="review-due-heading">Clinical review due</h2>
      <p>
        Published resources a clinician should read again, the longest overdue first. Open one to record the new
        review; they stay in the library meanwhile.
      </p>
      {due.isPending ? <Loading what="the review list" /> : null}
      <Problem error={due.error} retry={() => void due.refetch()} />
      {due.data && items.length === 0 ? <p className="muted">Nothing is due for review.</p> : null}
      <ul className="cards">
        {items.map((resource) => (
          <DueItem key={resource.id} resource={resource} zone={zone} today={today} />
        ))}
      </ul>
      {due.hasNextPage ? (
        <p>
          <button type="button" className="button secondary" disabled={due.isFetchingNextPage} onClick={() => void due.fetchNextPage()}>
            Show more due for review
          </button>
        </p>
      ) : null}
    </section>
  );
}

function DueItem({ resource, zone, today }: { resource: components["schemas"]["ResourceDue"]; zone: string; today: string }) {
  const words = `Review due ${dateInWords(resource.review_due_on, zone)}, ${overdueWords(resource.review_due_on, today)}`;
  return <ResourceItem resource={resource} zone={zone} extra={words} />;
}

/** A new topic for the shared vocabulary (admins): a name, and the short form in addresses. */
function AddTopic() {
  const queryClient = useQueryClient();
  const ids = { name: useId(), slug: useId() };
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugTouched, setSlugTouched] = useState(false);
  const [said, setSaid] = useState("");
  const add = useMutation({
    mutationFn: () => circles.library.createTopic({ name: name.trim(), slug }),
    onSuccess: async (topic) => {
      setSaid(`“${topic.name}” can now be chosen for resources, circles and mentors.`);
      setName("");
      setSlug("");
      setSlugTouched(false);
      await queryClient.invalidateQueries({ queryKey: ["topics"] });
    },
  });
  const shortForm = (words: string) =>
    words
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaid("");
    add.mutate();
  }

  return (
    <section aria-labelledby="add-topic-heading">
      <h2 id="add-topic-heading">Add a topic</h2>
      <p>Topics are shared by resources, circles and mentors. Check the list in the editor first: a topic can't be renamed here.</p>
      <form className="story-form" noValidate onSubmit={onSubmit}>
        <Field
          id={ids.name}
          label="Topic name"
          hint="As people will read it, for example “Sleep”."
          value={name}
          maxLength={80}
          autoComplete="off"
          onChange={(event) => {
            setName(event.target.value);
            if (!slugTouched) setSlug(shortForm(event.target.value));
          }}
          error={fieldError(add.error, "name")}
        />
        <Field
          id={ids.slug}
          label="Short form for links"
          hint="Lowercase letters, numbers and dashes, for example “sleep” or “grief-and-loss”."
          value={slug}
          maxLength={40}
          autoComplete="off"
          onChange={(event) => {
            setSlug(event.target.value);
            setSlugTouched(true);
          }}
          error={fieldError(add.error, "slug")}
        />
        {add.error && !fieldError(add.error, "name") && !fieldError(add.error, "slug") ? <Problem error={add.error} /> : null}
        <div role="status">{said ? <p className="notice success">{said}</p> : null}</div>
        <div className="actions">
          <button type="submit" className="button secondary" disabled={add.isPending || !name.trim() || !slug}>
            {add.isPending ? "Adding…" : "Add the topic"}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The library for its editors (facilitators and admins): drafts, published and archived
 * resources, the clinical reviews that are due, and new topics (admins). */
export default function LibraryAdminPage() {
  const zone = useTimeZone();
  const { me } = useSession();
  const location = useLocation();
  const notice = (location.state as LibraryNotice | null)?.said ?? "";
  const ids = { status: useId() };
  const [params, setParams] = useSearchParams();
  const wanted = params.get("status");
  const status: ResourceStatus = wanted === "published" || wanted === "archived" ? wanted : "draft";
  const editor = me?.role === "admin" || me?.role === "facilitator";
  const admin = me?.role === "admin";
  const listed = useInfiniteQuery({
    queryKey: ["resources", "by-status", status],
    queryFn: ({ pageParam }) => circles.library.byStatus(status, pageParam || undefined),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: editor,
  });
  const items = listed.data?.pages.flatMap((page) => page.items) ?? [];
  const shownLabel = SHOWN.find((option) => option.value === status)?.label ?? "";

  if (me && !editor) {
    return (
      <article className="narrow">
        <PageHeading title="Library" />
        <div className="notice">
          <span className="title">This page is for the library's editors.</span>
          <p>
            Facilitators and admins write and look after the library's resources. You can read everything published in
            the <Link to="/library">library</Link>.
          </p>
        </div>
      </article>
    );
  }

  return (
    <article>
      <PageHeading title="Library" />
      <p className="narrow">
        The resources you and the other editors look after. A new resource starts as a draft: only editors see it until
        it is published. Archived ones have left the library and are kept here.
      </p>
      {notice ? (
        <p className="notice success" role="status">
          {notice}
        </p>
      ) : null}
      <div className="actions">
        <Link className="button" to="/staff/library/new">
          Write a resource
        </Link>
      </div>

      <h2>Resources</h2>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={ids.status}>Show</label>
          <select
            id={ids.status}
            value={status}
            onChange={(event) => {
              const next = new URLSearchParams(params);
              if (event.target.value === "draft") next.delete("status");
              else next.set("status", event.target.value);
              setParams(next, { replace: true });
            }}
          >
            {SHOWN.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      </form>
      {listed.isPending && editor ? <Loading what="the resources" /> : null}
      <Problem error={listed.error} retry={() => void listed.refetch()} />
      {listed.data && items.length === 0 ? <p className="muted">No {shownLabel.toLowerCase()} right now.</p> : null}
      <ul className="cards" aria-label={shownLabel}>
        {items.map((resource) => (
          <ResourceItem key={resource.id} resource={resource} zone={zone} />
        ))}
      </ul>
      {listed.hasNextPage ? (
        <p>
          <button type="button" className="button secondary" disabled={listed.isFetchingNextPage} onClick={() => void listed.fetchNextPage()}>
            Show more
          </button>
        </p>
      ) : null}

      {admin ? (
        <>
          <ReviewDue zone={zone} />
          <AddTopic />
        </>
      ) : null}
    </article>
  );
}
