import "../../styles/meetings.css";

import type { components } from "@strength-circles/client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { Link, useParams } from "react-router";

import { circles } from "../../api";
import { PageHeading } from "../../components/Page";
import { fieldError, Loading, Problem } from "../../components/Problem";
import { TimeZoneSelect } from "../../components/TimeZoneSelect";
import {
  buildRule,
  NTH_NAMES,
  NTHS,
  type Nth,
  readRule,
  type RuleChoices,
  WEEKDAY_CODES,
  WEEKDAY_NAMES,
  type WeekdayCode,
  weekdayOf,
} from "../../lib/recurrence";
import { useTimeZone } from "../../lib/session";
import { clock, dayName, meetingTime, wallTime, zonedInstant, zoneLabel } from "../../lib/time";

type Schedule = components["schemas"]["ScheduleRead"];
type ScheduleCreate = components["schemas"]["ScheduleCreate"];
type ScheduleUpdate = components["schemas"]["ScheduleUpdate"];
type Meeting = components["schemas"]["SessionRead"];

// The preview is asked for once the person stops typing for this long.
const PREVIEW_AFTER_MS = 400;
const UPCOMING_DAYS = 90;
// Meetings listed at first, and added by each "Show more": a weekly circle has 13 in 90 days,
// each with its own buttons, too long a page to find the form below on a phone.
const MEETINGS_AT_A_TIME = 12;

/** Today's date in `zone`, as <input type="date"> writes it. */
function todayIn(zone: string, now = new Date()): string {
  const { year, month, day } = wallTime(now, zone);
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** A local date and time in `zone` as an instant (RFC 3339, UTC). */
function instantOf(date: string, time: string, zone: string): string {
  const [year = 0, month = 1, day = 1] = date.split("-").map(Number);
  const [hour = 0, minute = 0] = time.split(":").map(Number);
  return zonedInstant({ year, month, day, hour, minute }, zone).toISOString();
}

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [JSON.stringify(value), ms]);
  return settled;
}

interface Draft {
  choices: RuleChoices;
  startTime: string;
  duration: string;
  timezone: string;
  startsOn: string;
  until: string;
  capacity: string;
  location: string;
  onlineUrl: string;
}

function newDraft(zone: string): Draft {
  const startsOn = todayIn(zone);
  const day = weekdayOf(startsOn);
  return {
    choices: { repeat: "weekly", weekdays: [day], nth: 1, monthlyWeekday: day },
    startTime: "18:00",
    duration: "60",
    timezone: zone,
    startsOn,
    until: "",
    capacity: "",
    location: "",
    onlineUrl: "",
  };
}

/** The choices a saved rule was made from, or null for one these choices cannot say (made
 * elsewhere, or with WKST, which moves where an every-other-week counts from): such a rule is
 * kept as it is when the rest of the series changes. */
function editableRule(schedule: Schedule): RuleChoices | null {
  return /WKST=/i.test(schedule.rrule) ? null : readRule(schedule.rrule);
}

function draftOf(schedule: Schedule): Draft {
  const day = weekdayOf(schedule.starts_on);
  return {
    choices: editableRule(schedule) ?? { repeat: "weekly", weekdays: [day], nth: 1, monthlyWeekday: day },
    startTime: schedule.start_time.slice(0, 5),
    duration: String(schedule.duration_minutes),
    timezone: schedule.timezone,
    startsOn: schedule.starts_on,
    until: schedule.until ?? "",
    capacity: schedule.capacity ? String(schedule.capacity) : "",
    location: schedule.location ?? "",
    onlineUrl: schedule.online_url ?? "",
  };
}

/** What the server is sent, or null while a weekly series has no day. */
function bodyOf(draft: Draft): ScheduleCreate | null {
  const rrule = buildRule(draft.choices);
  if (!rrule || !draft.startTime || !draft.startsOn) return null;
  return {
    rrule,
    start_time: draft.startTime,
    duration_minutes: Number(draft.duration),
    timezone: draft.timezone,
    starts_on: draft.startsOn,
    until: draft.until || null,
    ...(draft.capacity ? { capacity: Number(draft.capacity) } : {}),
    ...(draft.location.trim() ? { location: draft.location.trim() } : {}),
    ...(draft.onlineUrl.trim() ? { online_url: draft.onlineUrl.trim() } : {}),
  };
}

/** What a change of `schedule` sends: only what differs from it (so a change of seats never
 * restarts the series), the rule only when these choices can say it; null while a weekly
 * series has no day. */
function changesOf(draft: Draft, schedule: Schedule): ScheduleUpdate | null {
  const changes: ScheduleUpdate = {};
  const saved = editableRule(schedule);
  if (saved) {
    const rrule = buildRule(draft.choices);
    if (rrule === null) return null;
    if (rrule !== buildRule(saved)) changes.rrule = rrule;
  }
  if (draft.startTime && draft.startTime !== schedule.start_time.slice(0, 5)) changes.start_time = draft.startTime;
  if (Number(draft.duration) !== schedule.duration_minutes) changes.duration_minutes = Number(draft.duration);
  if (draft.timezone !== schedule.timezone) changes.timezone = draft.timezone;
  if ((draft.until || null) !== schedule.until) changes.until = draft.until || null;
  const capacity = draft.capacity ? Number(draft.capacity) : null;
  if (capacity !== schedule.capacity) changes.capacity = capacity;
  const location = draft.location.trim() || null;
  if (location !== schedule.location) changes.location = location;
  const link = draft.onlineUrl.trim() || null;
  if (link !== schedule.online_url) changes.online_url = link;
  return changes;
}

/** What the preview shows: a new series of a circle, or a change of a series. */
type PreviewAsk = { groupId: string; body: ScheduleCreate } | { scheduleId: string; changes: ScheduleUpdate };

/** The rule in words and its next meetings, as the server will make them, before saving. */
function SchedulePreview({ ask }: { ask: PreviewAsk | null }) {
  const heading = useId();
  const settled = useDebounced(ask, PREVIEW_AFTER_MS);
  const body = ask;
  const preview = useQuery({
    queryKey: ["schedule-preview", settled],
    queryFn: () => {
      const asked = settled as PreviewAsk;
      return "scheduleId" in asked
        ? circles.schedules.previewChange(asked.scheduleId, asked.changes)
        : circles.schedules.preview(asked.groupId, asked.body);
    },
    enabled: settled !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
  return (
    <section className="schedule-preview" aria-labelledby={heading}>
      <h3 id={heading}>Before you save</h3>
      {body === null ? <p>Choose at least one day of the week.</p> : null}
      {body !== null && preview.isPending ? <Loading what="the dates" /> : null}
      {body !== null ? <Problem error={preview.error} /> : null}
      {body !== null && preview.data && !preview.isError ? (
        <div aria-live="polite">
          <p>
            <strong>{preview.data.description}</strong> ({zoneLabel(preview.data.timezone)})
          </p>
          {preview.data.next_meetings.length === 0 ? (
            <p className="muted">No meetings fall between these dates.</p>
          ) : (
            <>
              <p className="small">The next meetings:</p>
              <ul>
                {preview.data.next_meetings.map((meeting) => (
                  <li key={meeting.starts_at}>
                    {meetingTime(new Date(meeting.starts_at), new Date(meeting.ends_at), preview.data.timezone)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      ) : null}
    </section>
  );
}

/** How often and on which days: the choices that write the rule. */
function RuleChoicesFields({
  id,
  choices,
  weekly,
  choose,
}: {
  id: string;
  choices: RuleChoices;
  weekly: boolean;
  choose: (changes: Partial<RuleChoices>) => void;
}) {
  return (
    <>
      <fieldset className="field">
        <legend>How often</legend>
        {(
          [
            ["weekly", "Every week"],
            ["every_other_week", "Every other week"],
            ["monthly", "Once a month, on a weekday"],
          ] as const
        ).map(([value, words]) => (
          <label className="choice" key={value}>
            <input type="radio" name={`${id}-repeat`} checked={choices.repeat === value} onChange={() => choose({ repeat: value })} />
            {words}
          </label>
        ))}
      </fieldset>
      {weekly ? (
        <fieldset className="field">
          <legend>On</legend>
          <div className="weekday-choices">
            {WEEKDAY_CODES.map((code) => (
              <label className="choice" key={code}>
                <input
                  type="checkbox"
                  checked={choices.weekdays.includes(code)}
                  onChange={(event) =>
                    choose({
                      weekdays: event.target.checked
                        ? [...choices.weekdays, code]
                        : choices.weekdays.filter((day) => day !== code),
                    })
                  }
                />
                {WEEKDAY_NAMES[code]}
              </label>
            ))}
          </div>
        </fieldset>
      ) : (
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-nth`}>Which one</label>
            <select id={`${id}-nth`} value={choices.nth} onChange={(event) => choose({ nth: Number(event.target.value) as Nth })}>
              {NTHS.map((nth) => (
                <option key={nth} value={nth}>
                  {NTH_NAMES[nth]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-day`}>Day of the week</label>
            <select
              id={`${id}-day`}
              value={choices.monthlyWeekday}
              onChange={(event) => choose({ monthlyWeekday: event.target.value as WeekdayCode })}
            >
              {WEEKDAY_CODES.map((code) => (
                <option key={code} value={code}>
                  {WEEKDAY_NAMES[code]}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
    </>
  );
}

/** The schedule builder: plain choices that write the rule, and the preview before saving. */
function ScheduleForm({
  groupId,
  initial,
  schedule,
  onSaved,
}: {
  groupId: string;
  initial: Draft;
  /** The series being changed from now on; none for a new series. */
  schedule?: Schedule;
  onSaved: (words: string) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(initial);
  const set = (changes: Partial<Draft>) => setDraft({ ...draft, ...changes });
  const choose = (changes: Partial<RuleChoices>) => set({ choices: { ...draft.choices, ...changes } });
  const body = bodyOf(draft);
  const changes = schedule ? changesOf(draft, schedule) : null;
  const ruleKept = schedule !== undefined && editableRule(schedule) === null;
  const nothingChanged = changes !== null && Object.keys(changes).length === 0;
  const ask: PreviewAsk | null = schedule ? changes && { scheduleId: schedule.id, changes } : body && { groupId, body };
  const save = useMutation({
    mutationFn: () =>
      schedule
        ? circles.schedules.update(schedule.id, changes as ScheduleUpdate)
        : circles.schedules.create(groupId, body as ScheduleCreate),
    onSuccess: (saved) =>
      onSaved(
        schedule
          ? `The series is changed from now on: ${saved.description}. Past meetings stay as they were.`
          : `The new series is saved: ${saved.description}. Its meetings are listed below.`,
      ),
  });
  const ready = schedule ? changes !== null && !nothingChanged : body !== null;
  function submit(event: FormEvent) {
    event.preventDefault();
    if (ready) save.mutate();
  }
  const { choices } = draft;
  const weekly = choices.repeat !== "monthly";
  return (
    <form onSubmit={submit} noValidate>
      {ruleKept ? (
        <p className="notice">
          This series meets {schedule?.description ?? "on days set up elsewhere"}, a pattern this form can't write, so its
          days stay as they are. You can change its time, length, place and seats here, or end it and start a new series.
        </p>
      ) : (
        <RuleChoicesFields id={id} choices={choices} weekly={weekly} choose={choose} />
      )}
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-time`}>Starts at</label>
          <input id={`${id}-time`} type="time" required value={draft.startTime} onChange={(event) => set({ startTime: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-duration`}>Lasts (minutes)</label>
          <input
            id={`${id}-duration`}
            type="number"
            min={5}
            max={720}
            step={5}
            required
            value={draft.duration}
            aria-invalid={fieldError(save.error, "duration_minutes") ? true : undefined}
            onChange={(event) => set({ duration: event.target.value })}
          />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-zone`}>Time zone</label>
        <TimeZoneSelect id={`${id}-zone`} value={draft.timezone} onChange={(timezone) => set({ timezone })} />
      </div>
      <div className="field-row">
        {schedule ? null : (
          <div className="field">
            <label htmlFor={`${id}-starts`}>Starts on</label>
            <input id={`${id}-starts`} type="date" required value={draft.startsOn} onChange={(event) => set({ startsOn: event.target.value })} />
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-until`}>Last day (optional)</label>
          <input id={`${id}-until`} type="date" value={draft.until} min={draft.startsOn} onChange={(event) => set({ until: event.target.value })} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-capacity`}>Seats (optional; the circle's own number if left empty)</label>
        <input id={`${id}-capacity`} type="number" min={1} max={500} value={draft.capacity} onChange={(event) => set({ capacity: event.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-place`}>Place (optional, when not the circle's usual one)</label>
        <input id={`${id}-place`} type="text" maxLength={300} value={draft.location} onChange={(event) => set({ location: event.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-link`}>Meeting link (optional; only the circle's members see it)</label>
        <input id={`${id}-link`} type="url" value={draft.onlineUrl} onChange={(event) => set({ onlineUrl: event.target.value })} />
      </div>
      <SchedulePreview ask={ask} />
      <Problem error={save.error} />
      {nothingChanged ? <p className="small muted">Nothing is changed yet.</p> : null}
      <div className="actions">
        <button type="submit" className="button" disabled={save.isPending || !ready}>
          {save.isPending ? "Saving…" : schedule ? "Change the series from now on" : "Save the series"}
        </button>
      </div>
    </form>
  );
}

/** A question asked in a dialog before something that tells people or cannot be undone. */
function Confirm({
  open,
  label,
  title,
  children,
  yes,
  no,
  busy,
  onYes,
}: {
  open: string;
  label?: string;
  title: string;
  children: React.ReactNode;
  yes: string;
  no: string;
  busy: boolean;
  onYes: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const heading = useId();
  return (
    <>
      <button type="button" className="button secondary" aria-label={label} onClick={() => dialog.current?.showModal()}>
        {open}
      </button>
      <dialog ref={dialog} aria-labelledby={heading}>
        <h2 id={heading}>{title}</h2>
        {children}
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => {
              dialog.current?.close();
              onYes();
            }}
          >
            {yes}
          </button>
          <button type="button" className="button secondary" onClick={() => dialog.current?.close()}>
            {no}
          </button>
        </div>
      </dialog>
    </>
  );
}

function SeriesCard({ groupId, schedule, onDone }: { groupId: string; schedule: Schedule; onDone: (words: string) => void }) {
  const [changing, setChanging] = useState(0);
  const [open, setOpen] = useState(false);
  const end = useMutation({
    mutationFn: () => circles.schedules.end(schedule.id),
    onSuccess: () => onDone(`The series "${schedule.description}" has ended. Its future meetings are cancelled.`),
  });
  const ended = schedule.ended_at != null;
  return (
    <li className="card">
      <h3>{schedule.description}</h3>
      <ul className="meta">
        <li>{zoneLabel(schedule.timezone)}</li>
        <li>
          From {schedule.starts_on}
          {schedule.until ? ` to ${schedule.until}` : ""}
        </li>
        {schedule.location ? <li>{schedule.location}</li> : null}
        {ended ? <li>Ended</li> : null}
      </ul>
      <Problem error={end.error} />
      {ended ? null : (
        <>
          <details className="meeting-tools" onToggle={(event) => setOpen(event.currentTarget.open)}>
            <summary>Change from now on</summary>
            <p className="small">
              The change applies to the meetings still to come. Past meetings, and meetings you changed one by one, stay
              as they are. People who said they're going are told when a meeting moves.
            </p>
            {/* Built (and previewed) only once opened. */}
            {open ? (
              <ScheduleForm
                key={changing}
                groupId={groupId}
                schedule={schedule}
                initial={draftOf(schedule)}
                onSaved={(words) => {
                  setChanging(changing + 1);
                  onDone(words);
                }}
              />
            ) : null}
          </details>
          <div className="actions">
            <Confirm
              open="End this series"
              label={`End this series: ${schedule.description}`}
              title="End this series?"
              yes="End the series"
              no="Keep it going"
              busy={end.isPending}
              onYes={() => end.mutate()}
            >
              <p>
                Its future meetings are cancelled, and people who said they're going or are on the waitlist are told.
                Past meetings stay on record.
              </p>
            </Confirm>
          </div>
        </>
      )}
    </li>
  );
}

function MoveForm({ meeting, onDone }: { meeting: Meeting; onDone: (words: string) => void }) {
  const id = useId();
  const start = new Date(meeting.starts_at);
  const [date, setDate] = useState(todayIn(meeting.timezone, start));
  const local = wallTime(start, meeting.timezone);
  const [time, setTime] = useState(`${String(local.hour).padStart(2, "0")}:${String(local.minute).padStart(2, "0")}`);
  const [duration, setDuration] = useState(
    String(Math.round((Date.parse(meeting.ends_at) - Date.parse(meeting.starts_at)) / 60_000)),
  );
  const move = useMutation({
    mutationFn: () =>
      circles.sessions.update(meeting.id, {
        starts_at: instantOf(date, time, meeting.timezone),
        duration_minutes: Number(duration),
      }),
    onSuccess: (moved) =>
      onDone(
        `The meeting is moved to ${meetingTime(new Date(moved.starts_at), new Date(moved.ends_at), moved.timezone)}. People who said they're going are told.`,
      ),
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        move.mutate();
      }}
    >
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-date`}>New date</label>
          <input id={`${id}-date`} type="date" required value={date} onChange={(event) => setDate(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-time`}>Starts at ({zoneLabel(meeting.timezone)})</label>
          <input id={`${id}-time`} type="time" required value={time} onChange={(event) => setTime(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-duration`}>Lasts (minutes)</label>
          <input
            id={`${id}-duration`}
            type="number"
            min={5}
            max={720}
            required
            value={duration}
            onChange={(event) => setDuration(event.target.value)}
          />
        </div>
      </div>
      <Problem error={move.error} />
      <div className="actions">
        <button type="submit" className="button" disabled={move.isPending}>
          Move the meeting
        </button>
      </div>
    </form>
  );
}

function MeetingCard({ meeting, onDone }: { meeting: Meeting; onDone: (words: string) => void }) {
  const reasonId = useId();
  const [reason, setReason] = useState("");
  const when = meetingTime(new Date(meeting.starts_at), new Date(meeting.ends_at), meeting.timezone);
  const change = useMutation({
    mutationFn: ({ body }: { body: components["schemas"]["SessionUpdate"]; words: string }) =>
      circles.sessions.update(meeting.id, body),
    onSuccess: (_, { words }) => onDone(words),
  });
  const cancelled = meeting.status === "cancelled";
  const people = meeting.going + meeting.waitlisted;
  return (
    <li className="card">
      <h3>{when}</h3>
      <ul className="meta">
        <li>{zoneLabel(meeting.timezone)}</li>
        <li>{meeting.schedule_id ? "Part of a series" : "One-off meeting"}</li>
        <li>
          {meeting.going} going, {meeting.seats_left} {meeting.seats_left === 1 ? "seat" : "seats"} left
        </li>
        {cancelled ? <li>Cancelled</li> : null}
      </ul>
      {meeting.moved_from ? (
        <p className="small">
          Moved on its own from {dayName(new Date(meeting.moved_from), meeting.timezone)},{" "}
          {clock(new Date(meeting.moved_from), meeting.timezone)}
        </p>
      ) : null}
      {cancelled && meeting.cancel_reason ? <p className="small">Reason given to members: {meeting.cancel_reason}</p> : null}
      <Problem error={change.error} />
      {cancelled ? (
        <div className="actions">
          <button
            type="button"
            className="button secondary"
            disabled={change.isPending}
            aria-label={`Restore the meeting on ${when}`}
            onClick={() =>
              change.mutate({ body: { status: "scheduled" }, words: `The meeting on ${when} is back on. Anyone who had said they're going is told.` })
            }
          >
            Restore the meeting
          </button>
        </div>
      ) : (
        <>
          <div className="actions">
            <Link className="button" to={`/meetings/${meeting.id}/run`} aria-label={`Run this meeting on ${when}`}>
              Run this meeting
            </Link>
            <Confirm
              open="Cancel"
              label={`Cancel the meeting on ${when}`}
              title={`Cancel the meeting on ${when}?`}
              yes="Cancel the meeting"
              no="Keep the meeting"
              busy={change.isPending}
              onYes={() =>
                change.mutate({
                  body: { status: "cancelled", ...(reason.trim() ? { cancel_reason: reason.trim() } : {}) },
                  words: `The meeting on ${when} is cancelled.`,
                })
              }
            >
              <p>
                {people === 0
                  ? "Nobody has said they're going yet. Members see it as cancelled on the circle's page."
                  : `The ${people} ${people === 1 ? "person" : "people"} who said they're going or are on the waitlist will be told.`}{" "}
                You can restore it later.
              </p>
              <div className="field">
                <label htmlFor={reasonId}>Reason shown to members (optional)</label>
                <textarea id={reasonId} rows={2} maxLength={300} value={reason} onChange={(event) => setReason(event.target.value)} />
              </div>
            </Confirm>
          </div>
          <details className="meeting-tools">
            <summary>Move this meeting</summary>
            <MoveForm meeting={meeting} onDone={onDone} />
          </details>
        </>
      )}
    </li>
  );
}

function OneOffForm({ groupId, zone, onDone }: { groupId: string; zone: string; onDone: (words: string) => void }) {
  const id = useId();
  const [date, setDate] = useState(todayIn(zone));
  const [time, setTime] = useState("18:00");
  const [duration, setDuration] = useState("60");
  const [timezone, setTimezone] = useState(zone);
  const [location, setLocation] = useState("");
  const add = useMutation({
    mutationFn: () =>
      circles.sessions.createOneOff(groupId, {
        starts_at: instantOf(date, time, timezone),
        duration_minutes: Number(duration),
        timezone,
        ...(location.trim() ? { location: location.trim() } : {}),
      }),
    onSuccess: (made) =>
      onDone(`A meeting is added on ${meetingTime(new Date(made.starts_at), new Date(made.ends_at), made.timezone)}.`),
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        add.mutate();
      }}
    >
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-date`}>Date</label>
          <input id={`${id}-date`} type="date" required value={date} onChange={(event) => setDate(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-time`}>Starts at</label>
          <input id={`${id}-time`} type="time" required value={time} onChange={(event) => setTime(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-duration`}>Lasts (minutes)</label>
          <input id={`${id}-duration`} type="number" min={5} max={720} required value={duration} onChange={(event) => setDuration(event.target.value)} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-zone`}>Time zone</label>
        <TimeZoneSelect id={`${id}-zone`} value={timezone} onChange={setTimezone} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-place`}>Place (optional, when not the circle's usual one)</label>
        <input id={`${id}-place`} type="text" maxLength={300} value={location} onChange={(event) => setLocation(event.target.value)} />
      </div>
      <Problem error={add.error} />
      <div className="actions">
        <button type="submit" className="button" disabled={add.isPending}>
          Add the meeting
        </button>
      </div>
    </form>
  );
}

/** A circle's meetings and schedule, for its facilitators: its series in words (changed from
 * now on, or ended), a schedule builder previewed before saving, one-off meetings, and the
 * upcoming meetings to cancel, restore, move or run. */
export default function CircleMeetingsPage() {
  const { groupId = "" } = useParams();
  const viewerZone = useTimeZone();
  const queryClient = useQueryClient();
  const [said, setSaid] = useState("");
  const [saidCount, setSaidCount] = useState(0);
  const saidRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (saidCount > 0) saidRef.current?.focus();
  }, [saidCount]);
  const [added, setAdded] = useState(0);
  const [shown, setShown] = useState(MEETINGS_AT_A_TIME);
  const [span] = useState(() => {
    const now = new Date();
    return { from: now.toISOString(), to: new Date(now.getTime() + UPCOMING_DAYS * 86_400_000).toISOString() };
  });
  const group = useQuery({ queryKey: ["group", groupId], queryFn: () => circles.groups.read(groupId) });
  const schedules = useQuery({ queryKey: ["schedules", groupId], queryFn: () => circles.schedules.list(groupId) });
  const meetings = useQuery({
    queryKey: ["group-meetings", groupId, span],
    queryFn: () => circles.sessions.forGroup(groupId, { ...span, limit: 100 }),
  });
  const done = async (words: string) => {
    setSaid(words);
    setSaidCount((count) => count + 1);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: ["schedules", groupId] }),
      queryClient.invalidateQueries({ queryKey: ["group-meetings", groupId] }),
      queryClient.invalidateQueries({ queryKey: ["group"] }),
    ]);
  };

  if (group.isPending || schedules.isPending) return <Loading what="the meetings" />;
  if (group.isError || schedules.isError) {
    return <Problem error={group.error ?? schedules.error} retry={() => void schedules.refetch()} />;
  }
  if (group.data.status === "archived") {
    return (
      <article className="narrow">
        <PageHeading title={`Meetings and schedule: ${group.data.name}`} />
        <p className="notice">
          This circle is archived, so it has no more meetings and nothing here can change. Its history is kept: see{" "}
          <Link to={`/groups/${groupId}/attendance`}>its attendance</Link>.
        </p>
      </article>
    );
  }
  const zone = schedules.data.items.find((item) => item.ended_at == null)?.timezone ?? group.data.schedules[0]?.timezone ?? viewerZone;
  const live = schedules.data.items.filter((item) => item.ended_at == null);
  const ended = schedules.data.items.filter((item) => item.ended_at != null);
  return (
    <article className="narrow">
      <p className="small">
        <Link className="inline-link" to={`/groups/${groupId}`}>
          Back to the circle
        </Link>
      </p>
      <PageHeading title={`Meetings and schedule: ${group.data.name}`} />
      {/* Always there, so the words are announced when they come; focused, so the person is
          not left on a button the change removed. */}
      <div role="status">
        {said ? (
          <p className="notice success" tabIndex={-1} ref={saidRef} key={saidCount}>
            {said}
          </p>
        ) : null}
      </div>

      <section aria-labelledby="series-heading">
        <h2 id="series-heading">When the circle meets</h2>
        {live.length === 0 ? <p className="muted">No series of meetings yet. Start one below.</p> : null}
        <ul className="cards">
          {live.map((schedule) => (
            <SeriesCard key={schedule.id} groupId={groupId} schedule={schedule} onDone={(words) => void done(words)} />
          ))}
        </ul>
        {ended.length > 0 ? (
          <details className="meeting-tools">
            <summary>Series that have ended ({ended.length})</summary>
            <ul className="cards">
              {ended.map((schedule) => (
                <SeriesCard key={schedule.id} groupId={groupId} schedule={schedule} onDone={(words) => void done(words)} />
              ))}
            </ul>
          </details>
        ) : null}
      </section>

      <section aria-labelledby="builder-heading">
        <h2 id="builder-heading">Start a new series</h2>
        <p>Choose how often and when. You see the rule in words and the next dates before you save.</p>
        <ScheduleForm
          key={`new-${added}`}
          groupId={groupId}
          initial={newDraft(zone)}
          onSaved={(words) => {
            setAdded(added + 1);
            void done(words);
          }}
        />
      </section>

      <section aria-labelledby="one-off-heading">
        <h2 id="one-off-heading">Add a one-off meeting</h2>
        <OneOffForm key={`one-off-${added}`} groupId={groupId} zone={zone} onDone={(words) => void done(words)} />
      </section>

      <section aria-labelledby="upcoming-heading">
        <h2 id="upcoming-heading">Upcoming meetings</h2>
        <p className="small">The next {UPCOMING_DAYS} days, each in its own time zone.</p>
        {meetings.isPending ? <Loading what="the upcoming meetings" /> : null}
        <Problem error={meetings.error} retry={() => void meetings.refetch()} />
        {meetings.data && meetings.data.items.length === 0 ? <p className="muted">No meetings in the next {UPCOMING_DAYS} days.</p> : null}
        <ul className="cards">
          {(meetings.data?.items ?? []).slice(0, shown).map((meeting) => (
            <MeetingCard key={`${meeting.id}-${meeting.starts_at}-${meeting.status}`} meeting={meeting} onDone={(words) => void done(words)} />
          ))}
        </ul>
        {(meetings.data?.items.length ?? 0) > shown ? (
          <p>
            <button type="button" className="button secondary" onClick={() => setShown((now) => now + MEETINGS_AT_A_TIME)}>
              Show later meetings
            </button>
          </p>
        ) : null}
        {meetings.data?.next_cursor && (meetings.data.items.length ?? 0) <= shown ? (
          <p className="small">Only the first 100 meetings are shown.</p>
        ) : null}
      </section>
    </article>
  );
}
