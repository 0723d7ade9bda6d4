import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { circles } from "../api";
import { CredentialFields } from "../components/CredentialFields";
import { PageHeading } from "../components/Page";
import { Problem } from "../components/Problem";
import { takeReturnAfterSignUp } from "../lib/returnAfterSignUp";

export default function ConfirmEmailPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const token = params.get("token") ?? "";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  // The link works once: after it has, a retry (a mistyped email) only signs in again.
  const [confirmed, setConfirmed] = useState(false);
  const confirm = useMutation({
    mutationFn: async () => {
      if (!confirmed) {
        await circles.auth.confirmEmail({ token, password });
        setConfirmed(true);
      }
      await circles.auth.signIn(email.trim(), password);
    },
    onSuccess: () => void navigate(takeReturnAfterSignUp() ?? "/?welcome=1", { replace: true }),
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    confirm.mutate();
  }

  if (!token) {
    return (
      <div className="narrow">
        <PageHeading title="Confirm your email" />
        <p>This link is missing its code. Open the link from the email again, or sign up again to get a new one.</p>
        <p>
          <Link to="/sign-up">Sign up</Link>
        </p>
      </div>
    );
  }

  return (
    <div className="narrow">
      <PageHeading title="Confirm your email" />
      {confirmed ? (
        <p className="notice success" role="status">
          Your address is confirmed. Check the email you typed, then sign in.
        </p>
      ) : (
        <p>One last step: enter your email and the password you chose when you signed up.</p>
      )}
      <Problem error={confirm.error} />
      <form onSubmit={onSubmit}>
        <CredentialFields email={email} password={password} onEmail={setEmail} onPassword={setPassword} />
        <button type="submit" className="button" disabled={confirm.isPending}>
          {confirm.isPending ? "Confirming…" : "Confirm and sign in"}
        </button>
      </form>
    </div>
  );
}
