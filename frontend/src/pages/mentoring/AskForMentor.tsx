import type { MatchRead, MenteeRequestRead, MenteeRequestWrite, Suggestion } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { Link } from "react-router";

import { circles } from "../../api";
import { AvailabilityPicker } from "../../components/AvailabilityPicker";
import { Field } from "../../components/Field";
import { PageHeading } from "../../components/Page";
import { Loading, Problem, fieldError } from "../../components/Problem";
import { type SlotDraft, slotInWords, slotProblem, sortedSlots, toDrafts } from "../../lib/availability";
import { useSession, useTimeZone } from "../../lib/session";
import { languageName } from "../../lib/words";
import { LanguageChoices, MentoringLinks, PEER_NOT_THERAPY, QUERY, TopicChoices, useMatches, useMenteeRequest } from "./shared";

interface Draft {
  needs: string[];
  languages: string[];
  availability: SlotDraft[];
  gender: string;
  minYears: string;
}

function draftFrom(request: MenteeRequestRead | null, languages: string[]): Draft {
  return {
    needs: request?.needs ?? [],
    languages: request?.languages ?? (languages.length > 0 ? languages : ["en"]),
    availability: request ? toDrafts(request.availability) : [],
    gender: request?.preferences.mentor_gender ?? "",
    minYears: request?.preferences.min_years_in_recovery?.toString() ?? "",
  };
}

function RequestForm({ request, onSaved }: { request: MenteeRequestRead | null; onSaved: () => void }) {
  const { me } = useSession();
  const zone = useTimeZone();
  const queryClient = useQueryClient();
  const ids = { needs: useId(), languages: useId() };
  const [draft, setDraft] = useState<Draft>(() => draftFrom(request, me?.languages ?? []));
  const [tried, setTried] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: (body: MenteeRequestWrite) => circles.mentoring.saveMenteeRequest(body),
    onSuccess: async (saved) => {
      queryClient.setQueryData(QUERY.request, saved);
      await queryClient.invalidateQueries({ queryKey: QUERY.suggestions });
      onSaved();
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setTried(true);
    save.reset();
    if (draft.languages.length === 0) return setProblem("Please choose at least one language you can talk in.");
    if (draft.availability.some((slot) => slotProblem(slot))) return setProblem("Please check the times you are free.");
    setProblem(null);
    const years = draft.minYears.trim() === "" ? null : Number(draft.minYears);
    save.mutate({
      needs: draft.needs,
      languages: draft.languages,
      availability: sortedSlots(draft.availability),
      preferences: { mentor_gender: draft.gender.trim() || null, min_years_in_recovery: years },
    });
  }

  return (
    <form className="mentoring-form" noValidate onSubmit={onSubmit}>
      {problem ? (
        <div className="notice error" role="alert">
          <p>{problem}</p>
        </div>
      ) : null}
      <Problem error={save.error} />
      <TopicChoices
        idPrefix={ids.needs}
        legend="What you would like support with"
        hint="Choose any that fit, or none. A mentor with lived experience of the same things is suggested first."
        chosen={draft.needs}
        onChange={(needs) => setDraft({ ...draft, needs })}
        error={fieldError(save.error, "needs")}
      />
      <LanguageChoices
        idPrefix={ids.languages}
        legend="Languages you can talk in"
        hint="Only mentors who speak one of these are suggested."
        chosen={draft.languages}
        onChange={(languages) => setDraft({ ...draft, languages })}
        error={fieldError(save.error, "languages")}
      />
      <AvailabilityPicker
        legend="When you are free each week"
        hint="Add the times you could usually talk. Mentors free at the same times are suggested first."
        zone={zone}
        slots={draft.availability}
        onChange={(availability) => setDraft({ ...draft, availability })}
        showProblems={tried}
        error={fieldError(save.error, "availability")}
      />
      <details className="preferences">
        <summary>Preferences (optional)</summary>
        <p className="hint">These are always honoured: only mentors who match them are suggested.</p>
        <Field
          label="Mentor's gender"
          hint="In your own words, for example “woman”. Leave empty for anyone."
          value={draft.gender}
          maxLength={40}
          autoComplete="off"
          onChange={(e) => setDraft({ ...draft, gender: e.target.value })}
          error={fieldError(save.error, "mentor_gender")}
        />
        <Field
          label="At least this many years in recovery"
          hint="Leave empty if it doesn't matter to you."
          type="number"
          inputMode="decimal"
          min={0}
          max={80}
          value={draft.minYears}
          onChange={(e) => setDraft({ ...draft, minYears: e.target.value })}
          error={fieldError(save.error, "min_years_in_recovery")}
        />
      </details>
      <div className="actions">
        <button type="submit" className="button" disabled={save.isPending}>
          {save.isPending ? "Saving…" : request ? "Save and see suggestions" : "Ask for a mentor"}
        </button>
      </div>
    </form>
  );
}

export function SuggestionCard({
  suggestion,
  zone,
  onAsk,
  asking,
  canAsk,
}: {
  suggestion: Suggestion;
  zone: string;
  onAsk: (suggestion: Suggestion) => void;
  asking: boolean;
  canAsk: boolean;
}) {
  const ids = { reasons: useId(), times: useId() };
  return (
    <li className="card suggestion">
      <h3>{suggestion.display_name}</h3>
      <h4 id={ids.reasons}>Why we suggest {suggestion.display_name}</h4>
      <ul className="reasons" aria-labelledby={ids.reasons}>
        {suggestion.reasons.map((reason) => (
          <li key={reason}>{reason.charAt(0).toUpperCase() + reason.slice(1)}</li>
        ))}
      </ul>
      <h4 id={ids.times}>Times you are both free (your time)</h4>
      {suggestion.common_times.length > 0 ? (
        <ul className="common-times" aria-labelledby={ids.times}>
          {suggestion.common_times.map((slot) => (
            <li key={`${slot.weekday}-${slot.start}`}>{slotInWords(slot)}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">No weekly time in common yet. You could still agree on a time together.</p>
      )}
      <p className="small muted">Shown in your time zone, {zone.replaceAll("_", " ")}.</p>
      {suggestion.bio ? <blockquote className="bio">{suggestion.bio}</blockquote> : null}
      <p className="small">Speaks {suggestion.languages.map(languageName).join(", ")}.</p>
      {canAsk ? (
        <div className="actions">
          <button type="button" className="button" disabled={asking} onClick={() => onAsk(suggestion)}>
            Ask {suggestion.display_name} to be your mentor
          </button>
        </div>
      ) : null}
    </li>
  );
}

function Suggestions({ openMatch }: { openMatch: MatchRead | undefined }) {
  const zone = useTimeZone();
  const queryClient = useQueryClient();
  const status = useRef<HTMLDivElement>(null);
  const suggestions = useQuery({ queryKey: QUERY.suggestions, queryFn: () => circles.mentoring.suggestions(10) });
  const ask = useMutation({
    mutationFn: (suggestion: Suggestion) => circles.mentoring.ask(suggestion.mentor_id),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: QUERY.matches }),
        queryClient.invalidateQueries({ queryKey: QUERY.request }),
      ]);
      requestAnimationFrame(() => status.current?.focus());
    },
  });
  const items = suggestions.data?.items ?? [];
  return (
    <section aria-labelledby="suggestions-heading">
      <h2 id="suggestions-heading" tabIndex={-1}>
        Suggested mentors
      </h2>
      <div role="status" tabIndex={-1} ref={status}>
        {ask.isSuccess ? (
          <p className="notice success">
            You asked {ask.data.mentor.display_name}. They have been told, and you will get an email when they
            answer. <Link to="/mentoring/matches">See it in My matches</Link>.
          </p>
        ) : null}
      </div>
      <Problem error={ask.error} />
      {openMatch ? null : (
        <p>
          Best fit first. Ask one person at a time; if they can't take it on, you can ask someone else.
        </p>
      )}
      {suggestions.isPending ? <Loading what="suggestions" /> : null}
      <Problem error={suggestions.error} retry={() => void suggestions.refetch()} />
      {suggestions.isSuccess && items.length === 0 ? (
        <div className="notice">
          <span className="title">No mentor fits your request just now.</span>
          <p>
            Mentors join and free up over time, so it is worth looking again in a few days. Adding more times you
            are free, or another language, can help too. The team can also match people by hand.
          </p>
        </div>
      ) : null}
      {items.length > 0 ? (
        <ul className="cards" aria-label="Suggested mentors">
          {items.map((suggestion) => (
            <SuggestionCard
              key={suggestion.mentor_id}
              suggestion={suggestion}
              zone={zone}
              canAsk={!openMatch && !ask.isSuccess}
              asking={ask.isPending}
              onAsk={(chosen) => ask.mutate(chosen)}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function OpenMatch({ match }: { match: MatchRead }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const withdraw = useMutation({
    mutationFn: () => circles.mentoring.withdraw(match.id),
    onSuccess: async () => {
      setConfirming(false);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: QUERY.matches }),
        queryClient.invalidateQueries({ queryKey: QUERY.request }),
        queryClient.invalidateQueries({ queryKey: QUERY.suggestions }),
      ]);
    },
  });
  if (match.status === "active") {
    return (
      <div className="notice success">
        <span className="title">{match.mentor.display_name} is your mentor.</span>
        <p>
          <Link to="/mentoring/matches">Go to My matches</Link> to log the times you meet.
        </p>
      </div>
    );
  }
  return (
    <div className="notice">
      <span className="title">You asked {match.mentor.display_name}.</span>
      <p>They have been told and will accept or decline. You will get an email either way.</p>
      {!confirming ? (
        <button type="button" className="button secondary" onClick={() => setConfirming(true)}>
          Withdraw my request to {match.mentor.display_name}
        </button>
      ) : (
        <div className="confirm-step" role="group" aria-label={`Withdraw your request to ${match.mentor.display_name}?`}>
          <p>
            <strong>Withdraw your request to {match.mentor.display_name}?</strong> They will be told it was
            withdrawn, and you can then ask someone else. You won't be suggested to each other again.
          </p>
          <Problem error={withdraw.error} />
          <div className="actions">
            <button type="button" className="button danger" disabled={withdraw.isPending} onClick={() => withdraw.mutate()}>
              {withdraw.isPending ? "Withdrawing…" : "Yes, withdraw it"}
            </button>
            <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
              Keep waiting
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

export default function AskForMentorPage() {
  const request = useMenteeRequest();
  const matches = useMatches();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [stopping, setStopping] = useState(false);
  const stop = useMutation({
    mutationFn: circles.mentoring.stopLooking,
    onSuccess: async () => {
      setStopping(false);
      queryClient.setQueryData(QUERY.request, null);
      await queryClient.invalidateQueries({ queryKey: ["mentoring"] });
    },
  });
  const openMatch = matches.data?.items.find(
    (match) => match.my_side === "mentee" && (match.status === "proposed" || match.status === "active"),
  );
  const saved = request.data;

  return (
    <>
      <PageHeading title="Ask for a mentor" />
      <MentoringLinks />
      <p className="narrow">
        A mentor is another member who has been through something like what you are facing, and who meets with you
        one to one. {PEER_NOT_THERAPY}
      </p>
      {request.isPending ? <Loading what="your request" /> : null}
      <Problem error={request.error} retry={() => void request.refetch()} />
      {request.isSuccess && (saved === null || editing) ? (
        <section aria-labelledby="request-heading">
          <h2 id="request-heading">{saved ? "Change what you are looking for" : "What you are looking for"}</h2>
          <RequestForm
            request={saved ?? null}
            onSaved={() => {
              setEditing(false);
              // The form is gone: carry on from the suggestions it led to.
              requestAnimationFrame(() => document.getElementById("your-request-heading")?.focus());
            }}
          />
        </section>
      ) : null}
      {saved && !editing ? (
        <>
          {openMatch ? <OpenMatch match={openMatch} /> : null}
          <section aria-labelledby="your-request-heading" className="card">
            <h2 id="your-request-heading" tabIndex={-1}>
              Your request
            </h2>
            <p className="small">
              {saved.availability.length > 0
                ? `Free ${saved.availability.map(slotInWords).join("; ")}.`
                : "No weekly times given."}{" "}
              Speaks {saved.languages.map(languageName).join(", ")}.
            </p>
            <div className="actions">
              <button type="button" className="button secondary" onClick={() => setEditing(true)}>
                Change my request
              </button>
              <button type="button" className="button secondary" onClick={() => setStopping(true)}>
                Stop looking for a mentor
              </button>
            </div>
            {stopping ? (
              <div className="confirm-step" role="group" aria-label="Stop looking for a mentor?">
                <p>
                  <strong>Stop looking for a mentor?</strong> Your request is removed, and a request still waiting
                  for an answer is withdrawn. A mentor you already meet stays your mentor.
                </p>
                <Problem error={stop.error} />
                <div className="actions">
                  <button type="button" className="button danger" disabled={stop.isPending} onClick={() => stop.mutate()}>
                    Yes, stop looking
                  </button>
                  <button type="button" className="button secondary" onClick={() => setStopping(false)}>
                    Keep my request
                  </button>
                </div>
              </div>
            ) : null}
          </section>
          {openMatch?.status === "active" ? null : <Suggestions openMatch={openMatch} />}
        </>
      ) : null}
    </>
  );
}
