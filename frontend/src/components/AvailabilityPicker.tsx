import { useId, useRef } from "react";

import { type SlotDraft, WEEKDAY_NAMES, slotProblem } from "../lib/availability";
import { zoneLabel } from "../lib/time";

const MAX_SLOTS = 28;

/**
 * Weekly times, one row each: a weekday and a start and end time, in the member's own time
 * zone. Native controls only (a select and two time inputs), so it works with a keyboard, a
 * screen reader and a phone's own time picker, and needs no script that the CSP would stop.
 */
export function AvailabilityPicker({
  legend,
  hint,
  zone,
  slots,
  onChange,
  showProblems,
  error,
}: {
  legend: string;
  hint: string;
  zone: string;
  slots: SlotDraft[];
  onChange: (slots: SlotDraft[]) => void;
  /** After a first try to send: rows that cannot be sent say why. */
  showProblems: boolean;
  error?: string | undefined;
}) {
  const id = useId();
  const addButton = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLOListElement>(null);

  function update(index: number, change: Partial<SlotDraft>) {
    onChange(slots.map((slot, i) => (i === index ? { ...slot, ...change } : slot)));
  }

  function add() {
    const last = slots[slots.length - 1];
    const next: SlotDraft = last
      ? { weekday: (last.weekday + 1) % 7, start: last.start, end: last.end }
      : { weekday: 0, start: "18:00", end: "20:00" };
    onChange([...slots, next]);
    // The new row's day is where the person carries on.
    requestAnimationFrame(() => {
      const selects = list.current?.querySelectorAll("select");
      selects?.[selects.length - 1]?.focus();
    });
  }

  function remove(index: number) {
    onChange(slots.filter((_, i) => i !== index));
    requestAnimationFrame(() => addButton.current?.focus());
  }

  return (
    <fieldset className="field availability" aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}>
      <legend>{legend}</legend>
      <p className="hint" id={`${id}-hint`}>
        {hint} Times are in your time zone ({zoneLabel(zone)}); you can change it in Account.
      </p>
      {error ? (
        <p className="error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {slots.length === 0 ? <p className="muted">No times yet.</p> : null}
      <ol className="slot-rows" ref={list}>
        {slots.map((slot, index) => {
          const problem = showProblems ? slotProblem(slot) : null;
          const n = index + 1;
          const problemId = `${id}-${index}-problem`;
          return (
            <li key={index} className="slot-row">
              <div className="slot-field">
                <label htmlFor={`${id}-${index}-day`}>Day, time {n}</label>
                <select
                  id={`${id}-${index}-day`}
                  value={slot.weekday}
                  onChange={(e) => update(index, { weekday: Number(e.target.value) })}
                >
                  {WEEKDAY_NAMES.map((name, day) => (
                    <option key={name} value={day}>
                      {name}
                    </option>
                  ))}
                </select>
              </div>
              <div className="slot-field">
                <label htmlFor={`${id}-${index}-start`}>From, time {n}</label>
                <input
                  id={`${id}-${index}-start`}
                  type="time"
                  step={900}
                  value={slot.start}
                  aria-invalid={problem ? true : undefined}
                  aria-describedby={problem ? problemId : undefined}
                  onChange={(e) => update(index, { start: e.target.value })}
                />
              </div>
              <div className="slot-field">
                <label htmlFor={`${id}-${index}-end`}>Until, time {n}</label>
                <input
                  id={`${id}-${index}-end`}
                  type="time"
                  step={900}
                  value={slot.end}
                  aria-invalid={problem ? true : undefined}
                  aria-describedby={problem ? problemId : undefined}
                  onChange={(e) => update(index, { end: e.target.value })}
                />
              </div>
              <button type="button" className="button secondary slot-remove" onClick={() => remove(index)}>
                Remove <span className="visually-hidden">time {n}</span>
              </button>
              {problem ? (
                <p className="error slot-problem" id={problemId}>
                  Time {n}: {problem}
                </p>
              ) : null}
            </li>
          );
        })}
      </ol>
      <button
        type="button"
        className="button secondary"
        ref={addButton}
        disabled={slots.length >= MAX_SLOTS}
        onClick={add}
      >
        Add a time
      </button>
    </fieldset>
  );
}
