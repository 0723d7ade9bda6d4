import type { MentorProfileRead, MentorProfileWrite } from "@strength-circles/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";

import { circles } from "../../api";
import { AvailabilityPicker } from "../../components/AvailabilityPicker";
import { Field } from "../../components/Field";
import { PageHeading } from "../../components/Page";
import { Loading, Problem, fieldError } from "../../components/Problem";
import { type SlotDraft, slotInWords, slotProblem, sortedSlots, toDrafts } from "../../lib/availability";
import { useSession, useTimeZone } from "../../lib/session";
import { languageName } from "../../lib/words";
import { LanguageChoices, MentoringLinks, PEER_NOT_THERAPY, QUERY, TopicChoices, offerState, useMentorProfile } from "./shared";

interface Draft {
  experience_areas: string[];
  languages: string[];
  availability: SlotDraft[];
  capacity: string;
  bio: string;
  years: string;
  gender: string;
}

function draftFrom(profile: MentorProfileRead | null, languages: string[]): Draft {
  return {
    experience_areas: profile?.experience_areas ?? [],
    languages: profile?.languages ?? (languages.length > 0 ? languages : ["en"]),
    availability: profile ? toDrafts(profile.availability) : [],
    capacity: String(profile?.capacity ?? 1),
    bio: profile?.bio ?? "",
    years: profile?.years_in_recovery?.toString() ?? "",
    gender: profile?.gender ?? "",
  };
}

function body(draft: Draft, paused: boolean): MentorProfileWrite {
  return {
    experience_areas: draft.experience_areas,
    languages: draft.languages,
    availability: sortedSlots(draft.availability),
    capacity: Number(draft.capacity),
    bio: draft.bio.trim(),
    years_in_recovery: draft.years.trim() === "" ? null : Number(draft.years),
    gender: draft.gender.trim() || null,
    paused,
  };
}

function OfferForm({ profile, onSaved }: { profile: MentorProfileRead | null; onSaved: () => void }) {
  const { me } = useSession();
  const zone = useTimeZone();
  const queryClient = useQueryClient();
  const ids = { areas: useId(), languages: useId(), bio: useId() };
  const [draft, setDraft] = useState<Draft>(() => draftFrom(profile, me?.languages ?? []));
  const [tried, setTried] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (write: MentorProfileWrite) => circles.mentoring.saveMentorProfile(write),
    onSuccess: (saved) => {
      queryClient.setQueryData(QUERY.offer, saved);
      onSaved();
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setTried(true);
    save.reset();
    if (draft.experience_areas.length === 0) return setProblem("Please choose at least one topic you have lived experience with.");
    if (draft.languages.length === 0) return setProblem("Please choose at least one language you can talk in.");
    if (draft.availability.some((slot) => slotProblem(slot))) return setProblem("Please check the times you are free.");
    setProblem(null);
    save.mutate(body(draft, profile?.paused ?? false));
  }

  const bioError = fieldError(save.error, "bio");
  return (
    <form className="mentoring-form" noValidate onSubmit={onSubmit}>
      {problem ? (
        <div className="notice error" role="alert">
          <p>{problem}</p>
        </div>
      ) : null}
      <Problem error={save.error} />
      <TopicChoices
        idPrefix={ids.areas}
        legend="What you have lived experience with"
        hint="Choose up to 10. Members looking for support with the same things see you first."
        chosen={draft.experience_areas}
        onChange={(experience_areas) => setDraft({ ...draft, experience_areas })}
        error={fieldError(save.error, "experience_areas")}
      />
      <LanguageChoices
        idPrefix={ids.languages}
        legend="Languages you can talk in"
        hint="You are suggested only to members who share one of these."
        chosen={draft.languages}
        onChange={(languages) => setDraft({ ...draft, languages })}
        error={fieldError(save.error, "languages")}
      />
      <AvailabilityPicker
        legend="When you are free each week"
        hint="Add the times you could usually talk with a mentee."
        zone={zone}
        slots={draft.availability}
        onChange={(availability) => setDraft({ ...draft, availability })}
        showProblems={tried}
        error={fieldError(save.error, "availability")}
      />
      <div className="field">
        <label htmlFor={`${ids.bio}-capacity`}>How many people you could mentor at once</label>
        <p className="hint" id={`${ids.bio}-capacity-hint`}>
          One is a good start. You are never asked by more people than this.
        </p>
        <select
          id={`${ids.bio}-capacity`}
          aria-describedby={`${ids.bio}-capacity-hint`}
          value={draft.capacity}
          onChange={(e) => setDraft({ ...draft, capacity: e.target.value })}
        >
          {Array.from({ length: 10 }, (_, i) => String(i + 1)).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.bio}>A few words about you</label>
        <p className="hint" id={`${ids.bio}-hint`}>
          Shown to members you are suggested to, with your display name. Please leave out anything that could
          identify you, like your full name or town.
        </p>
        {bioError ? (
          <p className="error" id={`${ids.bio}-error`}>
            {bioError}
          </p>
        ) : null}
        <textarea
          id={ids.bio}
          rows={4}
          maxLength={1000}
          value={draft.bio}
          aria-describedby={`${ids.bio}-hint${bioError ? ` ${ids.bio}-error` : ""}`}
          onChange={(e) => setDraft({ ...draft, bio: e.target.value })}
        />
      </div>
      <Field
        label="Years in recovery (optional)"
        hint="Only used when a member asks for a mentor at least this far along."
        type="number"
        inputMode="decimal"
        min={0}
        max={80}
        value={draft.years}
        onChange={(e) => setDraft({ ...draft, years: e.target.value })}
        error={fieldError(save.error, "years_in_recovery")}
      />
      <Field
        label="Gender (optional)"
        hint="In your own words. Only used when a member asks for a mentor of a certain gender."
        value={draft.gender}
        maxLength={40}
        autoComplete="off"
        onChange={(e) => setDraft({ ...draft, gender: e.target.value })}
        error={fieldError(save.error, "gender")}
      />
      <div className="actions">
        <button type="submit" className="button" disabled={save.isPending}>
          {save.isPending ? "Saving…" : profile ? "Save my offer" : "Send my offer"}
        </button>
      </div>
    </form>
  );
}

function OfferSummary({ profile, onEdit }: { profile: MentorProfileRead; onEdit: () => void }) {
  const queryClient = useQueryClient();
  const state = offerState(profile);
  const pause = useMutation({
    mutationFn: (paused: boolean) =>
      circles.mentoring.saveMentorProfile({
        experience_areas: profile.experience_areas,
        languages: profile.languages,
        availability: profile.availability,
        capacity: profile.capacity,
        bio: profile.bio,
        years_in_recovery: profile.years_in_recovery,
        gender: profile.gender,
        paused,
      }),
    onSuccess: (saved) => queryClient.setQueryData(QUERY.offer, saved),
  });
  return (
    <section className="card" aria-labelledby="offer-heading">
      <h2 id="offer-heading">Your offer</h2>
      <p>
        <span className={state.className}>{state.badge}</span>
      </p>
      <p role="status">{state.words}</p>
      {profile.review_note ? (
        <div className="notice warning">
          <span className="title">Note from the team</span>
          <p>{profile.review_note}</p>
        </div>
      ) : null}
      <ul className="meta" aria-label="Your offer in short">
        <li>
          {profile.active_mentees} of {profile.capacity} {profile.capacity === 1 ? "place" : "places"} taken
        </li>
        <li>Speaks {profile.languages.map(languageName).join(", ")}</li>
      </ul>
      {profile.availability.length > 0 ? (
        <p className="small">Free {profile.availability.map(slotInWords).join("; ")} (your time).</p>
      ) : (
        <p className="small">No weekly times given yet.</p>
      )}
      <Problem error={pause.error} />
      <div className="actions">
        <button type="button" className="button secondary" onClick={onEdit}>
          Change my offer
        </button>
        {profile.status === "approved" ? (
          <button
            type="button"
            className="button secondary"
            disabled={pause.isPending}
            onClick={() => pause.mutate(!profile.paused)}
          >
            {profile.paused ? "Resume: take new mentees" : "Pause: take no new mentees"}
          </button>
        ) : null}
      </div>
      {profile.status === "approved" && !profile.paused ? (
        <p className="small muted">
          Pausing keeps the people you mentor now. A request you leave unanswered for 14 days also pauses your
          offer, so nobody waits long.
        </p>
      ) : null}
    </section>
  );
}

export default function OfferToMentorPage() {
  const profile = useMentorProfile();
  const [editing, setEditing] = useState(false);
  const saved = profile.data;
  return (
    <>
      <PageHeading title="Offer to mentor" />
      <MentoringLinks />
      <p className="narrow">
        If you are further along in recovery, you could walk beside someone who is earlier on: a call or a coffee now
        and then, listening, and sharing what helped you. {PEER_NOT_THERAPY} If a mentee is in crisis, point them to
        the crisis lines.
      </p>
      {profile.isPending ? <Loading what="your offer" /> : null}
      <Problem error={profile.error} retry={() => void profile.refetch()} />
      {saved && !editing ? <OfferSummary profile={saved} onEdit={() => setEditing(true)} /> : null}
      {profile.isSuccess && (saved === null || editing) ? (
        <section aria-labelledby="offer-form-heading">
          <h2 id="offer-form-heading">{saved ? "Change your offer" : "Your offer"}</h2>
          {saved ? null : (
            <p>The team reads each new offer before anyone sees it; you will get an email when they have.</p>
          )}
          <OfferForm profile={saved ?? null} onSaved={() => setEditing(false)} />
        </section>
      ) : null}
    </>
  );
}
