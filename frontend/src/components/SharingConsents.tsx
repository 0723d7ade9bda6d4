import type { ConsentRead } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";

import { circles } from "../api";
import { dayName } from "../lib/time";
import { useTimeZone } from "../lib/session";
import { Problem } from "./Problem";

const PART_ORDER: Record<ConsentRead["part"], number> = { outcome: 0, attendance: 1 };

function StopSharing({ consent, describedBy, onStopped }: { consent: ConsentRead; describedBy: string; onStopped: () => void }) {
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const heading = useId();
  const stop = useMutation({
    mutationFn: () => circles.me.withdrawConsent(consent.id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["consents"] });
      onStopped();
    },
  });
  return (
    <>
      <button
        type="button"
        className="button secondary"
        aria-describedby={describedBy}
        onClick={() => dialog.current?.showModal()}
      >
        Stop sharing
      </button>
      <Problem error={stop.error} />
      <dialog ref={dialog} aria-labelledby={heading}>
        <h2 id={heading}>Stop sharing this with {consent.referrer_name}?</h2>
        <p>
          From now on they see only that it is no longer shared.
          {consent.part === "outcome" ? " Your attendance stops being shared too." : ""} You stay in the circle. This
          can't be undone, but nothing else changes.
        </p>
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={stop.isPending}
            onClick={() => {
              dialog.current?.close();
              stop.mutate();
            }}
          >
            Stop sharing
          </button>
          <button type="button" className="button secondary" onClick={() => dialog.current?.close()}>
            Keep sharing
          </button>
        </div>
      </dialog>
    </>
  );
}

/** What the person agreed to share with whoever referred them to a circle, and a way to stop
 * each part. Shown only to people who were referred. */
export function SharingConsents() {
  const zone = useTimeZone();
  const [showPast, setShowPast] = useState(false);
  const [stopped, setStopped] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const consents = useQuery({ queryKey: ["consents"], queryFn: () => circles.me.consents() });
  // Most people were never referred: nothing shows for them, not even while it loads.
  if (consents.isPending) return null;
  if (consents.error) return <Problem error={consents.error} retry={() => void consents.refetch()} />;
  const items = consents.data.items;
  if (items.length === 0) return null;
  // Newest referral first; within one, "whether you joined" before attendance, which needs it.
  const current = items
    .filter((consent) => consent.withdrawn_at === null)
    .sort(
      (a, b) =>
        b.granted_at.localeCompare(a.granted_at) ||
        a.referral_id.localeCompare(b.referral_id) ||
        PART_ORDER[a.part] - PART_ORDER[b.part],
    );
  const past = items.filter((consent) => consent.withdrawn_at !== null);
  return (
    <section aria-labelledby="sharing-heading">
      <h2 id="sharing-heading" tabIndex={-1} ref={heading}>
        Sharing with people who referred you
      </h2>
      {stopped ? (
        <p className="notice success" role="status">
          {stopped}
        </p>
      ) : null}
      {current.length === 0 ? <p>You share nothing with anyone who referred you.</p> : null}
      <ul className="cards">
        {current.map((consent) => (
          <li key={consent.id} className="card">
            <p id={`consent-${consent.id}`}>
              <strong>{consent.title}</strong>, with {consent.referrer_name}, for {consent.group_name}
            </p>
            <p>{consent.words}</p>
            <p className="small muted">Since {dayName(new Date(consent.granted_at), zone)}.</p>
            <StopSharing
              consent={consent}
              describedBy={`consent-${consent.id}`}
              onStopped={() => {
                setStopped(`You no longer share "${consent.title}" with ${consent.referrer_name}.`);
                heading.current?.focus();
              }}
            />
          </li>
        ))}
      </ul>
      {past.length > 0 ? (
        <p>
          <button type="button" className="button link" aria-expanded={showPast} onClick={() => setShowPast(!showPast)}>
            {showPast ? "Hide" : "Show"} what you stopped sharing ({past.length})
          </button>
        </p>
      ) : null}
      {showPast ? (
        <ul>
          {past.map((consent) => (
            <li key={consent.id}>
              {consent.title}, with {consent.referrer_name}, for {consent.group_name}: stopped on{" "}
              {dayName(new Date(consent.withdrawn_at ?? consent.granted_at), zone)}.
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
