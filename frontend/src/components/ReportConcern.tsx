import type { components } from "@strength-circles/client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { Link, useLocation } from "react-router";

import { circles } from "../api";
import { useSession } from "../lib/session";
import { localeRegion, ResourceCard } from "../pages/Crisis";
import { Problem } from "./Problem";

type ReportCreate = components["schemas"]["ReportCreate"];
type ReportReceipt = components["schemas"]["ReportReceipt"];
export type Reason = ReportCreate["reason"];

/** The short list a person picks from, in plain words, the most serious first. */
export const REASON_WORDS: Record<Reason, string> = {
  someone_at_risk: "Someone may be at risk of harming themselves",
  threat: "A threat to hurt someone",
  harassment: "Harassment or bullying",
  hate: "Hateful words about who someone is",
  sexual_content: "Sexual content or unwanted advances",
  private_information: "Sharing someone's private information",
  harmful_advice: "Advice that could cause harm, such as about medication",
  spam: "Spam or selling something",
  other: "Something else",
};
const REASONS = Object.keys(REASON_WORDS) as Reason[];
const DETAILS_LIMIT = 2000;
const THE_CIRCLE = "circle";

interface Props {
  /** What the page shows: a story or a resource of the library, or a circle. */
  targetType: "story" | "resource" | "circle";
  targetId: string;
  /** How the page names it, as in "Report a concern about this story". */
  about: string;
  /** On a circle's page, for its active members: they may name one of its members instead. */
  membersOf?: string | undefined;
}

function Receipt({ receipt }: { receipt: ReportReceipt }) {
  const heading = useRef<HTMLParagraphElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const lines = receipt.crisis_resources;
  const shown = lines ? [...(lines.emergency ? [lines.emergency] : []), ...lines.items.filter((item) => item !== lines.emergency && item.kind !== "emergency")].slice(0, 4) : [];
  return (
    <div className={receipt.urgent ? "notice warning" : "notice success"} role="status">
      <p className="title" tabIndex={-1} ref={heading}>
        {receipt.urgent ? "We have marked this as urgent" : "Thank you for telling us"}
      </p>
      <p>{receipt.message}</p>
      {shown.length > 0 ? (
        <ul className="cards" aria-label="Where to get help now">
          {shown.map((resource, index) => (
            <ResourceCard key={resource.id} resource={resource} emergency={index === 0 && resource.kind === "emergency"} />
          ))}
        </ul>
      ) : null}
      <p className="small">
        <Link to="/account/reports">See your reports</Link>, and what happened to each.
      </p>
    </div>
  );
}

/**
 * "Report a concern": the person picks what is wrong from a short list and may say more; only
 * the team reads it, and the person reported is not told who reported them. A report about
 * immediate danger answers with crisis lines at once.
 */
export function ReportConcern({ targetType, targetId, about, membersOf }: Props) {
  const { signedIn, me } = useSession();
  const location = useLocation();
  const ids = { reason: useId(), details: useId(), who: useId(), hint: useId() };
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<Reason | "">("");
  const [details, setDetails] = useState("");
  const [who, setWho] = useState(THE_CIRCLE);
  const [missing, setMissing] = useState(false);
  const members = useQuery({
    queryKey: ["members", membersOf],
    queryFn: () => circles.groups.members(membersOf ?? ""),
    enabled: open && Boolean(membersOf),
  });
  const report = useMutation({ mutationFn: (body: ReportCreate) => circles.safety.report(body) });

  if (!signedIn) {
    return (
      <p className="small">
        To report a concern about {about}, <Link to={`/sign-in?next=${encodeURIComponent(location.pathname)}`}>sign in</Link>.
        If someone is in danger now, <Link to="/crisis">get help now</Link>.
      </p>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!reason) {
      setMissing(true);
      return;
    }
    setMissing(false);
    const region = localeRegion();
    const body: ReportCreate = {
      target_type: targetType,
      target_id: targetId,
      reason,
      ...(details.trim() ? { details: details.trim() } : {}),
      ...(region && /^[A-Z]{2}$/.test(region) ? { region } : {}),
    };
    if (membersOf && who !== THE_CIRCLE) {
      body.target_type = "member";
      body.target_id = who;
      body.group_id = membersOf;
    }
    report.mutate(body);
  }

  const others = (members.data?.items ?? []).filter((member) => member.user_id !== me?.id);
  return (
    <details className="report-concern" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Report a concern about {about}</summary>
      {report.data ? (
        <Receipt receipt={report.data} />
      ) : (
        <form onSubmit={submit} noValidate>
          <p className="small" id={ids.hint}>
            Only the Strength Circles team reads what you send. The person you report is not told who reported them.
            If someone is in immediate danger, call your local emergency number now, or <Link to="/crisis">find a crisis line</Link>.
          </p>
          {membersOf ? (
            <div className="field">
              <label htmlFor={ids.who}>Who or what is it about?</label>
              <select id={ids.who} value={who} onChange={(event) => setWho(event.target.value)}>
                <option value={THE_CIRCLE}>The circle itself</option>
                {others.map((member) => (
                  <option key={member.user_id} value={member.user_id}>
                    {member.display_name}
                    {member.role === "facilitator" ? " (facilitator)" : ""}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <fieldset aria-describedby={missing ? ids.reason : undefined}>
            <legend>What is wrong?</legend>
            {missing ? (
              <p className="error" id={ids.reason}>
                Choose what is wrong, so the team knows how to help.
              </p>
            ) : null}
            {REASONS.map((value) => (
              <label className="choice" key={value}>
                <input
                  type="radio"
                  name={`${ids.reason}-reason`}
                  value={value}
                  checked={reason === value}
                  onChange={() => setReason(value)}
                />
                {REASON_WORDS[value]}
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor={ids.details}>What happened? (optional)</label>
            <p className="hint" id={`${ids.details}-hint`}>
              In your own words, up to {DETAILS_LIMIT.toLocaleString("en")} characters.
            </p>
            <textarea
              id={ids.details}
              aria-describedby={`${ids.details}-hint`}
              maxLength={DETAILS_LIMIT}
              rows={4}
              value={details}
              onChange={(event) => setDetails(event.target.value)}
            />
          </div>
          <Problem error={report.error} />
          <div className="actions">
            <button type="submit" className="button" disabled={report.isPending}>
              {report.isPending ? "Sending…" : "Send to the team"}
            </button>
          </div>
        </form>
      )}
    </details>
  );
}
