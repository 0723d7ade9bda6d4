import "../styles/library.css";

import { isApiError, type StoryCreate, type StoryRead, type StoryUpdate } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";

import { circles } from "../api";
import { Field } from "../components/Field";
import { PageHeading } from "../components/Page";
import { Loading, Problem, fieldError } from "../components/Problem";
import { TopicChoices } from "../components/TopicChoices";
import { useSession } from "../lib/session";
import { LANGUAGE_NAMES, languageName } from "../lib/words";

const MAX_TOPICS = 5;
const MIN_BODY = 50;
const MAX_BODY = 20_000;

/** What MyStories says when a story arrives there from this page. */
export type StorySent = "shared" | "edited";

interface Draft {
  title: string;
  body_markdown: string;
  topics: string[];
  anonymous: boolean;
  language: string;
}

type FieldName = "title" | "body_markdown" | "topics" | "anonymous" | "language";
const FIELD_LABELS: Record<FieldName, string> = {
  title: "Title",
  body_markdown: "Your story",
  topics: "Topics",
  anonymous: "Share anonymously",
  language: "Language",
};

/** The few checks worth making before sending; the server checks everything again. */
function check(draft: Draft): Partial<Record<FieldName, string>> {
  const errors: Partial<Record<FieldName, string>> = {};
  if (draft.title.trim().length < 3) errors.title = "Please give your story a title of at least 3 characters.";
  if (draft.body_markdown.trim().length < MIN_BODY) {
    errors.body_markdown = `Please write at least ${MIN_BODY} characters, so readers can follow your story.`;
  }
  if (draft.topics.length === 0) errors.topics = "Please choose at least one topic.";
  if (draft.topics.length > MAX_TOPICS) errors.topics = `Please choose at most ${MAX_TOPICS} topics.`;
  return errors;
}

function sameTopics(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((slug) => b.includes(slug));
}

/** Only what changed, as PATCH wants it. */
function changes(story: StoryRead, draft: Draft): StoryUpdate {
  const update: StoryUpdate = {};
  if (draft.title.trim() !== story.title) update.title = draft.title.trim();
  if (draft.body_markdown !== story.body_markdown) update.body_markdown = draft.body_markdown;
  if (!sameTopics(draft.topics, story.topics)) update.topics = draft.topics;
  if (draft.anonymous !== story.anonymous) update.anonymous = draft.anonymous;
  return update;
}

function StoryForm({ story }: { story?: StoryRead }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { me } = useSession();
  const ids = {
    title: useId(),
    body: useId(),
    topics: useId(),
    anonymous: useId(),
    language: useId(),
    before: useId(),
  };
  const summary = useRef<HTMLDivElement>(null);
  const [draft, setDraft] = useState<Draft>(() => ({
    title: story?.title ?? "",
    body_markdown: story?.body_markdown ?? "",
    topics: story?.topics ?? [],
    anonymous: story?.anonymous ?? false,
    language: story?.language ?? "en",
  }));
  const [clientErrors, setClientErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [unchanged, setUnchanged] = useState(false);
  const [focusSummary, setFocusSummary] = useState(0);

  const send = useMutation({
    mutationFn: async (current: Draft): Promise<StoryRead> => {
      if (story) return circles.library.editStory(story.id, changes(story, current));
      const body: StoryCreate = {
        title: current.title.trim(),
        body_markdown: current.body_markdown,
        topics: current.topics,
        anonymous: current.anonymous,
        language: current.language,
      };
      return circles.library.shareStory(body);
    },
    onError: (error) => {
      if (isApiError(error) && error.fields.some((item) => item.field in FIELD_LABELS)) {
        setFocusSummary((n) => n + 1);
      }
    },
    onSuccess: async (saved) => {
      queryClient.setQueryData(["story", saved.id], saved);
      await queryClient.invalidateQueries({ queryKey: ["my-stories"] });
      const sent: StorySent = story ? "edited" : "shared";
      await navigate("/stories/mine", { state: { sent } });
    },
  });

  const errorFor = (field: FieldName): string | undefined =>
    clientErrors[field] ?? fieldError(send.error, field);
  const fieldErrors = (Object.keys(FIELD_LABELS) as FieldName[])
    .map((field) => ({ field, message: errorFor(field) }))
    .filter((item): item is { field: FieldName; message: string } => Boolean(item.message));
  const serverFields = isApiError(send.error) ? send.error.fields : [];
  const otherServerProblem =
    send.error && (serverFields.length === 0 || fieldErrors.length === 0) ? send.error : null;

  // After a refused attempt, the summary is where the person starts reading again.
  useEffect(() => {
    if (focusSummary > 0) summary.current?.focus();
  }, [focusSummary]);

  function set<K extends keyof Draft>(name: K, value: Draft[K]) {
    setDraft((now) => ({ ...now, [name]: value }));
    setUnchanged(false);
  }


  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = check(draft);
    setClientErrors(found);
    send.reset();
    if (Object.keys(found).length > 0) {
      setFocusSummary((n) => n + 1);
      return;
    }
    if (story && Object.keys(changes(story, draft)).length === 0) {
      setUnchanged(true);
      return;
    }
    send.mutate(draft);
  }

  const fieldTarget: Record<FieldName, string> = {
    title: ids.title,
    body_markdown: ids.body,
    topics: `${ids.topics}-0`,
    anonymous: ids.anonymous,
    language: ids.language,
  };
  const bodyError = errorFor("body_markdown");
  const topicsError = errorFor("topics");
  // Topics the story has that the list no longer offers stay visible, so they can be removed.

  return (
    <form className="story-form" noValidate onSubmit={onSubmit}>
      {fieldErrors.length > 0 ? (
        <div className="notice error error-summary" tabIndex={-1} ref={summary}>
          <span className="title">Please check your story</span>
          <ul>
            {fieldErrors.map((item) => (
              <li key={item.field}>
                <a href={`#${fieldTarget[item.field]}`}>
                  {FIELD_LABELS[item.field]}: {item.message}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {otherServerProblem ? <Problem error={otherServerProblem} /> : null}

      <Field
        id={ids.title}
        label="Title"
        name="title"
        hint="A few words about your story, for example “Learning to ask for help”."
        value={draft.title}
        onChange={(e) => set("title", e.target.value)}
        maxLength={200}
        autoComplete="off"
        error={errorFor("title")}
      />

      <div className="field">
        <label htmlFor={ids.body}>Your story</label>
        <p className="hint" id={`${ids.body}-hint`}>
          In your own words, as much or as little as feels right (at least {MIN_BODY} characters). You
          can use Markdown: leave a blank line between paragraphs, put **two stars** around words for
          bold, and start a line with &gt; for a quote.
        </p>
        {bodyError ? (
          <p className="error" id={`${ids.body}-error`}>
            {bodyError}
          </p>
        ) : null}
        <textarea
          id={ids.body}
          name="body_markdown"
          rows={14}
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

      <TopicChoices
        id={ids.topics}
        hint={`Choose up to ${MAX_TOPICS} that your story is about, so people can find it.`}
        error={topicsError}
        chosen={draft.topics}
        max={MAX_TOPICS}
        onChange={(topics) => {
          setDraft((now) => ({ ...now, topics }));
          setUnchanged(false);
        }}
      />

      <div className="field">
        <label className="choice">
          <input
            id={ids.anonymous}
            type="checkbox"
            name="anonymous"
            checked={draft.anonymous}
            onChange={(e) => set("anonymous", e.target.checked)}
            aria-describedby={`${ids.anonymous}-hint`}
          />
          Share anonymously
        </label>
        <p className="hint" id={`${ids.anonymous}-hint`}>
          Your story will show “Anonymous” instead of your display name
          {me ? <> (“{me.display_name}”)</> : null}.
        </p>
      </div>

      {story ? (
        <p>
          <strong>Language:</strong> {languageName(story.language)}
        </p>
      ) : (
        <div className="field">
          <label htmlFor={ids.language}>Language of your story</label>
          <select
            id={ids.language}
            name="language"
            value={draft.language}
            onChange={(e) => set("language", e.target.value)}
          >
            {Object.entries(LANGUAGE_NAMES).map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </div>
      )}

      <section className="notice" aria-labelledby={ids.before}>
        <h2 id={ids.before}>Before you send</h2>
        <ul>
          <li>
            A facilitator reads every story before it is published. If something needs changing, they
            will send it back with a note, and you can edit it and send it again.
          </li>
          <li>
            To keep the library safe for everyone, please leave out details of how anyone harmed
            themselves or tried to end their life. What helped you, and what recovery looks like for
            you, means a lot to readers.
          </li>
          <li>You can withdraw your story at any time from My stories.</li>
        </ul>
        <p>
          Stories are not read straight away, and this is not a crisis service. If you are in danger
          now, please <Link to="/crisis">get help now</Link>.
        </p>
      </section>

      <div role="status">
        {unchanged ? (
          <p className="notice warning">Nothing has changed yet. Make your changes above, then send it again.</p>
        ) : null}
      </div>

      <div className="actions">
        <button type="submit" className="button" disabled={send.isPending}>
          {send.isPending ? "Sending…" : story ? "Send for review again" : "Send for review"}
        </button>
        <Link className="inline-link" to="/stories/mine">
          Cancel
        </Link>
      </div>
    </form>
  );
}

function EditStory({ storyId }: { storyId: string }) {
  const story = useQuery({ queryKey: ["story", storyId], queryFn: () => circles.library.story(storyId) });
  if (story.isPending) return <Loading what="your story" />;
  if (story.isError) {
    const status = isApiError(story.error) ? story.error.status : 0;
    if (status === 404 || status === 422) {
      return (
        <div className="notice">
          <span className="title">We couldn't find this story.</span>
          <p>
            It may have been removed. All your stories are in <Link to="/stories/mine">My stories</Link>.
          </p>
        </div>
      );
    }
    return <Problem error={story.error} retry={() => void story.refetch()} />;
  }
  const data = story.data;
  if (data.status === "published" || data.status === "withdrawn") {
    return (
      <div className="notice">
        <span className="title">
          {data.status === "published"
            ? "This story is published, so it can't be changed here."
            : "This story was withdrawn, so it can't be changed."}
        </span>
        <p>
          {data.status === "published"
            ? "If you would like to change it, you can withdraw it from My stories and share it again."
            : "You are welcome to share a new story at any time."}
        </p>
        <p>
          <Link to="/stories/mine">Go to My stories</Link>
        </p>
      </div>
    );
  }
  return (
    <>
      {data.status === "returned" && data.review_note ? (
        <section className="notice warning" aria-labelledby="review-note-heading">
          <h2 id="review-note-heading">Note from the facilitator</h2>
          <p className="review-note">{data.review_note}</p>
        </section>
      ) : null}
      <p className="narrow">
        When you send your changes, your story goes back to a facilitator to read before it is
        published.
      </p>
      <StoryForm story={data} />
    </>
  );
}

export default function ShareStoryPage() {
  const { storyId } = useParams();
  if (storyId) {
    return (
      <>
        <PageHeading title="Edit your story" />
        <EditStory storyId={storyId} />
      </>
    );
  }
  return (
    <>
      <PageHeading title="Share your story" />
      <p className="narrow">
        Your experience can help someone feel less alone. Share what you went through, what helped,
        and where you are now, in your own words. Stories are published in the library after a
        facilitator has read them.
      </p>
      <StoryForm />
    </>
  );
}
