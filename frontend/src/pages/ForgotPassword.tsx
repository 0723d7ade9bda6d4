import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";

import { circles } from "../api";
import { Field } from "../components/Field";
import { PageHeading } from "../components/Page";
import { fieldError, Problem } from "../components/Problem";

export default function ForgotPasswordPage() {
  const [email, setEmail] = useState("");
  const request = useMutation({ mutationFn: () => circles.auth.requestPasswordReset(email.trim()) });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    request.mutate();
  }

  return (
    <div className="narrow">
      <PageHeading title="Reset your password" />
      {request.isSuccess ? (
        <>
          <p className="notice success" role="status">
            {request.data.message}
          </p>
          <p>Open the link in the email on this device to choose a new password.</p>
        </>
      ) : (
        <>
          <p>Enter the email you signed up with and we'll send you a link to choose a new password.</p>
          <Problem error={request.error} />
          <form onSubmit={onSubmit} noValidate>
            <Field
              label="Email"
              type="email"
              autoComplete="email"
              required
              value={email}
              error={fieldError(request.error, "email")}
              onChange={(event) => setEmail(event.target.value)}
            />
            <button type="submit" className="button" disabled={request.isPending}>
              Send me a link
            </button>
          </form>
        </>
      )}
      <p>
        <Link to="/sign-in">Back to sign in</Link>
      </p>
    </div>
  );
}
