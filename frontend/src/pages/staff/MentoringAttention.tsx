import type { components } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";

import { circles } from "../../api";
import { Loading, Problem } from "../../components/Problem";
import { useTimeZone } from "../../lib/session";
import { dayName } from "../../lib/time";

type Attention = components["schemas"]["AttentionMatch"];
type Kind = components["schemas"]["AttentionKind"];
type Ratings = components["schemas"]["RatingSummary"];

/** What each kind means, in words an admin can act on. */
const MEANING: Record<Kind, { title: string; means: string }> = {
  lapsed: {
    title: "Proposal not answered",
    means:
      "The mentor did not answer within 14 days, so the proposal closed and their offer is paused until they switch it back on.",
  },
  blocked: {
    title: "Ended for safety: a block",
    means:
      "One of the two blocked the other, which ended the match. Neither of them is told why: never mention a block to either person.",
  },
  moderation: {
    title: "Ended for safety: moderation",
    means: "A moderation action ended the match. The case in the reports queue holds what was decided.",
  },
  account_closed: {
    title: "Ended: an account closed",
    means: "One of the two accounts was closed, which ended the match. The other person was told only that it ended.",
  },
  quiet: {
    title: "Quiet",
    means:
      "No check-in has been logged for 30 days. Pairs sometimes meet without logging it, so this is only a sign to look, not a problem in itself.",
  },
};

function NextStep({ item, onProposed }: { item: Attention; onProposed: (words: string) => void }) {
  if (item.kind === "quiet") {
    return (
      <p>
        Nothing happens automatically. If it seems right, reach out to them through the usual counseling channel, with
        care: ask how it is going, not why nothing was logged.
      </p>
    );
  }
  return (
    <>
      {item.kind === "moderation" ? (
        <p>
          See the case in the <Link to="/staff/reports">reports queue</Link>.
        </p>
      ) : null}
      {item.mentee_waiting ? (
        <>
          <p>
            {item.mentee.display_name} is still waiting for a mentor: propose another one here, or with{" "}
            <a href="#matching-run">the matching run</a>. This pair will not be proposed again.
          </p>
          <ProposeMentor item={item} onProposed={onProposed} />
        </>
      ) : (
        <p className="small">{item.mentee.display_name} is not waiting for a mentor now.</p>
      )}
    </>
  );
}

/** An admin proposes one approved mentor with room for a mentee who is still waiting; the
 * server checks the pair as it checks any proposal (never a pair declined before, or blocked). */
function ProposeMentor({ item, onProposed }: { item: Attention; onProposed: (words: string) => void }) {
  const queryClient = useQueryClient();
  const id = useId();
  const [mentorId, setMentorId] = useState("");
  const mentors = useQuery({ queryKey: ["mentors", "approved"], queryFn: () => circles.admin.mentors("approved") });
  const withRoom = (mentors.data?.items ?? []).filter(
    (mentor) => !mentor.paused && mentor.active_mentees < mentor.capacity && ![item.mentor.user_id, item.mentee.user_id].includes(mentor.user_id),
  );
  const propose = useMutation({
    mutationFn: () => circles.admin.proposeMatch(item.mentee.user_id, mentorId),
    onSuccess: async () => {
      const name = withRoom.find((mentor) => mentor.user_id === mentorId)?.display_name ?? "The mentor";
      onProposed(`${name} is asked to mentor ${item.mentee.display_name}. They have 14 days to answer.`);
      await queryClient.invalidateQueries({ queryKey: ["mentoring", "attention"] });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (mentorId) propose.mutate();
  }
  if (mentors.isPending) return <Loading what="the mentors with room" />;
  if (withRoom.length === 0) return <p className="small muted">No approved mentor has room right now.</p>;
  return (
    <form onSubmit={submit}>
      <div className="field">
        <label htmlFor={id}>Propose a mentor for {item.mentee.display_name}</label>
        <select id={id} value={mentorId} onChange={(event) => setMentorId(event.target.value)}>
          <option value="">Choose an approved mentor with room</option>
          {withRoom.map((mentor) => (
            <option key={mentor.user_id} value={mentor.user_id}>
              {mentor.display_name} ({mentor.active_mentees} of {mentor.capacity} places taken)
            </option>
          ))}
        </select>
      </div>
      <div className="actions">
        <button type="submit" className="button secondary" disabled={!mentorId || propose.isPending}>
          Propose
        </button>
      </div>
      <Problem error={propose.error} />
    </form>
  );
}

function AttentionCard({ item, timeZone }: { item: Attention; timeZone: string }) {
  const meaning = MEANING[item.kind];
  const [said, setSaid] = useState("");
  const saidRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (said) saidRef.current?.focus();
  }, [said]);
  const checkIns = `${item.check_ins} ${item.check_ins === 1 ? "check-in" : "check-ins"} logged in all`;
  return (
    <li className="card">
      <h3>
        {item.mentee.display_name} with {item.mentor.display_name}
      </h3>
      <p className="small">
        <strong>{meaning.title}</strong> · {item.kind === "quiet" ? "last activity" : "closed"}{" "}
        {dayName(new Date(item.since), timeZone)}
        {item.status === "active" || item.status === "ended" ? ` · ${checkIns}` : null}
      </p>
      <p>{meaning.means}</p>
      <NextStep item={item} onProposed={setSaid} />
      {/* Outside the form, which goes once the mentee no longer waits: the words stay, and
          the focus moves to them rather than to the page. */}
      <div role="status">
        {said ? (
          <p className="notice success" tabIndex={-1} ref={saidRef}>
            {said}
          </p>
        ) : null}
      </div>
    </li>
  );
}

/** Matches an admin may want to look at, told apart without reading anything the pair wrote. */
export function MatchesNeedingAttention() {
  const timeZone = useTimeZone();
  const attention = useQuery({
    queryKey: ["mentoring", "attention"],
    queryFn: () => circles.admin.matchesNeedingAttention(),
  });
  return (
    <section aria-labelledby="attention-heading">
      <h2 id="attention-heading">Matches that need attention</h2>
      <p>
        Proposals that were not answered, matches ended for safety or because an account closed (in the last 30 days),
        and active matches gone quiet. Only what happened is shown: never the pair's notes or reasons.
      </p>
      {attention.isPending ? <Loading what="the matches that need attention" /> : null}
      <Problem error={attention.error} retry={() => void attention.refetch()} />
      {attention.data && attention.data.items.length === 0 ? (
        <p className="muted">No match needs attention right now.</p>
      ) : null}
      <ul className="cards">
        {(attention.data?.items ?? []).map((item) => (
          <AttentionCard key={item.match_id} item={item} timeZone={timeZone} />
        ))}
      </ul>
    </section>
  );
}

function RatingsFrom({ who, ratings }: { who: string; ratings: Ratings }) {
  if (ratings.average == null || ratings.distribution == null) {
    return (
      <li>
        From {who}: not shown yet. Figures appear from five ratings on, so that no one's rating can be picked out
        {ratings.waiting > 0 ? ` (${ratings.waiting} waiting).` : "."}
      </li>
    );
  }
  const stars = ["5", "4", "3", "2", "1"].map((star) => `${star}★ ${ratings.distribution?.[star] ?? 0}`).join(", ");
  return (
    <li>
      From {who}: {ratings.average.toFixed(1)} out of 5 from {ratings.count} ratings ({stars})
      {ratings.waiting > 0 ? `; ${ratings.waiting} more waiting for the next batch` : ""}.
    </li>
  );
}

/** Ratings in aggregate only, never a comment. */
export function FeedbackFigures() {
  const summary = useQuery({ queryKey: ["mentoring", "feedback-summary"], queryFn: () => circles.admin.feedbackSummary() });
  return (
    <section aria-labelledby="feedback-heading">
      <h2 id="feedback-heading">How matches went</h2>
      {summary.isPending ? <Loading what="the feedback figures" /> : null}
      <Problem error={summary.error} retry={() => void summary.refetch()} />
      {summary.data ? (
        <>
          <p>
            {summary.data.matches_ended} {summary.data.matches_ended === 1 ? "match has" : "matches have"} ended. Ratings
            given before {dayName(new Date(`${summary.data.as_of}T00:00:00Z`), "UTC")}, in batches of at least five;
            comments stay with the people who wrote them.
          </p>
          <ul>
            <RatingsFrom who="mentees" ratings={summary.data.from_mentees} />
            <RatingsFrom who="mentors" ratings={summary.data.from_mentors} />
          </ul>
        </>
      ) : null}
    </section>
  );
}
