import type { CircleReferral } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";

import { circles } from "../../api";
import { Field } from "../../components/Field";
import { fieldError, Loading, Problem } from "../../components/Problem";
import { useTimeZone } from "../../lib/session";
import { dateInWords } from "../Library";

const STATE_WORDS: Record<CircleReferral["state"], string> = {
  waiting: "No answer shared yet",
  joined: "Joined",
  closed: "Closed: expired, declined, or no longer shared",
};

function Sent({ email }: { email: string }) {
  const notice = useRef<HTMLDivElement>(null);
  useEffect(() => notice.current?.focus(), []);
  return (
    <div className="notice success" role="status" tabIndex={-1} ref={notice}>
      <span className="title">Invitation sent to {email}.</span>
      <p>The email names no circle. They choose what to share with you when they answer.</p>
    </div>
  );
}

/** Refer someone to this circle by email, and the referrals made to it (by staff or by a
 * counseling service) with their notes, for the circle's facilitators. */
export function CircleReferrals({ groupId, archived }: { groupId: string; archived: boolean }) {
  const zone = useTimeZone();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [note, setNote] = useState("");
  const [askOutcome, setAskOutcome] = useState(true);
  const [askAttendance, setAskAttendance] = useState(false);
  const noteId = useId();
  const referrals = useQuery({ queryKey: ["circle-referrals", groupId], queryFn: () => circles.referrals.ofCircle(groupId) });
  const send = useMutation({
    mutationFn: (to: string) =>
      circles.referrals.create({
        group_id: groupId,
        email: to,
        note: note.trim() || null,
        ask_outcome: askOutcome,
        ask_attendance: askOutcome && askAttendance,
      }),
    onSuccess: async () => {
      setEmail("");
      setNote("");
      await queryClient.invalidateQueries({ queryKey: ["circle-referrals", groupId] });
    },
  });
  const items = referrals.data?.items ?? [];
  return (
    <section aria-labelledby="referrals-heading">
      <h2 id="referrals-heading">Referrals</h2>
      <p>
        Refer someone you think this circle could help. They get an email that names no circle, see the circle and its
        guidelines, and decide, with or without an account.
      </p>
      {send.isSuccess ? <Sent email={send.variables} /> : null}
      {archived ? null : (
      <form
        className="stack"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          send.mutate(email);
        }}
      >
        <Field
          label="Their email address"
          type="email"
          autoComplete="off"
          required
          value={email}
          error={fieldError(send.error, "email")}
          onChange={(event) => setEmail(event.target.value)}
        />
        <div className="field">
          <label htmlFor={noteId}>A note for the circle's facilitators (optional)</label>
          <p className="hint" id={`${noteId}-hint`}>
            The person sees this note too, when they open the invitation. Say only what helps the circle welcome them.
          </p>
          <textarea
            id={noteId}
            rows={3}
            maxLength={1000}
            aria-describedby={`${noteId}-hint`}
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
        </div>
        <fieldset>
          <legend>Ask them to share with you</legend>
          <label className="choice">
            <input type="checkbox" checked={askOutcome} onChange={(event) => setAskOutcome(event.target.checked)} />
            Whether they joined
          </label>
          <label className="choice">
            <input
              type="checkbox"
              checked={askOutcome && askAttendance}
              disabled={!askOutcome}
              onChange={(event) => setAskAttendance(event.target.checked)}
            />
            Which meetings they go to, from then on
          </label>
          <p className="hint">Each is their choice; they can join and share nothing.</p>
        </fieldset>
        <Problem error={send.error} />
        <div className="actions">
          <button type="submit" className="button" disabled={send.isPending || !email}>
            Send the invitation
          </button>
        </div>
      </form>
      )}

      <h3>Referred to this circle</h3>
      {referrals.isPending ? <Loading what="the referrals" /> : null}
      <Problem error={referrals.error} retry={() => void referrals.refetch()} />
      {referrals.data && items.length === 0 ? <p className="muted">No one has been referred to this circle yet.</p> : null}
      <ul className="cards">
        {items.map((referral) => (
          <li key={referral.id} className="card">
            <p>
              <strong>{referral.member_name ?? "Someone"}</strong>, referred by {referral.referrer_name} on{" "}
              {dateInWords(referral.created_at, zone)}
            </p>
            <p className="small">{STATE_WORDS[referral.state]}</p>
            {referral.note ? <blockquote>{referral.note}</blockquote> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
