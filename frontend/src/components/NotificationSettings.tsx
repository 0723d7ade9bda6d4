import type { NotificationSettingsRead, NotificationSettingsUpdate } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { Link, useLocation } from "react-router";

import { circles } from "../api";
import { CHANNELS, type ChannelName, KINDS, type SwitchableKind } from "../lib/notifications";
import { zoneLabel } from "../lib/time";
import { fieldError, Loading, Problem } from "./Problem";
import { PushOnThisDevice } from "./PushOnThisDevice";

const SETTINGS_KEY = ["notification-settings"] as const;
/** What the form starts with when quiet hours are off and the person turns them on. */
const QUIET_DEFAULT = { start: "22:00", end: "07:00" };

interface Form {
  dayBefore: boolean;
  hourBefore: boolean;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  nameCircles: boolean;
  channels: NotificationSettingsRead["channels"];
}

/** "Chicago time (America/Chicago)", or just "UTC". */
function zoneName(timezone: string): string {
  const label = zoneLabel(timezone);
  return label === timezone ? label : `${label} (${timezone})`;
}

/** "22:00:00" as a time input shows it: "22:00". */
const hhmm = (time: string) => time.slice(0, 5);

function formOf(settings: NotificationSettingsRead): Form {
  return {
    dayBefore: settings.reminders.day_before,
    hourBefore: settings.reminders.hour_before,
    quiet: settings.quiet_hours !== null,
    quietStart: settings.quiet_hours ? hhmm(settings.quiet_hours.start) : QUIET_DEFAULT.start,
    quietEnd: settings.quiet_hours ? hhmm(settings.quiet_hours.end) : QUIET_DEFAULT.end,
    nameCircles: settings.name_circles,
    channels: settings.channels,
  };
}

/** Only what differs from what the server holds, so a change made elsewhere meanwhile (another
 * tab, an unsubscribe link) is not undone. */
function changesOf(form: Form, saved: NotificationSettingsRead): NotificationSettingsUpdate {
  const changes: NotificationSettingsUpdate = {};
  const reminders: NonNullable<NotificationSettingsUpdate["reminders"]> = {};
  if (form.dayBefore !== saved.reminders.day_before) reminders.day_before = form.dayBefore;
  if (form.hourBefore !== saved.reminders.hour_before) reminders.hour_before = form.hourBefore;
  if (Object.keys(reminders).length > 0) changes.reminders = reminders;
  if (!form.quiet && saved.quiet_hours !== null) changes.quiet_hours = null;
  if (
    form.quiet &&
    (saved.quiet_hours === null ||
      form.quietStart !== hhmm(saved.quiet_hours.start) ||
      form.quietEnd !== hhmm(saved.quiet_hours.end))
  ) {
    changes.quiet_hours = { start: form.quietStart, end: form.quietEnd };
  }
  if (form.nameCircles !== saved.name_circles) changes.name_circles = form.nameCircles;
  const channels: NonNullable<NotificationSettingsUpdate["channels"]> = {};
  for (const { kind } of KINDS) {
    const changed: Partial<Record<ChannelName, boolean>> = {};
    for (const { channel } of CHANNELS) {
      if (form.channels[kind][channel] !== saved.channels[kind][channel]) changed[channel] = form.channels[kind][channel];
    }
    if (Object.keys(changed).length > 0) channels[kind] = changed;
  }
  if (Object.keys(channels).length > 0) changes.channels = channels;
  return changes;
}

function SettingsForm({ settings }: { settings: NotificationSettingsRead }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState(() => formOf(settings));
  const startId = useId();
  const endId = useId();
  const quietHint = useId();
  const namesHint = useId();
  const hourHint = useId();
  const save = useMutation({
    mutationFn: () => circles.notifications.updateSettings(changesOf(form, settings)),
    onSuccess: (updated) => {
      queryClient.setQueryData(SETTINGS_KEY, updated);
      setForm(formOf(updated));
    },
  });
  const [missingTime, setMissingTime] = useState(false);
  const quietError = missingTime
    ? "Give both times, such as 22:00 and 07:00, or turn quiet hours off."
    : fieldError(save.error, "quiet_hours");

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const missing = form.quiet && (!form.quietStart || !form.quietEnd);
    setMissingTime(missing);
    if (!missing) save.mutate();
  }

  function setChannel(kind: SwitchableKind, channel: ChannelName, on: boolean) {
    setForm((current) => ({
      ...current,
      channels: { ...current.channels, [kind]: { ...current.channels[kind], [channel]: on } },
    }));
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <fieldset className="field">
        <legend>Reminders before meetings you are going to</legend>
        <label className="choice">
          <input
            type="checkbox"
            checked={form.dayBefore}
            onChange={(event) => setForm({ ...form, dayBefore: event.target.checked })}
          />
          24 hours before
        </label>
        <label className="choice">
          <input
            type="checkbox"
            aria-describedby={hourHint}
            checked={form.hourBefore}
            onChange={(event) => setForm({ ...form, hourBefore: event.target.checked })}
          />
          1 hour before
        </label>
        <p className="hint" id={hourHint}>
          The 1-hour reminder carries the link to join an online meeting.
        </p>
      </fieldset>

      <fieldset className="field">
        <legend>Quiet hours</legend>
        <p className="hint" id={quietHint}>
          Nothing is sent during them; a reminder that falls in them comes just before they begin. Times are in your
          time zone, {zoneName(settings.timezone)}, which you can change in your profile above.
        </p>
        <label className="choice">
          <input
            type="checkbox"
            aria-describedby={quietHint}
            checked={form.quiet}
            onChange={(event) => setForm({ ...form, quiet: event.target.checked })}
          />
          Keep quiet hours
        </label>
        {quietError ? (
          // Said aloud when it is the form's own check; the server's problem is an alert below.
          <p className="error" role={missingTime ? "alert" : undefined}>
            {quietError}
          </p>
        ) : null}
        {form.quiet ? (
          <div className="quiet-hours">
            <div className="field">
              <label htmlFor={startId}>Quiet from</label>
              <input
                id={startId}
                type="time"
                step={60}
                required
                value={form.quietStart}
                aria-describedby={quietHint}
                onChange={(event) => setForm({ ...form, quietStart: event.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor={endId}>Quiet until</label>
              <input
                id={endId}
                type="time"
                step={60}
                required
                value={form.quietEnd}
                aria-describedby={quietHint}
                onChange={(event) => setForm({ ...form, quietEnd: event.target.value })}
              />
            </div>
          </div>
        ) : null}
      </fieldset>

      <div className="field">
        <label className="choice">
          <input
            type="checkbox"
            aria-describedby={namesHint}
            checked={form.nameCircles}
            onChange={(event) => setForm({ ...form, nameCircles: event.target.checked })}
          />
          Name my circles in messages
        </label>
        <p className="hint" id={namesHint}>
          When this is off, messages say only “your circle”, never its name or topic, because an inbox or a phone's lock
          screen can be seen by others.
        </p>
      </div>

      <h3>What we tell you, and how</h3>
      <p className="hint">Push reaches only the devices where you turned it on (below).</p>
      <div className="kind-channels">
        {KINDS.map(({ kind, name, description }) => (
          <fieldset key={kind} className="field kind">
            <legend>
              {name}
              <span className="hint">{description}</span>
            </legend>
            <div className="channels">
              {CHANNELS.map(({ channel, name: channelName }) => (
                <label key={channel} className="choice">
                  <input
                    type="checkbox"
                    checked={form.channels[kind][channel]}
                    onChange={(event) => setChannel(kind, channel, event.target.checked)}
                  />
                  {channelName}
                </label>
              ))}
            </div>
          </fieldset>
        ))}
      </div>
      <p>{settings.always_sent}</p>

      {save.isSuccess ? (
        <p className="notice success" role="status">
          Saved.
        </p>
      ) : null}
      <Problem error={save.error} />
      <p className="actions">
        <button type="submit" className="button" disabled={save.isPending}>
          Save notification settings
        </button>
      </p>
    </form>
  );
}

/** The account page's notification settings: reminders, quiet hours, whether messages name
 * circles, each kind of message on each channel, and push on this device. */
export function NotificationSettings() {
  const heading = useRef<HTMLHeadingElement>(null);
  const { hash } = useLocation();
  const settings = useQuery({ queryKey: SETTINGS_KEY, queryFn: () => circles.notifications.settings() });
  // A link to /account#notifications (every email has one) lands here once the section is drawn.
  const drawn = settings.isSuccess;
  useEffect(() => {
    if (drawn && hash === "#notifications") heading.current?.scrollIntoView?.();
  }, [drawn, hash]);
  return (
    <section id="notifications" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading" ref={heading} tabIndex={-1}>
        Notifications
      </h2>
      <p>
        What we send you, and how. Your <Link to="/notifications">notification centre</Link> keeps what we sent you
        in the app.
      </p>
      {settings.isPending ? <Loading what="your notification settings" /> : null}
      {settings.error ? <Problem error={settings.error} retry={() => void settings.refetch()} /> : null}
      {settings.data ? <SettingsForm settings={settings.data} /> : null}
      <PushOnThisDevice />
    </section>
  );
}
