import type { MeRead, TwoFactorSetup } from "@strength-circles/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";

import { circles } from "../api";
import { saveFile } from "../lib/files";
import { Field } from "./Field";
import { fieldError, Problem } from "./Problem";

/** A heading that takes focus when it appears, so the person (and a screen reader) follows
 * each step to the next. */
function StepHeading({ children }: { children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <h3 tabIndex={-1} ref={heading}>
      {children}
    </h3>
  );
}

/** The secret in groups of four, easier to type into an app by hand. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

/** An SVG document as an image: drawn by the browser as a picture (no script, nothing it
 * links to is fetched), which the page's Content-Security-Policy allows (img-src data:). */
function svgImage(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

function RecoveryCodesShown({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const text = `Strength Circles recovery codes (each works once):\n\n${codes.join("\n")}\n`;
  return (
    <div>
      <StepHeading>Save your recovery codes now</StepHeading>
      <p className="notice warning">
        If you lose your phone, one of these codes lets you sign in instead of a code from the app. Each works once.
        This is the only time they are shown: save them now, somewhere safe and private, such as a password manager
        or a printed page.
      </p>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="actions">
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(text).then(() => setCopied(true));
          }}
        >
          Copy the codes
        </button>
        <button
          type="button"
          className="button secondary"
          onClick={() => saveFile(new Blob([text], { type: "text/plain" }), "strength-circles-recovery-codes.txt")}
        >
          Download the codes
        </button>
        <button type="button" className="button" onClick={onDone}>
          I've saved my codes
        </button>
      </div>
      {copied ? (
        <p className="notice success" role="status">
          Copied.
        </p>
      ) : null}
    </div>
  );
}

function TurnOn({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [setup, setSetup] = useState<TwoFactorSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const start = useMutation({
    mutationFn: () => circles.me.twoFactor.start(password),
    onSuccess: (answer) => {
      setPassword("");
      setSetup(answer);
    },
  });
  const confirm = useMutation({
    mutationFn: () => circles.me.twoFactor.confirm(code.trim()),
    onSuccess: (answer) => setCodes(answer.recovery_codes),
  });

  if (codes) {
    return (
      <RecoveryCodesShown
        codes={codes}
        onDone={() => {
          void queryClient.invalidateQueries({ queryKey: ["me"] });
          onDone();
        }}
      />
    );
  }
  // Each step is its own element (key), so its heading mounts afresh and takes the focus.
  if (setup) {
    return (
      <div key="scan">
        <StepHeading>Scan this with your authenticator app</StepHeading>
        <ol>
          <li>Open an authenticator app on your phone (for example one from your phone's maker, or a password manager).</li>
          <li>Add an account and scan the QR code, or type the key below.</li>
          <li>Type the 6-digit code the app then shows.</li>
        </ol>
        <img className="qr-code" src={svgImage(setup.qr_code_svg)} alt="QR code for your authenticator app" />
        <p>
          Can't scan it? Type this key instead (spaces don't matter):{" "}
          <code className="secret">{grouped(setup.secret)}</code>
        </p>
        <Problem error={confirm.error} />
        <form
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            confirm.mutate();
          }}
          noValidate
        >
          <Field
            label="6-digit code from the app"
            name="one-time-code"
            autoComplete="one-time-code"
            inputMode="numeric"
            maxLength={8}
            value={code}
            error={fieldError(confirm.error, "code")}
            onChange={(event) => setCode(event.target.value)}
          />
          <div className="actions">
            <button type="submit" className="button" disabled={confirm.isPending || !code.trim()}>
              Turn on two-step sign-in
            </button>
            <button type="button" className="button secondary" onClick={onDone}>
              Not now
            </button>
          </div>
        </form>
      </div>
    );
  }
  return (
    <div key="password">
      <StepHeading>First, your password</StepHeading>
      <Problem error={start.error} />
      <form
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          start.mutate();
        }}
        noValidate
      >
        <Field
          label="Your password"
          type="password"
          autoComplete="current-password"
          value={password}
          error={fieldError(start.error, "password")}
          onChange={(event) => setPassword(event.target.value)}
        />
        <div className="actions">
          <button type="submit" className="button" disabled={start.isPending || !password}>
            Continue
          </button>
          <button type="button" className="button secondary" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

/** Renewing recovery codes or turning it off: both ask for the password and a code. */
function Checked({ action, onDone }: { action: "renew" | "off"; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [codes, setCodes] = useState<string[] | null>(null);
  const run = useMutation({
    mutationFn: async () => {
      const body = { password, code: code.trim() };
      if (action === "renew") {
        setCodes((await circles.me.twoFactor.renewRecoveryCodes(body)).recovery_codes);
        return;
      }
      await circles.me.twoFactor.turnOff(body);
      await queryClient.invalidateQueries({ queryKey: ["me"] });
      onDone();
    },
  });
  if (codes) return <RecoveryCodesShown codes={codes} onDone={onDone} />;
  return (
    <div>
      <StepHeading>{action === "renew" ? "Get new recovery codes" : "Turn off two-step sign-in"}</StepHeading>
      <p>
        {action === "renew"
          ? "Your earlier recovery codes stop working once you get new ones."
          : "You will sign in with your password alone. If you are staff, staff tools wait until you turn it on again."}
      </p>
      <Problem error={run.error} />
      <form
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          run.mutate();
        }}
        noValidate
      >
        <Field
          label="Your password"
          type="password"
          autoComplete="current-password"
          value={password}
          error={fieldError(run.error, "password")}
          onChange={(event) => setPassword(event.target.value)}
        />
        <Field
          label="Code from your app, or a recovery code"
          name="one-time-code"
          autoComplete="one-time-code"
          maxLength={32}
          value={code}
          error={fieldError(run.error, "code")}
          onChange={(event) => setCode(event.target.value)}
        />
        <div className="actions">
          <button
            type="submit"
            className={action === "off" ? "button danger" : "button"}
            disabled={run.isPending || !password || !code.trim()}
          >
            {action === "renew" ? "Get new codes" : "Turn it off"}
          </button>
          <button type="button" className="button secondary" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

/** The Account page's "Two-step sign-in" section. */
export function TwoStepSignIn({ me }: { me: MeRead }) {
  const [doing, setDoing] = useState<"on" | "renew" | "off" | null>(null);
  const [note, setNote] = useState<string | null>(null);
  function done(message: string | null) {
    return () => {
      setDoing(null);
      setNote(message);
    };
  }
  return (
    <section aria-labelledby="two-step-heading">
      <h2 id="two-step-heading">Two-step sign-in</h2>
      <p>
        With two-step sign-in, signing in asks for your password and a code from an app on your phone, so your password
        alone is not enough for someone else to get in.
      </p>
      {note ? (
        <p className="notice success" role="status">
          {note}
        </p>
      ) : null}
      {doing === "on" ? (
        <TurnOn onDone={done(null)} />
      ) : doing === "renew" ? (
        <Checked action="renew" onDone={done(null)} />
      ) : doing === "off" ? (
        <Checked action="off" onDone={done("Two-step sign-in is off.")} />
      ) : me.two_factor_enabled ? (
        <>
          <p className="notice success">Two-step sign-in is on.</p>
          <div className="actions">
            <button type="button" className="button secondary" onClick={() => setDoing("renew")}>
              Get new recovery codes
            </button>
            <button type="button" className="button secondary" onClick={() => setDoing("off")}>
              Turn off two-step sign-in
            </button>
          </div>
        </>
      ) : (
        <p className="actions">
          <button
            type="button"
            className="button"
            onClick={() => {
              setNote(null);
              setDoing("on");
            }}
          >
            Turn on two-step sign-in
          </button>
        </p>
      )}
    </section>
  );
}
