import type { MatchRead } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Link } from "react-router";

import { circles } from "../../api";
import { Field } from "../../components/Field";
import { PageHeading } from "../../components/Page";
import { Loading, Problem, fieldError } from "../../components/Problem";
import { useTimeZone } from "../../lib/session";
import { dayName } from "../../lib/time";
import { MentoringLinks, QUERY, matchState, useFeedback, useMatches } from "./shared";

function otherPerson(match: MatchRead) {
  return match.my_side === "mentor" ? match.mentee : match.mentor;
}

/** Today's date in the member's zone, as <input type="date"> writes it. */
function today(zone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(),
  );
}

function dateWords(isoDay: string): string {
  // A calendar day: read at noon UTC so no zone moves it to the day before.
  return dayName(new Date(`${isoDay}T12:00:00Z`), "UTC");
}

function useRefreshMatches() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: QUERY.matches }),
      queryClient.invalidateQueries({ queryKey: QUERY.request }),
      queryClient.invalidateQueries({ queryKey: QUERY.suggestions }),
      queryClient.invalidateQueries({ queryKey: QUERY.offer }),
    ]);
}

function CheckIns({ match }: { match: MatchRead }) {
  const zone = useTimeZone();
  const queryClient = useQueryClient();
  const ids = { notes: useId(), heading: useId() };
  const checkIns = useQuery({ queryKey: QUERY.checkIns(match.id), queryFn: () => circles.mentoring.checkIns(match.id) });
  const [metOn, setMetOn] = useState(() => today(zone));
  const [minutes, setMinutes] = useState("30");
  const [notes, setNotes] = useState("");
  const add = useMutation({
    mutationFn: () =>
      circles.mentoring.addCheckIn(match.id, { met_on: metOn, duration_minutes: Number(minutes), notes: notes.trim() }),
    onSuccess: async () => {
      setNotes("");
      await queryClient.invalidateQueries({ queryKey: QUERY.checkIns(match.id) });
    },
  });
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    add.reset();
    add.mutate();
  }
  const items = checkIns.data?.items ?? [];
  const notesError = fieldError(add.error, "notes");
  return (
    <section className="check-ins" aria-labelledby={ids.heading}>
      <h3 id={ids.heading}>Times you met</h3>
      <p className="privacy-note">
        <strong>Only the two of you can read these notes.</strong> Not other members, not facilitators, not the
        counseling service's staff.
      </p>
      {checkIns.isPending ? <Loading what="your check-ins" /> : null}
      <Problem error={checkIns.error} retry={() => void checkIns.refetch()} />
      {checkIns.isSuccess && items.length === 0 ? <p className="muted">No meetings logged yet.</p> : null}
      {items.length > 0 ? (
        <ul className="check-in-list" aria-label="Meetings logged">
          {items.map((item) => (
            <li key={item.id}>
              <strong>{dateWords(item.met_on)}</strong>, {item.duration_minutes} minutes
              {item.notes ? <p className="check-in-notes">{item.notes}</p> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {match.status === "active" ? (
        <form className="check-in-form" noValidate onSubmit={onSubmit} aria-label={`Log a meeting with ${otherPerson(match).display_name}`}>
          <h4>Log a meeting</h4>
          <div role="status">{add.isSuccess ? <p className="notice success">Saved. Thank you for logging it.</p> : null}</div>
          <Problem error={add.error} />
          <Field
            label="The day you met"
            type="date"
            value={metOn}
            max={today(zone)}
            onChange={(e) => setMetOn(e.target.value)}
            error={fieldError(add.error, "met_on")}
          />
          <Field
            label="How long, in minutes"
            type="number"
            inputMode="numeric"
            min={5}
            max={600}
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
            error={fieldError(add.error, "duration_minutes")}
          />
          <div className="field">
            <label htmlFor={ids.notes}>Notes (optional)</label>
            <p className="hint" id={`${ids.notes}-hint`}>
              What you talked about, or what to pick up next time. Only the two of you can read these notes.
            </p>
            {notesError ? (
              <p className="error" id={`${ids.notes}-error`}>
                {notesError}
              </p>
            ) : null}
            <textarea
              id={ids.notes}
              rows={4}
              maxLength={4000}
              value={notes}
              aria-describedby={`${ids.notes}-hint${notesError ? ` ${ids.notes}-error` : ""}`}
              onChange={(e) => setNotes(e.target.value)}
            />
          </div>
          <button type="submit" className="button" disabled={add.isPending}>
            {add.isPending ? "Saving…" : "Save this meeting"}
          </button>
        </form>
      ) : null}
    </section>
  );
}

function Feedback({ match }: { match: MatchRead }) {
  const queryClient = useQueryClient();
  const ids = { heading: useId(), comment: useId() };
  const existing = useFeedback(match.id, true);
  const [rating, setRating] = useState<number | null>(null);
  const [comment, setComment] = useState("");
  const give = useMutation({
    mutationFn: () => circles.mentoring.giveFeedback(match.id, { rating: rating ?? 0, comment: comment.trim() || null }),
    onSuccess: (saved) => queryClient.setQueryData(QUERY.feedback(match.id), saved),
  });
  const saved = existing.data;
  return (
    <section className="feedback" aria-labelledby={ids.heading}>
      <h3 id={ids.heading}>How was it for you?</h3>
      <p className="small">
        Your rating helps the team see how mentoring is going: they only see ratings added up, many at a time, never
        yours on its own. Your comment is not shown to anyone else.
      </p>
      {existing.isPending ? <Loading what="your feedback" /> : null}
      {saved ? (
        <p role="status">
          You gave {saved.rating} out of 5{saved.comment ? " and a comment" : ""}. Thank you.
        </p>
      ) : null}
      {existing.isSuccess ? (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (rating !== null) give.mutate();
          }}
        >
          <fieldset className="field">
            <legend>{saved ? "Change your rating" : "Your rating"}</legend>
            <div className="rating-choices">
              {[1, 2, 3, 4, 5].map((n) => (
                <label className="choice" key={n}>
                  <input type="radio" name={`rating-${match.id}`} value={n} checked={rating === n} onChange={() => setRating(n)} />
                  {n} {n === 1 ? "(not helpful)" : n === 5 ? "(very helpful)" : ""}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="field">
            <label htmlFor={ids.comment}>Comment (optional)</label>
            <textarea id={ids.comment} rows={3} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />
          </div>
          <Problem error={give.error} />
          <button type="submit" className="button secondary" disabled={rating === null || give.isPending}>
            Save my feedback
          </button>
        </form>
      ) : null}
    </section>
  );
}

type Step = null | "decline" | "end" | "block" | "withdraw";

function MatchCard({ match }: { match: MatchRead }) {
  const refresh = useRefreshMatches();
  const ids = { heading: useId(), note: useId() };
  const [step, setStep] = useState<Step>(null);
  const [note, setNote] = useState("");
  const [noteError, setNoteError] = useState<string | undefined>();
  const [blocked, setBlocked] = useState(false);
  const other = otherPerson(match);
  const state = matchState(match);
  const mentor = match.my_side === "mentor";

  const act = useMutation({
    mutationFn: async (action: "accept" | "decline" | "withdraw" | "end" | "block"): Promise<unknown> => {
      switch (action) {
        case "accept":
          return circles.mentoring.accept(match.id);
        case "decline":
          return circles.mentoring.decline(match.id, note.trim() || undefined);
        case "withdraw":
          return circles.mentoring.withdraw(match.id);
        case "end":
          return circles.mentoring.end(match.id, note.trim());
        case "block":
          return circles.blocks.add(other.user_id);
      }
    },
    onSuccess: async (_answer, action) => {
      if (action === "block") setBlocked(true);
      setStep(null);
      setNote("");
      await refresh();
    },
  });

  function open(next: Step) {
    act.reset();
    setNote("");
    setNoteError(undefined);
    setStep(next);
  }

  function confirmEnd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!note.trim()) {
      setNoteError(`Please say in a few words why, for ${other.display_name}.`);
      return;
    }
    setNoteError(undefined);
    act.mutate("end");
  }

  return (
    <li className="card match">
      <h2 id={ids.heading}>
        {mentor ? `Mentoring ${other.display_name}` : `${other.display_name}, your ${match.status === "active" ? "mentor" : "mentor match"}`}
      </h2>
      <p>
        <span className={state.className}>{state.badge}</span>
      </p>
      <p>{state.words}</p>
      {blocked ? (
        <p className="notice success" role="status">
          You blocked {other.display_name}. They are not told. You won't be suggested or matched with each other again.
        </p>
      ) : null}
      {match.close_reason ? (
        <div className="notice">
          <span className="title">{match.status === "declined" ? "Note with the answer" : "Note when it ended"}</span>
          <p>{match.close_reason}</p>
        </div>
      ) : null}
      {match.reasons.length > 0 && match.status !== "ended" ? (
        <details>
          <summary>Why you were matched</summary>
          <ul>
            {match.reasons.map((reason) => (
              <li key={reason}>{reason.charAt(0).toUpperCase() + reason.slice(1)}</li>
            ))}
          </ul>
        </details>
      ) : null}
      <Problem error={act.error} />

      {step === null ? (
        <div className="actions">
          {match.status === "proposed" && mentor ? (
            <>
              <button type="button" className="button" disabled={act.isPending} onClick={() => act.mutate("accept")}>
                Accept {other.display_name}
              </button>
              <button type="button" className="button secondary" onClick={() => open("decline")}>
                Decline <span className="visually-hidden">{other.display_name}</span>
              </button>
            </>
          ) : null}
          {match.status === "proposed" && !mentor ? (
            <button type="button" className="button secondary" onClick={() => open("withdraw")}>
              Withdraw my request <span className="visually-hidden">to {other.display_name}</span>
            </button>
          ) : null}
          {match.status === "active" ? (
            <button type="button" className="button secondary" onClick={() => open("end")}>
              End this match <span className="visually-hidden">with {other.display_name}</span>
            </button>
          ) : null}
          {!blocked ? (
            <button type="button" className="button link" onClick={() => open("block")}>
              Block {other.display_name}
            </button>
          ) : null}
        </div>
      ) : null}

      {step === "decline" ? (
        <form
          className="confirm-step"
          aria-label={`Decline ${other.display_name}`}
          onSubmit={(event) => {
            event.preventDefault();
            act.mutate("decline");
          }}
        >
          <p>
            <strong>Decline {other.display_name}'s request?</strong> They are told kindly and can ask someone else.
          </p>
          <div className="field">
            <label htmlFor={ids.note}>A note for {other.display_name} (optional)</label>
            <textarea id={ids.note} rows={3} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
          <div className="actions">
            <button type="submit" className="button danger" disabled={act.isPending}>
              Decline
            </button>
            <button type="button" className="button secondary" onClick={() => setStep(null)}>
              Go back
            </button>
          </div>
        </form>
      ) : null}

      {step === "withdraw" ? (
        <div className="confirm-step" role="group" aria-label={`Withdraw your request to ${other.display_name}?`}>
          <p>
            <strong>Withdraw your request to {other.display_name}?</strong> They are told it was withdrawn, and you
            can ask someone else.
          </p>
          <div className="actions">
            <button type="button" className="button danger" disabled={act.isPending} onClick={() => act.mutate("withdraw")}>
              Yes, withdraw it
            </button>
            <button type="button" className="button secondary" onClick={() => setStep(null)}>
              Keep waiting
            </button>
          </div>
        </div>
      ) : null}

      {step === "end" ? (
        <form className="confirm-step" noValidate aria-label={`End the match with ${other.display_name}`} onSubmit={confirmEnd}>
          <p>
            <strong>End the match with {other.display_name}?</strong> Matches end for all sorts of reasons, and
            that's okay. {other.display_name} is told it ended and reads the reason you give; no one else does.
          </p>
          <Field
            id={ids.note}
            label={`Why, in a few words, for ${other.display_name}`}
            hint="For example “We reached what we set out to do” or “My life is too full right now”."
            value={note}
            maxLength={500}
            autoComplete="off"
            onChange={(e) => setNote(e.target.value)}
            error={noteError ?? fieldError(act.error, "reason")}
          />
          <div className="actions">
            <button type="submit" className="button danger" disabled={act.isPending}>
              End the match
            </button>
            <button type="button" className="button secondary" onClick={() => setStep(null)}>
              Go back
            </button>
          </div>
        </form>
      ) : null}

      {step === "block" ? (
        <div className="confirm-step" role="group" aria-label={`Block ${other.display_name}?`}>
          <p>
            <strong>Block {other.display_name}?</strong> They are not told. You won't be suggested or matched with each
            other again, and you won't see each other in member lists.
            {match.status === "active" || match.status === "proposed"
              ? ` This match ends; ${other.display_name} is told only that it ended.`
              : ""}
          </p>
          <p className="small">
            If they hurt or frightened you, you can also <Link to="/account/reports">tell the team</Link>.
          </p>
          <div className="actions">
            <button type="button" className="button danger" disabled={act.isPending} onClick={() => act.mutate("block")}>
              Block {other.display_name}
            </button>
            <button type="button" className="button secondary" onClick={() => setStep(null)}>
              Go back
            </button>
          </div>
        </div>
      ) : null}

      {match.status === "active" || match.status === "ended" ? <CheckIns match={match} /> : null}
      {match.status === "ended" ? <Feedback match={match} /> : null}
    </li>
  );
}

export default function MyMatchesPage() {
  const matches = useMatches();
  const items = matches.data?.items ?? [];
  const current = items.filter((m) => m.status === "proposed" || m.status === "active");
  const past = items.filter((m) => m.status !== "proposed" && m.status !== "active");
  return (
    <>
      <PageHeading title="My matches" />
      <MentoringLinks />
      <p className="narrow">The people you mentor and your mentors, and requests waiting for an answer.</p>
      {matches.isPending ? <Loading what="your matches" /> : null}
      <Problem error={matches.error} retry={() => void matches.refetch()} />
      {matches.isSuccess && items.length === 0 ? (
        <div className="notice">
          <span className="title">No matches yet.</span>
          <p>
            When you <Link to="/mentoring/ask">ask for a mentor</Link>, or someone asks you to mentor them, it shows
            here.
          </p>
        </div>
      ) : null}
      {current.length > 0 ? (
        <ul className="cards" aria-label="Current matches">
          {current.map((match) => (
            <MatchCard key={match.id} match={match} />
          ))}
        </ul>
      ) : null}
      {past.length > 0 ? (
        <>
          <h2 className="past-heading">Earlier</h2>
          <ul className="cards" aria-label="Earlier matches">
            {past.map((match) => (
              <MatchCard key={match.id} match={match} />
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}
