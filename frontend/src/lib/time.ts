/**
 * Times in words, in the viewer's time zone and the group's. Only Intl: no date library, so the
 * first page stays small.
 */

const LOCALE = "en-US";
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
export type WeekdayName = (typeof WEEKDAYS)[number];

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = timeZone + JSON.stringify(options);
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(LOCALE, { ...options, timeZone });
    formatters.set(key, found);
  }
  return found;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

/** The date and time a clock in `timeZone` shows at `instant`. */
export function wallTime(instant: Date, timeZone: string): WallTime {
  const parts = formatter(timeZone, {
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    weekday: "long",
    hourCycle: "h23",
  }).formatToParts(instant);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "0";
  return {
    year: Number(get("year")),
    month: Number(get("month")),
    day: Number(get("day")),
    hour: Number(get("hour")) % 24,
    minute: Number(get("minute")),
    weekday: WEEKDAYS.indexOf(get("weekday").toLowerCase() as WeekdayName),
  };
}

/** The instant a clock in `timeZone` shows the given local date and time (the first of two
 * when the clocks go back, the time after the gap when they go forward). */
export function zonedInstant(
  local: { year: number; month: number; day: number; hour: number; minute: number },
  timeZone: string,
): Date {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  let guess = asUtc;
  for (let step = 0; step < 3; step += 1) {
    const seen = wallTime(new Date(guess), timeZone);
    const seenAsUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
    const drift = seenAsUtc - asUtc;
    if (drift === 0) break;
    guess -= drift;
  }
  return new Date(guess);
}

/** "7:00 pm", "7 pm" stays "7:00 pm" for steadiness. */
export function clock(instant: Date, timeZone: string): string {
  return formatter(timeZone, { hour: "numeric", minute: "2-digit", hourCycle: "h12" })
    .format(instant)
    .replace(/\s?([AP])M$/i, (_match, letter: string) => ` ${letter.toLowerCase()}m`);
}

/** "7:00–8:30 pm", or "11:30 pm–12:30 am" across noon or midnight. */
export function timeRange(start: Date, end: Date, timeZone: string): string {
  const from = clock(start, timeZone);
  const to = clock(end, timeZone);
  const fromMeridiem = from.slice(-2);
  if (fromMeridiem === to.slice(-2)) return `${from.slice(0, -3)}–${to}`;
  return `${from}–${to}`;
}

/** "Tuesday, March 3" (and the year when it is not this year). */
export function dayName(instant: Date, timeZone: string, now = new Date()): string {
  const sameYear = wallTime(instant, timeZone).year === wallTime(now, timeZone).year;
  return formatter(timeZone, {
    weekday: "long",
    month: "long",
    day: "numeric",
    ...(sameYear ? {} : { year: "numeric" }),
  }).format(instant);
}

/** "Tue, Mar 3" (and the year when it is not this year): for tables on a phone. */
export function shortDayName(instant: Date, timeZone: string, now = new Date()): string {
  const sameYear = wallTime(instant, timeZone).year === wallTime(now, timeZone).year;
  return formatter(timeZone, {
    weekday: "short",
    month: "short",
    day: "numeric",
    ...(sameYear ? {} : { year: "numeric" }),
  }).format(instant);
}

/** "Tuesday, March 3, 7:00–8:30 pm". */
export function meetingTime(start: Date, end: Date, timeZone: string): string {
  return `${dayName(start, timeZone)}, ${timeRange(start, end, timeZone)}`;
}

/** "Chicago time", "UTC". */
export function zoneLabel(timeZone: string): string {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return "UTC";
  const city = timeZone.split("/").pop() ?? timeZone;
  return `${city.replaceAll("_", " ")} time`;
}

/** Whether two zones show the same clock at this instant. */
export function sameClock(instant: Date, zoneA: string, zoneB: string): boolean {
  if (zoneA === zoneB) return true;
  const a = wallTime(instant, zoneA);
  const b = wallTime(instant, zoneB);
  return a.day === b.day && a.hour === b.hour && a.minute === b.minute;
}

export interface ScheduleLike {
  frequency: string;
  weekdays: string[];
  start_time: string;
  duration_minutes: number;
  timezone: string;
  description: string;
}

function plural(weekday: string): string {
  return `${weekday.charAt(0).toUpperCase()}${weekday.slice(1)}s`;
}

function listInWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** The next instant this schedule's start falls on (for weekday shifts between zones). */
function referenceStart(schedule: ScheduleLike, now: Date): Date | null {
  const [hour, minute] = schedule.start_time.split(":").map(Number);
  if (hour === undefined || minute === undefined || Number.isNaN(hour) || Number.isNaN(minute)) {
    return null;
  }
  const today = wallTime(now, schedule.timezone);
  const wanted = schedule.weekdays.map((day) => WEEKDAYS.indexOf(day as WeekdayName)).filter((d) => d >= 0);
  for (let offset = 0; offset < 7; offset += 1) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    if (wanted.length === 0 || wanted.includes(date.getUTCDay())) {
      return zonedInstant(
        { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute },
        schedule.timezone,
      );
    }
  }
  return null;
}

export interface ScheduleWords {
  /** In the viewer's time: "Tuesdays, 7:00–8:30 pm your time". */
  yours: string;
  /** In the group's time, when that differs: "Tuesdays, 6:00–7:30 pm Chicago time". */
  groups: string | null;
}

/** A schedule in words, in the viewer's zone first. */
export function scheduleInWords(schedule: ScheduleLike, viewerZone: string, now = new Date()): ScheduleWords {
  const start = referenceStart(schedule, now);
  if (!start || sameClock(start, schedule.timezone, viewerZone)) {
    return { yours: schedule.description, groups: null };
  }
  const groups = `${schedule.description} ${zoneLabel(schedule.timezone)}`;
  const end = new Date(start.getTime() + schedule.duration_minutes * 60_000);
  const range = timeRange(start, end, viewerZone);
  const shift = wallTime(start, viewerZone).weekday - wallTime(start, schedule.timezone).weekday;
  const days = schedule.weekdays
    .map((day) => WEEKDAYS[(WEEKDAYS.indexOf(day as WeekdayName) + shift + 7) % 7])
    .filter((day): day is WeekdayName => day !== undefined);
  if (schedule.frequency === "weekly" && days.length > 0) {
    return { yours: `${listInWords(days.map(plural))}, ${range} your time`, groups };
  }
  if (schedule.frequency === "every_other_week" && days.length > 0) {
    const named = listInWords(days.map((day) => day.charAt(0).toUpperCase() + day.slice(1)));
    return { yours: `Every other ${named}, ${range} your time`, groups };
  }
  // Monthly and rarer rules: the group's words, and the clock time in the viewer's zone.
  return { yours: `${schedule.description} (${range} your time)`, groups };
}

export type MeetingPhase = "ended" | "in_progress" | "starts_soon" | "later";

/** In progress from the start to the end; "starts soon" in the last half hour before. */
export function meetingPhase(startsAt: string, endsAt: string, now = Date.now()): MeetingPhase {
  const start = Date.parse(startsAt);
  const end = Date.parse(endsAt);
  if (now >= end) return "ended";
  if (now >= start) return "in_progress";
  if (start - now <= 30 * 60_000) return "starts_soon";
  return "later";
}

/** The browser's zones, for pickers: every IANA zone this browser knows. */
export function knownTimeZones(): string[] {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const zones = supported ? supported("timeZone") : [];
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}
