import "../styles/library.css";

import type { StoryRead } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { Link, useLocation } from "react-router";

import { circles } from "../api";
import { PageHeading } from "../components/Page";
import { Loading, Problem } from "../components/Problem";
import { useTimeZone } from "../lib/session";
import { dateInWords, useTopicNames } from "./Library";
import type { StorySent } from "./ShareStory";

const STATE_WORDS: Record<StoryRead["status"], string> = {
  submitted: "Waiting for review",
  returned: "Returned with a note",
  published: "Published",
  withdrawn: "Withdrawn",
};

const STATE_BADGE: Record<StoryRead["status"], string> = {
  submitted: "badge soon",
  returned: "badge soon",
  published: "badge live",
  withdrawn: "badge",
};

const SENT_WORDS: Record<StorySent, string> = {
  shared:
    "Thank you for sharing your story. A facilitator will read it soon, and you can follow its progress here.",
  edited: "Your changes are saved. Your story is waiting for a facilitator to read it again.",
};

function StoryCard({
  story,
  onWithdrawn,
}: {
  story: StoryRead;
  onWithdrawn: (story: StoryRead, wasPublished: boolean) => void;
}) {
  const zone = useTimeZone();
  const topicName = useTopicNames();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLDivElement>(null);
  const withdrawButton = useRef<HTMLButtonElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const ids = { title: useId(), confirm: useId() };

  const withdraw = useMutation({
    mutationFn: () => circles.library.withdrawStory(story.id),
    onSuccess: async (answer) => {
      setConfirming(false);
      onWithdrawn(answer, story.status === "published");
      // The buttons are gone: carry on from the story's title.
      requestAnimationFrame(() => heading.current?.focus());
      queryClient.setQueryData(["story", answer.id], answer);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ["my-stories"] }),
        // A published story leaves the library with it.
        queryClient.invalidateQueries({ queryKey: ["library"] }),
        queryClient.invalidateQueries({ queryKey: ["bookmarks"] }),
        story.resource_id ? queryClient.invalidateQueries({ queryKey: ["resource", story.resource_id] }) : null,
      ]);
    },
  });

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  function keep() {
    setConfirming(false);
    withdraw.reset();
    // Back to where the person was.
    requestAnimationFrame(() => withdrawButton.current?.focus());
  }

  const canEdit = story.status === "submitted" || story.status === "returned";
  return (
    <li className="card">
      <h2 id={ids.title} ref={heading} tabIndex={-1}>
        {story.title}
      </h2>
      <p>
        <span className={`${STATE_BADGE[story.status]} story-state`}>{STATE_WORDS[story.status]}</span>
      </p>
      <ul className="meta" aria-label="Details">
        <li>Sent on {dateInWords(story.created_at, zone)}</li>
        {story.updated_at !== story.created_at ? <li>Last changed {dateInWords(story.updated_at, zone)}</li> : null}
        <li>{story.anonymous ? "Shared anonymously" : "Shared with your display name"}</li>
      </ul>
      {story.topics.length > 0 ? (
        <p className="small">
          <strong>Topics:</strong> {story.topics.map(topicName).join(", ")}
        </p>
      ) : null}

      {story.status === "submitted" ? (
        <p>A facilitator will read your story before it is published. You can still change it.</p>
      ) : null}
      {story.status === "returned" ? (
        <div className="notice warning">
          <span className="title">Note from the facilitator</span>
          <p className="review-note">{story.review_note ?? "They asked for a change before publishing."}</p>
        </div>
      ) : null}
      {story.status === "published" && story.resource_id ? (
        <p>
          <Link to={`/library/${story.resource_id}`}>
            Read it in the library <span className="visually-hidden">(“{story.title}”)</span>
          </Link>
        </p>
      ) : null}
      {story.status === "withdrawn" ? <p className="muted">This story is not in the library.</p> : null}

      {story.status !== "withdrawn" ? (
        <div className="actions">
          {canEdit ? (
            <Link className="button secondary" to={`/stories/${story.id}/edit`}>
              {story.status === "returned" ? "Edit and resend" : "Edit"}
              {" "}
              <span className="visually-hidden">“{story.title}”</span>
            </Link>
          ) : null}
          {!confirming ? (
            <button
              type="button"
              className="button secondary"
              ref={withdrawButton}
              onClick={() => setConfirming(true)}
            >
              Withdraw <span className="visually-hidden">“{story.title}”</span>
            </button>
          ) : null}
        </div>
      ) : null}

      {confirming ? (
        <div
          className="confirm-step"
          role="group"
          aria-labelledby={ids.confirm}
          tabIndex={-1}
          ref={confirmRef}
        >
          <p id={ids.confirm}>
            <strong>Withdraw “{story.title}”?</strong>
          </p>
          <p>
            {story.status === "published"
              ? "It will be taken out of the library straight away."
              : "It will not be published, and facilitators will no longer see it."}{" "}
            This can't be undone, but you are always welcome to share a story again.
          </p>
          <Problem error={withdraw.error} />
          <div className="actions">
            <button
              type="button"
              className="button danger"
              disabled={withdraw.isPending}
              onClick={() => withdraw.mutate()}
            >
              {withdraw.isPending ? "Withdrawing…" : "Yes, withdraw it"}
            </button>
            <button type="button" className="button secondary" onClick={keep}>
              Keep it
            </button>
          </div>
        </div>
      ) : null}
    </li>
  );
}

export default function MyStoriesPage() {
  const location = useLocation();
  const sent = (location.state as { sent?: StorySent } | null)?.sent;
  const [message, setMessage] = useState("");
  const stories = useQuery({ queryKey: ["my-stories"], queryFn: circles.me.stories });
  const items = stories.data?.items ?? [];

  return (
    <>
      <PageHeading title="My stories" />
      {sent && SENT_WORDS[sent] ? (
        <div className="notice success" role="status">
          <p>{SENT_WORDS[sent]}</p>
        </div>
      ) : null}
      <div role="status">{message ? <p className="notice success">{message}</p> : null}</div>
      <p className="narrow">
        The stories you have shared, and where each one is. Only you can see this list; a facilitator
        sees a story while they read it for review.
      </p>
      <p>
        <Link className="button" to="/stories/new">
          Share a new story
        </Link>
      </p>
      {stories.isPending ? <Loading what="your stories" /> : null}
      <Problem error={stories.error} retry={() => void stories.refetch()} />
      {stories.isSuccess && items.length === 0 ? (
        <div className="notice">
          <span className="title">You haven't shared a story yet.</span>
          <p>
            When you are ready, your experience could help someone feel less alone. A facilitator reads
            every story before it is published, and you can withdraw it at any time.
          </p>
          <p>
            <Link to="/stories/new">Share your story</Link>
          </p>
        </div>
      ) : null}
      {items.length > 0 ? (
        <ul className="cards" aria-label="Your stories">
          {items.map((story) => (
            <StoryCard
              key={story.id}
              story={story}
              onWithdrawn={(answer, wasPublished) =>
                setMessage(
                  `“${answer.title}” was withdrawn. ${
                    wasPublished ? "It has been taken out of the library." : "It won't be published."
                  }`,
                )
              }
            />
          ))}
        </ul>
      ) : null}
    </>
  );
}
