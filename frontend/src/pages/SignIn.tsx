import { isApiError } from "@strength-circles/client";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { circles } from "../api";
import { CredentialFields } from "../components/CredentialFields";
import { Field } from "../components/Field";
import { PageHeading } from "../components/Page";
import { Problem } from "../components/Problem";
import { safeNext } from "../components/RequireSignIn";
import { useSession } from "../lib/session";

const SIGN_IN_ENDED = "urn:strength-circles:problem:sign-in-ended";

/** The second step of a sign-in with two-step sign-in on: a code from the app, or a recovery code. */
export function SecondStep({
  challenge,
  onSignedIn,
  onEnded,
}: {
  challenge: string;
  onSignedIn: () => void;
  /** The sign-in has to start again (too many tries, too late), with the server's words. */
  onEnded: (error: unknown) => void;
}) {
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  // Focus follows the person to the new step, so a screen reader announces it.
  useEffect(() => {
    heading.current?.focus();
  }, []);
  const finish = useMutation({
    mutationFn: () => circles.auth.finishSignIn(challenge, code.trim()),
    onSuccess: onSignedIn,
    onError: (error) => {
      setCode("");
      if (isApiError(error) && error.type === SIGN_IN_ENDED) onEnded(error);
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    finish.mutate();
  }

  return (
    <section aria-labelledby="second-step-heading">
      <h2 id="second-step-heading" tabIndex={-1} ref={heading}>
        {recovery ? "Enter a recovery code" : "Enter the code from your app"}
      </h2>
      <p>
        {recovery
          ? "Type one of the recovery codes you saved when you turned on two-step sign-in. Each one works once."
          : "Open your authenticator app and type the 6-digit code it shows for Strength Circles."}
      </p>
      <Problem error={finish.error} />
      <form onSubmit={onSubmit}>
        {recovery ? (
          <Field
            key="recovery"
            label="Recovery code"
            name="recovery-code"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            maxLength={32}
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        ) : (
          <Field
            key="app"
            label="6-digit code"
            name="one-time-code"
            autoComplete="one-time-code"
            inputMode="numeric"
            pattern="[0-9 ]*"
            required
            maxLength={8}
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        )}
        <div className="actions">
          <button type="submit" className="button" disabled={finish.isPending || !code.trim()}>
            {finish.isPending ? "Checking…" : "Finish signing in"}
          </button>
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setRecovery(!recovery);
              setCode("");
              finish.reset();
              heading.current?.focus();
            }}
          >
            {recovery ? "Use the code from my app instead" : "Use a recovery code instead"}
          </button>
        </div>
      </form>
    </section>
  );
}

export default function SignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { ended } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [challenge, setChallenge] = useState<string | null>(null);
  const [restart, setRestart] = useState<unknown>(null);
  const next = safeNext(params.get("next"));
  const signedIn = () => void navigate(next, { replace: true });
  const signIn = useMutation({
    mutationFn: () => circles.auth.signIn(email.trim(), password),
    onSuccess: (result) => {
      if (result.status === "second-factor") {
        setChallenge(result.challenge);
        return;
      }
      signedIn();
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setRestart(null);
    signIn.mutate();
  }

  return (
    <div className="narrow">
      <PageHeading title="Sign in" />
      {params.get("reset") === "done" ? (
        <p className="notice success" role="status">
          Your password is changed. Sign in with the new one.
        </p>
      ) : null}
      {ended === "ended" && !signIn.error && !challenge ? (
        <p className="notice" role="status">
          You were signed out, perhaps after a while away or a password change. Please sign in again.
        </p>
      ) : null}
      {challenge ? (
        <SecondStep
          challenge={challenge}
          onSignedIn={signedIn}
          onEnded={(error) => {
            setChallenge(null);
            setPassword("");
            signIn.reset();
            setRestart(error);
          }}
        />
      ) : (
        <>
          <Problem error={restart ?? signIn.error} />
          <form onSubmit={onSubmit}>
            <CredentialFields email={email} password={password} onEmail={setEmail} onPassword={setPassword} />
            <div className="actions">
              <button type="submit" className="button" disabled={signIn.isPending}>
                {signIn.isPending ? "Signing in…" : "Sign in"}
              </button>
              <Link to="/forgot-password">Forgot your password?</Link>
            </div>
          </form>
          <p>
            New to Strength Circles? <Link to="/sign-up">Create an account</Link>
          </p>
        </>
      )}
    </div>
  );
}
