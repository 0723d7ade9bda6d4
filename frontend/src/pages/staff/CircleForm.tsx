import "../../styles/library.css";

import { type GroupCreate, type GroupRead, type GroupUpdate, isApiError, type Location } from "@strength-circles/client";
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";

import { Field } from "../../components/Field";
import { Problem, fieldError } from "../../components/Problem";
import { TopicChoices } from "../../components/TopicChoices";
import { FORMAT_WORDS, LANGUAGE_NAMES, languageName } from "../../lib/words";

export const MAX_TOPICS = 8;
const MAX_CAPACITY = 500;

/** What a new circle's guidelines start from: the facilitator makes them the circle's own. */
export const STARTING_GUIDELINES = [
  "1. What is shared here stays here. We don't repeat anyone's story outside the circle.",
  "2. Everyone may pass. It's okay to just listen.",
  "3. We speak from our own experience and listen without fixing. No advice unless someone asks for it.",
  "4. We respect every identity, background, path and pace of recovery.",
  "5. We leave out details of how anyone harmed themselves, so the circle stays safe for everyone.",
  "6. This is peer support, not therapy or a crisis service. If you are in danger, call your local emergency number or use Get help now.",
].join("\n\n");

type Format = GroupRead["format"];
type Visibility = GroupRead["visibility"];
type JoinPolicy = GroupRead["join_policy"];
type Status = "active" | "paused";

export interface CircleDraft {
  name: string;
  description: string;
  topics: string[];
  format: Format;
  address: string;
  city: string;
  region: string;
  postal_code: string;
  country: string;
  online_url: string;
  language: string;
  accessibility_notes: string;
  visibility: Visibility;
  join_policy: JoinPolicy;
  capacity: string;
  guidelines: string;
  status: Status;
}

export type CircleField =
  | "name"
  | "description"
  | "topics"
  | "format"
  | "address"
  | "city"
  | "region"
  | "postal_code"
  | "country"
  | "online_url"
  | "language"
  | "accessibility_notes"
  | "visibility"
  | "join_policy"
  | "capacity"
  | "guidelines"
  | "status";

export const FIELD_LABELS: Record<CircleField, string> = {
  name: "Name",
  description: "What the circle is about",
  topics: "Topics",
  format: "How it meets",
  address: "Address",
  city: "City or town",
  region: "State or region",
  postal_code: "Postal code",
  country: "Country",
  online_url: "Meeting link",
  language: "Language",
  accessibility_notes: "Accessibility",
  visibility: "Who can find it",
  join_policy: "How people join",
  capacity: "Places",
  guidelines: "Guidelines",
  status: "Meeting or taking a break",
};

const PLACE_FIELDS = ["address", "city", "region", "postal_code", "country"] as const;

/** The browser's language when the app offers it (or its base language), else English. */
export function browserLanguage(): string {
  const wanted = typeof navigator !== "undefined" ? navigator.language : "en";
  if (wanted in LANGUAGE_NAMES) return wanted;
  const base = wanted.split("-")[0] ?? "en";
  return base in LANGUAGE_NAMES ? base : "en";
}

export function draftFrom(group?: GroupRead): CircleDraft {
  const place = group?.location;
  return {
    name: group?.name ?? "",
    description: group?.description ?? "",
    topics: group?.topics ?? [],
    format: group?.format ?? "in_person",
    address: place?.address ?? "",
    city: place?.city ?? "",
    region: place?.region ?? "",
    postal_code: place?.postal_code ?? "",
    country: place?.country ?? "",
    online_url: group?.online_url ?? "",
    language: group?.language ?? browserLanguage(),
    accessibility_notes: group?.accessibility_notes ?? "",
    visibility: group?.visibility ?? "listed",
    join_policy: group?.join_policy ?? "open",
    capacity: String(group?.capacity ?? 20),
    guidelines: group?.guidelines ?? STARTING_GUIDELINES,
    status: group?.status === "paused" ? "paused" : "active",
  };
}

const meetsInPerson = (format: Format) => format !== "online";
const meetsOnline = (format: Format) => format !== "in_person";

function isWebAddress(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

/** The checks worth making before sending; the server checks everything again. */
export function check(draft: CircleDraft): Partial<Record<CircleField, string>> {
  const errors: Partial<Record<CircleField, string>> = {};
  const name = draft.name.trim();
  if (name.length < 3 || name.length > 100) errors.name = "Please give the circle a name of 3 to 100 characters.";
  if (!draft.description.trim()) errors.description = "Please say in a few words who the circle is for and what happens there.";
  if (draft.topics.length === 0) errors.topics = "Please choose at least one topic, so people can find the circle.";
  if (draft.topics.length > MAX_TOPICS) errors.topics = `Please choose at most ${MAX_TOPICS} topics.`;
  if (meetsInPerson(draft.format) && !draft.address.trim() && !draft.city.trim()) {
    errors.address = "Please give the address, or at least the city, so members know where to go.";
  }
  if (draft.country.trim() && !/^[A-Za-z]{2}$/.test(draft.country.trim())) {
    errors.country = "Please use the two-letter country code, such as US or CA.";
  }
  if (meetsOnline(draft.format) && !isWebAddress(draft.online_url.trim())) {
    errors.online_url = "Please paste the full meeting link, starting with https://.";
  }
  const capacity = Number(draft.capacity);
  if (!/^\d+$/.test(draft.capacity.trim()) || capacity < 1 || capacity > MAX_CAPACITY) {
    errors.capacity = `Please give a whole number from 1 to ${MAX_CAPACITY}.`;
  }
  if (!draft.guidelines.trim()) errors.guidelines = "Please write the guidelines members agree to when they join.";
  return errors;
}

/** Where it meets in person, as the API takes it; null when nothing is given or it meets online only. */
function placeOf(draft: CircleDraft): Location | null {
  if (!meetsInPerson(draft.format)) return null;
  const place: Location = {};
  for (const field of PLACE_FIELDS) {
    const value = draft[field].trim();
    if (value) place[field] = field === "country" ? value.toUpperCase() : value;
  }
  return Object.keys(place).length > 0 ? place : null;
}

function linkOf(draft: CircleDraft): string | null {
  return meetsOnline(draft.format) && draft.online_url.trim() ? draft.online_url.trim() : null;
}

export function createBody(draft: CircleDraft): GroupCreate {
  const body: GroupCreate = {
    name: draft.name.trim(),
    description: draft.description.trim(),
    topics: draft.topics,
    format: draft.format,
    language: draft.language,
    visibility: draft.visibility,
    join_policy: draft.join_policy,
    capacity: Number(draft.capacity),
    guidelines: draft.guidelines.trim(),
  };
  const place = placeOf(draft);
  if (place) body.location = place;
  const link = linkOf(draft);
  if (link) body.online_url = link;
  if (draft.accessibility_notes.trim()) body.accessibility_notes = draft.accessibility_notes.trim();
  return body;
}

function samePlace(a: Location | null | undefined, b: Location | null): boolean {
  return PLACE_FIELDS.every((field) => (a?.[field] ?? null) === (b?.[field] ?? null));
}

export function guidelinesChanged(group: GroupRead, draft: CircleDraft): boolean {
  return draft.guidelines.trim() !== group.guidelines;
}

/** Only what changed, as PATCH wants it. */
export function changesFrom(group: GroupRead, draft: CircleDraft): GroupUpdate {
  const update: GroupUpdate = {};
  if (draft.name.trim() !== group.name) update.name = draft.name.trim();
  if (draft.description.trim() !== group.description) update.description = draft.description.trim();
  const topicsSame = draft.topics.length === group.topics.length && draft.topics.every((slug) => group.topics.includes(slug));
  if (!topicsSame) update.topics = draft.topics;
  if (draft.format !== group.format) update.format = draft.format;
  if (draft.language !== group.language) update.language = draft.language;
  const place = placeOf(draft);
  if (!samePlace(group.location, place)) update.location = place;
  const link = linkOf(draft);
  if (link !== (group.online_url ?? null)) update.online_url = link;
  const notes = draft.accessibility_notes.trim();
  if (notes !== (group.accessibility_notes ?? "")) update.accessibility_notes = notes || null;
  if (draft.visibility !== group.visibility) update.visibility = draft.visibility;
  if (draft.join_policy !== group.join_policy) update.join_policy = draft.join_policy;
  if (Number(draft.capacity) !== group.capacity) update.capacity = Number(draft.capacity);
  if (guidelinesChanged(group, draft)) update.guidelines = draft.guidelines.trim();
  const status = group.status === "paused" ? "paused" : "active";
  if (draft.status !== status) update.status = draft.status;
  return update;
}

/** The fields a PATCH changed, in words, for the message after saving. */
export function changedInWords(update: GroupUpdate, saved: GroupRead): string[] {
  const fields = new Set<CircleField>();
  for (const key of Object.keys(update)) {
    if (key === "location") fields.add("address");
    else if (key in FIELD_LABELS) fields.add(key as CircleField);
  }
  return [...fields].map((field) => {
    if (field === "address") return "Where it meets";
    if (field === "guidelines") return `Guidelines (now version ${saved.guidelines_version})`;
    if (field === "status") return saved.status === "paused" ? "Taking a break" : "Meeting again";
    return FIELD_LABELS[field];
  });
}

function Choices<Value extends string>({
  legend,
  name,
  value,
  options,
  onChange,
  idPrefix,
  error,
}: {
  legend: string;
  name: string;
  value: Value;
  options: { value: Value; label: string; words: ReactNode }[];
  onChange: (value: Value) => void;
  idPrefix: string;
  error?: string | undefined;
}) {
  return (
    <fieldset className="field" aria-describedby={error ? `${idPrefix}-error` : undefined}>
      <legend>{legend}</legend>
      {error ? (
        <p className="error" id={`${idPrefix}-error`}>
          {error}
        </p>
      ) : null}
      {options.map((option, index) => (
        <div key={option.value}>
          <label className="choice">
            <input
              id={`${idPrefix}-${index}`}
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
              aria-describedby={`${idPrefix}-${index}-hint`}
            />
            {option.label}
          </label>
          <p className="hint" id={`${idPrefix}-${index}-hint`}>
            {option.words}
          </p>
        </div>
      ))}
    </fieldset>
  );
}

function TextArea({
  id,
  label,
  hint,
  error,
  value,
  onChange,
  rows,
  maxLength,
  name,
}: {
  id: string;
  label: string;
  hint: ReactNode;
  error?: string | undefined;
  value: string;
  onChange: (value: string) => void;
  rows: number;
  maxLength: number;
  name: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
      {error ? (
        <p className="error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      <textarea
        id={id}
        name={name}
        rows={rows}
        maxLength={maxLength}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={[`${id}-hint`, error ? `${id}-error` : ""].filter(Boolean).join(" ")}
        aria-invalid={error ? true : undefined}
      />
    </div>
  );
}

/** The form of a circle, to start one or change one: the person's own checks first, then the
 * server's messages next to the fields they are about. */
export function CircleForm({
  group,
  saving,
  error,
  submitLabel,
  cancelTo,
  onSave,
}: {
  group?: GroupRead;
  saving: boolean;
  error: unknown;
  submitLabel: string;
  cancelTo: string;
  onSave: (draft: CircleDraft) => void;
}) {
  const ids = {
    name: useId(),
    description: useId(),
    topics: useId(),
    format: useId(),
    place: useId(),
    link: useId(),
    language: useId(),
    notes: useId(),
    visibility: useId(),
    join: useId(),
    capacity: useId(),
    guidelines: useId(),
    status: useId(),
  };
  const summary = useRef<HTMLDivElement>(null);
  const [draft, setDraft] = useState<CircleDraft>(() => draftFrom(group));
  const [clientErrors, setClientErrors] = useState<Partial<Record<CircleField, string>>>({});
  const [focusSummary, setFocusSummary] = useState(0);

  // A refused save puts the person back at the summary of what to fix.
  useEffect(() => {
    if (isApiError(error) && error.fields.length > 0) setFocusSummary((n) => n + 1);
  }, [error]);
  useEffect(() => {
    if (focusSummary > 0) summary.current?.focus();
  }, [focusSummary]);

  const serverFields = isApiError(error) ? error.fields : [];
  // The server names a missing place "location": it is said at the address, where one starts.
  const errorFor = (field: CircleField): string | undefined =>
    clientErrors[field] ?? fieldError(error, field) ?? (field === "address" ? fieldError(error, "location") : undefined);
  const fieldErrors = (Object.keys(FIELD_LABELS) as CircleField[])
    .map((field) => ({ field, message: errorFor(field) }))
    .filter((item): item is { field: CircleField; message: string } => Boolean(item.message));
  // Messages about no one field of the form (the whole circle, say) are listed as they are.
  const otherFieldMessages = serverFields
    .filter((item) => !(item.field in FIELD_LABELS) && item.field !== "location")
    .map((item) => item.message);
  const otherProblem = error && serverFields.length === 0 ? error : null;

  function set<K extends keyof CircleDraft>(name: K, value: CircleDraft[K]) {
    setDraft((now) => ({ ...now, [name]: value }));
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = check(draft);
    setClientErrors(found);
    if (Object.keys(found).length > 0) {
      setFocusSummary((n) => n + 1);
      return;
    }
    onSave(draft);
  }

  const target: Record<CircleField, string> = {
    name: ids.name,
    description: ids.description,
    topics: `${ids.topics}-0`,
    format: `${ids.format}-0`,
    address: `${ids.place}-address`,
    city: `${ids.place}-city`,
    region: `${ids.place}-region`,
    postal_code: `${ids.place}-postal_code`,
    country: `${ids.place}-country`,
    online_url: ids.link,
    language: ids.language,
    accessibility_notes: ids.notes,
    visibility: `${ids.visibility}-0`,
    join_policy: `${ids.join}-0`,
    capacity: ids.capacity,
    guidelines: ids.guidelines,
    status: `${ids.status}-0`,
  };
  const topicsError = errorFor("topics");
  const languages = draft.language in LANGUAGE_NAMES ? LANGUAGE_NAMES : { ...LANGUAGE_NAMES, [draft.language]: languageName(draft.language) };
  const newGuidelines = group ? guidelinesChanged(group, draft) : false;

  return (
    <form className="story-form" noValidate onSubmit={onSubmit}>
      {fieldErrors.length > 0 || otherFieldMessages.length > 0 ? (
        <div className="notice error error-summary" tabIndex={-1} ref={summary}>
          <span className="title">Please check the circle's details</span>
          <ul>
            {fieldErrors.map((item) => (
              <li key={item.field}>
                <a href={`#${target[item.field]}`}>
                  {FIELD_LABELS[item.field]}: {item.message}
                </a>
              </li>
            ))}
            {otherFieldMessages.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {otherProblem ? <Problem error={otherProblem} /> : null}

      <Field
        id={ids.name}
        label="Name"
        name="name"
        hint="What people see in Find a circle. A warm, plain name works best, for example “Tuesday Evening Anxiety Circle”."
        value={draft.name}
        onChange={(e) => set("name", e.target.value)}
        maxLength={100}
        autoComplete="off"
        error={errorFor("name")}
      />
      <TextArea
        id={ids.description}
        name="description"
        label="What the circle is about"
        hint="Who it is for and what happens at a meeting, in a few friendly sentences. Leave a blank line between paragraphs."
        value={draft.description}
        onChange={(value) => set("description", value)}
        rows={5}
        maxLength={5000}
        error={errorFor("description")}
      />

      <TopicChoices
        id={ids.topics}
        hint={`Choose 1 to ${MAX_TOPICS}, so people looking for this kind of support find the circle.`}
        error={topicsError}
        chosen={draft.topics}
        max={MAX_TOPICS}
        onChange={(topics) => set("topics", topics)}
      />

      <Choices
        legend="How it meets"
        name="format"
        idPrefix={ids.format}
        value={draft.format}
        onChange={(value) => set("format", value)}
        error={errorFor("format")}
        options={[
          { value: "in_person", label: FORMAT_WORDS.in_person, words: "In a room, at the address below." },
          { value: "online", label: FORMAT_WORDS.online, words: "On a video call, with the link below." },
          { value: "hybrid", label: FORMAT_WORDS.hybrid, words: "In a room, and online for those who can't come." },
        ]}
      />

      {meetsInPerson(draft.format) ? (
        <fieldset className="field">
          <legend>Where it meets</legend>
          <p className="hint">
            Shown on the circle's page to anyone who can see the circle. Give the address, or at least the city.
          </p>
          <Field
            id={`${ids.place}-address`}
            label="Address"
            hint="The building, street and room, for example “410 Elm Street, Room 2B”."
            value={draft.address}
            onChange={(e) => set("address", e.target.value)}
            maxLength={200}
            autoComplete="off"
            error={errorFor("address")}
          />
          <Field
            id={`${ids.place}-city`}
            label="City or town"
            value={draft.city}
            onChange={(e) => set("city", e.target.value)}
            maxLength={100}
            autoComplete="off"
            error={errorFor("city")}
          />
          <Field
            id={`${ids.place}-region`}
            label="State or region (optional)"
            value={draft.region}
            onChange={(e) => set("region", e.target.value)}
            maxLength={100}
            autoComplete="off"
            error={errorFor("region")}
          />
          <Field
            id={`${ids.place}-postal_code`}
            label="Postal code (optional)"
            value={draft.postal_code}
            onChange={(e) => set("postal_code", e.target.value)}
            maxLength={20}
            autoComplete="off"
            error={errorFor("postal_code")}
          />
          <Field
            id={`${ids.place}-country`}
            label="Country (optional)"
            hint="The two-letter code, such as US or CA."
            value={draft.country}
            onChange={(e) => set("country", e.target.value)}
            maxLength={2}
            autoComplete="off"
            error={errorFor("country")}
          />
        </fieldset>
      ) : null}

      {meetsOnline(draft.format) ? (
        <Field
          id={ids.link}
          type="url"
          inputMode="url"
          label="Meeting link"
          name="online_url"
          hint="The video call's address, starting with https://. Only the circle's members see it, on each meeting's page from 10 minutes before the start."
          value={draft.online_url}
          onChange={(e) => set("online_url", e.target.value)}
          maxLength={2000}
          autoComplete="off"
          error={errorFor("online_url")}
        />
      ) : null}

      <div className="field">
        <label htmlFor={ids.language}>Language</label>
        <p className="hint" id={`${ids.language}-hint`}>
          The language the circle talks in.
        </p>
        {errorFor("language") ? (
          <p className="error" id={`${ids.language}-error`}>
            {errorFor("language")}
          </p>
        ) : null}
        <select
          id={ids.language}
          name="language"
          value={draft.language}
          onChange={(e) => set("language", e.target.value)}
          aria-describedby={[`${ids.language}-hint`, errorFor("language") ? `${ids.language}-error` : ""].filter(Boolean).join(" ")}
          aria-invalid={errorFor("language") ? true : undefined}
        >
          {Object.entries(languages).map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
      </div>

      <TextArea
        id={ids.notes}
        name="accessibility_notes"
        label="Accessibility (optional)"
        hint="What helps people take part: step-free access, captions, a quiet room, a hearing loop, parking. Saying what is not available helps too."
        value={draft.accessibility_notes}
        onChange={(value) => set("accessibility_notes", value)}
        rows={3}
        maxLength={2000}
        error={errorFor("accessibility_notes")}
      />

      <Choices
        legend="Who can find it"
        name="visibility"
        idPrefix={ids.visibility}
        value={draft.visibility}
        onChange={(value) => set("visibility", value)}
        error={errorFor("visibility")}
        options={[
          {
            value: "listed",
            label: "Listed",
            words: "Anyone can find it in Find a circle and read its page, signed in or not. The meeting link stays for members only.",
          },
          {
            value: "unlisted",
            label: "Unlisted",
            words:
              "It is not in Find a circle, and its page opens only for its members and admins: to anyone else, even with the link, it doesn't exist. Choose this for a circle that isn't taking new members.",
          },
        ]}
      />

      <Choices
        legend="How people join"
        name="join_policy"
        idPrefix={ids.join}
        value={draft.join_policy}
        onChange={(value) => set("join_policy", value)}
        error={errorFor("join_policy")}
        options={[
          {
            value: "open",
            label: "Open",
            words: "Anyone who accepts the guidelines joins at once, while there are places.",
          },
          {
            value: "approval",
            label: "By request",
            words: "People ask to join, and you approve or decline each request on the circle's Members page.",
          },
        ]}
      />

      <Field
        id={ids.capacity}
        label="Places"
        name="capacity"
        inputMode="numeric"
        hint={`The most members at once, from 1 to ${MAX_CAPACITY}; facilitators don't take a place. New meetings get this many seats; meetings already planned keep theirs (change a series' seats on Meetings and schedule).`}
        value={draft.capacity}
        onChange={(e) => set("capacity", e.target.value)}
        maxLength={3}
        autoComplete="off"
        error={errorFor("capacity")}
      />

      <TextArea
        id={ids.guidelines}
        name="guidelines"
        label="Guidelines"
        hint={
          group
            ? "What everyone in the circle agrees to. Leave a blank line between paragraphs."
            : "What everyone agrees to when they join. Start from these and make them your circle's own. Leave a blank line between paragraphs."
        }
        value={draft.guidelines}
        onChange={(value) => set("guidelines", value)}
        rows={12}
        maxLength={10000}
        error={errorFor("guidelines")}
      />
      {group ? (
        <div aria-live="polite">
          {newGuidelines ? (
            <div className="notice warning">
              <span className="title">You have changed the guidelines</span>
              <p>
                When you save, they become version {group.guidelines_version + 1}. Everyone who joins from now on reads and
                accepts the new version before they join.
              </p>
              <p>
                Members already in the circle stay members. The app doesn't ask them to accept the new version and doesn't
                tell them the guidelines changed, so please tell them yourself, for example at the next meeting.
              </p>
            </div>
          ) : null}
        </div>
      ) : null}

      {group ? (
        <Choices
          legend="Meeting or taking a break"
          name="status"
          idPrefix={ids.status}
          value={draft.status}
          onChange={(value) => set("status", value)}
          error={errorFor("status")}
          options={[
            { value: "active", label: "Meeting", words: "New members can join, as the join setting above says." },
            {
              value: "paused",
              label: "Taking a break",
              words:
                "It stays in Find a circle, marked “Taking a break”, and no one new can join until you change this back. Its meetings go on as planned unless you cancel them.",
            },
          ]}
        />
      ) : null}

      <div className="actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? "Saving…" : submitLabel}
        </button>
        <Link className="inline-link" to={cancelTo}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
