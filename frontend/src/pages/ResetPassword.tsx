import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { circles } from "../api";
import { Field } from "../components/Field";
import { PageHeading } from "../components/Page";
import { fieldError, Problem } from "../components/Problem";

export default function ResetPasswordPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const token = params.get("token") ?? "";
  const [password, setPassword] = useState("");
  const reset = useMutation({
    mutationFn: () => circles.auth.confirmPasswordReset({ token, new_password: password }),
    onSuccess: () => void navigate("/sign-in?reset=done", { replace: true }),
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    reset.mutate();
  }

  if (!token) {
    return (
      <div className="narrow">
        <PageHeading title="Choose a new password" />
        <p>
          This link is missing its code. <Link to="/forgot-password">Ask for a new link</Link>.
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <PageHeading title="Choose a new password" />
      <p>After this, you'll be signed out on every device and can sign in with the new password.</p>
      <Problem error={reset.error} />
      <form onSubmit={onSubmit} noValidate>
        <Field
          label="New password"
          hint="At least 8 characters. A few unrelated words make a strong one."
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={password}
          error={fieldError(reset.error, "new_password")}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button type="submit" className="button" disabled={reset.isPending}>
          Save my new password
        </button>
      </form>
      <p>
        <Link to="/forgot-password">Ask for a new link</Link> if this one has expired.
      </p>
    </div>
  );
}
