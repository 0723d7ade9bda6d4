import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { circles } from "../api";
import { CredentialFields } from "../components/CredentialFields";
import { PageHeading } from "../components/Page";
import { Problem } from "../components/Problem";
import { safeNext } from "../components/RequireSignIn";
import { useSession } from "../lib/session";

export default function SignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { ended } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const next = safeNext(params.get("next"));
  const signIn = useMutation({
    mutationFn: () => circles.auth.signIn(email.trim(), password),
    onSuccess: () => void navigate(next, { replace: true }),
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
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
      {ended === "ended" && !signIn.error ? (
        <p className="notice" role="status">
          You were signed out, perhaps after a while away or a password change. Please sign in again.
        </p>
      ) : null}
      <Problem error={signIn.error} />
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
    </div>
  );
}
