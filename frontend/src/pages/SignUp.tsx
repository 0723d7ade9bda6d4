import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Link, useSearchParams } from "react-router";

import { circles } from "../api";
import { Field } from "../components/Field";
import { PageHeading } from "../components/Page";
import { fieldError, Problem } from "../components/Problem";
import { browserTimeZone } from "../lib/session";
import { safeNext } from "../components/RequireSignIn";
import { TimeZoneSelect } from "../components/TimeZoneSelect";
import { rememberReturnAfterSignUp } from "../lib/returnAfterSignUp";

export default function SignUpPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [displayName, setDisplayName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [timezone, setTimezone] = useState(browserTimeZone);
  const zoneId = useId();
  const register = useMutation({
    mutationFn: () =>
      circles.auth.register({ display_name: displayName.trim(), email: email.trim(), password, timezone }),
    // Confirming the address then brings them back to the invitation they came from.
    onSuccess: () => rememberReturnAfterSignUp(next),
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    register.mutate();
  }

  if (register.isSuccess) {
    return (
      <div className="narrow">
        <PageHeading title="Check your email" />
        <p className="notice success" role="status">
          We've sent a message to <strong>{email.trim()}</strong>. Open the link in it to confirm your address and
          finish creating your account.{next !== "/" ? " After that, we'll bring you back to where you were." : ""}
        </p>
        <p>
          Nothing after a few minutes? Look in your spam or junk folder. You can also sign up again with the same
          address to get a new link.
        </p>
      </div>
    );
  }

  return (
    <div className="narrow">
      <PageHeading title="Create your account" />
      <p>
        Other members only ever see the name you choose below. Your email stays private and is used to sign in and
        for messages about your circles.
      </p>
      <Problem error={register.error} />
      <form onSubmit={onSubmit} noValidate>
        <Field
          label="Display name"
          hint="A first name or nickname, 2 to 40 characters. Not your email or phone number."
          name="display_name"
          autoComplete="nickname"
          required
          maxLength={40}
          value={displayName}
          error={fieldError(register.error, "display_name")}
          onChange={(event) => setDisplayName(event.target.value)}
        />
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          required
          value={email}
          error={fieldError(register.error, "email")}
          onChange={(event) => setEmail(event.target.value)}
        />
        <Field
          label="Password"
          hint="At least 8 characters. A few unrelated words make a strong one."
          type="password"
          name="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={password}
          error={fieldError(register.error, "password")}
          onChange={(event) => setPassword(event.target.value)}
        />
        <div className="field">
          <label htmlFor={zoneId}>Your time zone</label>
          <p className="hint">Meeting times are shown in this zone. We guessed it from your device.</p>
          <TimeZoneSelect id={zoneId} value={timezone} onChange={setTimezone} />
        </div>
        <button type="submit" className="button" disabled={register.isPending}>
          {register.isPending ? "Creating…" : "Create my account"}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </div>
  );
}
