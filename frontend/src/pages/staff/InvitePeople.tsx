import type { InvitationCreated, InvitationRead } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";

import { circles } from "../../api";
import { CopyButton } from "../../components/CopyButton";
import { Loading, Problem } from "../../components/Problem";
import { useTimeZone } from "../../lib/session";
import { dateInWords } from "../Library";

/** The new link, shown this once, with what it lets people do. */
function NewLink({ created }: { created: InvitationCreated }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="notice warning" aria-labelledby="invitation-link-heading">
      <h3 id="invitation-link-heading" tabIndex={-1} ref={heading}>
        Copy the invitation link now
      </h3>
      <p>
        Anyone who has this link can join the circle, even if it is unlisted or asks for approval, until it expires or
        is used up. Send it only to the people you mean to invite. It is shown only this once; revoke it below if it
        reaches the wrong person.
      </p>
      <p>
        <code className="secret">{created.url}</code>
      </p>
      <CopyButton text={created.url} label="Copy the link" />
    </section>
  );
}

function InvitationCard({ invitation, onRevoked }: { invitation: InvitationRead; onRevoked: () => void }) {
  const zone = useTimeZone();
  const dialog = useRef<HTMLDialogElement>(null);
  const heading = useId();
  const revoke = useMutation({ mutationFn: () => circles.groups.revokeInvitation(invitation.id), onSuccess: onRevoked });
  const made = dateInWords(invitation.created_at, zone);
  return (
    <li className="card">
      <h4>Link made {made}</h4>
      <ul className="meta">
        <li>
          {invitation.uses_left} of {invitation.max_uses} uses left
        </li>
        <li>Expires {dateInWords(invitation.expires_at, zone)}</li>
      </ul>
      <button type="button" className="button secondary" onClick={() => dialog.current?.showModal()}>
        Revoke the link made {made}
      </button>
      <Problem error={revoke.error} />
      <dialog ref={dialog} aria-labelledby={heading}>
        <h2 id={heading}>Revoke this invitation?</h2>
        <p>The link stops working at once. People who joined with it stay in the circle.</p>
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={revoke.isPending}
            onClick={() => {
              dialog.current?.close();
              revoke.mutate();
            }}
          >
            Revoke
          </button>
          <button type="button" className="button secondary" onClick={() => dialog.current?.close()}>
            Keep it
          </button>
        </div>
      </dialog>
    </li>
  );
}

/** A circle's invitation links, for its facilitators: make one (shown once), see the live
 * ones, revoke. */
export function InvitePeople({ groupId }: { groupId: string }) {
  const queryClient = useQueryClient();
  const [days, setDays] = useState(7);
  const [uses, setUses] = useState(10);
  const [created, setCreated] = useState<InvitationCreated | null>(null);
  const daysId = useId();
  const usesId = useId();
  const invitations = useQuery({ queryKey: ["invitations", groupId], queryFn: () => circles.groups.invitations(groupId) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["invitations", groupId] });
  const make = useMutation({
    mutationFn: () => circles.groups.invite(groupId, { expires_in_days: days, max_uses: uses }),
    onSuccess: async (answer) => {
      setCreated(answer);
      await refresh();
    },
  });
  const live = invitations.data?.items.filter((item) => item.state === "live") ?? [];
  return (
    <section aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite people</h2>
      <p>
        An invitation link lets the people you send it to join this circle straight away, without asking for approval.
      </p>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          make.mutate();
        }}
      >
        <div className="field">
          <label htmlFor={daysId}>Works for (days, 1 to 30)</label>
          <input
            id={daysId}
            type="number"
            min={1}
            max={30}
            required
            value={days}
            onChange={(event) => setDays(Number(event.target.value))}
          />
        </div>
        <div className="field">
          <label htmlFor={usesId}>How many people may use it (1 to 100)</label>
          <input
            id={usesId}
            type="number"
            min={1}
            max={100}
            required
            value={uses}
            onChange={(event) => setUses(Number(event.target.value))}
          />
        </div>
        <Problem error={make.error} />
        <div className="actions">
          <button type="submit" className="button" disabled={make.isPending}>
            Make an invitation link
          </button>
        </div>
      </form>
      {created ? <NewLink key={created.id} created={created} /> : null}
      <h3>Open invitations</h3>
      {invitations.isPending ? <Loading what="the invitations" /> : null}
      <Problem error={invitations.error} retry={() => void invitations.refetch()} />
      {invitations.data && live.length === 0 ? <p className="muted">No invitation links are open.</p> : null}
      <ul className="cards">
        {live.map((invitation) => (
          <InvitationCard key={invitation.id} invitation={invitation} onRevoked={() => void refresh()} />
        ))}
      </ul>
    </section>
  );
}
