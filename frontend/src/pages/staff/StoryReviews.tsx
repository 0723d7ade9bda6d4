import type { components } from "@strength-circles/client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";

import { circles } from "../../api";
import { PageHeading } from "../../components/Page";
import { fieldError, Loading, Problem } from "../../components/Problem";
import { useTimeZone } from "../../lib/session";
import { dateInWords } from "../Library";

type Story = components["schemas"]["StoryRead"];

/** One story to read before it is published: approve it, or return it with a kind note. */
function StoryToReview({ story, zone, onDone }: { story: Story; zone: string; onDone: (words: string) => void }) {
  const noteId = useId();
  const [note, setNote] = useState("");
  const review = useMutation({
    mutationFn: (decision: "approve" | "return") =>
      circles.library.reviewStory(story.id, { decision, ...(note.trim() ? { note: note.trim() } : {}) }),
    onSuccess: (_, decision) =>
      onDone(decision === "approve" ? `"${story.title}" is published.` : `"${story.title}" went back to its author with your note.`),
  });
  return (
    <li className="card">
      <h2>{story.title}</h2>
      <ul className="meta">
        <li>Sent {dateInWords(story.updated_at, zone)}</li>
        <li>{story.anonymous ? "To be shared anonymously" : "Under the author's pseudonym"}</li>
      </ul>
      <div className="prose story-text">
        {story.body_markdown.split(/\n{2,}/).map((paragraph, index) => (
          <p key={index}>{paragraph}</p>
        ))}
      </div>
      <div className="field">
        <label htmlFor={noteId}>A note for the author</label>
        <p className="hint" id={`${noteId}-hint`}>
          Needed to return it: what to change, kindly. With an approval it is a thank-you they will read.
        </p>
        <textarea
          id={noteId}
          aria-describedby={`${noteId}-hint`}
          rows={3}
          maxLength={2000}
          value={note}
          onChange={(event) => setNote(event.target.value)}
        />
        {fieldError(review.error, "note") ? <p className="error">{fieldError(review.error, "note")}</p> : null}
      </div>
      <Problem error={review.error} />
      <div className="actions">
        <button type="button" className="button" disabled={review.isPending} onClick={() => review.mutate("approve")}>
          Approve and publish
        </button>
        <button
          type="button"
          className="button secondary"
          disabled={review.isPending || !note.trim()}
          onClick={() => review.mutate("return")}
        >
          Return with my note
        </button>
      </div>
    </li>
  );
}

/** Members' recovery stories waiting to be read before they are published (facilitators and
 * admins), the longest waiting first. */
export default function StoryReviewsPage() {
  const zone = useTimeZone();
  const queryClient = useQueryClient();
  const [said, setSaid] = useState("");
  const waiting = useInfiniteQuery({
    queryKey: ["stories-to-review"],
    queryFn: ({ pageParam }) =>
      circles.library.storiesToReview({ status: "submitted", limit: 20, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = waiting.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <article className="narrow">
      <PageHeading title="Stories to review" />
      <p>
        Read each story as its author would want it read. Approve what is safe to share; return what needs a change,
        with a note that says what and why. Stories that give details of self-harm or methods go back with a note,
        kindly.
      </p>
      {said ? (
        <p className="notice success" role="status">
          {said}
        </p>
      ) : null}
      {waiting.isPending ? <Loading what="the stories" /> : null}
      <Problem error={waiting.error} retry={() => void waiting.refetch()} />
      {waiting.data && items.length === 0 ? <p className="muted">No stories are waiting.</p> : null}
      <ul className="cards">
        {items.map((story) => (
          <StoryToReview
            key={story.id}
            story={story}
            zone={zone}
            onDone={(words) => {
              setSaid(words);
              void queryClient.invalidateQueries({ queryKey: ["stories-to-review"] });
            }}
          />
        ))}
      </ul>
      {waiting.hasNextPage ? (
        <p>
          <button type="button" className="button secondary" onClick={() => void waiting.fetchNextPage()}>
            Show more stories
          </button>
        </p>
      ) : null}
    </article>
  );
}
