import { isApiError } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Link, useParams } from "react-router";

import { circles } from "../api";
import { PageHeading } from "../components/Page";
import { Loading, Problem } from "../components/Problem";
import { useTimeZone } from "../lib/session";
import { meetingTime } from "../lib/time";

function waitWords(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes === 1 ? "a minute" : `${minutes} minutes`;
}

export default function CheckInPage() {
  const { sessionId = "" } = useParams();
  const zone = useTimeZone();
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const [code, setCode] = useState("");
  const [formatError, setFormatError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const session = useQuery({ queryKey: ["session", sessionId], queryFn: () => circles.sessions.read(sessionId) });
  const checkIn = useMutation({
    mutationFn: (digits: string) => circles.sessions.checkIn(sessionId, digits),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["my-attendance"] });
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const digits = code.replace(/\D/g, "");
    if (digits.length !== 6) {
      setFormatError("The code has six digits. Type the numbers shown in the room or on the facilitator's screen.");
      return;
    }
    setFormatError(null);
    checkIn.mutate(digits);
  }

  if (session.isPending) return <Loading what="the meeting" />;
  if (session.error) return <Problem error={session.error} retry={() => void session.refetch()} />;
  const data = session.data;

  if (checkIn.isSuccess) {
    return (
      <div className="narrow">
        <PageHeading title="You're checked in" />
        <p className="notice success" role="status">
          {checkIn.data.status === "late"
            ? "Thanks for coming. You arrived a little after the start, and that's okay: you're marked as attending."
            : "Thanks for coming. You're marked as attending."}
        </p>
        <p>
          <Link to={`/meetings/${data.id}`}>Back to the meeting</Link> · <Link to="/my-meetings">My meetings</Link>
        </p>
      </div>
    );
  }

  const error = checkIn.error;
  const tooMany = isApiError(error) && error.status === 429;
  const message = formatError ?? (isApiError(error) ? error.detail : error ? "That didn't work. Please try again." : null);
  return (
    <div className="narrow">
      <PageHeading title="Check in" />
      <p>
        {data.group_name}, {meetingTime(new Date(data.starts_at), new Date(data.ends_at), zone)}
      </p>
      <form onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={inputId}>Check-in code</label>
          <p className="hint" id={hintId}>
            The six digits the facilitator shows. They change every few minutes.
          </p>
          {message ? (
            <p className="error" id={errorId} role="alert">
              {tooMany && isApiError(error) && error.retryAfter
                ? `${message} You can try again in ${waitWords(error.retryAfter)}.`
                : message}
            </p>
          ) : null}
          <input
            id={inputId}
            className="code-input"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            maxLength={6}
            value={code}
            onChange={(event) => setCode(event.target.value.replace(/\D/g, "").slice(0, 6))}
            aria-describedby={message ? `${hintId} ${errorId}` : hintId}
            aria-invalid={message ? true : undefined}
          />
        </div>
        <button type="submit" className="button" disabled={checkIn.isPending}>
          {checkIn.isPending ? "Checking…" : "Check in"}
        </button>
      </form>
    </div>
  );
}
