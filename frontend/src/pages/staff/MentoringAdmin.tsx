import type { components } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";

import { circles } from "../../api";
import { PageHeading } from "../../components/Page";
import { Loading, Problem } from "../../components/Problem";
import { FeedbackFigures, MatchesNeedingAttention } from "./MentoringAttention";

type Profile = components["schemas"]["MentorProfileRead"];
type Run = components["schemas"]["MatchingRunResult"];

function OfferToReview({ profile, onDone }: { profile: Profile; onDone: (words: string) => void }) {
  const noteId = useId();
  const [note, setNote] = useState("");
  const decide = useMutation({
    mutationFn: (decision: "approve" | "reject") =>
      circles.admin.decideMentor(profile.user_id, { decision, ...(note.trim() ? { note: note.trim() } : {}) }),
    onSuccess: (_, decision) =>
      onDone(decision === "approve" ? `${profile.display_name} can now be matched as a mentor.` : `${profile.display_name} is told the offer was not approved.`),
  });
  return (
    <li className="card">
      <h3>{profile.display_name}</h3>
      <ul className="meta">
        <li>Up to {profile.capacity} {profile.capacity === 1 ? "mentee" : "mentees"}</li>
        {profile.years_in_recovery != null ? <li>{profile.years_in_recovery} years in recovery</li> : null}
        <li>Languages: {profile.languages.join(", ")}</li>
      </ul>
      <p className="small">Lived experience: {profile.experience_areas.join(", ")}</p>
      {profile.bio ? <p>{profile.bio}</p> : null}
      <div className="field">
        <label htmlFor={noteId}>A note for them (optional; kind and specific when not approving)</label>
        <textarea id={noteId} rows={2} maxLength={500} value={note} onChange={(event) => setNote(event.target.value)} />
      </div>
      <Problem error={decide.error} />
      <div className="actions">
        <button type="button" className="button" disabled={decide.isPending} onClick={() => decide.mutate("approve")}>
          Approve {profile.display_name}
        </button>
        <button type="button" className="button secondary" disabled={decide.isPending} onClick={() => decide.mutate("reject")}>
          Not now
        </button>
      </div>
    </li>
  );
}

function RunPreview({ run }: { run: Run }) {
  return (
    <>
      <p>
        {run.proposals.length} {run.proposals.length === 1 ? "pair" : "pairs"} for {run.open_requests} open{" "}
        {run.open_requests === 1 ? "request" : "requests"}; total fit {run.total_score.toFixed(2)}.
        {run.dry_run ? " Nothing is saved yet." : " Saved: each mentor is asked."}
      </p>
      {run.proposals.length > 0 ? (
        <ul className="cards">
          {run.proposals.map((proposal) => (
            <li className="card" key={proposal.mentee_id}>
              <h3>
                {proposal.mentee_name} with {proposal.mentor_name}
              </h3>
              <p className="small">Fit {Math.round(proposal.score * 100)}%</p>
              <ul>
                {proposal.reasons.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      ) : null}
      {run.unmatched_people.length > 0 ? (
        <>
          <h3>Not matched this time</h3>
          <p className="small">They stay in the queue for the next run. Why, for each of them:</p>
          <ul>
            {run.unmatched_people.map((person) => (
              <li key={person.mentee_id}>
                <strong>{person.display_name}</strong>: {person.reason}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

/** Peer mentoring, for admins: offers to mentor to review, the matches that need attention,
 * the matching run (previewed before it is saved, with why anyone is left unmatched), and the
 * feedback figures. */
export default function MentoringAdminPage() {
  const queryClient = useQueryClient();
  const [said, setSaid] = useState("");
  const pending = useQuery({ queryKey: ["mentors", "pending"], queryFn: () => circles.admin.mentors("pending") });
  const [run, setRun] = useState<Run | null>(null);
  const match = useMutation({ mutationFn: (dryRun: boolean) => circles.admin.matchingRun(dryRun), onSuccess: setRun });
  return (
    <article className="narrow">
      <PageHeading title="Peer mentoring" />
      {said ? (
        <p className="notice success" role="status">
          {said}
        </p>
      ) : null}
      <h2>Offers to mentor</h2>
      {pending.isPending ? <Loading what="the offers" /> : null}
      <Problem error={pending.error} retry={() => void pending.refetch()} />
      {pending.data && pending.data.items.length === 0 ? <p className="muted">No offers are waiting.</p> : null}
      <ul className="cards">
        {(pending.data?.items ?? []).map((profile) => (
          <OfferToReview
            key={profile.user_id}
            profile={profile}
            onDone={(words) => {
              setSaid(words);
              void queryClient.invalidateQueries({ queryKey: ["mentors"] });
            }}
          />
        ))}
      </ul>

      <MatchesNeedingAttention />

      <section aria-labelledby="matching-run">
        <h2 id="matching-run" tabIndex={-1}>
          Matching run
        </h2>
        <p>
          Finds the best set of pairs over every open request at once. Preview it first: nothing is saved and no one is
          told until you save it.
        </p>
        <div className="actions">
          <button type="button" className="button secondary" disabled={match.isPending} onClick={() => match.mutate(true)}>
            Preview the pairs
          </button>
          {run?.dry_run && run.proposals.length > 0 ? (
            <button type="button" className="button" disabled={match.isPending} onClick={() => match.mutate(false)}>
              Save these pairs and ask the mentors
            </button>
          ) : null}
        </div>
        <Problem error={match.error} />
        {match.isPending ? <Loading what="the pairs" /> : null}
        {run ? <RunPreview run={run} /> : null}
      </section>

      <FeedbackFigures />
    </article>
  );
}
