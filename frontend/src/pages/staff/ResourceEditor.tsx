import "../../styles/library.css";

import {
  isApiError,
  type ResourceCreate,
  type ResourceRead,
  type ResourceStatus,
  type ResourceType,
  type ResourceUpdate,
} from "@strength-circles/client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";

import { circles } from "../../api";
import { Field } from "../../components/Field";
import { PageHeading } from "../../components/Page";
import { fieldError, Loading, Problem } from "../../components/Problem";
import { TopicChoices } from "../../components/TopicChoices";
import { useSession } from "../../lib/session";
import { LANGUAGE_NAMES, RESOURCE_TYPE_WORDS } from "../../lib/words";
import { readingTime } from "../Library";
import { type LibraryNotice, STATUS_WORDS } from "./LibraryAdmin";

const MAX_TOPICS = 8;
const MAX_BODY = 100_000;
const MAX_NOTES = 10;
/** How long typing pauses before the preview is asked for. */
export const PREVIEW_DELAY_MS = 400;
const TYPES: ResourceType[] = ["article", "worksheet", "video", "hotline", "service", "story"];
const CONTACT_TYPES: ResourceType[] = ["hotline", "service"];
const CONTACT_FIELDS = ["organization", "phone", "email", "website", "address", "hours"] as const;
type ContactField = (typeof CONTACT_FIELDS)[number];

interface Draft {
  title: string;
  summary: string;
  type: ResourceType;
  topics: string[];
  language: string;
  audience: string;
  url: string;
  contact: Record<ContactField, string>;
  content_notes: string;
  body_markdown: string;
  reviewer_name: string;
  reviewed_on: string;
  review_due_on: string;
}

type FieldName =
  | "title"
  | "summary"
  | "type"
  | "topics"
  | "language"
  | "audience"
  | "url"
  | ContactField
  | "content_notes"
  | "body_markdown"
  | "reviewer_name"
  | "reviewed_on"
  | "review_due_on";

const FIELD_LABELS: Record<FieldName, string> = {
  title: "Title",
  summary: "Summary",
  type: "Kind of resource",
  topics: "Topics",
  language: "Language",
  audience: "Who it is for",
  url: "Link to the original",
  organization: "Organization",
  phone: "Phone",
  email: "Email",
  website: "Website",
  address: "Address",
  hours: "Hours",
  content_notes: "Content notes",
  body_markdown: "Text",
  reviewer_name: "Reviewed by",
  reviewed_on: "Reviewed on",
  review_due_on: "Review due on",
};

const CONTACT_HINTS: Partial<Record<ContactField, string>> = {
  phone: "As people dial it, for example 988 or +1 555 0100.",
  website: "The full address, starting with https://",
  hours: "For example “24 hours, every day” or “Mon–Fri 9am–5pm Eastern”.",
};

function draftFrom(resource?: ResourceRead): Draft {
  const contact = resource?.contact;
  return {
    title: resource?.title ?? "",
    summary: resource?.summary ?? "",
    type: resource?.type ?? "article",
    topics: resource?.topics ?? [],
    language: resource?.language ?? "en",
    audience: resource?.audience ?? "",
    url: resource?.url ?? "",
    contact: Object.fromEntries(CONTACT_FIELDS.map((field) => [field, contact?.[field] ?? ""])) as Record<ContactField, string>,
    content_notes: (resource?.content_notes ?? []).join(", "),
    body_markdown: resource?.body_markdown ?? "",
    reviewer_name: resource?.governance.reviewer_name ?? "",
    reviewed_on: resource?.governance.reviewed_on ?? "",
    review_due_on: resource?.governance.review_due_on ?? "",
  };
}

const orNull = (value: string) => (value.trim() ? value.trim() : null);

/** The whole resource as the API takes it (PATCH gets all of it too: what is blank is cleared). */
function body(draft: Draft): ResourceCreate {
  const hasContact = CONTACT_TYPES.includes(draft.type) && CONTACT_FIELDS.some((field) => draft.contact[field].trim());
  return {
    title: draft.title.trim(),
    summary: draft.summary.trim(),
    body_markdown: draft.body_markdown,
    type: draft.type,
    topics: draft.topics,
    language: draft.language,
    audience: orNull(draft.audience),
    url: orNull(draft.url),
    contact: hasContact
      ? (Object.fromEntries(CONTACT_FIELDS.map((field) => [field, orNull(draft.contact[field])])) as NonNullable<ResourceCreate["contact"]>)
      : null,
    content_notes: draft.content_notes
      .split(",")
      .map((note) => note.trim())
      .filter(Boolean),
    governance: {
      reviewer_name: orNull(draft.reviewer_name),
      reviewed_on: orNull(draft.reviewed_on),
      review_due_on: orNull(draft.review_due_on),
    },
  };
}

/** The few checks worth making before sending; the server checks everything again. */
function check(draft: Draft): Partial<Record<FieldName, string>> {
  const errors: Partial<Record<FieldName, string>> = {};
  if (draft.title.trim().length < 3) errors.title = "Please give it a title of at least 3 characters.";
  if (!draft.summary.trim()) errors.summary = "Please write a sentence or two about what it offers.";
  if (!draft.body_markdown.trim()) errors.body_markdown = "Please write the text people will read.";
  if (draft.topics.length === 0) errors.topics = "Please choose at least one topic, so people can find it.";
  const notes = draft.content_notes.split(",").filter((note) => note.trim());
  if (notes.length > MAX_NOTES) errors.content_notes = `Please name at most ${MAX_NOTES} subjects.`;
  if (notes.some((note) => note.trim().length < 2)) errors.content_notes = "Each subject needs at least 2 characters.";
  if (draft.reviewed_on && draft.review_due_on && draft.review_due_on < draft.reviewed_on) {
    errors.review_due_on = "The next review is due after the last one: please choose a later date.";
  }
  return errors;
}

/** The body as it will look, from the server's own rendering and sanitising, asked for once
 * typing pauses. */
function Preview({ markdown, type, headingId }: { markdown: string; type: ResourceType; headingId: string }) {
  const [settled, setSettled] = useState(markdown);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(markdown), PREVIEW_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [markdown]);
  const preview = useQuery({
    queryKey: ["resource-preview", settled],
    queryFn: ({ signal }) => circles.library.preview(settled, signal),
    enabled: settled.trim().length > 0,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    // Each pause in typing is its own answer: only the one shown is worth keeping.
    gcTime: 30_000,
  });
  const empty = settled.trim().length === 0;
  return (
    <section className="editor-preview" aria-labelledby={headingId}>
      <h2 id={headingId}>Preview</h2>
      <p className="hint">
        Exactly as the library will show it, made by the same steps as publishing: HTML typed in the text shows as
        plain text, and no script ever runs.
      </p>
      {!empty && preview.data ? (
        <p className="small">{readingTime({ type, reading_minutes: preview.data.reading_minutes })}</p>
      ) : null}
      {empty ? <p className="muted">What you write shows here.</p> : null}
      {!empty && preview.isPending ? <Loading what="the preview" /> : null}
      <Problem error={preview.error} />
      {!empty && preview.data ? (
        <div
          className="prose resource-body"
          data-testid="preview"
          // The server renders the Markdown and sanitises the HTML (nh3), as when it is saved.
          dangerouslySetInnerHTML={{ __html: preview.data.body_html }}
        />
      ) : null}
    </section>
  );
}

type Action = "save" | "publish" | "unpublish";

function ResourceForm({ resource }: { resource?: ResourceRead }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const location = useLocation();
  const arrived = (location.state as LibraryNotice | null)?.said ?? "";
  const ids = {
    title: useId(),
    summary: useId(),
    type: useId(),
    topics: useId(),
    language: useId(),
    audience: useId(),
    url: useId(),
    notes: useId(),
    body: useId(),
    preview: useId(),
    review: useId(),
    reviewer: useId(),
    reviewedOn: useId(),
    dueOn: useId(),
    before: useId(),
    confirm: useId(),
    contact: useId(),
  };
  const summaryRef = useRef<HTMLDivElement>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  const archiveButton = useRef<HTMLButtonElement>(null);
  const [draft, setDraft] = useState<Draft>(() => draftFrom(resource));
  const [clientErrors, setClientErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [focusSummary, setFocusSummary] = useState(0);
  const [said, setSaid] = useState(arrived);
  const [confirming, setConfirming] = useState(false);

  const invalidateLists = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["resources"] }),
      queryClient.invalidateQueries({ queryKey: ["library"] }),
    ]);

  const save = useMutation({
    mutationFn: async ({ action, current }: { action: Action; current: Draft }): Promise<ResourceRead> => {
      if (!resource) return circles.library.create(body(current));
      const update: ResourceUpdate = { ...body(current) };
      if (action === "publish") update.status = "published";
      if (action === "unpublish") update.status = "draft";
      return circles.library.update(resource.id, update);
    },
    onError: (error) => {
      if (isApiError(error) && error.fields.some((item) => item.field in FIELD_LABELS)) setFocusSummary((n) => n + 1);
    },
    onSuccess: async (saved, { action }) => {
      queryClient.setQueryData(["resource", saved.id], saved);
      await invalidateLists();
      if (!resource) {
        await navigate(`/staff/library/${saved.id}/edit`, {
          replace: true,
          state: { said: `“${saved.title}” is saved as a draft. Only editors can see it until it is published.` } satisfies LibraryNotice,
        });
        return;
      }
      setSaid(
        action === "publish"
          ? `“${saved.title}” is published: it is in the library now.`
          : action === "unpublish"
            ? `“${saved.title}” is back in drafts: it left the library until it is published again.`
            : `Your changes to “${saved.title}” are saved.`,
      );
    },
  });

  const archive = useMutation({
    mutationFn: () => circles.library.archive(resource?.id ?? ""),
    onSuccess: async () => {
      await invalidateLists();
      await queryClient.invalidateQueries({ queryKey: ["resource", resource?.id] });
      await navigate("/staff/library?status=archived", {
        state: { said: `“${resource?.title ?? ""}” is archived: it left the library and is kept here.` } satisfies LibraryNotice,
      });
    },
  });

  const errorFor = (field: FieldName): string | undefined => clientErrors[field] ?? fieldError(save.error, field);
  const fieldErrors = (Object.keys(FIELD_LABELS) as FieldName[])
    .map((field) => ({ field, message: errorFor(field) }))
    .filter((item): item is { field: FieldName; message: string } => Boolean(item.message));
  const serverFields = isApiError(save.error) ? save.error.fields : [];
  const otherServerProblem = save.error && (serverFields.length === 0 || fieldErrors.length === 0) ? save.error : null;

  useEffect(() => {
    if (focusSummary > 0) summaryRef.current?.focus();
  }, [focusSummary]);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  function set<K extends keyof Draft>(name: K, value: Draft[K]) {
    setDraft((now) => ({ ...now, [name]: value }));
  }


  function send(action: Action) {
    const found = check(draft);
    setClientErrors(found);
    setSaid("");
    save.reset();
    if (Object.keys(found).length > 0) {
      setFocusSummary((n) => n + 1);
      return;
    }
    save.mutate({ action, current: draft });
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send("save");
  }

  const fieldTarget = (field: FieldName): string =>
    ({
      title: ids.title,
      summary: ids.summary,
      type: ids.type,
      topics: `${ids.topics}-0`,
      language: ids.language,
      audience: ids.audience,
      url: ids.url,
      content_notes: ids.notes,
      body_markdown: ids.body,
      reviewer_name: ids.reviewer,
      reviewed_on: ids.reviewedOn,
      review_due_on: ids.dueOn,
    })[field as string] ?? `${ids.contact}-${field}`;

  const status: ResourceStatus = resource?.status ?? "draft";
  const isStory = resource?.type === "story";
  const showContact = CONTACT_TYPES.includes(draft.type);
  const bodyError = errorFor("body_markdown");
  const topicsError = errorFor("topics");
  const summaryError = errorFor("summary");
  const reviewMissing = !draft.reviewer_name.trim() || !draft.reviewed_on;
  const busy = save.isPending || archive.isPending;

  return (
    <form className="resource-form" noValidate onSubmit={onSubmit}>
      {fieldErrors.length > 0 ? (
        <div className="notice error error-summary" tabIndex={-1} ref={summaryRef}>
          <span className="title">Please check the resource</span>
          <ul>
            {fieldErrors.map((item) => (
              <li key={item.field}>
                <a href={`#${fieldTarget(item.field)}`}>
                  {FIELD_LABELS[item.field]}: {item.message}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {resource ? (
        <p>
          <strong>Status:</strong> {STATUS_WORDS[status]}
          {status === "published" ? (
            <>
              {" "}
              · <Link to={`/library/${resource.id}`}>See it in the library</Link>
            </>
          ) : null}
        </p>
      ) : null}

      <div className="form-columns">
        <Field
          id={ids.title}
          label="Title"
          value={draft.title}
          onChange={(e) => set("title", e.target.value)}
          maxLength={200}
          autoComplete="off"
          error={errorFor("title")}
        />
        <div className="field">
          <label htmlFor={ids.summary}>Summary</label>
          <p className="hint" id={`${ids.summary}-hint`}>
            One or two sentences on the card in the library: what it offers, in plain words.
          </p>
          {summaryError ? (
            <p className="error" id={`${ids.summary}-error`}>
              {summaryError}
            </p>
          ) : null}
          <textarea
            id={ids.summary}
            rows={3}
            maxLength={500}
            value={draft.summary}
            onChange={(e) => set("summary", e.target.value)}
            aria-describedby={[`${ids.summary}-hint`, summaryError ? `${ids.summary}-error` : ""].filter(Boolean).join(" ")}
            aria-invalid={summaryError ? true : undefined}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.type}>Kind of resource</label>
          {isStory ? (
            <p className="hint" id={`${ids.type}-hint`}>
              This is a member's story: it stays a story.
            </p>
          ) : null}
          <select
            id={ids.type}
            value={draft.type}
            disabled={isStory}
            aria-describedby={isStory ? `${ids.type}-hint` : undefined}
            onChange={(e) => set("type", e.target.value as ResourceType)}
          >
            {TYPES.filter((type) => type !== "story" || isStory).map((type) => (
              <option key={type} value={type}>
                {RESOURCE_TYPE_WORDS[type] ?? type}
              </option>
            ))}
          </select>
          {errorFor("type") ? <p className="error">{errorFor("type")}</p> : null}
        </div>
        <div className="field">
          <label htmlFor={ids.language}>Language</label>
          <select id={ids.language} value={draft.language} onChange={(e) => set("language", e.target.value)}>
            {[...(draft.language in LANGUAGE_NAMES ? [] : [[draft.language, draft.language]]), ...Object.entries(LANGUAGE_NAMES)].map(
              ([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ),
            )}
          </select>
          {errorFor("language") ? <p className="error">{errorFor("language")}</p> : null}
        </div>
        <Field
          id={ids.audience}
          label="Who it is for (optional)"
          hint="For example “parents and carers” or “young adults”."
          value={draft.audience}
          onChange={(e) => set("audience", e.target.value)}
          maxLength={100}
          autoComplete="off"
          error={errorFor("audience")}
        />
        <Field
          id={ids.url}
          label="Link to the original (optional)"
          hint="Where the full resource or video is, starting with https://"
          type="url"
          value={draft.url}
          onChange={(e) => set("url", e.target.value)}
          autoComplete="off"
          error={errorFor("url")}
        />
      </div>

      <TopicChoices
        id={ids.topics}
        hint={`Between 1 and ${MAX_TOPICS}, so people can find it.`}
        error={topicsError}
        chosen={draft.topics}
        max={MAX_TOPICS}
        onChange={(topics) => setDraft((now) => ({ ...now, topics }))}
      />

      {showContact ? (
        <fieldset className="field" aria-describedby={`${ids.contact}-hint`}>
          <legend>How to reach them</legend>
          <p className="hint" id={`${ids.contact}-hint`}>
            For helplines and services: what people need to get in touch. Fill in what applies; these details are also
            shared with other directories (Open Referral).
          </p>
          <div className="form-columns">
            {CONTACT_FIELDS.map((field) => (
              <Field
                key={field}
                id={`${ids.contact}-${field}`}
                label={`${FIELD_LABELS[field]} (optional)`}
                hint={CONTACT_HINTS[field]}
                type={field === "email" ? "email" : field === "website" ? "url" : field === "phone" ? "tel" : "text"}
                value={draft.contact[field]}
                onChange={(e) => setDraft((now) => ({ ...now, contact: { ...now.contact, [field]: e.target.value } }))}
                maxLength={field === "email" ? 254 : field === "phone" ? 50 : field === "hours" ? 200 : 300}
                autoComplete="off"
                error={errorFor(field)}
              />
            ))}
          </div>
        </fieldset>
      ) : null}

      <Field
        id={ids.notes}
        label="Content notes (optional)"
        hint="Subjects some readers may want to know about first, separated by commas, for example “self-harm, grief”. Readers see them before the text and choose to open it."
        value={draft.content_notes}
        onChange={(e) => set("content_notes", e.target.value)}
        autoComplete="off"
        error={errorFor("content_notes")}
      />

      <div className="editor-split">
        <div className="field">
          <label htmlFor={ids.body}>Text</label>
          <p className="hint" id={`${ids.body}-hint`}>
            In Markdown: a blank line between paragraphs, # for a heading, - at the start of a line for a list, **two
            stars** for bold, [words](https://…) for a link. The preview shows how it will look.
          </p>
          {bodyError ? (
            <p className="error" id={`${ids.body}-error`}>
              {bodyError}
            </p>
          ) : null}
          <textarea
            id={ids.body}
            className="markdown-input"
            rows={18}
            maxLength={MAX_BODY}
            value={draft.body_markdown}
            onChange={(e) => set("body_markdown", e.target.value)}
            aria-describedby={[`${ids.body}-hint`, bodyError ? `${ids.body}-error` : ""].filter(Boolean).join(" ")}
            aria-invalid={bodyError ? true : undefined}
          />
          <p className="hint">
            {draft.body_markdown.length.toLocaleString("en-US")} of {MAX_BODY.toLocaleString("en-US")} characters
          </p>
        </div>
        <Preview markdown={draft.body_markdown} type={draft.type} headingId={ids.preview} />
      </div>

      <fieldset className="field" aria-describedby={`${ids.review}-hint`}>
        <legend>Clinical review</legend>
        <p className="hint" id={`${ids.review}-hint`}>
          A clinician on the team (a counselor, psychologist or nurse) reads the resource for accuracy and safety before
          people rely on it. Record who read it and when, and when it should be read again: from that day it appears on
          the admins' review list, and it stays in the library meanwhile.
        </p>
        <div className="form-columns">
          <Field
            id={ids.reviewer}
            label="Reviewed by"
            hint="The clinician's name and role, for example “Dr. Ana Ruiz, psychologist”."
            value={draft.reviewer_name}
            onChange={(e) => set("reviewer_name", e.target.value)}
            maxLength={100}
            autoComplete="off"
            error={errorFor("reviewer_name")}
          />
          <Field
            id={ids.reviewedOn}
            label="Reviewed on"
            type="date"
            value={draft.reviewed_on}
            onChange={(e) => set("reviewed_on", e.target.value)}
            error={errorFor("reviewed_on")}
          />
          <Field
            id={ids.dueOn}
            label="Review due on"
            hint="Usually a year after the review."
            type="date"
            value={draft.review_due_on}
            onChange={(e) => set("review_due_on", e.target.value)}
            error={errorFor("review_due_on")}
          />
        </div>
      </fieldset>

      <section className="notice" aria-labelledby={ids.before}>
        <h2 id={ids.before}>Before you publish</h2>
        <ul>
          <li>It needs a title, a summary, the text and at least one topic; drafts need them too.</li>
          <li>
            Publishing does not wait for a clinical review, but please publish only what a clinician has read, above all
            guidance on mental health, helplines and services.
            {reviewMissing && status !== "published" ? " The review is not recorded yet." : null}
          </li>
          <li>Published resources are seen by anyone, signed in or not. You can take one back to drafts or archive it.</li>
          {isStory ? <li>A story its author withdrew can't be published again; only they can share it anew.</li> : null}
        </ul>
      </section>

      {otherServerProblem ? <Problem error={otherServerProblem} /> : null}
      <div role="status">{said ? <p className="notice success">{said}</p> : null}</div>

      <div className="actions">
        <button type="submit" className={resource ? "button secondary" : "button"} disabled={busy}>
          {save.isPending ? "Saving…" : resource ? "Save changes" : "Save as draft"}
        </button>
        {resource && status !== "published" ? (
          <button type="button" className="button" disabled={busy} onClick={() => send("publish")}>
            {status === "archived" ? "Publish again" : "Publish"}
          </button>
        ) : null}
        {resource && status === "published" ? (
          <button type="button" className="button secondary" disabled={busy} onClick={() => send("unpublish")}>
            Back to drafts
          </button>
        ) : null}
        {resource && status !== "archived" && !confirming ? (
          <button type="button" className="button secondary" ref={archiveButton} disabled={busy} onClick={() => setConfirming(true)}>
            Archive
          </button>
        ) : null}
        <Link className="inline-link" to="/staff/library">
          Back to the library's resources
        </Link>
      </div>

      {confirming && resource ? (
        <div className="confirm-step" role="group" aria-labelledby={ids.confirm} tabIndex={-1} ref={confirmRef}>
          <p id={ids.confirm}>
            <strong>Archive “{resource.title}”?</strong>
          </p>
          <p>
            It leaves the library straight away: no one can find or open it, and it drops out of people's saved
            resources. It is kept, under Archived, and can be published again. Changes you have not saved are not kept.
          </p>
          <Problem error={archive.error} />
          <div className="actions">
            <button type="button" className="button danger" disabled={archive.isPending} onClick={() => archive.mutate()}>
              {archive.isPending ? "Archiving…" : "Yes, archive it"}
            </button>
            <button
              type="button"
              className="button secondary"
              onClick={() => {
                setConfirming(false);
                window.setTimeout(() => archiveButton.current?.focus(), 0);
              }}
            >
              Keep it
            </button>
          </div>
        </div>
      ) : null}
    </form>
  );
}

function EditResource({ resourceId }: { resourceId: string }) {
  const resource = useQuery({ queryKey: ["resource", resourceId], queryFn: () => circles.library.read(resourceId) });
  if (resource.isPending) return <Loading what="the resource" />;
  if (resource.isError) {
    const status = isApiError(resource.error) ? resource.error.status : 0;
    if (status === 404 || status === 422) {
      return (
        <div className="notice">
          <span className="title">We couldn't find this resource.</span>
          <p>
            The link may be incomplete. All resources are in the <Link to="/staff/library">library's list</Link>.
          </p>
        </div>
      );
    }
    return <Problem error={resource.error} retry={() => void resource.refetch()} />;
  }
  // A new form when another resource is opened, so nothing of the last one stays.
  return <ResourceForm key={resource.data.id} resource={resource.data} />;
}

/** Writing and editing a library resource (facilitators and admins), with its live preview. */
export default function ResourceEditorPage() {
  const { resourceId } = useParams();
  const { me } = useSession();
  const title = resourceId ? "Edit a resource" : "Write a resource";
  if (me && me.role !== "admin" && me.role !== "facilitator") {
    return (
      <article className="narrow">
        <PageHeading title={title} />
        <div className="notice">
          <span className="title">Only the library's editors can write resources.</span>
          <p>
            You can read everything published in the <Link to="/library">library</Link>, or{" "}
            <Link to="/stories/new">share your own story</Link>.
          </p>
        </div>
      </article>
    );
  }
  return (
    <article>
      <PageHeading title={title} />
      {resourceId ? (
        <EditResource resourceId={resourceId} />
      ) : (
        <>
          <p className="narrow">
            It is saved as a draft first: only editors see it until you publish it. Plain, kind words help most; say what
            someone can do, step by step.
          </p>
          <ResourceForm />
        </>
      )}
    </article>
  );
}
