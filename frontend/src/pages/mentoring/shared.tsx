import "../../styles/mentoring.css";
import "../../styles/library.css";

import { isApiError, type MatchRead, type MentorProfileRead } from "@strength-circles/client";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";

import { circles } from "../../api";
import { Loading, Problem } from "../../components/Problem";
import { LANGUAGE_NAMES, languageName } from "../../lib/words";

/** A read that answers 404 when the thing does not exist yet: null, not an error. */
async function orNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (isApiError(error) && error.status === 404) return null;
    throw error;
  }
}

export const QUERY = {
  offer: ["mentoring", "offer"] as const,
  request: ["mentoring", "request"] as const,
  suggestions: ["mentoring", "suggestions"] as const,
  matches: ["mentoring", "matches"] as const,
  checkIns: (matchId: string) => ["mentoring", "check-ins", matchId] as const,
  feedback: (matchId: string) => ["mentoring", "feedback", matchId] as const,
};

export function useMentorProfile() {
  return useQuery({ queryKey: QUERY.offer, queryFn: () => orNull(circles.mentoring.mentorProfile) });
}

export function useMenteeRequest() {
  return useQuery({ queryKey: QUERY.request, queryFn: () => orNull(circles.mentoring.menteeRequest) });
}

export function useMatches() {
  return useQuery({ queryKey: QUERY.matches, queryFn: circles.mentoring.matches });
}

export function useFeedback(matchId: string, enabled: boolean) {
  return useQuery({
    queryKey: QUERY.feedback(matchId),
    queryFn: () => orNull(() => circles.mentoring.feedback(matchId)),
    enabled,
  });
}

/** Where an offer to mentor stands, in plain words. */
export function offerState(profile: MentorProfileRead): { badge: string; className: string; words: string } {
  if (profile.status === "pending") {
    return {
      badge: "Waiting for review",
      className: "badge soon",
      words:
        "Thank you for offering. Someone from the counseling service's team reads every offer before it is shown to anyone. You will get an email when they have looked at it, and you can change your offer in the meantime.",
    };
  }
  if (profile.status === "rejected") {
    return {
      badge: "Not approved this time",
      className: "badge",
      words:
        "The team did not approve this offer. If they left a note, it is below. You can change your offer and send it again; it will be read again.",
    };
  }
  if (profile.paused) {
    return {
      badge: "Paused",
      className: "badge",
      words:
        "You are not being suggested to anyone new. The people you mentor now stay with you. Resume whenever you are ready.",
    };
  }
  return {
    badge: "Approved",
    className: "badge live",
    words: "Members who ask for a mentor may be shown your offer, and can ask you. You decide whether to accept each one.",
  };
}

/** A match's state as the person sees it, kindly: never whose fault an ending was. */
export function matchState(match: MatchRead): { badge: string; className: string; words: string } {
  const mentor = match.my_side === "mentor";
  const other = mentor ? match.mentee.display_name : match.mentor.display_name;
  switch (match.status) {
    case "proposed":
      return mentor
        ? {
            badge: "Asked you",
            className: "badge soon",
            words: `${other} would like you as their mentor. Accept if you can make the time, or decline; either is fine.`,
          }
        : {
            badge: "Waiting for an answer",
            className: "badge soon",
            words: `You asked ${other}. They have been told and will accept or decline. If they don't answer within 14 days, you are free to ask someone else.`,
          };
    case "active":
      return {
        badge: "Meeting",
        className: "badge live",
        words: mentor ? `You are ${other}'s mentor.` : `${other} is your mentor.`,
      };
    case "declined":
      return {
        badge: "Not this time",
        className: "badge",
        words: mentor
          ? `You declined ${other}'s request.`
          : `${other} can't take this on right now. That is about their time, not about you. You can ask someone else.`,
      };
    case "withdrawn":
      return {
        badge: "Withdrawn",
        className: "badge",
        words: mentor ? `${other} withdrew their request.` : `You withdrew your request to ${other}.`,
      };
    case "ended":
      return {
        badge: "Ended",
        className: "badge",
        words: `Your time together as a mentoring pair has ended. Thank you for the part you played.`,
      };
  }
}

/** Topic checkboxes from the shared vocabulary. */
export function TopicChoices({
  legend,
  hint,
  chosen,
  onChange,
  idPrefix,
  error,
  max = 10,
}: {
  legend: string;
  hint: string;
  chosen: string[];
  onChange: (slugs: string[]) => void;
  idPrefix: string;
  error?: string | undefined;
  max?: number;
}) {
  const topics = useQuery({ queryKey: ["topics"], queryFn: circles.groups.topics, staleTime: 10 * 60_000 });
  const list = topics.data?.items ?? [];
  return (
    <fieldset
      className="field"
      aria-describedby={`${idPrefix}-hint${error ? ` ${idPrefix}-error` : ""}`}
    >
      <legend>{legend}</legend>
      <p className="hint" id={`${idPrefix}-hint`}>
        {hint}
      </p>
      {error ? (
        <p className="error" id={`${idPrefix}-error`}>
          {error}
        </p>
      ) : null}
      {topics.isPending ? <Loading what="topics" /> : null}
      <Problem error={topics.error} retry={() => void topics.refetch()} />
      <div className="topic-choices">
        {list.map((topic, index) => {
          const checked = chosen.includes(topic.slug);
          return (
            <label className="choice" key={topic.slug}>
              <input
                id={`${idPrefix}-${index}`}
                type="checkbox"
                value={topic.slug}
                checked={checked}
                disabled={!checked && chosen.length >= max}
                onChange={(e) =>
                  onChange(e.target.checked ? [...chosen, topic.slug] : chosen.filter((slug) => slug !== topic.slug))
                }
              />
              {topic.name}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

/** Language checkboxes: the app's list, plus any the person already has. */
export function LanguageChoices({
  legend,
  hint,
  chosen,
  onChange,
  idPrefix,
  error,
}: {
  legend: string;
  hint: string;
  chosen: string[];
  onChange: (codes: string[]) => void;
  idPrefix: string;
  error?: string | undefined;
}) {
  const codes = [...Object.keys(LANGUAGE_NAMES), ...chosen.filter((code) => !(code in LANGUAGE_NAMES))];
  return (
    <fieldset className="field" aria-describedby={`${idPrefix}-hint${error ? ` ${idPrefix}-error` : ""}`}>
      <legend>{legend}</legend>
      <p className="hint" id={`${idPrefix}-hint`}>
        {hint}
      </p>
      {error ? (
        <p className="error" id={`${idPrefix}-error`}>
          {error}
        </p>
      ) : null}
      <div className="topic-choices">
        {codes.map((code, index) => (
          <label className="choice" key={code}>
            <input
              id={`${idPrefix}-${index}`}
              type="checkbox"
              value={code}
              checked={chosen.includes(code)}
              onChange={(e) =>
                onChange(e.target.checked ? [...chosen, code] : chosen.filter((item) => item !== code))
              }
            />
            {languageName(code)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Links between the mentoring pages. */
export function MentoringLinks() {
  return (
    <nav className="library-links mentoring-links" aria-label="Peer mentoring">
      <ul>
        <li>
          <Link to="/mentoring">Overview</Link>
        </li>
        <li>
          <Link to="/mentoring/ask">Ask for a mentor</Link>
        </li>
        <li>
          <Link to="/mentoring/offer">Offer to mentor</Link>
        </li>
        <li>
          <Link to="/mentoring/matches">My matches</Link>
        </li>
      </ul>
    </nav>
  );
}

export const PEER_NOT_THERAPY =
  "Mentors are members a little further along in recovery, not therapists or counselors. A mentor listens and shares what helped them; they cannot give treatment or crisis help.";
