/**
 * A schedule's RFC 5545 rule written from plain choices (every week, every other week, or
 * monthly on the Nth weekday), and read back into them. Pure: the server says the rule in
 * words and expands it (its preview); this only writes the text it is sent.
 */

export const WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
export type WeekdayCode = (typeof WEEKDAY_CODES)[number];
export const WEEKDAY_NAMES: Record<WeekdayCode, string> = {
  MO: "Monday",
  TU: "Tuesday",
  WE: "Wednesday",
  TH: "Thursday",
  FR: "Friday",
  SA: "Saturday",
  SU: "Sunday",
};

export type Repeat = "weekly" | "every_other_week" | "monthly";
export type Nth = 1 | 2 | 3 | 4 | -1;
export const NTH_NAMES: Record<Nth, string> = { 1: "First", 2: "Second", 3: "Third", 4: "Fourth", [-1]: "Last" };
export const NTHS: Nth[] = [1, 2, 3, 4, -1];

export interface RuleChoices {
  repeat: Repeat;
  /** The days of a weekly or every-other-week series (one or more). */
  weekdays: WeekdayCode[];
  /** Which weekday of the month, for a monthly series. */
  nth: Nth;
  monthlyWeekday: WeekdayCode;
}

/** The rule for these choices, or null when a weekly series has no day chosen yet. */
export function buildRule(choices: RuleChoices): string | null {
  if (choices.repeat === "monthly") return `FREQ=MONTHLY;BYDAY=${choices.nth}${choices.monthlyWeekday}`;
  const days = WEEKDAY_CODES.filter((code) => choices.weekdays.includes(code));
  if (days.length === 0) return null;
  const interval = choices.repeat === "every_other_week" ? ";INTERVAL=2" : "";
  return `FREQ=WEEKLY${interval};BYDAY=${days.join(",")}`;
}

/** The choices a rule was built from, or null for a rule these choices cannot say. */
export function readRule(rule: string): RuleChoices | null {
  const parts = new Map(
    rule
      .replace(/^RRULE:/i, "")
      .toUpperCase()
      .split(";")
      .map((part) => part.split("=") as [string, string]),
  );
  const byday = parts.get("BYDAY");
  const interval = parts.get("INTERVAL") ?? "1";
  const known = [...parts.keys()].every((name) => ["FREQ", "INTERVAL", "BYDAY", "WKST"].includes(name));
  if (!known || !byday) return null;
  if (parts.get("FREQ") === "WEEKLY" && (interval === "1" || interval === "2")) {
    const days = byday.split(",");
    if (!days.every((day): day is WeekdayCode => (WEEKDAY_CODES as readonly string[]).includes(day))) return null;
    return { repeat: interval === "2" ? "every_other_week" : "weekly", weekdays: days, nth: 1, monthlyWeekday: days[0] ?? "MO" };
  }
  const monthly = /^(-1|[1-4])(MO|TU|WE|TH|FR|SA|SU)$/.exec(byday);
  if (parts.get("FREQ") === "MONTHLY" && interval === "1" && monthly) {
    const code = monthly[2] as WeekdayCode;
    return { repeat: "monthly", weekdays: [code], nth: Number(monthly[1]) as Nth, monthlyWeekday: code };
  }
  return null;
}

/** The weekday code of a local date ("2026-10-19" is a Monday). */
export function weekdayOf(isoDate: string): WeekdayCode {
  const [year = 2000, month = 1, day = 1] = isoDate.split("-").map(Number);
  const sundayFirst = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return WEEKDAY_CODES[(sundayFirst + 6) % 7] ?? "MO";
}
