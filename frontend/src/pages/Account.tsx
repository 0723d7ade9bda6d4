import type { MeRead, MeUpdate } from "@strength-circles/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";

import { circles } from "../api";
import { Field } from "../components/Field";
import { NotificationSettings } from "../components/NotificationSettings";
import { PageHeading } from "../components/Page";
import { SharingConsents } from "../components/SharingConsents";
import { fieldError, Loading, Problem } from "../components/Problem";
import { TimeZoneSelect } from "../components/TimeZoneSelect";
import { TwoStepSignIn } from "../components/TwoStepSignIn";
import { saveFile } from "../lib/files";
import { useSession } from "../lib/session";
import { LANGUAGE_NAMES } from "../lib/words";

function Profile({ me }: { me: MeRead }) {
  const queryClient = useQueryClient();
  const zoneId = useId();
  const [form, setForm] = useState({
    display_name: me.display_name,
    pronouns: me.pronouns ?? "",
    timezone: me.timezone,
    languages: me.languages,
    attendance_privacy: me.attendance_privacy,
    calendar_shows_group_names: me.calendar_shows_group_names,
  });
  const save = useMutation({
    mutationFn: () => {
      const changes: MeUpdate = {};
      if (form.display_name.trim() !== me.display_name) changes.display_name = form.display_name.trim();
      if ((form.pronouns.trim() || null) !== me.pronouns) changes.pronouns = form.pronouns.trim() || null;
      if (form.timezone !== me.timezone) changes.timezone = form.timezone;
      if (form.languages.join() !== me.languages.join()) changes.languages = form.languages;
      if (form.attendance_privacy !== me.attendance_privacy) changes.attendance_privacy = form.attendance_privacy;
      if (form.calendar_shows_group_names !== me.calendar_shows_group_names) {
        changes.calendar_shows_group_names = form.calendar_shows_group_names;
      }
      return circles.me.update(changes);
    },
    onSuccess: (updated) => queryClient.setQueryData(["me"], updated),
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  function toggleLanguage(code: string, on: boolean) {
    setForm((current) => ({
      ...current,
      languages: on ? [...current.languages, code] : current.languages.filter((item) => item !== code),
    }));
  }

  return (
    <section aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile and privacy</h2>
      <p className="muted">Your email ({me.email}) is never shown to other members.</p>
      {save.isSuccess ? (
        <p className="notice success" role="status">
          Saved.
        </p>
      ) : null}
      <Problem error={save.error} />
      <form onSubmit={onSubmit} noValidate>
        <Field
          label="Display name"
          hint="What other members see. A first name or nickname."
          maxLength={40}
          value={form.display_name}
          error={fieldError(save.error, "display_name")}
          onChange={(event) => setForm({ ...form, display_name: event.target.value })}
        />
        <Field
          label="Pronouns (optional)"
          hint="For example she/her, he/him, they/them."
          maxLength={40}
          value={form.pronouns}
          error={fieldError(save.error, "pronouns")}
          onChange={(event) => setForm({ ...form, pronouns: event.target.value })}
        />
        <div className="field">
          <label htmlFor={zoneId}>Time zone</label>
          <TimeZoneSelect id={zoneId} value={form.timezone} onChange={(timezone) => setForm({ ...form, timezone })} />
        </div>
        <fieldset className="field">
          <legend>Languages you speak</legend>
          {Object.entries(LANGUAGE_NAMES).map(([code, name]) => (
            <label key={code} className="choice">
              <input
                type="checkbox"
                checked={form.languages.includes(code)}
                onChange={(event) => toggleLanguage(code, event.target.checked)}
              />
              {name}
            </label>
          ))}
        </fieldset>
        <fieldset className="field">
          <legend>Who sees that you attended</legend>
          <label className="choice">
            <input
              type="radio"
              name="attendance_privacy"
              checked={form.attendance_privacy === "named"}
              onChange={() => setForm({ ...form, attendance_privacy: "named" })}
            />
            Facilitators of my circles see my name on their attendance lists
          </label>
          <label className="choice">
            <input
              type="radio"
              name="attendance_privacy"
              checked={form.attendance_privacy === "anonymous"}
              onChange={() => setForm({ ...form, attendance_privacy: "anonymous" })}
            />
            Count me, but don't name me (only you and the service's staff see your name)
          </label>
        </fieldset>
        <label className="choice">
          <input
            type="checkbox"
            checked={form.calendar_shows_group_names}
            onChange={(event) => setForm({ ...form, calendar_shows_group_names: event.target.checked })}
          />
          Show circle names in my calendar (otherwise meetings are called “Circle meeting”)
        </label>
        <p className="actions">
          <button type="submit" className="button" disabled={save.isPending}>
            Save changes
          </button>
        </p>
      </form>
    </section>
  );
}

function ChangePassword() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const change = useMutation({
    mutationFn: () => circles.me.changePassword({ current_password: current, new_password: next }),
    onSuccess: () => {
      setCurrent("");
      setNext("");
    },
  });
  return (
    <section aria-labelledby="password-heading">
      <h2 id="password-heading">Change your password</h2>
      {change.isSuccess ? (
        <p className="notice success" role="status">
          Your password is changed. You stay signed in here; other devices are signed out.
        </p>
      ) : null}
      <Problem error={change.error} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          change.mutate();
        }}
        noValidate
      >
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(event) => setCurrent(event.target.value)}
        />
        <Field
          label="New password"
          hint="At least 8 characters."
          type="password"
          autoComplete="new-password"
          value={next}
          error={fieldError(change.error, "new_password")}
          onChange={(event) => setNext(event.target.value)}
        />
        <button type="submit" className="button" disabled={change.isPending}>
          Change password
        </button>
      </form>
    </section>
  );
}

function YourData() {
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const everywhere = useMutation({
    mutationFn: () => circles.auth.signOut(true),
    onSuccess: () => void navigate("/", { replace: true }),
  });

  async function download() {
    setError(null);
    try {
      saveFile(await circles.me.export(), "strength-circles-my-data.json");
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section aria-labelledby="data-heading">
      <h2 id="data-heading">Your data and devices</h2>
      <p>Download everything Strength Circles holds about you, as a file you can keep or take elsewhere.</p>
      <div className="actions">
        <button type="button" className="button secondary" onClick={() => void download()}>
          Download my data
        </button>
        <button type="button" className="button secondary" disabled={everywhere.isPending} onClick={() => everywhere.mutate()}>
          Sign out on every device
        </button>
      </div>
      <Problem error={error ?? everywhere.error} />
      <p>
        <Link to="/account/reports">Your reports</Link>: the concerns you told the team about, and what happened.
      </p>
      <p>
        <Link to="/account/blocks">People you blocked</Link>: see them, or unblock someone.
      </p>
    </section>
  );
}

function CloseAccount() {
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  // Focus follows the person from the button they pressed to what it opened.
  const opened = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (open) opened.current?.focus();
  }, [open]);
  const [password, setPassword] = useState("");
  const [sure, setSure] = useState(false);
  const close = useMutation({
    mutationFn: () => circles.me.close(password),
    onSuccess: () => void navigate("/?closed=1", { replace: true }),
  });
  return (
    <section aria-labelledby="close-heading">
      <h2 id="close-heading">Close your account</h2>
      {!open ? (
        <button type="button" className="button secondary" onClick={() => setOpen(true)}>
          I want to close my account
        </button>
      ) : (
        <>
          <p tabIndex={-1} ref={opened}>
            Before you decide, here is what happens. It can't be undone:
          </p>
          <ul>
            <li>You are signed out everywhere and can't sign in again.</li>
            <li>Your name, email and profile are removed, and so are your bookmarks and calendar link.</li>
            <li>Your seats at upcoming meetings go to the people waiting for them.</li>
            <li>Stories you shared are taken down.</li>
            <li>Meetings you attended still count in the circles' figures, without your name.</li>
            <li>Anything you share with someone who referred you stops: they see only that it is no longer shared.</li>
          </ul>
          <p>You may want to download your data first.</p>
          <Problem error={close.error} />
          <form
            onSubmit={(event) => {
              event.preventDefault();
              close.mutate();
            }}
            noValidate
          >
            <Field
              label="Your password"
              type="password"
              autoComplete="current-password"
              value={password}
              error={fieldError(close.error, "password")}
              onChange={(event) => setPassword(event.target.value)}
            />
            <label className="choice">
              <input type="checkbox" checked={sure} onChange={(event) => setSure(event.target.checked)} />I understand
              that closing my account is for good
            </label>
            <div className="actions">
              <button type="submit" className="button danger" disabled={!sure || !password || close.isPending}>
                Close my account for good
              </button>
              <button type="button" className="button secondary" onClick={() => setOpen(false)}>
                Keep my account
              </button>
            </div>
          </form>
        </>
      )}
    </section>
  );
}

export default function AccountPage() {
  const { me } = useSession();
  return (
    <div className="narrow">
      <PageHeading title="Your account" />
      {me ? (
        <>
          <Profile me={me} />
          <NotificationSettings />
          <ChangePassword />
          <TwoStepSignIn me={me} />
          <SharingConsents />
          <YourData />
          <CloseAccount />
        </>
      ) : (
        <Loading what="your account" />
      )}
    </div>
  );
}
