/** Weekly availability as the mentoring API writes it: weekday 0 is Monday, local "HH:MM"
 * times in the member's own time zone, "23:59" meaning midnight. */
import type { AvailabilitySlot } from "@strength-circles/client";

export const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/** A row of the picker: times as an <input type="time"> holds them ("18:00"). */
export interface SlotDraft {
  weekday: number;
  start: string;
  end: string;
}

/** "18:00:00" or "18:00" → "18:00". */
export function hhmm(value: string): string {
  return value.slice(0, 5);
}

export function toDrafts(slots: readonly AvailabilitySlot[]): SlotDraft[] {
  return slots.map((slot) => ({ weekday: slot.weekday, start: hhmm(slot.start), end: hhmm(slot.end) }));
}

/** "6:00 pm", "12:00 am" ("23:59" reads as midnight). */
export function clockWords(value: string): string {
  const [hours, minutes] = hhmm(value).split(":").map(Number);
  if (hours === undefined || minutes === undefined || Number.isNaN(hours) || Number.isNaN(minutes)) return value;
  if (hours === 23 && minutes === 59) return "midnight";
  const meridiem = hours < 12 ? "am" : "pm";
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  return `${hour12}:${String(minutes).padStart(2, "0")} ${meridiem}`;
}

/** "Mondays, 6:00 pm to 9:00 pm". */
export function slotInWords(slot: { weekday: number; start: string; end: string }): string {
  const day = WEEKDAY_NAMES[slot.weekday] ?? "Some day";
  return `${day}s, ${clockWords(slot.start)} to ${clockWords(slot.end)}`;
}

/** Why a row cannot be sent, in words, or null when it is fine. */
export function slotProblem(slot: SlotDraft): string | null {
  if (!slot.start || !slot.end) return "Please give both a start and an end time.";
  if (hhmm(slot.end) <= hhmm(slot.start)) {
    return "The end time must be later than the start, on the same day. For time past midnight, add a second row for the next day.";
  }
  return null;
}

/** Rows sorted by day and time, as the API keeps them. */
export function sortedSlots(slots: SlotDraft[]): SlotDraft[] {
  return [...slots].sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start));
}
