import "../styles/library.css";

import {
  isApiError,
  type BookmarkRead,
  type Contact,
  type PageBookmarkRead,
  type ResourceRead,
  type ResourceSummary,
} from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Link, useLocation, useParams } from "react-router";

import { circles } from "../api";
import { PageHeading } from "../components/Page";
import { Loading, Problem } from "../components/Problem";
import { ReportConcern } from "../components/ReportConcern";
import { useSession, useTimeZone } from "../lib/session";
import { RESOURCE_TYPE_WORDS, languageName } from "../lib/words";
import { dateInWords, readingTime, useTopicNames } from "./Library";

/** What the reveal button calls the body: "Show the story". */
const BODY_NOUN: Record<string, string> = {
  article: "article",
  worksheet: "worksheet",
  video: "video",
  hotline: "details",
  service: "details",
  story: "story",
};

function webLink(value: string | null | undefined): string | null {
  if (!value) return null;
  return /^https?:\/\//i.test(value) ? value : null;
}

function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, "")}`;
}

function listInWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function ContactDetails({ contact }: { contact: Contact }) {
  const website = webLink(contact.website);
  const rows = [
    contact.organization ? { label: "Organization", value: <>{contact.organization}</> } : null,
    contact.phone
      ? { label: "Phone", value: <a href={telHref(contact.phone)}>{contact.phone}</a> }
      : null,
    contact.email ? { label: "Email", value: <a href={`mailto:${contact.email}`}>{contact.email}</a> } : null,
    website
      ? {
          label: "Website",
          value: (
            <a href={website} rel="noopener noreferrer">
              {website.replace(/^https?:\/\//i, "").replace(/\/$/, "")}
            </a>
          ),
        }
      : null,
    contact.hours ? { label: "Hours", value: <>{contact.hours}</> } : null,
    contact.address ? { label: "Address", value: <>{contact.address}</> } : null,
  ].filter((row) => row !== null);
  if (rows.length === 0) return null;
  return (
    <dl className="contact-details">
      {rows.map((row) => (
        <div key={row.label} className="contact-row">
          <dt>{row.label}</dt>
          <dd>{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The saved list with this resource in it (newest first) or without it. */
function withBookmark(
  list: PageBookmarkRead | undefined,
  resource: ResourceSummary,
  saved: boolean,
  saving?: BookmarkRead,
): PageBookmarkRead | undefined {
  if (!list) return list;
  const others = list.items.filter((item) => item.resource.id !== resource.id);
  if (!saved) return { ...list, items: others };
  const entry = saving ?? { resource, saved_at: new Date().toISOString() };
  return { ...list, items: [entry, ...others] };
}

function BookmarkToggle({ resource }: { resource: ResourceRead }) {
  const { signedIn } = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState("");
  const [failure, setFailure] = useState<unknown>(null);
  const bookmarks = useQuery({ queryKey: ["bookmarks"], queryFn: circles.me.bookmarks, enabled: signedIn });
  const saved = bookmarks.data?.items.some((item) => item.resource.id === resource.id) ?? false;
  const mutationKey = ["bookmark", resource.id];

  const toggle = useMutation({
    mutationKey,
    // One resource's saves and removals reach the server in the order they were made.
    scope: { id: `bookmark:${resource.id}` },
    mutationFn: async (save: boolean) => {
      if (save) return circles.me.bookmark(resource.id);
      await circles.me.unbookmark(resource.id);
      return undefined;
    },
    onMutate: async (save) => {
      setFailure(null);
      setMessage("");
      await queryClient.cancelQueries({ queryKey: ["bookmarks"] });
      queryClient.setQueryData<PageBookmarkRead>(["bookmarks"], (list) =>
        withBookmark(list, resource, save),
      );
    },
    onSuccess: (answer, save) => {
      if (answer) {
        queryClient.setQueryData<PageBookmarkRead>(["bookmarks"], (list) =>
          withBookmark(list, answer.resource, true, answer),
        );
      }
      setMessage(save ? "Saved for later." : "Removed from Saved for later.");
    },
    onError: (error, save) => {
      // Back to how it was; the list is read again below to be sure.
      queryClient.setQueryData<PageBookmarkRead>(["bookmarks"], (list) =>
        withBookmark(list, resource, !save),
      );
      setFailure(error);
    },
    onSettled: () => {
      // Only the last of several quick changes reads the list again, so the button never
      // jumps back to an older answer.
      if (queryClient.isMutating({ mutationKey }) === 1) {
        return queryClient.invalidateQueries({ queryKey: ["bookmarks"] });
      }
      return undefined;
    },
  });

  if (!signedIn) {
    const next = location.pathname + location.search;
    return (
      <p className="resource-actions">
        <Link className="button secondary" to={`/sign-in?next=${encodeURIComponent(next)}`}>
          Sign in to save
        </Link>
      </p>
    );
  }

  return (
    <div className="resource-actions">
      <div className="actions">
        <button
          type="button"
          className="button secondary"
          disabled={bookmarks.isPending}
          onClick={() => toggle.mutate(!saved)}
        >
          {saved ? "Saved — remove" : "Save for later"}
        </button>
        <Link className="inline-link" to="/library/saved">
          See everything you saved
        </Link>
      </div>
      <p role="status" className="small">
        {message}
      </p>
      {failure ? (
        <div className="notice error" role="alert">
          <span className="title">
            {toggle.variables ? "This couldn't be saved just now." : "This couldn't be removed just now."}
          </span>
          <p>{isApiError(failure) ? failure.detail : "Please try again in a moment."}</p>
        </div>
      ) : null}
    </div>
  );
}

function NotFound() {
  return (
    <>
      <PageHeading title="We couldn't find this page" />
      <div className="notice">
        <p>
          It may have been moved or archived, or the link may be missing a part. Everything that is
          still available is in the library.
        </p>
        <p>
          <Link to="/library">Go to the library</Link>
        </p>
      </div>
    </>
  );
}

function ResourceView({ resource }: { resource: ResourceRead }) {
  const zone = useTimeZone();
  const topicName = useTopicNames();
  const [revealed, setRevealed] = useState(false);
  const ids = { body: useId(), notes: useId(), contact: useId() };
  const noun = BODY_NOUN[resource.type] ?? "page";
  const typeWord = RESOURCE_TYPE_WORDS[resource.type] ?? resource.type;
  const hasNotes = resource.content_notes.length > 0;
  const isContact = resource.type === "hotline" || resource.type === "service";
  const link = webLink(resource.url);
  const { reviewer_name: reviewer, reviewed_on: reviewedOn } = resource.governance;

  const contact =
    isContact && resource.contact ? (
      <section aria-labelledby={ids.contact}>
        <h2 id={ids.contact}>How to reach them</h2>
        <ContactDetails contact={resource.contact} />
      </section>
    ) : null;

  return (
    <article>
      <p className="small">
        <Link className="inline-link" to="/library">
          Back to the library
        </Link>
      </p>
      <PageHeading title={resource.title} />
      <ul className="badges" aria-label="Kind of resource">
        <li className="badge">{typeWord}</li>
      </ul>
      <ul className="meta" aria-label="Details">
        {resource.type === "story" && resource.byline ? <li>By {resource.byline}</li> : null}
        <li>{readingTime(resource)}</li>
        <li>{languageName(resource.language)}</li>
        {resource.published_at ? <li>Published {dateInWords(resource.published_at, zone)}</li> : null}
      </ul>
      {resource.topics.length > 0 ? (
        <p className="resource-topics small">
          <strong>Topics:</strong> {resource.topics.map(topicName).join(", ")}
        </p>
      ) : null}
      <BookmarkToggle resource={resource} />

      {contact}

      {hasNotes ? (
        <section className="content-notes" aria-labelledby={ids.notes}>
          <h2 id={ids.notes}>Before you read</h2>
          <p>
            This {noun === "details" ? "page" : noun} mentions {listInWords(resource.content_notes)}.
          </p>
          <p className="small">
            Read it when it feels right, and stop whenever you need to. If you need to talk to someone
            now, <Link to="/crisis">find a crisis line</Link>.
          </p>
          <div className="actions">
            <button
              type="button"
              className="button"
              aria-expanded={revealed}
              aria-controls={ids.body}
              onClick={() => setRevealed((now) => !now)}
            >
              {revealed ? `Hide the ${noun}` : `Show the ${noun}`}
            </button>
          </div>
        </section>
      ) : null}

      <div
        id={ids.body}
        className="prose resource-body"
        hidden={hasNotes && !revealed}
        // The server renders the Markdown and sanitises the HTML (nh3) before it is stored.
        dangerouslySetInnerHTML={{ __html: resource.body_html }}
      />

      {link && !isContact ? (
        <p>
          <a href={link} rel="noopener noreferrer">
            {resource.type === "video" ? "Watch the video" : "Open the original"}
          </a>{" "}
          <span className="small muted">(on another website)</span>
        </p>
      ) : null}
      {link && isContact ? (
        <p>
          <a href={link} rel="noopener noreferrer">
            Visit their website
          </a>
        </p>
      ) : null}

      {resource.type === "story" ? (
        <p className="small muted">
          A member shared this story in their own words, and a facilitator read it before it was
          published. It is one person's experience, not advice.
        </p>
      ) : null}
      {reviewer && reviewedOn ? (
        <p className="small muted">
          Reviewed by {reviewer} on {dateInWords(reviewedOn, zone)}.
        </p>
      ) : null}

      <ReportConcern
        targetType={resource.type === "story" ? "story" : "resource"}
        targetId={resource.id}
        about={resource.type === "story" ? "this story" : "this resource"}
      />
    </article>
  );
}

export default function ResourcePage() {
  const { resourceId = "" } = useParams();
  const resource = useQuery({
    queryKey: ["resource", resourceId],
    queryFn: () => circles.library.read(resourceId),
    enabled: resourceId !== "",
  });

  if (resource.isPending) return <Loading what="this resource" />;
  if (resource.isError) {
    const status = isApiError(resource.error) ? resource.error.status : 0;
    // 422: the address is not one of the library's (a broken or shortened link).
    if (status === 404 || status === 422) return <NotFound />;
    return (
      <>
        <PageHeading title="Library" />
        <Problem error={resource.error} retry={() => void resource.refetch()} />
        <p>
          <Link to="/library">Back to the library</Link>
        </p>
      </>
    );
  }
  return <ResourceView resource={resource.data} />;
}
